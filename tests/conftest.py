"""Shared fixtures: a temporary seeded database with a frozen, steerable clock.

``db`` is an SQLite file by default. A test marked ``both_backends`` runs twice, as
``[sqlite]`` and ``[postgresql]``: then ``db`` (and ``fresh_url``) live on the PostgreSQL
server named by ``HERNE_TUI_TEST_PG`` (see ``pgtools``).
"""

from __future__ import annotations

import inspect
import os
from datetime import UTC, datetime
from pathlib import Path

import pgtools
import pytest
from helpers import Clock, run_cli

from herne_tui.db.schema import open_database
from herne_tui.seeding.apply import seed_database
from herne_tui.seeding.load import load_seed


@pytest.fixture(autouse=True)
def own_user_data(tmp_path_factory, monkeypatch) -> Path:
    """Each test (and every process it starts) has its own user data folder.

    The default database and the backups before a PostgreSQL migration live there; tests
    running in parallel (pytest-xdist) must not share them, nor touch the real one.
    """
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    # nor the user's config file (issue 16: config.toml) or log folder
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(folder / "state"))
    monkeypatch.delenv("HERNE_TUI_CONFIG", raising=False)
    monkeypatch.delenv("HERNE_TUI_DB", raising=False)  # only what a test names itself
    return folder


@pytest.fixture(scope="session")
def bundled_seed():
    """The bundled seed, loaded and validated once."""
    return load_seed()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "herne.db"


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_backends"
    ):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request) -> str:
    """``sqlite`` or ``postgresql``: where ``db`` and ``fresh_url`` live."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server(bundled_seed):
    """The PostgreSQL test server with a seeded template (skips or fails when missing)."""
    server = pgtools.connect(os.environ.get(pgtools.ENV_URL))
    try:
        server.make_template(bundled_seed)
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, seeded PostgreSQL database for one test; dropped afterwards."""
    url = pg_server.fresh()
    yield url
    pg_server.drop(url)


@pytest.fixture
def fresh_url(backend, tmp_path, request):
    """An empty database on the test's backend (an SQLite path, or a PostgreSQL URL)."""
    if backend == "sqlite":
        yield str(tmp_path / "fresh.db")
        return
    server = request.getfixturevalue("pg_server")
    url = server.fresh(seeded=False)
    yield url
    server.drop(url)


@pytest.fixture
def db(backend, db_path, clock, bundled_seed, request):
    """A freshly seeded database: an SQLite file in a temporary folder, or PostgreSQL."""
    if backend == "postgresql":
        database = open_database(request.getfixturevalue("pg_url"), clock=clock)
    else:
        database = open_database(str(db_path), clock=clock)
        seed_database(database, bundled_seed)
    yield database
    database.dispose()


@pytest.fixture
def cli():
    return run_cli


def pytest_addoption(parser):
    parser.addoption(
        "--in-process-only",
        action="store_true",
        help="only the tests that run the code in this process (for mutmut): no app (async, "
        "Pilot) tests and no tests that start the CLI through the cli fixture",
    )


def pytest_collection_modifyitems(config, items):
    """Under ``--in-process-only`` leave out the app tests and the CLI-fixture tests.

    A planted bug (mutmut) lives only in this process: a CLI test runs another process that never
    sees it, and an app test reaches nearly every function, so it would run for every mutant.
    """
    if not config.getoption("--in-process-only"):
        return
    keep, drop = [], []
    for item in items:
        test = getattr(item, "obj", None)
        in_other = "cli" in getattr(item, "fixturenames", ()) or inspect.iscoroutinefunction(test)
        (drop if in_other else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
