"""A full disk and unexpected errors: one line, never a traceback, nothing half-written
(issue 11, "Every failure is one German line").

The full disk is real: the process runs with ``RLIMIT_FSIZE`` lowered (and ``SIGXFSZ``
ignored), so every write past the limit fails as on a full disk (EFBIG).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from herne_tui.db.schema import open_database
from herne_tui.db.store import integrity_check
from herne_tui.services import queries

FULL = 4096
"""The file size limit of a "full disk": smaller than anything SQLite writes."""


def _limited(limit: int):
    def pre() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return pre


def run_full(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``herne-tui ARGS`` on a full disk."""
    return subprocess.run(
        [sys.executable, "-m", "herne_tui", *args],
        capture_output=True,
        text=True,
        preexec_fn=_limited(FULL),
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def state(path: Path) -> tuple:
    """What a user would see changed: ARB-01's row and the number of history rows."""
    db = open_database(str(path), read_only=True)
    try:
        m = queries.get_measure(db, "ARB-01")
        return m.status, m.responsible, m.due, m.version, len(m.notes), len(queries.history(db))
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "edit",
    [
        ["--status", "vorbereitung"],
        ["--note", "x" * 19_000],
        ["--responsible", "Anna Beispiel", "--due", "31.12.2027"],
        ["--status", "beratung", "--note", "beides", "--comment", "warum"],
    ],
    ids=["move", "long-note", "edit", "move-and-note"],
)
def test_a_cli_edit_on_a_full_disk_is_one_line_and_the_database_stays_intact(db, db_path, edit):
    db.dispose()
    before = state(db_path)
    result = run_full("set", "ARB-01", "--db", str(db_path), "--user", "anna", *edit)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "kein Platz auf dem Datenträger" in lines[0] and "nichts gespeichert" in lines[0]
    assert integrity_check(db_path) == "ok"
    assert state(db_path) == before
    assert not list(db_path.parent.glob("*.tmp"))


def test_reseeding_on_a_full_disk_is_one_line(db, db_path):
    db.dispose()
    result = run_full("seed", "--db", str(db_path))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert integrity_check(db_path) == "ok"


APP_SCRIPT = """
import json, resource, sys
from textual.app import App
from herne_tui.cli.main import main

seen = []
notify = App.notify
def recording(self, message, *a, **kw):
    seen.append(str(message))
    return notify(self, message, *a, **kw)
App.notify = recording

async def drive(pilot):
    app = pilot.app
    async def until(cond, what):
        for _ in range(1500):
            if cond():
                return
            await pilot.pause(0.02)
        raise SystemExit(f"never: {what} {seen}")
    await until(lambda: app.watcher is not None, "the database to open")
    def focused():
        measure = getattr(app.screen, "focused_measure", lambda: None)()
        return measure is not None and measure.id == "ARB-01"
    await until(focused, "the board with ARB-01 focused")
    ACTION
    await until(lambda: any("kein Platz" in s for s in seen), "the notice")
    await pilot.press("j", "k")  # the app still takes keys
    await pilot.pause(0.2)
    print("SCREEN", type(app.screen).__name__)
    await pilot.press("q")

run = App.run
def headless(self, **kw):
    return run(self, headless=True, size=(120, 40), auto_pilot=drive)
App.run = headless
code = main(["app", "--db", sys.argv[1], "--user", "anna"])
print("NOTICES", json.dumps(seen))
sys.exit(code)
"""

FULL_NOW = "resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))"


def _ignore_xfsz() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@pytest.mark.parametrize(
    "action",
    [
        'await pilot.press("L")',  # move the focused card ARB-01 on
        'await pilot.press("n"); '
        'await until(lambda: app.screen.query_one("#noteline").is_open, "the note line"); '
        'await pilot.press(*"notiz", "enter"); '
        # the reason shows under the line, and the typed note stays there for another try
        'problem = lambda: str(app.screen.query_one("#note-problem").render()); '
        'await until(lambda: "kein Platz" in problem(), "the reason in the note line"); '
        "seen.append(problem()); "
        'print("KEPT", app.screen.query_one("#note-text").value); '
        'await pilot.press("escape")',
    ],
    ids=["move", "note"],
)
def test_the_app_on_a_full_disk_shows_a_notice_and_goes_on(db, db_path, tmp_path, action):
    db.dispose()
    before = state(db_path)
    script = tmp_path / "drive.py"
    # the disk fills up after the app has opened the database (its -shm is mapped already)
    body = APP_SCRIPT.replace("ACTION", f"{FULL_NOW}\n    {action}")
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), str(db_path)],
        capture_output=True,
        text=True,
        preexec_fn=_ignore_xfsz,
        env={**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")},
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    notices = json.loads(result.stdout.split("NOTICES", 1)[1])
    assert any("kein Platz auf dem Datenträger" in n for n in notices), notices
    if action.endswith('press("escape")'):
        assert "KEPT notiz" in result.stdout
    assert not (tmp_path / "state").exists()  # no crash log: it did not crash
    assert integrity_check(db_path) == "ok"
    assert state(db_path) == before


CRASH_SCRIPT = """
import sys
from textual.app import App
from herne_tui.app import HerneApp
from herne_tui.cli.main import main

def broken(self):
    raise RuntimeError("geplanter Fehler")
HerneApp.action_help = broken

async def drive(pilot):
    for _ in range(1500):
        if pilot.app.watcher is not None:
            break
        await pilot.pause(0.02)
    await pilot.press("question_mark")
    for _ in range(1500):
        if pilot.app.return_code is not None:  # set when the app fails
            return
        await pilot.pause(0.02)
    print("STILL RUNNING")
    pilot.app.exit()

run = App.run
App.run = lambda self, **kw: run(self, headless=True, size=(120, 40), auto_pilot=drive)
sys.exit(main(["app", "--db", sys.argv[1], "--user", "anna"]))
"""


def test_an_unexpected_error_in_the_app_exits_1_with_one_line_and_a_log(db, db_path, tmp_path):
    db.dispose()
    script = tmp_path / "crash.py"
    script.write_text(CRASH_SCRIPT, encoding="utf-8")
    state_home = tmp_path / "state"
    result = subprocess.run(
        [sys.executable, str(script), str(db_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(state_home)},
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "STILL RUNNING" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("herne-tui: unerwarteter Fehler"), lines
    logs = list(state_home.rglob("absturz-*.log"))
    assert len(logs) == 1 and str(logs[0]) in lines[0]
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "geplanter Fehler" in text
    assert integrity_check(db_path) == "ok"


def test_backup_killed_by_sigterm_leaves_no_temporary_file(db, db_path, tmp_path):
    import sqlite3
    import time

    from helpers import wait_until

    db.dispose()
    with sqlite3.connect(db_path) as conn:  # big enough that the copy and its check take time
        conn.execute("CREATE TABLE ballast (b BLOB)")
        conn.executemany(
            "INSERT INTO ballast VALUES (randomblob(4000))", ([] for _ in range(40_000))
        )
    out = tmp_path / "sicher"
    out.mkdir()
    dest = out / "backup.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "herne_tui", "backup", str(dest), "--db", str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    wait_until(
        lambda: proc.poll() is not None or list(out.glob("*.tmp")),
        interval=0.005,
        what="the backup's temporary file",
    )
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, (proc.returncode, stdout, stderr, time.monotonic() - started)
    assert stderr.strip().splitlines() == [
        "herne-tui: abgebrochen (SIGTERM): nichts halb Geschriebenes zurückgelassen"
    ]
    assert list(out.iterdir()) == []  # neither the .tmp nor a half backup
    assert integrity_check(db_path) == "ok"
