"""Backup and restore through SQLite's online backup API, also while others are working."""

from __future__ import annotations

import os
import pty
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from db_worker import spawn
from helpers import run_cli, wait_until

from herne_tui.db.schema import SCHEMA_VERSION, open_database
from herne_tui.db.store import integrity_check
from herne_tui.services import edits, queries
from herne_tui.services.watch import ChangeWatcher


def _values(path: Path, sql: str) -> list:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute(sql)]
    finally:
        conn.close()


def _one_line_error(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_backup_while_another_process_writes_is_valid_and_complete(db, db_path, tmp_path):
    dest = tmp_path / "sicherung.db"
    committed = []
    with spawn("loop", str(db_path), "bernd", "100000") as proc:
        assert proc.stdout.readline().startswith("ready")
        while len(committed) < 40:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            committed.append(line.split()[3])
        result = run_cli("backup", "--db", str(db_path), str(dest))
        still_writing = proc.poll() is None
        more = [proc.stdout.readline() for _ in range(5)]
    assert result.returncode == 0, result.stderr
    assert still_writing and all(line.startswith("ok") for line in more)
    match = re.search(
        r"Sicherung (.+): (\d+(?:,\d+)? [kM]B), Schema (\d+), 140 Maßnahmen, (\d+) Notizen, "
        r"(\d+) Verlaufseinträge; integrity_check ok \((\d+,\d+) s\)",
        result.stdout,
    )
    assert match, result.stdout
    assert Path(match[1]) == dest and int(match[3]) == SCHEMA_VERSION
    print(f"\nbackup while writing: {match[2]} in {match[6]} s")
    assert integrity_check(dest) == "ok"
    assert not Path(f"{dest}-wal").exists()
    assert _values(dest, "PRAGMA journal_mode") == ["delete"]
    saved = set(_values(dest, "SELECT new FROM history WHERE user = 'bernd'"))
    # everything committed before the backup started is in the copy
    assert {f'"{value}"' for value in committed} <= saved
    assert len(saved) < 100000
    copy = tmp_path / "copy.db"
    copy.write_bytes(dest.read_bytes())
    opened = open_database(str(copy))
    try:
        assert len(queries.load_board(opened).measures) == 140
    finally:
        opened.dispose()


def test_backup_never_overwrites_unless_forced(db, db_path, tmp_path):
    dest = tmp_path / "b.db"
    dest.write_bytes(b"something precious")
    refused = run_cli("backup", "--db", str(db_path), str(dest))
    assert "gibt es schon" in _one_line_error(refused) and "--force" in refused.stderr
    assert dest.read_bytes() == b"something precious"
    assert not list(tmp_path.glob(".b.db*"))  # no temporary file left behind
    forced = run_cli("backup", "--db", str(db_path), str(dest), "--force")
    assert forced.returncode == 0, forced.stderr
    assert integrity_check(dest) == "ok"


def test_backup_into_a_folder_gets_a_dated_name(db, db_path, tmp_path):
    folder = tmp_path / "sicherungen"
    folder.mkdir()
    result = run_cli("backup", "--db", str(db_path), str(folder))
    assert result.returncode == 0, result.stderr
    [made] = folder.iterdir()
    assert re.fullmatch(r"herne-\d{8}-\d{6}\.db", made.name) and str(made) in result.stdout


def test_backup_of_a_missing_database_is_one_line(tmp_path):
    result = run_cli("backup", "--db", str(tmp_path / "nope.db"), str(tmp_path / "b.db"))
    assert "gibt es nicht" in _one_line_error(result)
    assert list(tmp_path.iterdir()) == []


def test_restore_brings_back_the_backup_and_keeps_what_it_replaced(db, db_path, tmp_path):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    backup = tmp_path / "stand.db"
    assert run_cli("backup", "--db", str(db_path), str(backup)).returncode == 0
    edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="bernd")
    edits.add_note(db, measure_id="ARB-01", text="nach der Sicherung", user="bernd")

    result = run_cli("restore", str(backup), "--db", str(db_path), "--yes")
    assert result.returncode == 0, result.stderr
    m = queries.get_measure(db, "ARB-01")  # the open connections see the restored state
    assert m.status == "beratung" and m.notes == ()
    saved = Path(re.search(r"bisheriger Stand gesichert: (\S+)", result.stdout)[1])
    assert saved.parent == db_path.parent and saved.name.startswith("herne.db.vor-")
    assert "umgesetzt" in _values(saved, "SELECT status_key FROM measure WHERE id='ARB-01'")
    assert integrity_check(db_path) == "ok" and integrity_check(saved) == "ok"
    assert _values(db_path, "PRAGMA journal_mode") == ["wal"]
    # and work goes on on the restored database
    edits.move_measure(
        db, measure_id="ARB-01", status="umsetzung", user="anna", expected_version=m.version
    )


