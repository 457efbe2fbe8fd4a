"""Safety copies of a database before a migration, and the pieces every copy is made of.

Before ``schema.open_database`` upgrades an older schema it saves the database as it is: an
SQLite file beside itself with SQLite's online backup (``NAME.vN-YYYYMMDD-HHMMSS.bak``), a
PostgreSQL database in the user data directory's ``sicherungen/``: a ``pg_dump`` archive,
checked by reading it back with ``pg_restore``, or – when ``pg_dump`` is missing or does not
fit the server – every table of the older schema as raw gzip JSON (for the record).

``herne_tui.backup`` builds the user's backups and restores from the same pieces: the online
copy, the PostgreSQL client programs (run without the password on the command line), the
reading back of an archive, and the gzip JSON file.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import MetaData, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from herne_tui import SCHEMA_VERSION  # not schema's: that module imports this one
from herne_tui.db.store import Database, busy_timeout_default, read_only_uri
from herne_tui.errors import HerneError, InvalidInput, SchemaError, newer_schema
from herne_tui.files import (
    WriteFailed,
    atomic_write,
    check_target,
    fsync_dir,
    fsync_file,
    publish,
    temporary_beside,
    write_error,
)
from herne_tui.paths import default_db_path

REQUIRED_TABLES = ("meta", "measure", "note", "history")
"""The tables without which a file is no herne-tui database."""

COUNTED_TABLES = ("measure", "note", "history")
"""The tables whose rows a backup reports."""

TOOL_TIMEOUT = 600
"""Seconds a pg_dump, pg_restore or psql run may take before it is given up."""


# -- either engine ---------------------------------------------------------------------------
def stamp() -> str:
    """Now as ``YYYYMMDD-HHMMSS`` (local time), for file names."""
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def require_tables(where: object, names: set[str]) -> None:
    """Refuse a copy that lacks one of herne-tui's core tables."""
    if not set(REQUIRED_TABLES) <= names:
        raise SchemaError(f"{where} ist keine herne-tui-Datenbank (Tabellen fehlen)")


def move_into_place(tmp: Path, dest: Path, *, force: bool) -> None:
    """Move a checked temporary file to ``dest``; never overwrite one unless ``force``."""
    publish(tmp, dest, force=force)


def backup_before_upgrade(db: Database, found: int) -> Path | None:
    """Save a database at schema version ``found`` before it is upgraded; where it went."""
    label = f"v{found}"
    if db.path is not None:
        return copy_database(db.path, stamped_path(db.path, label))
    if db.is_postgres:
        return _save_postgres(db, label)
    return None


# -- SQLite ----------------------------------------------------------------------------------
def stamped_path(path: Path, label: str) -> Path:
    """A not yet existing file next to ``path``: ``NAME.LABEL-YYYYMMDD-HHMMSS.bak``."""
    now = stamp()
    candidate = path.with_name(f"{path.name}.{label}-{now}.bak")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{label}-{now}-{n}.bak")
        n += 1
    return candidate


