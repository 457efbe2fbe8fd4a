"""Shared server: what a user without write access is told, and --read-only for viewers."""

from __future__ import annotations

import ctypes
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_cli
from sqlalchemy.exc import OperationalError

from herne_tui.db import store
from herne_tui.db.schema import open_database
from herne_tui.db.store import check_readable
from herne_tui.errors import ReadOnly
from herne_tui.paths import check_writable
from herne_tui.services import edits, queries


def _one_line(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _history_len(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM history").fetchone()[0]
    finally:
        conn.close()


# -- the checks, with os.access steered (works for root too) ----------------------------------
def _deny(monkeypatch, *denied: Path, mode: int = os.W_OK) -> None:
    real = os.access

    def access(path, wanted, *args, **kw):
        if Path(path) in denied and wanted & mode:
            return False
        return real(path, wanted, *args, **kw)

    monkeypatch.setattr(store.os, "access", access)


def test_check_writable_names_the_directory_and_the_fix(db, db_path, monkeypatch):
    assert check_writable(db_path) is None
    _deny(monkeypatch, db_path.parent)
    message = check_writable(db_path)
    assert str(db_path.parent) in message and "chmod 2775" in message
    assert "-wal" in message and "--read-only" in message


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_check_writable_names_the_file_that_is_not_group_writable(db, db_path, monkeypatch, suffix):
    target = Path(f"{db_path}{suffix}")
    target.touch()
    _deny(monkeypatch, target)
    message = check_writable(db_path)
    assert f"{target} ist für Sie nicht beschreibbar" in message
    assert "chmod g+w" in message and "umask 002" in message


def test_open_refuses_with_the_explanation_unless_read_only(db, db_path, monkeypatch):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    _deny(monkeypatch, Path(f"{db_path}-wal"))
    with pytest.raises(Exception) as err:
        open_database(str(db_path))
    assert "-wal ist für Sie nicht beschreibbar" in err.value.message
    viewer = open_database(str(db_path), read_only=True)
    try:
        assert viewer.read_only and queries.get_measure(viewer, "ARB-01").status == "beratung"
    finally:
        viewer.dispose()


def test_check_readable_explains_a_wal_file_in_a_locked_directory(db, db_path, monkeypatch):
    db.dispose()  # the last connection removes -wal and -shm
    assert store.is_wal_file(db_path) and not Path(f"{db_path}-shm").exists()
    assert check_readable(db_path) is None
    _deny(monkeypatch, db_path.parent)
    assert "-shm" in check_readable(db_path) and "chmod 2775" in check_readable(db_path)
    _deny(monkeypatch, db_path, mode=os.R_OK)
    assert "nicht lesbar" in check_readable(db_path)


# -- --read-only -------------------------------------------------------------------------------
def test_read_only_database_refuses_every_write_even_below_the_services(db, db_path):
    viewer = open_database(str(db_path), read_only=True)
    try:
        with pytest.raises(ReadOnly, match="Nur-Lese-Modus"):
            edits.move_measure(viewer, measure_id="ARB-01", status="beratung", user="x")
        with pytest.raises(ReadOnly):
            edits.add_note(viewer, measure_id="ARB-01", text="x", user="x")
        # SQLite itself refuses: the file is opened with mode=ro
        with (
            pytest.raises(OperationalError, match="readonly"),
            viewer.engine.begin() as conn,
        ):
            conn.exec_driver_sql("UPDATE measure SET responsible = 'x'")
        assert queries.get_measure(viewer, "ARB-01").status == "offen"
    finally:
        viewer.dispose()


def test_read_only_flag_on_the_command_line(db, db_path, tmp_path):
    before = _history_len(db_path)
    for args in (
        ("--read-only", "set", "ARB-01", "--db", str(db_path), "--status", "beratung"),
        ("set", "ARB-01", "--db", str(db_path), "--note", "x", "--read-only"),
        ("--read-only", "seed", "--db", str(db_path)),
        ("restore", str(db_path), "--db", str(tmp_path / "other.db"), "--yes", "--read-only"),
    ):
        assert "Nur-Lese-Modus" in _one_line(run_cli(*args)), args
    assert _history_len(db_path) == before
    assert not (tmp_path / "other.db").exists()
    shown = run_cli("--read-only", "show", "ARB-01", "--db", str(db_path))
    assert shown.returncode == 0 and "ARB-01" in shown.stdout
    listed = run_cli("list", "--db", str(db_path), "--read-only", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    missing = tmp_path / "gibtsnicht.db"
    assert "Nur-Lese-Modus" in _one_line(run_cli("--read-only", "list", "--db", str(missing)))
    assert not missing.exists()


# -- real permissions: a user who may not write ---------------------------------------------
_PR_CAPBSET_DROP = 24
_DAC_CAPS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def _obey_file_modes() -> None:
    """In the child, before exec: as root, give up the capabilities that ignore file modes."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _DAC_CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _as_unprivileged(*args: str) -> subprocess.CompletedProcess:
    """Run the CLI so that file modes apply (root drops CAP_DAC_OVERRIDE and friends)."""
    exe = Path(sys.executable).with_name("herne-tui")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "herne_tui"]
    env = {**os.environ, "HERNE_TUI_USER": "gast"}
    env.pop("HERNE_TUI_DB", None)
    return subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=_obey_file_modes,
        timeout=120,
    )


def _file_modes_apply(tmp_path: Path) -> bool:
    locked = tmp_path / "probe"
    locked.write_text("")
    locked.chmod(0o444)
    try:
        probe = subprocess.run(
            [sys.executable, "-c", f"open({str(locked)!r}, 'a')"],
            capture_output=True,
            preexec_fn=_obey_file_modes,
            timeout=60,
        )
    except subprocess.SubprocessError:
        return False
    finally:
        locked.unlink()
    return probe.returncode != 0


def test_a_user_without_write_access_is_told_what_to_fix(db, db_path, tmp_path):
    if not _file_modes_apply(tmp_path):
        pytest.skip(
            "root without CAP_SETPCAP: file modes cannot be enforced here "
            "(check_writable is covered by the os.access tests above)"
        )
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    db.dispose()
    shared = tmp_path / "shared"
    shared.mkdir()
    live = shared / "live.db"
    shutil.copyfile(db_path, live)  # a WAL file nobody has open (no -wal, no -shm)
    copy = shared / "copy.db"
    assert run_cli("backup", "--db", str(live), str(copy)).returncode == 0  # DELETE mode
    for path in (live, copy):
        path.chmod(0o444)
    shared.chmod(0o555)
    try:
        refused = _as_unprivileged("set", "ARB-01", "--db", str(live), "--status", "umsetzung")
        line = _one_line(refused)
        assert f"Verzeichnis {shared} ist für Sie nicht beschreibbar" in line
        assert "--read-only" in line
        viewer = _as_unprivileged("show", "ARB-01", "--db", str(live), "--read-only")
        assert "-shm" in _one_line(viewer)  # a WAL file needs its -shm: explained
        ok = _as_unprivileged("show", "ARB-01", "--db", str(copy), "--read-only")
        assert ok.returncode == 0, ok.stderr
        assert "In Beratung" in ok.stdout

        shared.chmod(0o755)  # the directory is fine now, the file is not
        refused = _as_unprivileged("set", "ARB-01", "--db", str(copy), "--status", "umsetzung")
        assert f"{copy} ist für Sie nicht beschreibbar" in _one_line(refused)
        assert _history_len(copy) == _history_len(live)
    finally:
        shared.chmod(0o755)


# -- the app with --read-only: the header says so, the footer offers no editing keys -----------
def _footer_keys(app) -> set[str]:
    """The keys the footer shows: the bindings the screen's check_action does not disable."""
    return {
        active.binding.key_display or active.binding.key
        for active in app.screen.active_bindings.values()
        if active.binding.show and active.enabled
    }


async def test_read_only_app_says_so_in_every_header_and_hides_editing_keys(db_path, db, clock):
    from pilot import settle, started
    from textual.widgets import Header

    from herne_tui.screens.board import BoardScreen

    viewer = open_database(str(db_path), clock=clock, read_only=True)
    async with started(viewer, user="gast", size=(160, 40)) as (app, pilot):
        for key, hidden in (
            ("1", {"H", "L", "u", "s", "n", "x"}),  # the board
            ("2", {"e", "enter"}),  # a panel (Ausschüsse)
            ("9", {"e", "enter"}),  # the Koordinierungsgruppe
        ):
            await pilot.press(key)
            await settle(pilot)
            header = app.screen.query_one(Header)
            assert "NUR LESEN" in f"{header.screen_title} {header.screen_sub_title}", key
            shown = _footer_keys(app)
            assert not shown & hidden, (key, shown)
            assert {"?", "q"} <= shown, (key, shown)
        await pilot.press("1")
        await settle(pilot)
        for key in ("s", "L", "n"):  # each answers with one line; nothing opens or is written
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, BoardScreen), key
            assert app.screen.focused_measure().id == "ARB-01"
        said = [n.message for n in app._notifications]
        assert said.count("Nur-Lese-Modus: hier wird nichts geändert.") == 3, said
    assert queries.get_measure(db, "ARB-01").version == 1


async def test_a_writable_app_keeps_its_editing_keys_and_plain_header(db):
    from pilot import settle, started

    async with started(db, user="anna", size=(160, 40)) as (app, pilot):
        assert "NUR LESEN" not in (app.screen.title or "")
        assert {"s", "n", "x"} <= _footer_keys(app)  # H/L: in the help (?), the palette
        await pilot.press("2")
        await settle(pilot)
        assert "NUR LESEN" not in (app.screen.title or "")
        assert "e" in _footer_keys(app)
