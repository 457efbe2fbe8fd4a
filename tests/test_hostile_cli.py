"""Hostile file outputs through the CLI: one line on stderr, exit 2, the database intact."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import run_cli


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "eo.db"
    out = run_cli("--db", str(path), "seed")
    assert out.returncode == 0, out.stderr
    return path


def _intact(path):
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT count(*) FROM measure").fetchone()[0]


@pytest.mark.parametrize(
    "target", ["eo.db", "eo.db-wal", "eo.db-shm", "eo.db-journal", "link.db", "hard.db"]
)
@pytest.mark.parametrize("command", [["export"], ["report", "weekly"]])
def test_output_never_replaces_the_database(db, tmp_path, target, command):
    (tmp_path / "link.db").symlink_to(db)
    (tmp_path / "hard.db").hardlink_to(db)
    before = _intact(db)
    out = run_cli(*command, "--db", str(db), "-o", str(tmp_path / target), "--force")
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("herne-tui: "), out.stderr
    assert "Traceback" not in out.stderr
    assert _intact(db) == before


def test_output_refuses_an_existing_file_without_force(db, tmp_path):
    report = tmp_path / "bericht.txt"
    report.write_text("alt")
    out = run_cli("export", "--db", str(db), "-o", str(report))
    assert out.returncode == 2 and out.stderr.startswith("herne-tui: ")
    assert report.read_text() == "alt"
    out = run_cli("export", "--db", str(db), "-o", str(report), "--force")
    assert out.returncode == 0, out.stderr
    assert report.read_text() != "alt"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    "args",
    [
        ["report", "annual", "--year", "0"],
        ["report", "annual", "--year", "99999"],
        ["report", "weekly", "--stale-weeks", "99999999"],
        ["export", "--as-of", "9999-12-31"],
        ["export", "--as-of", "0001-01-01"],
    ],
)
def test_absurd_numbers_and_dates_are_one_line(db, args):
    before = _intact(db)
    out = run_cli(*args, "--db", str(db))
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("herne-tui: "), out.stderr
    assert _intact(db) == before


def test_deeply_nested_toml_is_one_line(tmp_path):
    seed = tmp_path / "tief.toml"
    seed.write_text("x = " + "[" * 100000 + "]" * 100000 + "\n")
    out = run_cli("check", str(seed))
    assert out.returncode == 2 and "Traceback" not in out.stdout + out.stderr
    assert "zu tief verschachtelt" in out.stdout