def connect_source(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A stdlib connection that only reads ``path`` (``mode=ro`` when ``read_only``)."""
    timeout = busy_timeout_default()
    if read_only:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=timeout)
    else:
        conn = sqlite3.connect(path, timeout=timeout)
        conn.execute("PRAGMA query_only = ON")
    return conn


def copy_database(source: Path, dest: Path, *, force: bool = False) -> Path:
    """Copy a (live) SQLite file into a new single file ``dest`` with the online backup API.

    The copy is written under a temporary name beside ``dest``, flushed, checked with
    ``PRAGMA integrity_check`` and only then renamed to ``dest``: a kill or a full disk leaves
    neither a half-written file under the final name nor a temporary file.
    """
    if not source.is_file():
        raise InvalidInput(f"{source} gibt es nicht: nichts zu sichern")
    dest.parent.mkdir(parents=True, exist_ok=True)
    check_target(dest, database=source, force=force)
    with temporary_beside(dest) as tmp:
        try:
            with (
                closing(connect_source(source, read_only=False)) as src,
                closing(sqlite3.connect(tmp)) as dst,
            ):
                src.backup(dst)  # one step: a consistent snapshot, writers are not blocked
                dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                check = dst.execute("PRAGMA integrity_check").fetchone()
            fsync_file(tmp)
        except OSError as exc:
            raise write_error(exc, dest) from None
        except sqlite3.Error as exc:
            raise sqlite_write_error(exc, dest) from None
        if not check or check[0] != "ok":
            raise SchemaError(f"Sicherung {dest} ist fehlerhaft ({check}): nicht gespeichert")
        publish(tmp, dest, force=force)
    return dest


def sqlite_write_error(exc: sqlite3.Error, dest: Path) -> HerneError:
    """One German line for an SQLite error while writing the copy ``dest``."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "full" in text or "disk I/O" in text:
        return WriteFailed(
            f"{dest}: Kein Platz mehr auf dem Datenträger ({text}): Platz schaffen und "
            "erneut versuchen; nichts wurde geschrieben"
        )
    if "readonly" in text or "unable to open" in text:
        return WriteFailed(
            f"{dest}: Ordner {dest.parent} ist nicht beschreibbar ({text}): anderen Ort wählen"
        )
    return WriteFailed(f"{dest}: Sicherung fehlgeschlagen ({text})")


# -- PostgreSQL client programs --------------------------------------------------------------
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


def run_tool(
    args: list[str], env: dict[str, str], *, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a client program, capturing its output (given up after ``TOOL_TIMEOUT``)."""
    return subprocess.run(args, input=stdin, capture_output=True, env=env, timeout=TOOL_TIMEOUT)


def first_error(stderr: bytes) -> str:
    """The line of a client program's error output that says what went wrong."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    for line in lines:
        if "error" in line.lower() or "fatal" in line.lower():
            return line.replace("pg_dump: ", "").replace("pg_restore: ", "")[:300]
    return (lines[0] if lines else "unbekannter Fehler")[:300]


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """A not yet existing file ``STEM-YYYYMMDD-HHMMSS[-N].SUFFIX`` in ``folder``."""
    candidate = folder / f"{stem}-{stamp()}.{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{stamp()}-{n}.{suffix}"
        n += 1
    return candidate


def database_name(db: Database) -> str:
    """The name backup files of ``db`` start with: the file's stem or the database's name."""
    if db.path is not None:
        return db.path.stem
    return make_url(db.url).database or "herne-tui"


def pg_dump(db: Database, tmp: Path) -> str | None:
    """Write an archive with pg_dump; why not (nothing written) when pg_dump is missing or unfit."""
    program = tool("pg_dump")
    if program is None:
        return "pg_dump ist nicht installiert"
    uri, env = libpq_target(db.url)
    out = run_tool(
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
    reason = first_error(out.stderr)
    if "version mismatch" in reason:
        return f"pg_dump passt nicht zur Server-Version ({reason})"
    raise SchemaError(f"pg_dump von {db.where} fehlgeschlagen: {reason}")


# -- reading a pg_dump archive back ----------------------------------------------------------
def _archive_tables(path: Path, env: dict[str, str]) -> set[str]:
    """The tables a pg_dump archive creates (``pg_restore --list``)."""
    restore = tool("pg_restore")
    if restore is None:
        raise InvalidInput(
            f"{path} ist ein pg_dump-Archiv, aber pg_restore fehlt: "
            "PostgreSQL-Client installieren (apt-get install postgresql-client)"
        )
    out = run_tool([restore, "--list", str(path)], env)
    if out.returncode != 0:
        raise SchemaError(f"{path} ist kein lesbares pg_dump-Archiv ({first_error(out.stderr)})")
    names = set()
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if line.startswith(";") or len(parts) < 6:
            continue
        if parts[3] == "TABLE" and parts[4] != "DATA":
            names.add(parts[5])
    return names


def _archive_data(
    path: Path, env: dict[str, str], names: tuple[str, ...]
) -> dict[str, list[list[str]]]:
    """The COPY rows of some tables in an archive (tab-separated text fields, header first)."""
    args = [tool("pg_restore") or "pg_restore", "--data-only", "--file=-"]
    args += [f"--table={n}" for n in names]
    out = run_tool([*args, str(path)], env)
    if out.returncode != 0:
        raise SchemaError(f"{path} ist kein lesbares pg_dump-Archiv ({first_error(out.stderr)})")
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


def check_archive(path: Path, url: str) -> tuple[int, dict[str, int]]:
    """Read a pg_dump archive back: its schema version and the rows of ``COUNTED_TABLES``.

    Refuses an archive that is no herne-tui database or is newer than this code.
    """
    _, env = libpq_target(url)
    require_tables(path, _archive_tables(path, env))
    data = _archive_data(path, env, REQUIRED_TABLES)
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
        raise newer_schema(path, version, SCHEMA_VERSION)
    return int(version), {n: max(0, len(data.get(n) or []) - 1) for n in COUNTED_TABLES}


# -- gzip JSON -------------------------------------------------------------------------------
def json_value(value: Any) -> Any:
    """A column value as JSON holds it: datetimes in UTC and dates as ISO text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_gzip_json(data: dict[str, Any], path: Path) -> None:
    """Write ``data`` as gzip-compressed JSON and flush it to disk."""
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
        raw.flush()
        os.fsync(raw.fileno())


def raw_dump(db: Database, dest: Path) -> Path:
    """Every table's rows of an older schema, as JSON (for the record; not restorable)."""

    def run(session: Session) -> dict[str, Any]:
        meta = MetaData()
        meta.reflect(bind=session.connection())
        return {
            "format": "herne-tui-raw",
            "tables": {
                t.name: {
                    "columns": [c.name for c in t.columns],
                    "rows": [
                        [json_value(v) for v in row]
                        for row in session.connection().execute(select(t)).all()
                    ],
                }
                for t in meta.sorted_tables
            },
        }

    data = db.read(run)
    return atomic_write(dest, lambda tmp: write_gzip_json(data, tmp))


# -- PostgreSQL before a migration -----------------------------------------------------------
def _save_postgres(db: Database, label: str) -> Path:
    """The archive (or, without a fitting pg_dump, the raw dump) in ``sicherungen/``."""
    folder = default_db_path().parent / "sicherungen"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{database_name(db)}.{label}"
    if tool("pg_dump") is None:
        # herne-tui's own dump needs the current schema: copy this (older) one's tables as-is
        return raw_dump(db, unique_path(folder, stem, "json.gz"))
    dest = unique_path(folder, stem, "dump")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        if pg_dump(db, tmp) is not None:  # pg_dump does not fit the server
            return raw_dump(db, unique_path(folder, stem, "json.gz"))
        check_archive(tmp, db.url)
        move_into_place(tmp, dest, force=False)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


__all__ = [
    "COUNTED_TABLES",
    "REQUIRED_TABLES",
    "TOOL_TIMEOUT",
    "backup_before_upgrade",
    "check_archive",
    "connect_source",
    "copy_database",
    "database_name",
    "first_error",
    "fsync_dir",
    "fsync_file",
    "json_value",
    "libpq_target",
    "move_into_place",
    "pg_dump",
    "raw_dump",
    "require_tables",
    "sqlite_write_error",
    "run_tool",
    "stamp",
    "stamped_path",
    "tool",
    "unique_path",
]
