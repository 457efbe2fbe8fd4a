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
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from sqlalchemy.engine import make_url

from herne_tui.backup import portable
from herne_tui.backup.sqlite import (
    SQLITE_MAGIC,
    BackupResult,
    DatabaseFacts,
    RestoreResult,
    inspect_file,
)
from herne_tui.db.store import PG_WRITE_LOCK, Database, default_db_path
from herne_tui.errors import InvalidInput, SchemaError

ARCHIVE_MAGIC = b"PGDMP"
TOOL_TIMEOUT = 600
"""Seconds a pg_dump, pg_restore or psql run may take before it is given up."""

Notice = Callable[[str], None]


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying it."""
    u = make_url(url)
    auth = f"{quote(u.username, safe='')}@" if u.username else ""
    host = u.host or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{u.port}" if u.port else ""
    query = {k: (v if isinstance(v, str) else v[-1]) for k, v in u.query.items()}
    uri = f"postgresql://{auth}{host}{port}/{quote(u.database or '', safe='')}"
    if query:
        uri += f"?{urlencode(query)}"
    env = {
        **os.environ,
        "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10"),
        "PGAPPNAME": "herne-tui",
    }
    if u.password:
        env["PGPASSWORD"] = u.password
    return uri, env


def tool(name: str) -> str | None:
    """The path of a PostgreSQL client program (pg_dump, pg_restore, psql), or None."""
    return shutil.which(name)


def _run(args: list[str], env: dict, *, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, input=stdin, capture_output=True, env=env, timeout=TOOL_TIMEOUT)


def _first_error(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    for line in lines:
        if "error" in line.lower() or "fatal" in line.lower():
            return line.replace("pg_dump: ", "").replace("pg_restore: ", "")[:300]
    return (lines[0] if lines else "unbekannter Fehler")[:300]


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _unique(folder: Path, stem: str, suffix: str) -> Path:
    """A not yet existing file ``STEM-YYYYMMDD-HHMMSS[-N].SUFFIX`` in ``folder``."""
    candidate = folder / f"{stem}-{_stamp()}.{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{_stamp()}-{n}.{suffix}"
        n += 1
    return candidate


def _dbname(db: Database) -> str:
    if db.path is not None:
        return db.path.stem
    return make_url(db.url).database or "herne-tui"


# -- reading a backup file -----------------------------------------------------------------------
def _archive_tables(path: Path, env: dict) -> set[str]:
    restore = tool("pg_restore")
    if restore is None:
        raise InvalidInput(
            f"{path} ist ein pg_dump-Archiv, aber pg_restore fehlt: "
            "PostgreSQL-Client installieren (apt-get install postgresql-client)"
        )
    out = _run([restore, "--list", str(path)], env)
    if out.returncode != 0:
        raise SchemaError(f"{path} ist kein lesbares pg_dump-Archiv ({_first_error(out.stderr)})")
    names = set()
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if line.startswith(";") or len(parts) < 6:
            continue
        if parts[3] == "TABLE" and parts[4] != "DATA":
            names.add(parts[5])
    return names


def _archive_data(path: Path, env: dict, names: tuple[str, ...]) -> dict[str, list[list[str]]]:
    """The COPY rows of some tables in an archive (tab-separated text fields)."""
    args = [tool("pg_restore") or "pg_restore", "--data-only", "--file=-"]
    args += [f"--table={n}" for n in names]
    out = _run([*args, str(path)], env)
    if out.returncode != 0:
        raise SchemaError(f"{path} ist kein lesbares pg_dump-Archiv ({_first_error(out.stderr)})")
    rows: dict[str, list[list[str]]] = {n: [] for n in names}
    current = None
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        if current is None:
            if line.startswith("COPY "):
                table = line.split()[1].split(".")[-1].strip('"')
                current = rows.setdefault(table, [])
                columns = line[line.index("(") + 1 : line.index(")")].split(", ")
                current.append([c.strip('"') for c in columns])  # header first
        elif line == "\\.":
            current = None
        else:
            current.append(line.split("\t"))
    return rows


def inspect_archive(path: Path, url: str) -> DatabaseFacts:
    """Check that a pg_dump archive holds a herne-tui database this code can open; count rows."""
    from herne_tui.db.schema import SCHEMA_VERSION

    _, env = libpq_target(url)
    tables = _archive_tables(path, env)
    if not {"meta", "measure", "note", "history"} <= tables:
        raise SchemaError(f"{path} ist keine herne-tui-Datenbank (Tabellen fehlen)")
    data = _archive_data(path, env, ("meta", "measure", "note", "history"))
    meta = data.get("meta") or [["key", "value"]]
    header, body = meta[0], meta[1:]
    values = {
        row[header.index("key")]: row[header.index("value")]
        for row in body
        if len(row) == len(header)
    }
    version = values.get("schema_version", "")
    if not version.isdigit():
        raise SchemaError(f"{path} ist keine herne-tui-Datenbank (keine Schema-Version)")
    if int(version) > SCHEMA_VERSION:
        raise SchemaError(
            f"{path} hat Schema-Version {version}, dieses herne-tui kennt nur bis "
            f"{SCHEMA_VERSION}: bitte herne-tui aktualisieren (pip install -U "
            "herne-tui)"
        )
    counted = {n: max(0, len(data.get(n) or []) - 1) for n in ("measure", "note", "history")}
    return DatabaseFacts(
        path=path,
        size=path.stat().st_size,
        schema_version=int(version),
        measures=counted["measure"],
        notes=counted["note"],
        history=counted["history"],
    )


def inspect_dump(path: Path) -> tuple[DatabaseFacts, dict]:
    """Check a herne-tui dump file; its facts and its content."""
    data = portable.read_dump(path)
    n = portable.counts(data)
    facts = DatabaseFacts(
        path=path,
        size=path.stat().st_size,
        schema_version=data["schema_version"],
        measures=n["measure"],
        notes=n["note"],
        history=n["history"],
    )
    return facts, data


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
        return inspect_dump(path)[0]
    return inspect_file(path)


# -- backup --------------------------------------------------------------------------------------
def _pg_dump(db: Database, tmp: Path) -> str | None:
    """Write an archive with pg_dump; None (nothing written) when pg_dump is missing or unfit."""
    program = tool("pg_dump")
    if program is None:
        return "pg_dump ist nicht installiert"
    uri, env = libpq_target(db.url)
    out = _run(
        [
            program,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={tmp}",
            f"--dbname={uri}",
        ],
        env,
    )
    if out.returncode == 0:
        return None
    tmp.unlink(missing_ok=True)
    reason = _first_error(out.stderr)
    if "version mismatch" in reason:
        return f"pg_dump passt nicht zur Server-Version ({reason})"
    raise SchemaError(f"pg_dump von {db.where} fehlgeschlagen: {reason}")


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
        dest = _unique(dest, _dbname(db), "dump" if use_pg_dump else "json.gz")
    if dest.exists() and not force:
        raise InvalidInput(f"{dest} gibt es schon: anderen Namen wählen oder --force angeben")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        why_not = (
            _pg_dump(db, tmp)
            if use_pg_dump
            else (None if export else "pg_dump ist nicht installiert")
        )
        if use_pg_dump and why_not is None:
            facts = inspect_archive(tmp, db.url)
            how = "pg_dump-Archiv, mit pg_restore geprüft"
        else:
            if notice is not None and why_not is not None:
                notice(
                    f"Hinweis: {why_not}; Sicherung stattdessen als herne-tui-Export aller "
                    "Tabellen (JSON, gzip), wiederherstellbar mit herne-tui restore"
                )
            portable.write_dump(portable.dump_tables(db), tmp)
            facts, _ = inspect_dump(tmp)
            how = "herne-tui-Export, gelesen und geprüft"
        if force:
            os.replace(tmp, dest)
        else:
            try:
                os.link(tmp, dest)
            except FileExistsError:
                raise InvalidInput(
                    f"{dest} gibt es schon: anderen Namen wählen oder --force angeben"
                ) from None
            except OSError:
                os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    facts = DatabaseFacts(**{**facts.__dict__, "path": dest})
    return BackupResult(facts=facts, seconds=time.monotonic() - started, check=how)


def backup_before_upgrade(db: Database, label: str) -> Path:
    """Save a PostgreSQL database before a schema upgrade (in the user data directory)."""
    folder = default_db_path().parent / "sicherungen"
    folder.mkdir(parents=True, exist_ok=True)
    dest = _unique(folder, f"{_dbname(db)}.{label}", "dump" if tool("pg_dump") else "json.gz")
    if tool("pg_dump") is None:
        # the dump needs the current schema: copy every table of this (older) schema as-is
        return _raw_dump(db, dest)
    return backup_postgres(db, dest).facts.path


def _raw_dump(db: Database, dest: Path) -> Path:
    """Every table's rows of an older schema, as JSON (for the record; not restorable)."""
    from sqlalchemy import MetaData, select

    def run(session):
        meta = MetaData()
        meta.reflect(bind=session.connection())
        return {
            "format": "herne-tui-raw",
            "tables": {
                t.name: {
                    "columns": [c.name for c in t.columns],
                    "rows": [
                        [portable._plain(v) for v in row]
                        for row in session.connection().execute(select(t)).all()
                    ],
                }
                for t in meta.sorted_tables
            },
        }

    portable.write_dump(db.read(run), dest)
    return dest


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
    script = _run(
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
            f"{source} ist kein lesbares pg_dump-Archiv ({_first_error(script.stderr)})"
        )
    ours = ", ".join(f'"{t.name}"' for t in portable.tables())
    prelude = (
        f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK});\nDROP TABLE IF EXISTS {ours} CASCADE;\n"
    ).encode()
    out = _run(
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
            f"({_first_error(out.stderr)}); nichts geändert"
        )


