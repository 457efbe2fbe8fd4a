"""``herne-tui backup`` and ``restore``: SQLite or PostgreSQL, chosen by the database URL."""

from __future__ import annotations

from pathlib import Path

from herne_tui.backup import portable
from herne_tui.backup.facts import BackupResult, DatabaseFacts, RestoreResult, inspect_file
from herne_tui.backup.postgres import Notice, backup_postgres, restore_postgres
from herne_tui.backup.postgres import inspect_source as inspect_for_postgres
from herne_tui.backup.sqlite import backup_database, database_file, restore_database, restore_dump
from herne_tui.db.schema import ensure_folder, open_database
from herne_tui.db.store import display_url, is_postgres, resolve_url
from herne_tui.errors import InvalidInput


def run_backup(
    db: str | None,
    dest: Path,
    *,
    force: bool = False,
    notice: Notice | None = None,
    export: bool = False,
) -> BackupResult:
    """``herne-tui backup``: SQLite's online backup, pg_dump, or (``export``) herne-tui's dump."""
    url = resolve_url(db)
    if is_postgres(url) or export:
        if not is_postgres(url) and not database_file(db).is_file():
            raise InvalidInput(f"{database_file(db)} gibt es nicht: nichts zu sichern")
        database = open_database(url, create=False)
        try:
            return backup_postgres(database, dest, force=force, notice=notice, export=export)
        finally:
            database.dispose()
    source = database_file(db)
    if not source.is_file():
        raise InvalidInput(f"{source} gibt es nicht: nichts zu sichern")
    return backup_database(source, dest, force=force)


def restore_target(db: str | None) -> str:
    """The database a restore would replace, as named to the user."""
    url = resolve_url(db)
    return display_url(url) if is_postgres(url) else str(database_file(db))


def inspect_source(db: str | None, source: Path) -> DatabaseFacts:
    """Check a backup for ``restore`` into the database ``db``; describe what it holds."""
    url = resolve_url(db)
    if is_postgres(url):
        return inspect_for_postgres(source, url)
    ensure_folder(database_file(db), create=False)  # refused before anything is asked
    if _is_dump(source):
        return portable.inspect_dump(source)[0]
    return inspect_file(source)


def _is_dump(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(2) == portable.GZIP_MAGIC
    except OSError:
        return False


def run_restore(db: str | None, source: Path, *, notice: Notice | None = None) -> RestoreResult:
    """``herne-tui restore``: replace the database ``db`` by a backup; upgrade it if older."""
    url = resolve_url(db)
    if is_postgres(url):
        database = open_database(url)
        try:
            result = restore_postgres(database, source, notice=notice)
        finally:
            database.dispose()
    elif _is_dump(source):
        result = restore_dump(database_file(db), source)
    else:
        result = restore_database(source, database_file(db))
    open_database(url).dispose()  # upgrades an older schema right away
    return result


__all__ = ["run_backup", "run_restore", "restore_target", "inspect_source"]
