"""The database: where it lives, how it is opened, and short retried write transactions.

A plain path means an SQLite file; anything containing ``://`` is an SQLAlchemy URL. SQLite
runs in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way. No session is kept open
between calls: each service call opens, commits and closes its own.

PostgreSQL (``postgresql+psycopg://…``) gets the same rules: every write transaction first
takes one transaction-scoped advisory lock (``pg_advisory_xact_lock``), so writers queue
exactly as with ``BEGIN IMMEDIATE`` and history ids are handed out in commit order (which the
change watcher relies on); ``lock_timeout`` plays the busy timeout. Reads run as one
``REPEATABLE READ, READ ONLY`` snapshot, like an SQLite read transaction.

Opened read-only, an SQLite file is connected with ``mode=ro`` (SQLite itself refuses every
write), a PostgreSQL session with ``default_transaction_read_only``; ``Database.write`` raises
``ReadOnly`` before it starts.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from herne_tui.db.env import busy_timeout_default
from herne_tui.errors import (
    DatabaseBusy,
    DatabaseUnavailable,
    DiskFull,
    InvalidInput,
    NotAllowed,
    ReadOnly,
)
from herne_tui.paths import raw_target, system_clock

"""Seconds SQLite waits for another writer's lock before a retry (default 5)."""

T = TypeVar("T")

PG_WRITE_LOCK = 0x4E52_4548_3230
"""The advisory lock every PostgreSQL write transaction takes first (``BEGIN IMMEDIATE``)."""

PG_DRIVER = "postgresql+psycopg"
"""The SQLAlchemy dialect and driver herne-tui uses for PostgreSQL (``pip install
'psycopg[binary]'``, or ``pip install '.[postgres]'`` in the source folder)."""

_PG_LOCK_STATES = {"55P03", "40001", "40P01"}  # lock timeout, serialization failure, deadlock
_PG_GONE_STATES = {"28000", "28P01", "3D000", "57P01", "57P02", "57P03", "53300"}


def resolve_url(db: str | os.PathLike | None = None) -> str:
    """Turn ``--db`` / ``HERNE_TUI_DB`` / the default location into an SQLAlchemy URL.

    ``postgresql://`` and ``postgres://`` (libpq's spelling) mean ``postgresql+psycopg://``.
    """
    raw = raw_target(db)
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().absolute()}"
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            raw = f"{PG_DRIVER}://{raw[len(prefix) :]}"
    try:
        make_url(raw)
    except (ArgumentError, ValueError):
        raise InvalidInput(
            f"--db: „{display_url(raw)}“ ist keine gültige Datenbank-URL "
            "(z. B. postgresql+psycopg://NUTZER:PASSWORT@HOST/DATENBANK)"
        ) from None
    return raw


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other engines and in-memory databases."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def is_postgres(url: str) -> bool:
    """True for a PostgreSQL URL."""
    try:
        return make_url(url).get_backend_name() == "postgresql"
    except Exception:
        return False


def display_url(url: str) -> str:
    """A URL fit for messages: the password is hidden (``***``)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        # unparsable: hide whatever stands between "://user:" and the last "@"
        head, sep, rest = url.partition("://")
        cred, at, host = rest.rpartition("@")
        if sep and at and ":" in cred:
            return f"{head}://{cred.split(':', 1)[0]}:***@{host}"
        return url


def url_without_password(url: str) -> tuple[str, str | None]:
    """The URL with its password taken out (for command lines), and that password."""
    u: URL = make_url(url)
    return u._replace(password=None).render_as_string(hide_password=False), u.password


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return (
        "database is locked" in text
        or "database is busy" in text
        or _sqlstate(exc) in _PG_LOCK_STATES
    )


def is_refused(exc: BaseException) -> bool:
    """PostgreSQL's insufficient_privilege: the login role lacks a grant, or a row-level
    security policy refused a row (issue 14: the server enforces the roles)."""
    return _sqlstate(exc) == "42501"


def _is_readonly(exc: BaseException) -> bool:
    return "readonly database" in str(exc).lower() or _sqlstate(exc) == "25006"


def _is_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL and SQLITE_IOERR (a write beyond the disk or the file size limit);
    PostgreSQL's disk_full (53100) and io_error (58030)."""
    text = str(exc).lower()
    return (
        "database or disk is full" in text
        or "disk i/o error" in text
        or _sqlstate(exc) in ("53100", "58030")
    )