def _sqlite_content(source: Path) -> dict:
    """Every table of an SQLite herne-tui file, upgraded to this schema on a temporary copy."""
    from herne_tui.backup.sqlite import copy_database
    from herne_tui.db.schema import open_database

    with tempfile.TemporaryDirectory(prefix="herne-restore-") as folder:
        copy = copy_database(source, Path(folder) / "quelle.db")
        src = open_database(str(copy))
        try:
            return portable.dump_tables(src)
        finally:
            src.dispose()


def _has_data(db: Database) -> bool:
    from sqlmodel import func, select

    from herne_tui.db.models import HistoryRow

    return bool(db.read(lambda s: s.exec(select(func.count()).select_from(HistoryRow)).one()))


def restore_postgres(db: Database, source: Path, *, notice: Notice | None = None) -> RestoreResult:
    """Replace a PostgreSQL database's content by a backup; the replaced state is saved first."""
    started = time.monotonic()
    kind = kind_of(source)
    facts = inspect_source(source, db.url)
    content = inspect_dump(source)[1] if kind == "dump" else None
    if kind == "sqlite":
        content = _sqlite_content(source)
    saved = None
    if _has_data(db):
        folder = _saved_folder(source)
        dest = _unique(
            folder, f"{_dbname(db)}.vor-wiederherstellung", "dump" if tool("pg_dump") else "json.gz"
        )
        saved = backup_postgres(db, dest, notice=notice).facts.path
    try:
        if kind == "archive":
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
    "inspect_dump",
    "kind_of",
    "libpq_target",
    "backup_before_upgrade",
    "tool",
]
