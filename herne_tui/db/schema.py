"""Schema version, numbered migrations, and opening a database safely.

A new database gets the current schema from the models. An older one is saved first
(``snapshot.backup_before_upgrade``) and upgraded step by step by the functions in
``MIGRATIONS`` (each one moves the schema from ``n - 1`` to ``n`` in one transaction). A newer
one is refused: this code does not know what it would break.

Creating and upgrading take the write lock first (``BEGIN IMMEDIATE``; on PostgreSQL the
writers' advisory lock) and look at the version again under it, so several processes opening
the same database at once create or upgrade it exactly once. On PostgreSQL, DDL is
transactional: a migration is applied completely or not at all; the copy made before it lies
in the user data directory's ``sicherungen/`` (an SQLite file's lies beside the file).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError

from herne_tui import SCHEMA_VERSION  # defined ORM-free, for the quick start
from herne_tui.db import (
    models,  # noqa: F401  (registers the tables on Base.metadata)
    pgrights,
)
from herne_tui.db.models import Base
from herne_tui.db.snapshot import backup_before_upgrade
from herne_tui.db.store import Database, check_readable, is_refused, resolve_url
from herne_tui.errors import HerneError, SchemaError, newer_schema
from herne_tui.paths import check_writable, default_db_path, system_clock

MIGRATIONS: dict[int, Callable[[Connection], None]] = {}
"""Migration to version n, applied to a database at version n - 1.

Each runs inside one write transaction (foreign keys on) and must not commit itself; the
version in ``meta`` is updated in the same transaction. Register one per bump of
``SCHEMA_VERSION``; the test fixture ``tests/fixtures/schema-v1.db`` must keep opening.
"""


def _v2_coalition_procedures(conn: Connection) -> None:
    """Schema 2: motions and papers, the partners' positions, dissents (issue 6)."""
    for name in ("paper", "position", "dissent"):  # parents first
        Base.metadata.tables[name].create(conn, checkfirst=True)


MIGRATIONS[2] = _v2_coalition_procedures

V3_TABLES: tuple[str, ...] = (
    # the RIS mirror (issue 13)
    "ris_source",
    "ris_organization",
    "ris_person",
    "ris_membership",
    "ris_meeting",
    "ris_agenda_item",
    "ris_paper",
    "ris_consultation",
    "ris_file",
    "ris_link",
    # users and proposals (issue 14)
    "app_user",
    "proposal",
)
"""Tables schema 3 adds, parents first: the RIS mirror (issue 13), users and proposals (issue
14), saved views (issue 16). Each new table's name goes here; ``create`` skips existing ones."""

V3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("note", "intern"),  # issue 14: internal notes
    ("measure", "origin"),  # issue 14: whose programme a measure came from
)
"""``(table, column)`` pairs schema 3 adds to tables that existed in schema 2. Such a column
must be nullable or carry a ``server_default``, so that existing rows stay valid."""


def _add_column(conn: Connection, table: str, column: str) -> None:
    """``ALTER TABLE … ADD COLUMN`` for a column of the models, on any engine."""
    col = Base.metadata.tables[table].c[column]
    if column in {c["name"] for c in inspect(conn).get_columns(table)}:
        return
    ddl = f"ALTER TABLE {table} ADD COLUMN {column} {col.type.compile(dialect=conn.dialect)}"
    if col.server_default is not None:
        ddl += f" DEFAULT {col.server_default.arg}"  # type: ignore[attr-defined]
    if not col.nullable:
        ddl += " NOT NULL"
    conn.execute(text(ddl))


def _v3_council_roles_views(conn: Connection) -> None:
    """Schema 3: the RIS mirror, users and proposals, saved views (issues 13, 14, 16)."""
    for name in V3_TABLES:
        Base.metadata.tables[name].create(conn, checkfirst=True)
    for table, column in V3_COLUMNS:
        _add_column(conn, table, column)


MIGRATIONS[3] = _v3_council_roles_views


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


def _create(db: Database) -> None:
    with db.write_engine().begin() as conn:
        if inspect(conn).has_table("meta"):  # another process created it meanwhile
            return
        Base.metadata.create_all(conn)
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
            with db.write_engine().begin() as conn:
                current = _read_version(conn) or 0
                if current >= target:  # another process upgraded it meanwhile
                    continue
                if backup is None:
                    backup = backup_before_upgrade(db, current)
                step(conn)
                conn.execute(
                    text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
                    {"v": str(target)},
                )
                _regrant(conn)
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