def test_restore_needs_confirmation(db, db_path, tmp_path):
    backup = tmp_path / "stand.db"
    assert run_cli("backup", "--db", str(db_path), str(backup)).returncode == 0
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    before = sorted(p.name for p in tmp_path.iterdir())
    no_tty = run_cli("restore", str(backup), "--db", str(db_path), input="j\n")
    assert "--yes" in _one_line_error(no_tty)
    assert queries.get_measure(db, "ARB-01").status == "beratung"
    assert sorted(p.name for p in tmp_path.iterdir()) == before

    def on_a_terminal(answer: str) -> tuple[int, str]:
        main, other = pty.openpty()
        exe = Path(sys.executable).with_name("herne-tui")
        proc = subprocess.Popen(
            [str(exe), "restore", str(backup), "--db", str(db_path)],
            stdin=other,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(other)
        try:
            os.write(main, answer.encode())
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(main)
        return proc.returncode, out + err

    code, text = on_a_terminal("n\n")
    assert code == 1 and "ersetzen?" in text and "abgebrochen" in text
    assert queries.get_measure(db, "ARB-01").status == "beratung"
    code, text = on_a_terminal("j\n")
    assert code == 0, text
    assert queries.get_measure(db, "ARB-01").status == "offen"


def test_restore_refuses_a_newer_schema_and_other_files(db, db_path, tmp_path):
    newer = tmp_path / "neuer.db"
    assert run_cli("backup", "--db", str(db_path), str(newer)).returncode == 0
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
    conn.close()
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    line = _one_line_error(run_cli("restore", str(newer), "--db", str(db_path), "--yes"))
    assert f"Schema-Version {SCHEMA_VERSION + 1}" in line and f"bis {SCHEMA_VERSION}" in line
    assert "neuere herne-tui-Version installieren" in line and "pip install -U" not in line
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"kein sqlite" * 100)
    assert "keine SQLite-Datenbank" in _one_line_error(
        run_cli("restore", str(junk), "--db", str(db_path), "--yes")
    )
    foreign = tmp_path / "fremd.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert "keine herne-tui-Datenbank" in _one_line_error(
        run_cli("restore", str(foreign), "--db", str(db_path), "--yes")
    )
    assert "gibt es nicht" in _one_line_error(
        run_cli("restore", str(tmp_path / "fehlt.db"), "--db", str(db_path), "--yes")
    )
    assert queries.get_measure(db, "ARB-01").status == "beratung"
    assert not list(tmp_path.glob("*.bak"))


def test_restore_under_a_running_writer_and_watcher(db, db_path, tmp_path):
    backup = tmp_path / "stand.db"
    assert run_cli("backup", "--db", str(db_path), str(backup)).returncode == 0
    backup_last = _values(backup, "SELECT max(id) FROM history")[0]
    watcher = ChangeWatcher(db)
    try:
        # the writer stops (still running) after 3 saves on the restored file, so what was
        # written after the restore does not depend on how fast this machine is
        with spawn("loop", str(db_path), "bernd", "100000", "0.05", "3") as proc:
            assert proc.stdout.readline().startswith("ready")
            for _ in range(10):
                assert proc.stdout.readline().startswith("ok")

            # Before the restore the watcher has seen more entries than the 3 saves after it
            # can write (at most 2 entries each), however slow or fast this machine is.
            def seen_plenty() -> int:
                watcher.poll()
                return watcher.last_id if watcher.last_id >= backup_last + 20 else 0

            seen_before = wait_until(seen_plenty, what="the watcher to see 20 entries")
            result = run_cli("restore", str(backup), "--db", str(db_path), "--yes")
            assert result.returncode == 0, result.stderr
            # the other process's open connections go on working on the restored file: its
            # versions went back to the backup's and it saved 3 times more ("idle" says so)
            after = []
            while (line := proc.stdout.readline()) != "idle\n":
                assert line.startswith("ok"), (after, line, proc.stderr.read())
                after.append(line)
            assert len(after) >= 3 and proc.poll() is None
            assert watcher.poll() is not None  # the restore (and the edits after it) were noticed
            restored_last = _values(db_path, "SELECT max(id) FROM history")[0]
        # the restored history is shorter than what the watcher saw before: it follows it
        assert backup_last < restored_last <= backup_last + 6 < seen_before
        assert watcher.last_id == restored_last
        edits.add_note(db, measure_id="ARB-01", text="danach", user="anna")
        assert [e.new for e in watcher.poll()] == ["danach"]
    finally:
        watcher.close()
    assert integrity_check(db_path) == "ok"
    reopened = open_database(str(db_path))
    try:
        assert len(queries.load_board(reopened).measures) == 140
    finally:
        reopened.dispose()
