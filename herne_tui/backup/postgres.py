"""Backups and restores of a PostgreSQL database: ``pg_dump`` where it is installed.

``backup_postgres`` writes a ``pg_dump`` archive (custom format) when ``pg_dump`` is on PATH
and matches the server; otherwise, with a notice, herne-tui's own dump (``portable``: every
table as gzip-compressed JSON, read in one snapshot). Either file is checked before it is
moved into place: the archive by reading it back with ``pg_restore``, the dump by parsing it.

``restore_postgres`` takes either kind of file, or an SQLite herne-tui database (to move from
SQLite to PostgreSQL). It first saves the current state with ``backup_postgres`` and then
replaces the content in one transaction: for an archive, ``pg_restore`` writes a script that
``psql --single-transaction`` runs after dropping herne-tui's tables; for a dump or an SQLite
file, ``portable.load_tables``. Other processes see the old or the new content, never a mix.

The password never appears on a command line: the tools get it as ``PGPASSWORD``.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from herne_tui.backup import portable
from herne_tui.backup.facts import (
    SQLITE_MAGIC,
    BackupResult,
    DatabaseFacts,
    RestoreResult,
    inspect_file,
)
from herne_tui.db.schema import open_database
from herne_tui.db.snapshot import (
    check_archive,
    copy_database,
    database_name,
    first_error,
    libpq_target,
    pg_dump,
    run_tool,
    tool,
    unique_path,
    write_gzip_json,
)
from herne_tui.db.store import PG_WRITE_LOCK, Database
from herne_tui.errors import InvalidInput, SchemaError
from herne_tui.files import check_target, publish, temporary_beside, write_error
from herne_tui.paths import default_db_path

ARCHIVE_MAGIC = b"PGDMP"

Notice = Callable[[str], None]


def inspect_archive(path: Path, url: str) -> DatabaseFacts:
    """Check that a pg_dump archive holds a herne-tui database this code can open; count rows."""
    version, counted = check_archive(path, url)
    return DatabaseFacts(
        path=path,
        size=path.stat().st_size,
        schema_version=version,
        measures=counted["measure"],
        notes=counted["note"],
        history=counted["history"],
    )


def kind_of(path: Path) -> str:
    """``archive`` (pg_dump), ``dump`` (herne-tui JSON) or ``sqlite``; InvalidInput otherwise."""
    if not path.exists():
        raise InvalidInput(f"{path} gibt es nicht")
    if not path.is_file():
        raise InvalidInput(f"{path} ist keine Datei")
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(ARCHIVE_MAGIC):
        return "archive"
    if head.startswith(portable.GZIP_MAGIC):
        return "dump"
    if head == SQLITE_MAGIC:
        return "sqlite"
    raise SchemaError(
        f"{path} ist weder ein pg_dump-Archiv noch eine herne-tui-Sicherung noch "
        "eine SQLite-Datenbank"
    )


def inspect_source(path: Path, url: str) -> DatabaseFacts:
    """Check any file ``restore`` accepts for PostgreSQL and describe it."""
    kind = kind_of(path)
    if kind == "archive":
        return inspect_archive(path, url)
    if kind == "dump":
        return portable.inspect_dump(path)[0]
    return inspect_file(path)


# -- backup --------------------------------------------------------------------------------------
def backup_postgres(
    db: Database,
    dest: Path,
    *,
    force: bool = False,
    notice: Notice | None = None,
    export: bool = False,
) -> BackupResult:
    """Write a checked backup of a PostgreSQL database (pg_dump archive, else a dump).

    ``export=True`` always writes herne-tui's own dump (also for SQLite databases): the
    engine-neutral file that ``restore`` loads into SQLite and PostgreSQL alike.
    """
    started = time.monotonic()
    use_pg_dump = tool("pg_dump") is not None and not export
    if dest.is_dir():
        dest = unique_path(dest, database_name(db), "dump" if use_pg_dump else "json.gz")
    check_target(dest, database=db.path, force=force)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with temporary_beside(dest) as tmp:
        try:
            why_not = (
                pg_dump(db, tmp)
                if use_pg_dump
                else (None if export else "pg_dump ist nicht installiert")
            )
            if use_pg_dump and why_not is None:
                facts = inspect_archive(tmp, db.url)
                how = "pg_dump-Archiv, mit pg_restore geprüft"
            else:
                if notice is not None and why_not is not None:
                    notice(
                        f"Hinweis: {why_not}; Sicherung stattdessen als herne-tui-Export "
                        "aller Tabellen (JSON, gzip), wiederherstellbar mit herne-tui restore"
                    )
                facts = _write_export(db, tmp)
                how = "herne-tui-Export, gelesen und geprüft"
        except OSError as exc:
            raise write_error(exc, dest) from None
        publish(tmp, dest, force=force)
    facts = DatabaseFacts(**{**facts.__dict__, "path": dest})
    return BackupResult(facts=facts, seconds=time.monotonic() - started, check=how)


def _write_export(db: Database, tmp: Path) -> DatabaseFacts:
    """herne-tui's own dump of every table, read back and checked."""
    write_gzip_json(portable.dump_tables(db), tmp)
    return portable.inspect_dump(tmp)[0]


