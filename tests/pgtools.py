"""A PostgreSQL server for the tests: one fresh database per test, cloned from a seeded template.

The server is named by ``HERNE_TUI_TEST_PG`` (an SQLAlchemy URL such as
``postgresql+psycopg://herne:herne@127.0.0.1:5432/herne_test``; the role needs CREATEDB).
Without it, or when the server cannot be reached, PostgreSQL tests are skipped with the
reason, unless ``HERNE_TUI_REQUIRE_PG=1`` (set by CI): then they fail.
"""

from __future__ import annotations

import itertools
import os
import time
from datetime import UTC, datetime

import pytest
from helpers import Clock
from sqlalchemy.engine import make_url

ENV_URL = "HERNE_TUI_TEST_PG"
ENV_REQUIRE = "HERNE_TUI_REQUIRE_PG"
SEED_CLOCK = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""The ``clock`` fixture's start: the template is seeded at the same moment as SQLite tests."""


def required() -> bool:
    """True when a missing server must fail the tests (CI) instead of skipping them."""
    return os.environ.get(ENV_REQUIRE, "") not in ("", "0")


def unavailable(reason: str):
    """Skip (or, under HERNE_TUI_REQUIRE_PG=1, fail) a test that needs PostgreSQL."""
    if required():
        pytest.fail(f"PostgreSQL required ({ENV_REQUIRE}=1) but {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL: {reason}")


class PgServer:
    """Creates and drops the per-test databases on the server behind ``HERNE_TUI_TEST_PG``."""

    def __init__(self, url: str):
        import psycopg

        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.shown = self.url.render_as_string(hide_password=True)
        self.conninfo = self.url.set(drivername="postgresql")
        # one prefix per process: parallel pytest-xdist workers never share a database
        self.prefix = f"herne_t{os.getpid()}"
        self.template = f"{self.prefix}_tpl"
        self._counter = itertools.count(1)
        self.admin = psycopg.connect(
            self._libpq(self.url.database), autocommit=True, connect_timeout=5
        )
        self.created: list[str] = []
        self.seconds = 0.0
        self._drop_leftovers()

    def _drop_leftovers(self) -> None:
        """Drop databases of earlier runs that were killed before they could clean up."""
        rows = self.admin.execute(
            r"SELECT datname FROM pg_database WHERE datname ~ '^herne_t[0-9]+_'"
        ).fetchall()
        for (name,) in rows:
            pid = int(name[len("herne_t") :].split("_", 1)[0])
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                self._drop(name)
            except PermissionError:
                pass

    def _libpq(self, database: str) -> str:
        return self.conninfo.set(database=database).render_as_string(hide_password=False)

    def url_of(self, database: str) -> str:
        """The SQLAlchemy URL of a database on this server (with the password)."""
        return self.url.set(database=database).render_as_string(hide_password=False)

    def _drop(self, name: str) -> None:
        """Drop a test database. ``WITH (FORCE)`` ends its sessions, but a non-superuser may not
        end an autovacuum worker's ("must be a member of the role whose process is being
        terminated"): then try again until the worker is done (it never takes long)."""
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except psycopg.errors.InsufficientPrivilege:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # poll interval while the worker finishes, not a fixed wait

    def _create(self, name: str, template: str | None = None) -> None:
        started = time.monotonic()
        if template is None:
            self.admin.execute(f'CREATE DATABASE "{name}"')
        else:
            self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        self.created.append(name)
        self.seconds += time.monotonic() - started

    def make_template(self, seed) -> None:
        """Seed the template database once (at the tests' clock start)."""
        from herne_tui.db.schema import open_database
        from herne_tui.seeding.apply import seed_database

        self._drop(self.template)
        self._create(self.template)
        db = open_database(self.url_of(self.template), clock=Clock(SEED_CLOCK))
        try:
            seed_database(db, seed)
        finally:
            db.dispose()

    def fresh(self, *, seeded: bool = True) -> str:
        """A new database (a copy of the seeded template, or empty); returns its URL."""
        name = f"{self.prefix}_{next(self._counter)}"
        self._create(name, self.template if seeded else None)
        return self.url_of(name)

    def drop(self, url: str) -> None:
        """Drop a database made by ``fresh`` (also while processes are still connected)."""
        name = make_url(url).database
        self._drop(name)
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        """Drop everything this run created and disconnect."""
        for name in reversed(self.created):
            self._drop(name)
        self.admin.close()


def connect(url: str | None) -> PgServer:
    """The server behind ``url``, or a skip/failure that says why it is not usable."""
    if not url:
        unavailable(
            f"{ENV_URL} is not set (e.g. {ENV_URL}=postgresql+psycopg://herne:herne@"
            "127.0.0.1:5432/herne_test; see .ci/run)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install '.[test]')")
    try:
        return PgServer(url)
    except Exception as exc:  # unreachable, wrong password, ...
        shown = make_url(url).render_as_string(hide_password=True)
        first = " ".join(str(exc).split())[:200]
        unavailable(f"{shown} is not reachable ({first})")
