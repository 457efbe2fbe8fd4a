"""The database: where it lives, how it is opened, and short retried write transactions.

A plain path means an SQLite file; anything containing ``://`` is an SQLAlchemy URL. SQLite
runs in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way. No session is kept open
between calls: each service call opens, commits and closes its own.

Opened read-only, an SQLite file is connected with ``mode=ro`` (SQLite itself refuses every
write) and ``Database.write`` raises ``ReadOnly`` before it starts.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from herne_tui.errors import DatabaseBusy, ReadOnly, SchemaError

ENV_DB = "HERNE_TUI_DB"
ENV_USER = "HERNE_TUI_USER"
ENV_NOW = "HERNE_TUI_NOW"
"""Freezes the clock for scripted tests and reports (an ISO datetime)."""
ENV_BUSY = "HERNE_TUI_BUSY_TIMEOUT"
"""Seconds SQLite waits for another writer's lock before a retry (default 5)."""

T = TypeVar("T")


def default_db_path() -> Path:
    """The SQLite file in the user's data directory (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("herne-tui", appauthor=False) / "herne-tui.db"


def resolve_url(db: str | os.PathLike | None = None) -> str:
    """Turn ``--db`` / ``HERNE_TUI_DB`` / the default location into an SQLAlchemy URL."""
    raw = str(db) if db else os.environ.get(ENV_DB) or str(default_db_path())
    if "://" in raw:
        return raw
    return f"sqlite:///{Path(raw).expanduser().absolute()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other engines and in-memory databases."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def default_user() -> str:
    """Who is making changes: ``HERNE_TUI_USER``, else the operating-system user."""
    if user := os.environ.get(ENV_USER):
        return user
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return "unbekannt"


def system_clock() -> datetime:
    """Now, in UTC; ``HERNE_TUI_NOW`` freezes it."""
    if frozen := os.environ.get(ENV_NOW):
        value = datetime.fromisoformat(frozen)
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def busy_timeout_default() -> float:
    """The busy timeout in seconds: ``HERNE_TUI_BUSY_TIMEOUT``, else 5."""
    try:
        return max(0.0, float(os.environ.get(ENV_BUSY, "") or 5.0))
    except ValueError:
        return 5.0


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text


def _is_readonly(exc: BaseException) -> bool:
    return "readonly database" in str(exc).lower()


def read_only_uri(path: Path) -> str:
    """An SQLite URI that opens ``path`` read-only (SQLite refuses every write on it)."""
    return f"{path.absolute().as_uri()}?mode=ro"


class Database:
    """An opened database: engine, clock and the rules for reading and writing.

    ``clock`` returns an aware UTC datetime; tests pass a frozen one.
    """

    def __init__(self, url: str, *, clock: Callable[[], datetime] = system_clock,
                 read_only: bool = False, busy_timeout: float | None = None,
                 retries: int = 4):
        self.url = url
        self.clock = clock
        self.read_only = read_only
        self.retries = retries
        self.busy_timeout = busy_timeout_default() if busy_timeout is None else busy_timeout
        self.path = sqlite_path(url)
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        self.migration_backup: Path | None = None
        """Where ``open_database`` saved the file before upgrading its schema (if it did)."""
        self.engine: Engine = self._make_engine(self.busy_timeout)

    # -- engine ---------------------------------------------------------------------------
    def _make_engine(self, busy_timeout: float) -> Engine:
        if not self.is_sqlite:
            return create_engine(self.url, pool_pre_ping=True)
        read_only = self.read_only
        if read_only and self.path is not None:
            uri = read_only_uri(self.path)
            engine = create_engine(self.url, creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=busy_timeout, check_same_thread=False))
        else:
            engine = create_engine(
                self.url, connect_args={"timeout": busy_timeout, "check_same_thread": False}
            )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            # We issue BEGIN ourselves (pysqlite's implicit transactions are off).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cur.execute("PRAGMA foreign_keys = ON")
            if read_only:
                cur.execute("PRAGMA query_only = ON")
            else:
                # WAL itself is switched on once by open_database (``use_wal``), after the
                # file proved to be ours: a refused file is left exactly as it was.
                cur.execute("PRAGMA synchronous = FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def connect_raw(self) -> sqlite3.Connection:
        """A dedicated stdlib connection to the SQLite file (autocommit; read-only if we are)."""
        if self.path is None:
            raise ValueError("connect_raw needs an SQLite file")
        if self.read_only:
            conn = sqlite3.connect(read_only_uri(self.path), uri=True,
                                   timeout=self.busy_timeout, check_same_thread=False)
        else:
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout,
                                   check_same_thread=False)
        conn.isolation_level = None
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        conn.execute("PRAGMA query_only = ON")
        return conn

    # -- transactions -----------------------------------------------------------------------
    def now(self) -> datetime:
        """The current time from this database's clock (aware, UTC)."""
        return self.clock()

    def read(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in a short read transaction and return its (plain) result."""
        for attempt in range(self.retries):
            try:
                with Session(self.engine, expire_on_commit=False) as session:
                    return fn(session)
            except OperationalError as exc:
                if not _is_locked(exc) or attempt == self.retries - 1:
                    raise self.explain(exc) from None
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one write transaction (BEGIN IMMEDIATE), commit, retry if locked."""
        if self.read_only:
            raise ReadOnly("Nur-Lese-Modus: Änderungen sind hier nicht möglich")
        engine = self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite \
            else self.engine
        for attempt in range(self.retries):
            try:
                with Session(engine, expire_on_commit=False) as session:
                    result = fn(session)
                    session.commit()
                    return result
            except OperationalError as exc:
                if not _is_locked(exc) or attempt == self.retries - 1:
                    raise self.explain(exc) from None
                time.sleep(0.1 * (attempt + 1))
        raise AssertionError("unreachable")

    def explain(self, exc: OperationalError) -> Exception:
        """The user-facing error for a locked or read-only database; else ``exc`` itself."""
        where = self.path or self.url
        if _is_locked(exc):
            return DatabaseBusy(
                f"Datenbank {where} ist von einem anderen Programm gesperrt; "
                "nichts wurde gespeichert – bitte in ein paar Sekunden erneut versuchen")
        if _is_readonly(exc):
            if self.read_only:
                return ReadOnly("Nur-Lese-Modus: Änderungen sind hier nicht möglich")
            return ReadOnly(f"Datenbank {where} ist nicht beschreibbar: nichts gespeichert; "
                            "Rechte von Datei, -wal/-shm und Verzeichnis prüfen")
        return exc

    def use_wal(self) -> None:
        """Switch an SQLite file to WAL mode (persistent; a no-op when it already is)."""
        if self.is_sqlite and self.path is not None and not self.read_only:
            raw = self.engine.raw_connection()  # outside any transaction (autocommit)
            try:
                raw.driver_connection.execute("PRAGMA journal_mode = WAL").fetchall()
            finally:
                raw.close()

    # -- facts --------------------------------------------------------------------------------
    def has_tables(self) -> bool:
        """True when the schema exists (the ``meta`` table is there)."""
        return inspect(self.engine).has_table("meta")

    def data_version(self) -> int | None:
        """SQLite's ``PRAGMA data_version`` on a pooled connection (None on other engines)."""
        if not self.is_sqlite:
            return None
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA data_version").scalar()


def integrity_check(path: Path) -> str:
    """SQLite's ``PRAGMA integrity_check`` result for a file (``ok`` when healthy)."""
    if not Path(path).is_file():
        raise FileNotFoundError(2, "Datei fehlt", str(path))
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(str(r[0]) for r in rows[:5])


def check_writable(path: Path) -> str | None:
    """Why a user cannot write the SQLite file and its -wal/-shm companions, or None."""
    directory = path.parent
    if not directory.exists():
        return None
    if not os.access(directory, os.W_OK | os.X_OK):
        return (f"Verzeichnis {directory} ist für Sie nicht beschreibbar (SQLite legt dort "
                f"{path.name}-wal/-shm an): Gruppe und Rechte setzen (chgrp GRUPPE {directory}; "
                f"chmod 2775 {directory}) oder --read-only verwenden")
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists() and not os.access(candidate, os.W_OK):
            return (f"{candidate} ist für Sie nicht beschreibbar: chmod g+w {candidate} "
                    "(und umask 002 für alle Nutzer) oder --read-only verwenden")
    return None


def is_wal_file(path: Path) -> bool:
    """True when an SQLite file's header says it is in WAL mode."""
    try:
        with open(path, "rb") as f:
            header = f.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[:16] == b"SQLite format 3\x00" and header[18] == 2


def check_readable(path: Path) -> str | None:
    """Why a user cannot even read the SQLite file (e.g. read-only as a viewer), or None."""
    if not os.access(path, os.R_OK):
        return (f"{path} ist für Sie nicht lesbar: Nutzer in die Gruppe der Datenbank "
                "aufnehmen (chmod g+rw, siehe README)")
    shm = Path(f"{path}-shm")
    if is_wal_file(path) and not shm.exists() \
            and not os.access(path.parent, os.W_OK | os.X_OK):
        return (f"{path} ist im WAL-Modus und {shm.name} fehlt; auch zum Lesen muss SQLite "
                f"sie anlegen dürfen: Nutzer in die Gruppe aufnehmen, Verzeichnis beschreibbar "
                f"machen (chgrp GRUPPE {path.parent}; chmod 2775 {path.parent})")
    return None


__all__ = [
    "Database", "SchemaError", "resolve_url", "default_db_path", "default_user",
    "system_clock", "integrity_check", "check_writable", "check_readable", "sqlite_path",
    "busy_timeout_default", "read_only_uri", "is_wal_file",
]
