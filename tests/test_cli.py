"""The command line, run as a separate process like a user would."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from helpers import run_cli


def test_help_lists_every_command(cli):
    result = cli("--help")
    assert result.returncode == 0
    for command in ("seed", "check", "list", "show", "set", "export"):
        assert command in result.stdout
        sub = cli(command, "--help")
        assert sub.returncode == 0 and "Aufruf: herne-tui " + command in sub.stdout


def new_db(path) -> str:
    """A new database at ``path``, created and seeded by ``herne-tui seed``."""
    result = run_cli("seed", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return str(path)


def test_first_use_creates_and_seeds_the_database(cli, tmp_path):
    db = tmp_path / "herne.db"
    assert cli("seed", "--db", str(db)).returncode == 0
    result = cli("list", "--db", str(db), "--topic", "KJF", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows][:2] == ["KJF-01", "KJF-02"]
    assert db.exists()


def test_environment_variable_names_the_database(cli, tmp_path):
    db = tmp_path / "env.db"
    assert cli("seed", env={"HERNE_TUI_DB": str(db)}).returncode == 0
    result = cli("show", "ARB-01", env={"HERNE_TUI_DB": str(db)})
    assert result.returncode == 0 and "ARB-01" in result.stdout and db.exists()


def test_set_show_and_errors(cli, tmp_path):
    db = new_db(tmp_path / "h.db")
    ok = cli(
        "set",
        "ARB-01",
        "--db",
        db,
        "--status",
        "beratung",
        "--due",
        "31.03.2026",
        "--lead",
        "CDU",
        "--responsible",
        "Wirtschaftsförderung",
        "--user",
        "anna",
    )
    assert ok.returncode == 0, ok.stderr
    shown = cli("show", "ARB-01", "--db", db).stdout
    assert "In Beratung" in shown and "31.03.2026" in shown and "Version:        2" in shown
    before = cli("export", "--db", db, "--format", "json").stdout
    for args, message in (
        (("--due", "2026-13-01"), "Datum"),
        (("--status", "fertig"), "Status „fertig“ gibt es nicht"),
        (("--lead", "FDP"), "FDP"),
    ):
        bad = cli("set", "ARB-01", "--db", db, *args)
        assert bad.returncode == 2
        assert message in bad.stderr and "Traceback" not in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1
    unknown = cli("set", "ZZZ-01", "--db", db, "--status", "offen")
    assert unknown.returncode == 2 and "ZZZ-01" in unknown.stderr
    assert cli("export", "--db", db, "--format", "json").stdout == before


def test_if_version_conflict_exits_3(cli, tmp_path):
    db = new_db(tmp_path / "h.db")
    assert (
        cli(
            "set",
            "SCH-01",
            "--db",
            db,
            "--status",
            "beratung",
            "--if-version",
            "1",
            "--user",
            "anna",
        ).returncode
        == 0
    )
    stale = cli(
        "set", "SCH-01", "--db", db, "--status", "umsetzung", "--if-version", "1", "--user", "bernd"
    )
    assert stale.returncode == 3
    assert "beratung" in stale.stderr and "anna" in stale.stderr
    assert "In Beratung" in cli("show", "SCH-01", "--db", db).stdout


def test_two_notes_at_the_same_moment_are_both_kept(cli, tmp_path):
    db = new_db(tmp_path / "h.db")
    exe = [sys.executable, "-m", "herne_tui"]
    procs = [
        subprocess.Popen(
            [*exe, "set", "KJF-06", "--db", db, "--note", f"Notiz {i}", "--user", f"user{i}"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    data = json.loads(cli("export", "--db", db, "--format", "json").stdout)
    notes = next(m for m in data["measures"] if m["id"] == "KJF-06")["notes"]
    assert sorted(n["text"] for n in notes) == [f"Notiz {i}" for i in range(4)]


def test_export_is_deterministic_and_round_trips(cli, tmp_path):
    db = new_db(tmp_path / "h.db")
    cli("set", "WOH-08", "--db", db, "--status", "umgesetzt", "--note", "fertig", "--user", "anna")
    out1, out2 = tmp_path / "a.toml", tmp_path / "b.toml"
    assert cli("export", "--db", db, "--format", "toml", "-o", str(out1)).returncode == 0
    fresh = str(tmp_path / "fresh.db")
    seeded = cli("seed", "--db", fresh, "--from", str(out1))
    assert seeded.returncode == 0, seeded.stderr
    assert cli("export", "--db", fresh, "--format", "toml", "-o", str(out2)).returncode == 0
    assert out1.read_bytes() == out2.read_bytes()
    csv = cli("export", "--db", db, "--format", "csv").stdout
    assert csv.splitlines()[0].startswith("id,topic,status,title")


def test_seed_twice_reports_nothing_new(cli, tmp_path):
    db = str(tmp_path / "h.db")
    first = cli("seed", "--db", db)
    assert first.returncode == 0
    assert re.search(r": [1-9]\d* hinzugefügt, 0 aktualisiert", first.stdout.splitlines()[-1])
    again = cli("seed", "--db", db)
    assert again.returncode == 0
    assert (
        again.stdout.strip()
        .splitlines()[-1]
        .endswith("0 hinzugefügt, 0 aktualisiert, 0 Nutzerwerte behalten")
    )


def test_broken_database_file_is_one_line(cli, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"no sqlite here" * 200)
    result = cli("list", "--db", str(junk))
    assert result.returncode == 2
    assert "keine lesbare herne-tui-Datenbank" in result.stderr
    assert "Traceback" not in result.stderr


def test_runs_from_any_directory(tmp_path):
    db = new_db(tmp_path / "x.db")
    result = run_cli("list", "--db", db, "--status", "offen", cwd=tmp_path)
    assert result.returncode == 0
    assert len(result.stdout.strip().splitlines()) == 140


def _db_bytes(path):
    return path.read_bytes()


@pytest.mark.parametrize("user", ["   ", "x" * 81])
def test_blank_or_long_user_is_refused(tmp_path, user):
    db = tmp_path / "u.db"
    new_db(db)
    before = _db_bytes(db)
    result = run_cli("set", "SCH-03", "--note", "n", "--db", str(db), "--user", user)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("herne-tui: ")
    assert "--user" in lines[0]
    assert _db_bytes(db) == before


def test_empty_db_is_refused(tmp_path):
    result = run_cli("list", "--db", "", cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("herne-tui: ")
    assert "--db" in lines[0]


@pytest.mark.parametrize("value", ["abc", "-1", "601", "nan"])
def test_bad_busy_timeout_is_refused(tmp_path, value):
    db = tmp_path / "b.db"
    new_db(db)
    before = _db_bytes(db)
    result = run_cli(
        "set", "SCH-03", "--note", "n", "--db", str(db), env={"HERNE_TUI_BUSY_TIMEOUT": value}
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("herne-tui: ")
    assert "HERNE_TUI_BUSY_TIMEOUT" in lines[0]
    assert _db_bytes(db) == before


def test_comment_kept_on_note_only_set(tmp_path):
    db = new_db(tmp_path / "c.db")
    result = run_cli("set", "SCH-03", "--note", "n1", "--comment", "Warum", "--db", db)
    assert result.returncode == 0, result.stderr
    out = run_cli("history", "SCH-03", "--format", "json", "--db", db)
    assert out.returncode == 0, out.stderr
    assert "Warum" in out.stdout
