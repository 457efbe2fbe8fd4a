"""Schema version, numbered migrations, and opening a database safely.

A new database gets the current schema from the models. An older one is backed up next to
itself and upgraded step by step by the functions in ``MIGRATIONS`` (each one moves the schema
from ``n - 1`` to ``n`` in one transaction). A newer one is refused: this code does not know
what it would break.

Creating and upgrading take the write lock first (``BEGIN IMMEDIATE``; on PostgreSQL the
writers' advisory lock) and look at the version again under it, so several processes opening
the same database at once create or upgrade it exactly once. On PostgreSQL, DDL is
transactional: a migration is applied completely or not at all; the backup made before it is
a ``herne-tui backup`` of the database in the user data directory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

from herne_tui import SCHEMA_VERSION  # defined ORM-free, for the quick start
from herne_tui.backup.sqlite import copy_database, stamped_path
from herne_tui.db import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from herne_tui.db.store import (
    Database,
    check_readable,
    check_writable,
    resolve_url,
    system_clock,
)
from herne_tui.errors import HerneError, SchemaError

MIGRATIONS: dict[int, Callable[[Connection], None]] = {}
"""Migration to version n, applied to a database at version n - 1.

Each runs inside one write transaction (foreign keys on) and must not commit itself; the
version in ``meta`` is updated in the same transaction. Register one per bump of
``SCHEMA_VERSION``; the test fixture ``tests/fixtures/schema-v1.db`` must keep opening.
"""


def _v2_coalition_procedures(conn: Connection) -> None:
    """Schema 2: motions and papers, the partners' positions, dissents (issue 6)."""
    from herne_tui.db.models import DissentRow, PaperRow, PositionRow

    for model in (PaperRow, PositionRow, DissentRow):
        model.__table__.create(conn, checkfirst=True)


MIGRATIONS[2] = _v2_coalition_procedures


def _read_version(conn: Connection) -> int | None:
    if not inspect(conn).has_table("meta"):
        return None
    value = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    return int(value) if value and str(value).isdigit() else 0


def schema_version(db: Database) -> int | None:
    """The schema version stored in the database, or None for an empty database."""
    if not db.has_tables():
        return None
    with db.engine.connect() as conn:
        return _read_version(conn)


def backup_sqlite(source: Path, dest: Path) -> Path:
    """Copy a live SQLite database with SQLite's online backup (safe while others write)."""
    return copy_database(source, dest)


def _locked_engine(db: Database):
    return db.write_engine()


def _backup_before_upgrade(db: Database, found: int) -> Path | None:
    if db.path is not None:
        return copy_database(db.path, stamped_path(db.path, f"v{found}"))
    if db.is_postgres:
        from herne_tui.backup.postgres import backup_before_upgrade

        return backup_before_upgrade(db, f"v{found}")
    return None


def _create(db: Database) -> None:
    with _locked_engine(db).begin() as conn:
        if inspect(conn).has_table("meta"):  # another process created it meanwhile
            return
        SQLModel.metadata.create_all(conn)
        conn.execute(
            text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"),
            {"v": str(SCHEMA_VERSION)},
        )


def _migrate(db: Database, found: int) -> Path | None:
    where = db.where
    backup = None
    for target in range(found + 1, SCHEMA_VERSION + 1):
        step = MIGRATIONS.get(target)
        if step is None:
            raise SchemaError(
                f"{where}: keine Migration auf Schema-Version {target} bekannt; "
                "bitte herne-tui neu installieren"
            )
        try:
            with _locked_engine(db).begin() as conn:
                current = _read_version(conn) or 0
                if current >= target:  # another process upgraded it meanwhile
                    continue
                if backup is None:
                    backup = _backup_before_upgrade(db, current)
                step(conn)
                conn.execute(
                    text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
                    {"v": str(target)},
                )
        except HerneError:
            raise
        except Exception as exc:
            reason = str(getattr(exc, "orig", exc)).splitlines()[0]
            saved = f"; Sicherung: {backup}" if backup else ""
            raise SchemaError(
                f"{where}: Aktualisierung auf Schema-Version {target} "
                f"fehlgeschlagen ({reason}); Stand bleibt Version "
                f"{target - 1}{saved}"
            ) from None
    return backup


def open_database(
    db: str | None = None,
    *,
    clock: Callable[[], datetime] = system_clock,
    read_only: bool = False,
    create: bool = True,
) -> Database:
    """Open (and if needed create or upgrade) the database at a path or URL.

    Raises SchemaError with a one-line message when the database is newer than the code,
    cannot be created, or is not a herne-tui database.
    """
    url = resolve_url(db)
    database = Database(url, clock=clock, read_only=read_only)
    where = database.where
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
                raise SchemaError(
                    f"{database.path.parent} kann nicht angelegt werden: "
                    f"{exc.strerror}; bitte --db auf ein beschreibbares "
                    "Verzeichnis setzen"
                ) from None
            if problem := check_writable(database.path):
                raise SchemaError(problem)
        elif problem := check_readable(database.path):
            raise SchemaError(problem)
    try:
        found = schema_version(database)
        if found is None and inspect(database.engine).get_table_names():
            # tables but no version: either another process has just created the schema
            # (read again), or these are someone else's tables (refused below)
            found = schema_version(database)
            if found is None:
                raise SchemaError(
                    f"{where} ist keine herne-tui-Datenbank (fremde Tabellen, "
                    "keine Schema-Version): bitte --db prüfen"
                )
        if found is None and not create and database.path is None:
            raise SchemaError(
                f"{where} enthält noch keine herne-tui-Daten: erst mit `herne-tui seed` anlegen"
            )
        if found is None:
            if read_only:
                raise SchemaError(f"{where} enthält noch keine Daten (Nur-Lese-Modus)")
            database.use_wal()
            _create(database)
        elif found == 0:
            raise SchemaError(
                f"{where} hat keine Schema-Version: keine herne-tui-Datenbank? Bitte --db prüfen"
            )
        elif found > SCHEMA_VERSION:
            raise SchemaError(
                f"{where} hat Schema-Version {found}, dieses herne-tui kennt nur bis "
                f"{SCHEMA_VERSION}: bitte herne-tui aktualisieren (pip install -U herne-tui)"
            )
        elif found < SCHEMA_VERSION:
            if read_only:
                raise SchemaError(
                    f"{where} hat ein altes Schema ({found}); bitte einmal ohne "
                    "--read-only öffnen, damit es aktualisiert wird"
                )
            database.use_wal()
            database.migration_backup = _migrate(database, found)
        else:
            database.use_wal()
    except HerneError:
        database.dispose()
        raise
    except OperationalError as exc:
        database.dispose()
        explained = database.explain(exc)
        if isinstance(explained, HerneError):
            raise explained from None
        reason = str(exc.orig).splitlines()[0]
        raise SchemaError(
            f"{where} ist keine lesbare herne-tui-Datenbank ({reason}); "
            "bitte --db prüfen oder aus einer Sicherung wiederherstellen"
        ) from None
    except Exception as exc:  # sqlite3.DatabaseError: file is not a database, etc.
        database.dispose()
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise SchemaError(
            f"{where} ist keine lesbare herne-tui-Datenbank ({reason}); "
            "bitte --db prüfen oder aus einer Sicherung wiederherstellen"
        ) from None
    return database
