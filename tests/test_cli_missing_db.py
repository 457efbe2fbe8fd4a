"""A ``--db`` path that does not exist (issue 12 item 7).

The app, ``seed`` and ``restore`` create a new SQLite file there when its folder exists; every
other command refuses with one line and exit 2; no command creates a missing folder, except
the default data directory for the default database.
"""

from __future__ import annotations

import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import free_port, run_cli, wait_until

EXE = Path(sys.executable).with_name("herne-tui")


def _one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("herne-tui: ")
    return lines[0]


def _measures(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        count = conn.execute("SELECT count(*) FROM measure").fetchone()[0]
    conn.close()
    return count


# every command that works on an existing database, with what else it needs
REFUSING = {
    "list": ["list"],
    "show": ["show", "ARB-01"],
    "set": ["set", "ARB-01", "--status", "beratung"],
    "export": ["export", "--format", "csv"],
    "report": ["report", "weekly"],
    "history": ["history"],
    "forget": ["forget", "Anna Beispiel", "--yes"],
    "backup": ["backup", "SICHERUNG"],
    "check": ["check"],
    "serve": ["serve", "--port", "PORT"],
    "digest": ["digest"],
    "ris papers": ["ris", "papers"],
    "users list": ["users", "list"],
    "proposals list": ["proposals", "list"],
    "proposals confirm": ["proposals", "confirm", "1"],
}


def _args(name: str, tmp_path: Path) -> list[str]:
    port = str(free_port())
    return [
        str(tmp_path / "sicherung.db") if a == "SICHERUNG" else port if a == "PORT" else a
        for a in REFUSING[name]
    ]


@pytest.mark.parametrize("command", sorted(REFUSING))
def test_every_other_command_refuses_a_missing_database(command, tmp_path):
    typo = tmp_path / "herne-tiu.db"
    line = _one_line(run_cli(*_args(command, tmp_path), "--db", str(typo)))
    assert str(typo) in line and "gibt es nicht" in line
    assert list(tmp_path.iterdir()) == []  # no database, no backup, nothing


@pytest.mark.parametrize("command", ["list", "set", "export", "serve"])
def test_a_missing_database_named_by_the_environment_is_refused_too(command, tmp_path):
    typo = tmp_path / "herne-tiu.db"
    result = run_cli(*_args(command, tmp_path), env={"HERNE_TUI_DB": str(typo)})
    assert str(typo) in _one_line(result)
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_is_refused_by_other_commands_until_the_app_or_seed_made_it(
    own_user_data,
):
    line = _one_line(run_cli("list"))
    assert "gibt es nicht" in line and "herne-tui seed" in line
    assert not (own_user_data / "herne-tui").exists()
    seeded = run_cli("seed")  # the default data directory is the one folder herne-tui makes
    assert seeded.returncode == 0, seeded.stderr
    assert _measures(own_user_data / "herne-tui" / "herne-tui.db") == 140
    listed = run_cli("list", "--format", "json")
    assert listed.returncode == 0 and "ARB-01" in listed.stdout


@pytest.mark.parametrize("how", ["--db", "HERNE_TUI_DB"])
def test_seed_creates_a_new_file_in_an_existing_folder(how, tmp_path):
    new = tmp_path / "neu.db"
    given = ("--db", str(new)) if how == "--db" else ()
    env = {"HERNE_TUI_DB": str(new)} if how == "HERNE_TUI_DB" else None
    result = run_cli("seed", *given, env=env)
    assert result.returncode == 0, result.stderr
    assert _measures(new) == 140
    assert run_cli("show", "ARB-01", *given, env=env).returncode == 0


@pytest.mark.parametrize("command", ["seed", "restore", "app", "list"])
def test_no_command_creates_a_missing_folder(command, tmp_path):
    backup = tmp_path / "stand.db"
    assert run_cli("seed", "--db", str(backup)).returncode == 0
    before = sorted(tmp_path.iterdir())
    missing = tmp_path / "tippfehler" / "unter" / "herne.db"
    args = {
        "seed": ["seed"],
        "restore": ["restore", str(backup), "--yes"],
        "app": [],
        "list": ["list"],
    }[command]
    line = _one_line(run_cli(*args, "--db", str(missing)))
    assert str(missing.parent) in line
    assert sorted(tmp_path.iterdir()) == before
    line = _one_line(run_cli(*args, env={"HERNE_TUI_DB": str(missing)}))
    assert str(missing.parent) in line and sorted(tmp_path.iterdir()) == before


def test_restore_creates_a_new_file_in_an_existing_folder(tmp_path):
    backup = tmp_path / "stand.db"
    assert run_cli("seed", "--db", str(backup)).returncode == 0
    assert run_cli("set", "ARB-01", "--status", "beratung", "--db", str(backup)).returncode == 0
    new = tmp_path / "neu.db"
    result = run_cli("restore", str(backup), "--db", str(new), "--yes")
    assert result.returncode == 0, result.stderr
    shown = run_cli("show", "ARB-01", "--db", str(new))
    assert shown.returncode == 0 and "In Beratung" in shown.stdout


def test_the_app_creates_and_seeds_a_new_file_in_an_existing_folder(tmp_path):
    new = tmp_path / "neu.db"
    main, other = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("HERNE_TUI_DB", None)
    proc = subprocess.Popen(
        [str(EXE), "--db", str(new)], stdin=other, stdout=other, stderr=other, env=env
    )
    os.close(other)
    try:
        wait_until(lambda: new.exists() and _ready(new), what=f"{new} seeded by the app")
    finally:
        proc.kill()
        proc.wait()
        os.close(main)
    assert _measures(new) == 140


def _ready(path: Path) -> bool:
    try:
        return _measures(path) == 140
    except sqlite3.Error:
        return False