def _regrant(conn: Connection) -> None:
    """PostgreSQL with the server's rights on (``users pg-setup``): the users' grants again,
    so a table or column a migration added is covered too."""
    if conn.dialect.name != "postgresql" or not inspect(conn).has_table("app_user"):
        return
    rows = conn.execute(text("SELECT name, role FROM app_user")).all()
    pgrights.regrant_all(conn, [(str(n), str(r)) for n, r in rows])


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
    database = Database(resolve_url(db), clock=clock, read_only=read_only)
    if database.path is not None:
        _check_file(database, database.path, create=create)
    try:
        _prepare_schema(database, create=create)
    except HerneError:
        database.dispose()
        raise
    except Exception as exc:  # sqlite3.DatabaseError: file is not a database, etc.
        database.dispose()
        raise _unreadable(database, exc) from None
    return database


def _check_file(database: Database, path: Path, *, create: bool) -> None:
    """Refuse an SQLite file that cannot be opened as asked, before anything touches it."""
    where = database.where
    if path.is_dir():
        raise SchemaError(f"{where} ist ein Verzeichnis: bitte eine Datei angeben (--db)")
    if not path.exists() and database.read_only:
        raise SchemaError(f"{where} gibt es nicht; im Nur-Lese-Modus wird nichts angelegt")
    if not path.exists() and not create:
        raise SchemaError(
            f"{where} gibt es nicht: --db prüfen oder die Datenbank erst mit "
            f"`herne-tui seed --db {where}` anlegen"
        )
    if database.read_only:
        if problem := check_readable(path):
            raise SchemaError(problem)
        return
    ensure_folder(path)
    if problem := check_writable(path):
        raise SchemaError(problem)


def ensure_folder(path: Path, *, create: bool = True) -> None:
    """Make sure the folder for the SQLite file ``path`` exists (``create=False``: only check).

    Only the default data directory is created (a first start needs no preparation); any
    other missing folder is refused, so a mistyped ``--db`` never leaves new folders behind.
    """
    folder = path.parent
    if folder.is_dir():
        return
    if path != default_db_path().expanduser().absolute():
        raise SchemaError(
            f"Ordner {folder} gibt es nicht: --db prüfen oder den Ordner erst anlegen "
            f"(mkdir -p {folder})"
        )
    if not create:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SchemaError(
            f"{folder} kann nicht angelegt werden: {exc.strerror}; bitte --db auf ein "
            "beschreibbares Verzeichnis setzen"
        ) from None


def _found_version(database: Database) -> int | None:
    """The stored schema version; refuses tables without one (someone else's database)."""
    found = schema_version(database)
    if found is None and inspect(database.engine).get_table_names():
        # tables but no version: either another process has just created the schema
        # (read again), or these are someone else's tables (refused)
        found = schema_version(database)
        if found is None:
            raise SchemaError(
                f"{database.where} ist keine herne-tui-Datenbank (fremde Tabellen, "
                "keine Schema-Version): bitte --db prüfen"
            )
    return found


def _prepare_schema(database: Database, *, create: bool) -> None:
    """Create, upgrade or accept the schema as found; refuse what this code cannot use."""
    where = database.where
    found = _found_version(database)
    if found is None:
        if not create and database.path is None:
            raise SchemaError(
                f"{where} enthält noch keine herne-tui-Daten: erst mit `herne-tui seed` anlegen"
            )
        if database.read_only:
            raise SchemaError(f"{where} enthält noch keine Daten (Nur-Lese-Modus)")
        database.use_wal()
        _create(database)
    elif found == 0:
        raise SchemaError(
            f"{where} hat keine Schema-Version: keine herne-tui-Datenbank? Bitte --db prüfen"
        )
    elif found > SCHEMA_VERSION:
        raise newer_schema(where, found, SCHEMA_VERSION)
    elif found < SCHEMA_VERSION:
        if database.read_only:
            raise SchemaError(
                f"{where} hat ein altes Schema ({found}); bitte einmal ohne "
                "--read-only öffnen, damit es aktualisiert wird"
            )
        database.use_wal()
        database.migration_backup = _migrate(database, found)
    else:
        database.use_wal()


def _unreadable(database: Database, exc: Exception) -> Exception:
    """The one-line error for a database that failed while being read."""
    if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and is_refused(exc)):
        explained = database.explain(exc)  # locked, read-only, unreachable
        if isinstance(explained, HerneError):
            return explained
    reason = str(getattr(exc, "orig", exc)).splitlines()[0]
    return SchemaError(
        f"{database.where} ist keine lesbare herne-tui-Datenbank ({reason}); "
        "bitte --db prüfen oder aus einer Sicherung wiederherstellen"
    )
