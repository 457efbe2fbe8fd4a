"""The hostile cases of issue 11 as one table, run through the CLI as a process.

Each case asserts what a user would notice: the exit code, at most one line on stderr (never
a traceback), the words that line must contain, and that the database is intact afterwards
(``PRAGMA integrity_check``) and unchanged where the command was refused.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import run_cli

from herne_tui.db.store import integrity_check

ESC = "x\x1b]0;PWNED\x07\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J"


@dataclass(frozen=True)
class Case:
    """One hostile input: the arguments ({db}, {dir}, {new} are filled in), the expected exit
    code and words of the one stderr line; ``new`` cases must not create {new}."""

    id: str
    args: tuple[str, ...]
    code: int
    says: str = ""
    env: tuple[tuple[str, str], ...] = ()
    changes: bool = False  # the command may change the database (exit 0)
    prefix: str = "herne-tui: "


def deep_toml(folder: Path) -> str:
    path = folder / "tief.toml"
    path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    return str(path)


CASES = [
    # outputs never destroy data
    Case("export-over-db", ("export", "-o", "{db}"), 2, "Datenbank"),
    Case("export-over-db-force", ("export", "-o", "{db}", "--force"), 2, "Datenbank"),
    Case("export-over-wal", ("export", "-o", "{db}-wal", "--force"), 2, "Datenbank"),
    Case("report-over-db", ("report", "weekly", "-o", "{db}", "--force"), 2, "Datenbank"),
    Case("export-over-file", ("export", "-o", "{dir}/da.txt"), 2, "--force"),
    Case("export-into-missing-dir", ("export", "-o", "{dir}/fehlt/x.toml"), 2),
    # absurd dates and numbers
    Case("as-of-9999", ("export", "--as-of", "9999-12-31"), 2, "Jahr"),
    Case("as-of-german-9999", ("export", "--as-of", "31.12.9999"), 2, "Jahr"),
    Case("as-of-garbage", ("export", "--as-of", "gestern"), 2, "Datum"),
    Case("stale-weeks-huge", ("report", "weekly", "--stale-weeks", "99999999"), 2, "520"),
    Case("stale-weeks-zero", ("report", "weekly", "--stale-weeks", "0"), 2),
    Case("year-0", ("report", "annual", "--year", "0"), 2, "--year"),
    Case("year-1", ("report", "annual", "--year", "1"), 2, "--year"),
    Case("due-9999", ("set", "ARB-01", "--due", "31.12.9999"), 2, "Jahr"),
    Case("due-0-0", ("set", "ARB-01", "--due", "00.00.2026"), 2),
    # unknown values
    Case("status-unknown", ("set", "ARB-01", "--status", "erledigt!"), 2, "Status"),
    Case("measure-unknown", ("set", "ZZZ-99", "--status", "beratung"), 2, "ZZZ-99"),
    Case("lead-unknown", ("set", "ARB-01", "--lead", "FDP"), 2),
    Case("show-unknown", ("show", "ZZZ-99"), 2, "ZZZ-99"),
    Case("stale-version", ("set", "ARB-01", "--if-version", "99", "--status", "beratung"), 3),
    # huge and blank input
    Case("note-too-long", ("set", "ARB-01", "--note", "x" * 20_001), 2, "20000"),
    Case("responsible-long", ("set", "ARB-01", "--responsible", "r" * 201), 2, "höchstens 200"),
    Case("comment-long", ("set", "ARB-01", "--status", "beratung", "--comment", "c" * 20_001), 2),
    Case("user-blank", ("set", "ARB-01", "--status", "beratung", "--user", "   "), 2, "--user"),
    Case("user-long", ("set", "ARB-01", "--status", "beratung", "--user", "u" * 81), 2, "80"),
    Case("db-empty", ("list", "--db", ""), 2, "--db ist leer"),
    Case("app-db-empty", ("app", "--db", ""), 2, "--db ist leer"),
    Case("app-user-blank-new-db", ("app", "--db", "{new}", "--user", " "), 2, "--user"),
    Case("app-user-long-new-db", ("app", "--db", "{new}", "--user", "u" * 200), 2, "--user"),
    Case("set-user-blank-new-db", ("set", "ARB-01", "--db", "{new}", "--user", ""), 2, "--user"),
    Case(
        "busy-timeout-bad",
        ("list",),
        2,
        "HERNE_TUI_BUSY_TIMEOUT",
        (("HERNE_TUI_BUSY_TIMEOUT", "x"),),
    ),
    # invalid UTF-8 (bytes from a broken terminal) and deep nesting
    Case("id-bad-utf8", ("show", os.fsdecode(b"ARB-\xff")), 2, "UTF-8"),
    Case("note-bad-utf8", ("set", "ARB-01", "--note", os.fsdecode(b"\xc3\x28")), 2, "UTF-8"),
    Case("check-deep-toml", ("check", "{deep}"), 2, "Problem", prefix=""),
    Case("seed-deep-toml", ("seed", "--from", "{deep}"), 2),
    # forget takes names only
    Case("forget-status", ("forget", "offen", "--yes"), 2, "kein Personenname"),
    Case("forget-party", ("forget", "SPD", "--yes"), 2, "kein Personenname"),
    Case("forget-seed-user", ("forget", "seed", "--yes"), 2, "kein Personenname"),
    Case("forget-short", ("forget", "x", "--yes"), 2, "zu kurz"),
    Case("forget-no-tty", ("forget", "Erika Mustermann"), 2, "--yes"),
    # serve refuses unsafe set-ups before touching anything
    Case(
        "serve-header-no-secret", ("serve", "--user-header", "X-Remote-User"), 2, "--proxy-secret"
    ),
    Case("serve-bad-port", ("serve", "--port", "70000"), 2, "Port"),
    # backups
    Case("restore-not-a-backup", ("restore", "{dir}/da.txt", "--yes"), 2),
    Case("backup-over-db", ("backup", "{db}"), 2),
    Case("backup-over-file", ("backup", "{dir}/da.txt"), 2),
    # hostile text is stored, never acted out (exit 0, output escaped)
    Case("note-escapes", ("set", "SCH-03", "--note", ESC, "--user", ESC[:20]), 0, changes=True),
]


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """One seeded database; each case works on a copy."""
    path = tmp_path_factory.mktemp("seeded") / "herne.db"
    made = run_cli("seed", "--db", str(path))
    assert made.returncode == 0, made.stderr
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case: Case, seeded: Path, tmp_path: Path):
    db = tmp_path / "herne.db"
    db.write_bytes(seeded.read_bytes())
    (tmp_path / "da.txt").write_text("schon da\n", encoding="utf-8")
    new = tmp_path / "neu" / "neu.db"
    fill = {"db": str(db), "dir": str(tmp_path), "new": str(new)}
    if any("{deep}" in a for a in case.args):
        fill["deep"] = deep_toml(tmp_path)
    args = [a.format(**fill) if "{" in a and "}" in a and len(a) < 200 else a for a in case.args]
    if "--db" not in args:
        args += ["--db", str(db)]
    before = _dump(db)
    result = run_cli(*args, env=dict(case.env))
    shown = result.stdout[-2000:] + result.stderr
    assert result.returncode == case.code, shown
    assert "Traceback" not in shown
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if case.code == 3:  # a conflict: the line, then each field's theirs and mine, indented
        assert lines[0].startswith("herne-tui: ") and all(x.startswith("  ") for x in lines[1:])
    elif case.code:
        assert len(lines) == 1 and lines[0].startswith(case.prefix), result.stderr
        assert case.says in lines[0], lines[0]
    assert "\x1b" not in result.stdout + result.stderr  # nothing reaches the terminal raw
    assert integrity_check(db) == "ok"
    if not case.changes:
        assert _dump(db) == before
    assert not new.exists()
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_the_table_covers_the_issue():
    assert len(CASES) >= 40
