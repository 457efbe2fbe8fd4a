"""What a backup holds and how a backup or restore went – the same for every engine.

``inspect_file`` checks an SQLite herne-tui file (a backup, or a source to restore from);
``DatabaseFacts`` describes any checked file in one German line.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from herne_tui import SCHEMA_VERSION
from herne_tui.db.snapshot import COUNTED_TABLES, connect_source, require_tables
from herne_tui.errors import InvalidInput, SchemaError, newer_schema

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class DatabaseFacts:
    """What a database file holds: size, schema version and a few counts."""

    path: Path
    size: int
    schema_version: int
    measures: int
    notes: int
    history: int

    def summary(self) -> str:
        """One German line: size, schema version and counts."""
        return (
            f"{format_size(self.size)}, Schema {self.schema_version}, "
            f"{self.measures} Maßnahmen, {self.notes} Notizen, "
            f"{self.history} Verlaufseinträge"
        )


@dataclass(frozen=True)
class BackupResult:
    """A finished backup: the checked copy and how long it took."""

    facts: DatabaseFacts
    seconds: float
    check: str = "integrity_check ok"
    """How the copy was checked, for the user (German)."""


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore: what is live now and where the replaced state was saved."""

    facts: DatabaseFacts
    saved: Path | None
    seconds: float


def format_size(size: int) -> str:
    """A byte count the German way (``812 kB``, ``1,4 MB``)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def inspect_file(path: Path) -> DatabaseFacts:
    """Check that a file is a healthy herne-tui database this code can open; count its rows."""
    if not path.exists():
        raise InvalidInput(f"{path} gibt es nicht")
    if not path.is_file():
        raise InvalidInput(f"{path} ist keine Datei")
    with open(path, "rb") as f:
        if f.read(16) != SQLITE_MAGIC:
            raise SchemaError(f"{path} ist keine SQLite-Datenbank")
    try:
        with closing(connect_source(path, read_only=True)) as conn:
            check = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchmany(3)]
            if check != ["ok"]:
                raise SchemaError(
                    f"{path} ist beschädigt (integrity_check: {'; '.join(map(str, check))})"
                )
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            require_tables(path, tables)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None or not str(row[0]).isdigit():
                raise SchemaError(f"{path} ist keine herne-tui-Datenbank (keine Schema-Version)")
            version = int(row[0])
            if version > SCHEMA_VERSION:
                raise newer_schema(path, version, SCHEMA_VERSION)
            counts = [
                conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES
            ]
    except sqlite3.Error as exc:
        raise SchemaError(f"{path} ist nicht lesbar ({str(exc).splitlines()[0]})") from None
    return DatabaseFacts(
        path=path,
        size=path.stat().st_size,
        schema_version=version,
        measures=counts[0],
        notes=counts[1],
        history=counts[2],
    )


__all__ = [
    "SQLITE_MAGIC",
    "BackupResult",
    "DatabaseFacts",
    "RestoreResult",
    "format_size",
    "inspect_file",
]
