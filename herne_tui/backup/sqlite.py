"""Backups and restores of the SQLite database through SQLite's online backup API.

(PostgreSQL databases are saved and restored by ``backup.postgres``; ``backup.run`` chooses
by the database URL.)

The backup API reads one consistent snapshot while others keep working (in WAL mode a reader
never blocks a writer). Written into a live database it replaces the content in one
transaction, so other processes with open connections see the old or the new database, never
a half-written one. A backup file is written under a temporary name, checked with
``PRAGMA integrity_check`` and only then moved into place.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from herne_tui.backup import portable
from herne_tui.backup.facts import BackupResult, DatabaseFacts, RestoreResult, inspect_file
from herne_tui.db.schema import ensure_folder, open_database
from herne_tui.db.snapshot import (
    connect_source,
    copy_database,
    fsync_dir,
    fsync_file,
    stamp,
    stamped_path,
)
from herne_tui.db.store import busy_timeout_default, resolve_url, sqlite_path
from herne_tui.errors import InvalidInput, SchemaError


def database_file(db: str | os.PathLike | None) -> Path:
    """The SQLite file behind ``--db`` (or the default); InvalidInput for other engines."""
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is None:
        raise InvalidInput(
            f"{url}: Sicherung und Wiederherstellung gibt es nur für "
            "SQLite-Dateien (für andere Datenbanken deren eigene Werkzeuge)"
        )
    return path


def backup_database(source: Path, dest: Path, *, force: bool = False) -> BackupResult:
    """Write a checked copy of the live database to ``dest`` (a folder gets a dated name)."""
    started = time.monotonic()
    if dest.is_dir():
        dest = dest / f"{source.stem}-{stamp()}.db"
    copy_database(source, dest, force=force)  # temporary name, checked, then renamed
    facts = inspect_file(dest)
    facts = DatabaseFacts(**{**facts.__dict__, "path": dest})
    return BackupResult(facts=facts, seconds=time.monotonic() - started)


def _save_before_restore(target: Path) -> Path:
    """A checked copy of the state a restore is about to replace, beside it."""
    saved = stamped_path(target, "vor-wiederherstellung")
    backup_database(target, saved)
    return saved


def restore_database(source: Path, target: Path) -> RestoreResult:
    """Replace the database at ``target`` by ``source``; the replaced state is saved first."""
    started = time.monotonic()
    facts = inspect_file(source)
    if target.exists() and target.resolve() == source.resolve():
        raise InvalidInput(f"{source} ist die Datenbank selbst: nichts wiederherzustellen")
    saved = None
    if target.exists():
        saved = _save_before_restore(target)
        _restore_into_live(source, target, saved)
    else:
        _restore_into_new(source, target)
    live = DatabaseFacts(**{**facts.__dict__, "path": target, "size": target.stat().st_size})
    return RestoreResult(facts=live, saved=saved, seconds=time.monotonic() - started)


def _restore_into_live(source: Path, target: Path, saved: Path) -> None:
    timeout = busy_timeout_default()
    try:
        with (
            closing(connect_source(source, read_only=True)) as src,
            closing(sqlite3.connect(target, timeout=timeout)) as dst,
        ):
            dst.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            # One step: the live file changes in one transaction (old or new, never half).
            src.backup(dst)
    except sqlite3.Error as exc:
        raise SchemaError(
            f"Wiederherstellung nach {target} fehlgeschlagen "
            f"({str(exc).splitlines()[0]}); der bisherige Stand ist "
            f"unverändert und zusätzlich gesichert in {saved}"
        ) from None


def _restore_into_new(source: Path, target: Path) -> None:
    ensure_folder(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with (
            closing(connect_source(source, read_only=True)) as src,
            closing(sqlite3.connect(tmp)) as dst,
        ):
            src.backup(dst)
        fsync_file(tmp)
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def restore_dump(target: Path, source: Path) -> RestoreResult:
    """A herne-tui dump (e.g. from PostgreSQL) into an SQLite file, in one transaction."""
    started = time.monotonic()
    facts, content = portable.inspect_dump(source)
    saved = _save_before_restore(target) if target.exists() else None
    database = open_database(str(target))
    try:
        portable.load_tables(database, content)
    finally:
        database.dispose()
    live = DatabaseFacts(**{**facts.__dict__, "path": target, "size": target.stat().st_size})
    return RestoreResult(facts=live, saved=saved, seconds=time.monotonic() - started)


__all__ = [
    "backup_database",
    "database_file",
    "restore_database",
    "restore_dump",
]
