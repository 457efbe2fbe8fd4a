"""Shared fixtures: a temporary seeded database with a frozen, steerable clock."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from helpers import Clock, run_cli

from herne_tui.schema import open_database
from herne_tui.seeding import seed_database
from herne_tui.seedfile import load_seed


@pytest.fixture(scope="session")
def bundled_seed():
    """The bundled seed, loaded and validated once."""
    return load_seed()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "herne.db"


@pytest.fixture
def db(db_path, clock, bundled_seed):
    """A freshly seeded SQLite database in a temporary folder."""
    database = open_database(str(db_path), clock=clock)
    seed_database(database, bundled_seed)
    yield database
    database.dispose()


@pytest.fixture
def cli():
    return run_cli
