"""Backups and restores of the SQLite database through SQLite's online backup API.

(PostgreSQL databases are saved and restored by ``pgbackup``; ``run_backup`` and
``run_restore`` choose by the database URL.)

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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from herne_tui.db.store import (
    busy_timeout_default,
    display_url,
    is_postgres,
    read_only_uri,
    resolve_url,
    sqlite_path,
)
from herne_tui.errors import InvalidInput, SchemaError

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


def stamped_path(path: Path, label: str) -> Path:
    """A not yet existing file next to ``path``: ``NAME.LABEL-YYYYMMDD-HHMMSS.bak``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{n}.bak")
        n += 1
    return candidate


def _connect_source(path: Path, *, read_only: bool) -> sqlite3.Connection:
    timeout = busy_timeout_default()
    if read_only:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=timeout)
    else:
        conn = sqlite3.connect(path, timeout=timeout)
        conn.execute("PRAGMA query_only = ON")
    return conn


def copy_database(source: Path, dest: Path) -> Path:
    """Copy a (live) SQLite file into a new single file ``dest`` with the online backup API."""
    if not source.is_file():
        raise InvalidInput(f"{source} gibt es nicht: nichts zu sichern")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(_connect_source(source, read_only=False)) as src,
        closing(sqlite3.connect(dest)) as dst,
    ):
        src.backup(dst)  # one step: a consistent snapshot, writers are not blocked
        dst.execute("PRAGMA journal_mode = DELETE")  # the copy is one self-contained file
    _fsync(dest)
    return dest


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def inspect_file(path: Path) -> DatabaseFacts:
    """Check that a file is a healthy herne-tui database this code can open; count its rows."""
    from herne_tui.db.schema import SCHEMA_VERSION

    if not path.exists():
        raise InvalidInput(f"{path} gibt es nicht")
    if not path.is_file():
        raise InvalidInput(f"{path} ist keine Datei")
    with open(path, "rb") as f:
        if f.read(16) != SQLITE_MAGIC:
            raise SchemaError(f"{path} ist keine SQLite-Datenbank")
    try:
        with closing(_connect_source(path, read_only=True)) as conn:
            check = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchmany(3)]
            if check != ["ok"]:
                raise SchemaError(
                    f"{path} ist beschädigt (integrity_check: {'; '.join(map(str, check))})"
                )
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not {"meta", "measure", "note", "history"} <= tables:
                raise SchemaError(f"{path} ist keine herne-tui-Datenbank (Tabellen fehlen)")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None or not str(row[0]).isdigit():
                raise SchemaError(f"{path} ist keine herne-tui-Datenbank (keine Schema-Version)")
            version = int(row[0])
            if version > SCHEMA_VERSION:
                raise SchemaError(
                    f"{path} hat Schema-Version {version}, dieses herne-tui kennt nur bis "
                    f"{SCHEMA_VERSION}: bitte herne-tui aktualisieren (pip install -U herne-tui)"
                )
            counts = [
                conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("measure", "note", "history")
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


def backup_database(source: Path, dest: Path, *, force: bool = False) -> BackupResult:
    """Write a checked copy of the live database to ``dest`` (a folder gets a dated name)."""
    started = time.monotonic()
    if dest.is_dir():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        dest = dest / f"{source.stem}-{stamp}.db"
    if dest.exists() and not force:
        raise InvalidInput(f"{dest} gibt es schon: anderen Namen wählen oder --force angeben")
    if dest.exists() and dest.resolve() == source.resolve():
        raise InvalidInput(f"{dest} ist die Datenbank selbst: bitte ein anderes Ziel angeben")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        copy_database(source, tmp)
        facts = inspect_file(tmp)
        if force:
            os.replace(tmp, dest)
        else:
            try:
                os.link(tmp, dest)  # never overwrites, even when someone raced us
            except FileExistsError:
                raise InvalidInput(
                    f"{dest} gibt es schon: anderen Namen wählen oder --force angeben"
                ) from None
            except OSError:  # file systems without hard links
                if dest.exists():
                    raise InvalidInput(
                        f"{dest} gibt es schon: anderen Namen wählen oder --force angeben"
                    ) from None
                os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
    facts = DatabaseFacts(**{**facts.__dict__, "path": dest})
    return BackupResult(facts=facts, seconds=time.monotonic() - started)


def restore_database(source: Path, target: Path) -> RestoreResult:
    """Replace the database at ``target`` by ``source``; the replaced state is saved first."""
    started = time.monotonic()
    facts = inspect_file(source)
    if target.exists() and target.resolve() == source.resolve():
        raise InvalidInput(f"{source} ist die Datenbank selbst: nichts wiederherzustellen")
    saved = None
    if target.exists():
        saved = stamped_path(target, "vor-wiederherstellung")
        backup_database(target, saved)
        timeout = busy_timeout_default()
        try:
            with (
                closing(_connect_source(source, read_only=True)) as src,
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
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with (
                closing(_connect_source(source, read_only=True)) as src,
                closing(sqlite3.connect(tmp)) as dst,
            ):
                src.backup(dst)
            _fsync(tmp)
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        finally:
            tmp.unlink(missing_ok=True)
    live = DatabaseFacts(**{**facts.__dict__, "path": target, "size": target.stat().st_size})
    return RestoreResult(facts=live, saved=saved, seconds=time.monotonic() - started)


# -- either engine --------------------------------------------------------------------------
def run_backup(
    db: str | None, dest: Path, *, force: bool = False, notice=None, export: bool = False
) -> BackupResult:
    """``herne-tui backup``: SQLite's online backup, pg_dump, or (``export``) herne-tui's dump."""
    url = resolve_url(db)
    if is_postgres(url) or export:
        from herne_tui.backup.postgres import backup_postgres
        from herne_tui.db.schema import open_database

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
        from herne_tui.backup.postgres import inspect_source as inspect_for_postgres

        return inspect_for_postgres(source, url)
    database_file(db)
    if _is_dump(source):
        from herne_tui.backup.postgres import inspect_dump

        return inspect_dump(source)[0]
    return inspect_file(source)


def _is_dump(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(2) == b"\x1f\x8b"
    except OSError:
        return False


def run_restore(db: str | None, source: Path, *, notice=None) -> RestoreResult:
    """``herne-tui restore``: replace the database ``db`` by a backup; upgrade it if older."""
    from herne_tui.db.schema import open_database

    url = resolve_url(db)
    if is_postgres(url):
        from herne_tui.backup.postgres import restore_postgres

        database = open_database(url)
        try:
            result = restore_postgres(database, source, notice=notice)
        finally:
            database.dispose()
    elif _is_dump(source):
        result = _restore_dump_into_sqlite(database_file(db), source)
    else:
        result = restore_database(source, database_file(db))
    open_database(url).dispose()  # upgrades an older schema right away
    return result


def _restore_dump_into_sqlite(target: Path, source: Path) -> RestoreResult:
    """A herne-tui dump (e.g. from PostgreSQL) into an SQLite file, in one transaction."""
    from herne_tui.backup import portable
    from herne_tui.backup.postgres import inspect_dump
    from herne_tui.db.schema import open_database

    started = time.monotonic()
    facts, content = inspect_dump(source)
    saved = None
    if target.exists():
        saved = stamped_path(target, "vor-wiederherstellung")
        backup_database(target, saved)
    database = open_database(str(target))
    try:
        portable.load_tables(database, content)
    finally:
        database.dispose()
    live = DatabaseFacts(**{**facts.__dict__, "path": target, "size": target.stat().st_size})
    return RestoreResult(facts=live, saved=saved, seconds=time.monotonic() - started)


__all__ = [
    "DatabaseFacts",
    "BackupResult",
    "RestoreResult",
    "backup_database",
    "restore_database",
    "copy_database",
    "inspect_file",
    "database_file",
    "stamped_path",
    "format_size",
    "run_backup",
    "run_restore",
    "restore_target",
    "inspect_source",
]