def _is_unreachable(exc: BaseException) -> bool:
    """A PostgreSQL connection that failed, was refused or broke off."""
    state = _sqlstate(exc)
    return (
        getattr(exc, "connection_invalidated", False)
        or state is None
        or state.startswith("08")
        or state in _PG_GONE_STATES
    )


_PG_LOGIN_FAILED = (
    "password authentication failed",
    "no password supplied",
    "authentication failed",
)

_PG_FAILURES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("connection refused",), "Verbindung abgelehnt (läuft der Server? Host und Port prüfen)"),
    (
        ("timeout expired", "timed out"),
        "keine Antwort (Zeitüberschreitung; Host, Port und Firewall prüfen)",
    ),
    (
        (
            "could not translate host name",
            "name or service not known",
            "nodename nor servname",
            "name resolution",
        ),
        "Rechnername unbekannt",
    ),
    (
        ("no pg_hba.conf entry",),
        "Zugang vom Server abgelehnt (pg_hba.conf erlaubt diese Verbindung nicht)",
    ),
    (("too many connections", "too many clients"), "zu viele Verbindungen zum Server"),
    (
        (
            "terminating connection",
            "server closed the connection",
            "consuming input failed",
            "shutting down",
        ),
        "Verbindung zum Server unterbrochen (Neustart?)",
    ),
)
"""Words in libpq's message (lower case) → the reason told to the user, first match wins."""


def pg_reason(exc: BaseException) -> str:
    """Why a PostgreSQL connection failed, in a few German words (never a password)."""
    raw = str(getattr(exc, "orig", None) or exc)
    flat = " ".join(raw.split())
    low = flat.lower()
    if any(words in low for words in _PG_LOGIN_FAILED):
        return "Anmeldung abgelehnt (Benutzer oder Passwort falsch)"
    if missing := _pg_missing(flat, low):
        return missing
    for needles, reason in _PG_FAILURES:
        if any(words in low for words in needles):
            return reason
    first = raw.strip().splitlines()[0] if raw.strip() else type(exc).__name__
    for prefix in ("connection failed:", "(psycopg.OperationalError)"):
        first = first.removeprefix(prefix).strip()
    return first


def _pg_missing(flat: str, low: str) -> str | None:
    """The reason when the login role or the database does not exist on the server."""
    if "role" in low and "does not exist" in low:
        return "Anmeldung abgelehnt (diesen Benutzer gibt es auf dem Server nicht)"
    if "database" in low and "does not exist" in low:
        name = flat.split('database "', 1)[-1].split('"', 1)[0] if 'database "' in flat else ""
        return (
            f"die Datenbank „{name}“ gibt es auf dem Server nicht "
            "(anlegen: createdb -O NUTZER NAME)"
        )
    return None


def read_only_uri(path: Path) -> str:
    """An SQLite URI that opens ``path`` read-only (SQLite refuses every write on it)."""
    return f"{path.absolute().as_uri()}?mode=ro"


