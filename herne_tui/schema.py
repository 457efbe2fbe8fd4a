"""Schema version, numbered migrations, and opening a database safely.

A new database gets the current schema from the models. An older one is backed up next to
itself and upgraded step by step by the functions in ``MIGRATIONS`` (each one moves the schema
from ``n - 1`` to ``n`` in one transaction). A newer one is refused: this code does not know
what it would break.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, text
from sqlmodel import SQLModel

from herne_tui import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from herne_tui.errors import SchemaError
from herne_tui.store import Database, check_writable, resolve_url, system_clock

SCHEMA_VERSION = 1
"""The schema this code writes and understands."""

MIGRATIONS: dict[int, Callable[[Connection], None]] = {}
"""Migration to version n, applied to a database at version n - 1."""


def schema_version(db: Database) -> int | None:
    """The schema version stored in the database, or None for an empty database."""
    if not db.has_tables():
        return None
    with db.engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    return int(value) if value else 0


def backup_sqlite(source: Path, dest: Path) -> Path:
    """Copy a live SQLite database with SQLite's online backup (safe while others write)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(dest) as dst:
        src.backup(dst)
    dst.close()
    return dest


def _create(db: Database) -> None:
    SQLModel.metadata.create_all(db.engine)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"),
                     {"v": str(SCHEMA_VERSION)})


def _migrate(db: Database, found: int) -> Path | None:
    backup = None
    if db.path is not None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backup_sqlite(db.path, db.path.with_name(f"{db.path.name}.v{found}-{stamp}.bak"))
    for target in range(found + 1, SCHEMA_VERSION + 1):
        with db.engine.begin() as conn:
            MIGRATIONS[target](conn)
            conn.execute(text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
                         {"v": str(target)})
    return backup


def open_database(db: str | None = None, *, clock: Callable[[], datetime] = system_clock,
                  read_only: bool = False, create: bool = True) -> Database:
    """Open (and if needed create or upgrade) the database at a path or URL.

    Raises SchemaError with a one-line message when the database is newer than the code,
    cannot be created, or is not a herne-tui database.
    """
    url = resolve_url(db)
    database = Database(url, clock=clock, read_only=read_only)
    where = database.path or url
    if database.path is not None:
        if database.path.is_dir():
            raise SchemaError(f"{where} ist ein Verzeichnis: bitte eine Datei angeben (--db)")
        if not database.path.exists() and not create:
            raise SchemaError(f"{where} gibt es nicht: erst mit `herne-tui seed` anlegen")
        if not database.path.exists() and read_only:
            raise SchemaError(f"{where} gibt es nicht; im Nur-Lese-Modus wird nichts angelegt")
        if not read_only:
            try:
                database.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise SchemaError(f"{database.path.parent} kann nicht angelegt werden: "
                                  f"{exc.strerror}; bitte --db auf ein beschreibbares "
                                  "Verzeichnis setzen") from None
            if problem := check_writable(database.path):
                raise SchemaError(problem)
    try:
        found = schema_version(database)
        if found is None:
            if read_only:
                raise SchemaError(f"{where} enthält noch keine Daten (Nur-Lese-Modus)")
            _create(database)
        elif found > SCHEMA_VERSION:
            raise SchemaError(
                f"{where} hat Schema-Version {found}, dieses herne-tui kennt nur bis "
                f"{SCHEMA_VERSION}: bitte herne-tui aktualisieren (pip install -U herne-tui)"
            )
        elif found < SCHEMA_VERSION:
            if read_only:
                raise SchemaError(f"{where} hat ein altes Schema ({found}); bitte einmal ohne "
                                  "--read-only öffnen, damit es aktualisiert wird")
            _migrate(database, found)
    except SchemaError:
        database.dispose()
        raise
    except Exception as exc:  # sqlite3.DatabaseError: file is not a database, etc.
        database.dispose()
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise SchemaError(f"{where} ist keine lesbare herne-tui-Datenbank ({reason}); "
                          "bitte --db prüfen oder aus einer Sicherung wiederherstellen") from None
    return database