# -- restore ---------------------------------------------------------------------------------
def _saved_folder(source: Path) -> Path:
    folder = source.parent
    if os.access(folder, os.W_OK | os.X_OK):
        return folder
    fallback = default_db_path().parent / "sicherungen"
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def _restore_archive(db: Database, source: Path) -> None:
    uri, env = libpq_target(db.url)
    restore, psql = tool("pg_restore"), tool("psql")
    if restore is None or psql is None:
        raise InvalidInput(
            f"{source} ist ein pg_dump-Archiv: zum Wiederherstellen werden "
            "pg_restore und psql gebraucht (apt-get install postgresql-client)"
        )
    script = run_tool(
        [
            restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--file=-",
            str(source),
        ],
        env,
    )
    if script.returncode != 0:
        raise SchemaError(
            f"{source} ist kein lesbares pg_dump-Archiv ({first_error(script.stderr)})"
        )
    ours = ", ".join(f'"{t.name}"' for t in portable.tables())
    prelude = (
        f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK});\nDROP TABLE IF EXISTS {ours} CASCADE;\n"
    ).encode()
    out = run_tool(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--dbname={uri}",
        ],
        env,
        stdin=prelude + script.stdout,
    )
    if out.returncode != 0:
        raise SchemaError(
            f"Wiederherstellung nach {db.where} fehlgeschlagen "
            f"({first_error(out.stderr)}); nichts geändert"
        )


def _sqlite_content(source: Path) -> dict:
    """Every table of an SQLite herne-tui file, upgraded to this schema on a temporary copy."""
    with tempfile.TemporaryDirectory(prefix="herne-restore-") as folder:
        copy = copy_database(source, Path(folder) / "quelle.db")
        src = open_database(str(copy))
        try:
            return portable.dump_tables(src)
        finally:
            src.dispose()


def _has_data(db: Database) -> bool:
    from sqlalchemy import func, select

    from herne_tui.db.models import HistoryRow

    return bool(db.read(lambda s: s.scalars(select(func.count()).select_from(HistoryRow)).one()))


def restore_postgres(db: Database, source: Path, *, notice: Notice | None = None) -> RestoreResult:
    """Replace a PostgreSQL database's content by a backup; the replaced state is saved first."""
    started = time.monotonic()
    kind = kind_of(source)
    facts = inspect_source(source, db.url)
    content: dict | None = None  # None: an archive, restored by pg_restore and psql
    if kind == "dump":
        content = portable.inspect_dump(source)[1]
    elif kind == "sqlite":
        content = _sqlite_content(source)
    saved = None
    if _has_data(db):
        folder = _saved_folder(source)
        dest = unique_path(
            folder,
            f"{database_name(db)}.vor-wiederherstellung",
            "dump" if tool("pg_dump") else "json.gz",
        )
        saved = backup_postgres(db, dest, notice=notice).facts.path
    try:
        if content is None:
            _restore_archive(db, source)
        else:
            portable.load_tables(db, content)
    except SchemaError as exc:
        kept = f"; der bisherige Stand ist zusätzlich gesichert in {saved}" if saved else ""
        raise SchemaError(f"{exc.message}{kept}") from None
    return RestoreResult(facts=facts, saved=saved, seconds=time.monotonic() - started)


__all__ = [
    "backup_postgres",
    "restore_postgres",
    "inspect_source",
    "inspect_archive",
    "kind_of",
]