class Database:
    """An opened database: engine, clock and the rules for reading and writing.

    ``clock`` returns an aware UTC datetime; tests pass a frozen one.
    """

    def __init__(
        self,
        url: str,
        *,
        clock: Callable[[], datetime] = system_clock,
        read_only: bool = False,
        busy_timeout: float | None = None,
        retries: int = 4,
    ):
        self.url = url
        self.clock = clock
        self.read_only = read_only
        self.retries = retries
        self.busy_timeout = busy_timeout_default() if busy_timeout is None else busy_timeout
        self.path = sqlite_path(url)
        backend = make_url(url).get_backend_name()
        self.is_sqlite = backend == "sqlite"
        self.is_postgres = backend == "postgresql"
        self.where = str(self.path) if self.path is not None else display_url(url)
        """The database as named in messages: the file, or the URL without its password."""
        self.migration_backup: Path | None = None
        """Where ``open_database`` saved the database before upgrading its schema (if it did)."""
        self.engine: Engine = self._make_engine(self.busy_timeout)
        self._read_engine: Engine = self.engine
        self._write_engine: Engine = self.engine
        if self.is_sqlite:
            self._write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        elif self.is_postgres:
            self._read_engine = self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            self._write_engine = self.engine.execution_options(herne_write=True)

    # -- engine ---------------------------------------------------------------------------
    def _create_engine(self, **kw) -> Engine:
        try:
            return create_engine(self.url, **kw)
        except (ImportError, NoSuchModuleError) as exc:
            if self.is_postgres:
                raise DatabaseUnavailable(
                    f"{self.where}: der PostgreSQL-Treiber fehlt – pip install "
                    "'psycopg[binary]' (oder im Quellordner pip install '.[postgres]') "
                    f"und die URL mit {PG_DRIVER}:// schreiben"
                ) from None
            raise InvalidInput(
                f"{self.where}: Datenbank-Treiber fehlt oder ist unbekannt "
                f"({str(exc).splitlines()[0]})"
            ) from None
        except (ArgumentError, ValueError, TypeError) as exc:
            raise InvalidInput(
                f"--db: {self.where} ist keine gültige Datenbank-URL ({str(exc).splitlines()[0]})"
            ) from None

    def _make_engine(self, busy_timeout: float) -> Engine:
        if self.is_postgres:
            return self._make_pg_engine(busy_timeout)
        if not self.is_sqlite:
            return self._create_engine(pool_pre_ping=True)
        read_only = self.read_only
        if read_only and self.path is not None:
            uri = read_only_uri(self.path)
            engine = create_engine(
                self.url,
                creator=lambda: sqlite3.connect(
                    uri, uri=True, timeout=busy_timeout, check_same_thread=False
                ),
            )
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

    def _make_pg_engine(self, busy_timeout: float) -> Engine:
        options = f"-c lock_timeout={max(1, int(busy_timeout * 1000))}"
        if self.read_only:
            options += " -c default_transaction_read_only=on"
        engine = self._create_engine(
            pool_pre_ping=True,
            pool_size=2,
            max_overflow=8,
            connect_args={
                "connect_timeout": 10,
                "options": options,
                "application_name": "herne-tui",
            },
        )

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            if conn.get_execution_options().get("herne_write"):
                # Writers queue here, as SQLite's BEGIN IMMEDIATE makes them queue.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")

        return engine

    def write_engine(self) -> Engine:
        """The engine whose transactions take the write lock first (for schema changes)."""
        return self._write_engine

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def connect_raw(self) -> sqlite3.Connection:
        """A dedicated stdlib connection to the SQLite file (autocommit; read-only if we are)."""
        if self.path is None:
            raise ValueError("connect_raw needs an SQLite file")
        if self.read_only:
            conn = sqlite3.connect(
                read_only_uri(self.path),
                uri=True,
                timeout=self.busy_timeout,
                check_same_thread=False,
            )
        else:
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout, check_same_thread=False)
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
                with Session(self._read_engine, expire_on_commit=False) as session:
                    return fn(session)
            except DBAPIError as exc:
                if is_refused(exc):
                    raise self.explain(exc) from None
                if not isinstance(exc, OperationalError):
                    raise
                if not _is_locked(exc) or attempt == self.retries - 1:
                    raise self.explain(exc) from None
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one write transaction (BEGIN IMMEDIATE), commit, retry if locked."""
        if self.read_only:
            raise ReadOnly("Nur-Lese-Modus: Änderungen sind hier nicht möglich")
        engine = self._write_engine
        for attempt in range(self.retries):
            try:
                with Session(engine, expire_on_commit=False) as session:
                    result = fn(session)
                    session.commit()
                    return result
            except DBAPIError as exc:
                if is_refused(exc):
                    raise self.explain(exc, writing=True) from None
                if not isinstance(exc, OperationalError):
                    raise
                if not _is_locked(exc) or attempt == self.retries - 1:
                    raise self.explain(exc) from None
                time.sleep(0.1 * (attempt + 1))
        raise AssertionError("unreachable")

    def explain(self, exc: Exception, *, writing: bool = False) -> Exception:
        """The user-facing error for a locked, read-only, refused or unreachable database;
        else ``exc``."""
        where = self.where
        if self.is_postgres and is_refused(exc):
            login = make_url(self.url).username or "?"
            what = "die Änderung" if writing else "das Lesen"
            return NotAllowed(
                f"Der PostgreSQL-Server verweigert {what}: die Anmeldung {login} hat dafür "
                f"keine Rechte (Rolle prüfen: herne-tui users list)"
                + ("; nichts gespeichert" if writing else "")
            )
        if _is_locked(exc):
            return DatabaseBusy(
                f"Datenbank {where} ist von einem anderen Programm gesperrt; "
                "nichts wurde gespeichert – bitte in ein paar Sekunden erneut versuchen"
            )
        if _is_readonly(exc):
            if self.read_only:
                return ReadOnly("Nur-Lese-Modus: Änderungen sind hier nicht möglich")
            if self.is_postgres:
                return ReadOnly(
                    f"Datenbank {where} ist nicht beschreibbar (Nur-Lese-Sitzung "
                    "oder Replikat): nichts gespeichert"
                )
            return ReadOnly(
                f"Datenbank {where} ist nicht beschreibbar: nichts gespeichert; "
                "Rechte von Datei, -wal/-shm und Verzeichnis prüfen"
            )
        if _is_full(exc):
            return DiskFull(
                f"Datenbank {where}: kein Platz auf dem Datenträger (oder Schreibfehler) – "
                "nichts gespeichert; Platz schaffen und erneut versuchen"
            )
        if self.is_postgres and _is_unreachable(exc):
            return DatabaseUnavailable(
                f"PostgreSQL-Datenbank {where} nicht erreichbar: {pg_reason(exc)}"
            )
        return exc

    def use_wal(self) -> None:
        """Switch an SQLite file to WAL mode (persistent; a no-op when it already is)."""
        if self.is_sqlite and self.path is not None and not self.read_only:
            raw = self.engine.raw_connection()  # outside any transaction (autocommit)
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.fetchall()
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
        return (
            f"{path} ist für Sie nicht lesbar: Nutzer in die Gruppe der Datenbank "
            "aufnehmen (chmod g+rw, siehe README)"
        )
    shm = Path(f"{path}-shm")
    if is_wal_file(path) and not shm.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        return (
            f"{path} ist im WAL-Modus und {shm.name} fehlt; auch zum Lesen muss SQLite "
            f"sie anlegen dürfen: Nutzer in die Gruppe aufnehmen, Verzeichnis beschreibbar "
            f"machen (chgrp GRUPPE {path.parent}; chmod 2775 {path.parent})"
        )
    return None


__all__ = [
    "Database",
    "resolve_url",
    "integrity_check",
    "check_readable",
    "sqlite_path",
    "busy_timeout_default",
    "read_only_uri",
    "is_wal_file",
    "display_url",
    "is_postgres",
    "url_without_password",
    "pg_reason",
    "PG_WRITE_LOCK",
    "PG_DRIVER",
    "is_refused",
]
