"""A dialect-neutral copy of every herne-tui table: dump to a file, load in one transaction.

Used where the database engine's own tools are missing (``herne-tui backup`` on PostgreSQL
without ``pg_dump``) and to move a database between engines (``herne-tui restore`` of an
SQLite file into PostgreSQL). The file is gzip-compressed JSON::

    {"format": "herne-tui-dump", "format_version": 1, "schema_version": 2,
     "created": "2026-03-02T09:00:00+00:00",
     "tables": {"measure": {"columns": [...], "rows": [[...], ...]}, ...}}

Everything is read in one snapshot (``Database.read``) and loaded in one write transaction
(``Database.write``): other processes see the old or the new content, never a mix. A dump
holds exactly the tables of its schema version; it is loaded only into a database of the same
version (an older SQLite file is upgraded on a temporary copy first).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, Integer, Table, func, select, text
from sqlalchemy.orm import Session

from herne_tui import SCHEMA_VERSION
from herne_tui.backup.facts import DatabaseFacts
from herne_tui.db import models  # noqa: F401  (registers the tables on Base.metadata)
from herne_tui.db.models import Base, UtcDateTime
from herne_tui.db.snapshot import json_value
from herne_tui.db.store import Database
from herne_tui.errors import SchemaError, newer_schema

FORMAT = "herne-tui-dump"
FORMAT_VERSION = 1
GZIP_MAGIC = b"\x1f\x8b"


def tables() -> list[Table]:
    """Every herne-tui table, parents before children."""
    return list(Base.metadata.sorted_tables)


def _to_datetime(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _to_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _as_is(value: Any) -> Any:
    return value


def _typed(table: Table) -> dict[str, Callable[[Any], Any]]:
    """Column name → a function turning a JSON value back into the column's Python value."""
    out: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        if isinstance(column.type, UtcDateTime):
            out[column.name] = _to_datetime
        elif isinstance(column.type, Date):
            out[column.name] = _to_date
        else:
            out[column.name] = _as_is
    return out


def dump_tables(db: Database) -> dict:
    """Every row of every table, read in one snapshot, as a JSON-ready dict."""

    def run(session: Session) -> dict:
        conn = session.connection()
        version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'"))
        found = str(version.scalar())
        data: dict[str, Any] = {}
        for table in tables():
            names = [c.name for c in table.columns]
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(*table.columns).order_by(*order)).all()
            data[table.name] = {
                "columns": names,
                "rows": [[json_value(v) for v in row] for row in rows],
            }
        return {"schema_version": int(found) if found.isdigit() else 0, "tables": data}

    body = db.read(run)
    if body["schema_version"] != SCHEMA_VERSION:
        raise SchemaError(
            f"{db.where} hat Schema-Version {body['schema_version']}, erwartet "
            f"{SCHEMA_VERSION}: bitte erst einmal mit herne-tui öffnen"
        )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": body["schema_version"],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": body["tables"],
    }


def read_dump(path: Path) -> dict:
    """Read and check a dump file: format, schema version and the tables it must hold."""
    try:
        with gzip.open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise SchemaError(
            f"{path} ist keine lesbare herne-tui-Sicherung "
            f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SchemaError(f"{path} ist keine herne-tui-Sicherung (Format unbekannt)")
    if data.get("format_version") != FORMAT_VERSION:
        raise SchemaError(
            f"{path}: Sicherungsformat {data.get('format_version')} ist diesem "
            "herne-tui unbekannt: bitte herne-tui aktualisieren"
        )
    version = data.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise newer_schema(path, version, SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise SchemaError(
            f"{path} hat Schema-Version {version}, dieses herne-tui schreibt {SCHEMA_VERSION}: "
            "bitte mit der herne-tui-Version wiederherstellen, die sie geschrieben hat"
        )
    found = data.get("tables")
    got: dict = found if isinstance(found, dict) else {}
    missing = [t.name for t in tables() if t.name not in got]
    if missing:
        raise SchemaError(f"{path} ist unvollständig (Tabellen fehlen: {', '.join(missing)})")
    for table in tables():
        entry = got[table.name]
        if entry.get("columns") != [c.name for c in table.columns]:
            raise SchemaError(
                f"{path}: Spalten von {table.name} passen nicht zum Schema {SCHEMA_VERSION}"
            )
    return data


def counts(data: dict) -> dict[str, int]:
    """Rows per table in a dump."""
    return {name: len(entry["rows"]) for name, entry in data["tables"].items()}


def inspect_dump(path: Path) -> tuple[DatabaseFacts, dict]:
    """Check a herne-tui dump file; its facts and its content."""
    data = read_dump(path)
    n = counts(data)
    facts = DatabaseFacts(
        path=path,
        size=path.stat().st_size,
        schema_version=data["schema_version"],
        measures=n["measure"],
        notes=n["note"],
        history=n["history"],
    )
    return facts, data


def load_tables(db: Database, data: dict) -> None:
    """Replace every row of every table by the dump's, in one write transaction."""

    def run(session: Session) -> None:
        conn = session.connection()
        for table in reversed(tables()):
            conn.execute(table.delete())
        for table in tables():
            entry = data["tables"][table.name]
            convert = _typed(table)
            names = entry["columns"]
            rows = [
                {n: convert[n](v) for n, v in zip(names, row, strict=True)} for row in entry["rows"]
            ]
            if rows:
                conn.execute(table.insert(), rows)
        if db.is_postgres:
            for table in tables():
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement:
                    top = conn.execute(select(func.max(pk[0]))).scalar() or 0
                    conn.execute(
                        text("SELECT setval(pg_get_serial_sequence(:t, :c), :v, :on)"),
                        {"t": f'"{table.name}"', "c": pk[0].name, "v": max(top, 1), "on": top > 0},
                    )

    db.write(run)


__all__ = [
    "dump_tables",
    "read_dump",
    "inspect_dump",
    "load_tables",
    "counts",
    "tables",
    "FORMAT",
    "GZIP_MAGIC",
]
