"""Several writers on one database: real processes, real locks, no mocks.

The tests marked ``both_backends`` run on an SQLite file and on PostgreSQL; the others are
about SQLite's own locking (PostgreSQL's counterparts are in ``test_postgres.py``).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import ExitStack

import pytest
from db_worker import spawn, write_lock
from helpers import run_cli, wait_until

from herne_tui.db.models import MeasureRow
from herne_tui.db.schema import open_database
from herne_tui.db.store import Database, integrity_check
from herne_tui.errors import Conflict, DatabaseBusy
from herne_tui.services import edits, queries
from herne_tui.services.watch import ChangeWatcher

WORKERS = 3
EDITS = 300


def test_database_runs_in_wal_mode_with_a_busy_timeout(db, db_path):
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_write_takes_the_lock_before_it_reads(db, db_path):
    """BEGIN IMMEDIATE: the write lock comes with the first read, so a version check is safe."""
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    seen = []

    def probe(session):
        session.get(MeasureRow, "ARB-01")  # the first read starts the transaction
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError as exc:
            seen.append(str(exc))

    db.write(probe)
    db.read(probe)
    other.close()
    assert seen == ["database is locked", "free"]


@pytest.mark.both_backends
def test_a_writer_waits_for_another_process_and_then_saves(db):
    m = queries.get_measure(db, "ARB-01")
    with write_lock(db.url, 0.8):
        started = time.monotonic()
        saved = edits.move_measure(
            db, measure_id="ARB-01", status="beratung", user="anna", expected_version=m.version
        )
        waited = time.monotonic() - started
    assert saved.status == "beratung" and saved.version == m.version + 1
    assert waited > 0.4  # it queued behind the other process instead of failing


@pytest.mark.both_backends
def test_readers_are_not_blocked_by_a_writer(db):
    with write_lock(db.url, 120) as holder:  # killed when the block ends
        board = queries.load_board(db)
        # the read finished while the other process still held the write lock
        assert holder.poll() is None
    assert len(board.measures) == 140


@pytest.mark.both_backends
def test_a_lock_held_too_long_is_one_clear_error_and_nothing_is_written(db, clock):
    impatient = Database(db.url, clock=clock, busy_timeout=0.2, retries=2)
    before = len(queries.history(db))
    try:
        with write_lock(db.url, 120) as holder:  # killed when the block ends
            with pytest.raises(DatabaseBusy) as err:
                edits.update_measure(
                    impatient, measure_id="ARB-01", changes={"responsible": "X"}, user="anna"
                )
            # it gave up on its own, not because the other writer let go
            assert holder.poll() is None
    finally:
        impatient.dispose()
    assert "gesperrt" in err.value.message and "\n" not in err.value.message
    assert queries.get_measure(db, "ARB-01").responsible == ""
    assert len(queries.history(db)) == before


@pytest.mark.both_backends
def test_cli_on_a_locked_database_is_one_line_not_a_traceback(db):
    with write_lock(db.url, 6):
        result = run_cli(
            "set",
            "ARB-01",
            "--db",
            db.url,
            "--status",
            "beratung",
            env={"HERNE_TUI_BUSY_TIMEOUT": "0.3"},
        )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "gesperrt" in result.stderr
    assert queries.get_measure(db, "ARB-01").status == "offen"


@pytest.mark.both_backends
def test_conflict_between_two_processes_names_the_other_writer(db):
    m = queries.get_measure(db, "SCH-04")
    other = run_cli(
        "set",
        "SCH-04",
        "--db",
        db.url,
        "--status",
        "umsetzung",
        "--if-version",
        str(m.version),
        "--user",
        "bernd",
    )
    assert other.returncode == 0, other.stderr
    with pytest.raises(Conflict) as err:
        edits.move_measure(
            db, measure_id="SCH-04", status="beratung", user="anna", expected_version=m.version
        )
    assert err.value.theirs == {"status": "umsetzung"} and err.value.mine == {"status": "beratung"}
    assert err.value.changed_by == "bernd" and err.value.version == m.version + 1


@pytest.mark.both_backends
def test_three_processes_creating_the_same_new_database_at_once(fresh_url):
    path = fresh_url
    exe = [sys.executable, "-m", "herne_tui"]
    procs = [
        subprocess.Popen(
            [*exe, "seed", "--db", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        outs = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    listed = run_cli("list", "--db", str(path), "--format", "json")
    assert len(json.loads(listed.stdout)) == 140, listed.stderr
    db = open_database(str(path))
    try:
        # the seed went in exactly once: one creation entry per measure
        created = [e for e in queries.history(db, entity="measure") if e.field == "*"]
        assert len(created) == 140
        if db.is_sqlite:
            assert integrity_check(db.path) == "ok"
    finally:
        db.dispose()


# -- the stress test ---------------------------------------------------------------------------
def _replay(entries) -> dict[tuple[str, str], dict[str, str]]:
    """Current user-field values (as JSON text) rebuilt from the history alone."""
    state: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for e in sorted(entries, key=lambda e: e.id):
        spec = edits.ENTITIES.get(e.entity)
        if spec is None:
            continue
        if e.field == "*":
            state[(e.entity, e.entity_id)] = {f: edits.encode(v) for f, v in (e.new or {}).items()}
        elif e.field in spec.fields:
            state[(e.entity, e.entity_id)][e.field] = edits.encode(e.new)
    return state


def _current(db) -> tuple[dict, dict]:
    """User-field values (JSON text) and versions of every measure, post and seat now."""
    values, versions = {}, {}
    for m in queries.load_board(db).measures:
        values[("measure", m.id)] = {f: getattr(m, f) for f in edits.ENTITIES["measure"].fields}
        versions[("measure", m.id)] = m.version
    for p in queries.list_posts(db):
        values[("post", p.key)] = {f: getattr(p, f) for f in edits.ENTITIES["post"].fields}
        versions[("post", p.key)] = p.version
    for s in (s for h in queries.list_holdings(db) for s in h.seats):
        values[("seat", s.key)] = {f: getattr(s, f) for f in edits.ENTITIES["seat"].fields}
        versions[("seat", s.key)] = s.version
    return (
        {k: {f: edits.encode(v) for f, v in fields.items()} for k, fields in values.items()},
        versions,
    )


@pytest.mark.both_backends
def test_three_writers_lose_nothing_and_the_history_explains_the_end_state(db, tmp_path):
    names = [f"w{i}" for i in range(WORKERS)]
    logs = {name: tmp_path / f"{name}.jsonl" for name in names}
    started = time.monotonic()
    with ExitStack() as stack:
        procs = {
            name: stack.enter_context(
                spawn("stress", db.url, name, str(100 + i), str(EDITS), str(logs[name]))
            )
            for i, name in enumerate(names)
        }
        outcomes = {name: p.communicate(timeout=240) for name, p in procs.items()}
    duration = time.monotonic() - started
    for name, p in procs.items():
        # no DatabaseBusy (or anything else) escaped to a worker
        assert p.returncode == 0, f"{name}: {outcomes[name][1]}"

    log = {
        name: [json.loads(line) for line in logs[name].read_text().splitlines()] for name in names
    }
    assert all(len(entries) == EDITS for entries in log.values())
    every = [dict(e, user=name) for name, entries in log.items() for e in entries]
    changes = [e for e in every if e["op"] != "note"]
    accepted = [e for e in changes if e["ok"]]
    refused = [e for e in changes if not e["ok"]]
    notes = [e for e in every if e["op"] == "note"]
    engine = "sqlite" if db.is_sqlite else "postgresql"
    print(
        f"\nstress ({engine}): {WORKERS}×{EDITS} edits in {duration:.1f} s: "
        f"{len(accepted)} accepted, "
        f"{len(refused)} refused (Conflict), {len(notes)} notes"
    )
    assert refused, "no conflicts: the test did not create contention"
    assert len(accepted) > len(refused)

    history = queries.history(db)
    mine = [e for e in history if e.user in names]

    # 1. every accepted edit is in the history, once per changed field; nothing else is
    expected = Counter(
        (e["user"], e["entity"], e["key"], f, v) for e in accepted for f, v in e["changed"].items()
    )
    recorded = Counter(
        (h.user, h.entity, h.entity_id, h.field, edits.encode(h.new))
        for h in mine
        if h.action == "edit"
    )
    assert recorded == expected
    assert {h.action for h in mine} == {"edit", "note"}
    # one history transaction per accepted edit that changed something
    txns = Counter(
        (h.entity, h.entity_id)
        for h in {(h.txn, h.entity, h.entity_id): h for h in mine if h.action == "edit"}.values()
    )
    assert txns == Counter((e["entity"], e["key"]) for e in accepted if e["changed"])

    # 2. a refused edit was refused for a reason and left no trace
    for e in refused:
        assert e["version"] > e["read"] and e["by"] in names, e
        assert set(e["theirs"]) == set(e["mine"])
    refused_markers = {edits.encode(e["marker"]) for e in refused if e["op"] != "move"}
    touched = {v for h in history for v in (edits.encode(h.old), edits.encode(h.new))}
    assert refused_markers and not refused_markers & touched

    # 3. notes are all there, each once, and never bumped a version
    stored = Counter(
        (n.author, n.text)
        for m in {e["key"] for e in notes}
        for n in queries.get_measure(db, m).notes
        if n.author in names
    )
    assert stored == Counter((e["user"], e["marker"]) for e in notes)

    # 4. replaying the history gives the final state, field by field
    values, versions = _current(db)
    replayed = _replay(history)
    for key, fields in values.items():
        assert replayed[key] == fields, key
    assert not refused_markers & {v for fields in values.values() for v in fields.values()}

    # 5. versions: 1 + accepted edits on the row; each accepted edit got its own version
    per_row = defaultdict(list)
    for e in accepted:
        per_row[(e["entity"], e["key"])].append(e["version"] if e["changed"] else None)
    for key, version in versions.items():
        reported = sorted(v for v in per_row.get(key, []) if v is not None)
        assert version == 1 + len(reported), key
        assert reported == list(range(2, version + 1)), key

    if db.is_sqlite:
        assert integrity_check(db.path) == "ok"
    assert duration < 120


# -- live refresh: the change watcher ------------------------------------------------------------
def test_watcher_reports_who_changed_what_in_another_process(db, db_path):
    watcher = ChangeWatcher(db)
    try:
        assert watcher.uses_data_version
        assert watcher.poll() is None and watcher.poll() is None
        result = run_cli(
            "set",
            "ARB-01",
            "--db",
            str(db_path),
            "--status",
            "beratung",
            "--note",
            "Termin steht",
            "--user",
            "bernd",
        )
        assert result.returncode == 0, result.stderr
        entries = watcher.poll()
        assert [(e.user, e.entity_id, e.field, e.new) for e in entries] == [
            ("bernd", "ARB-01", "status", "beratung"),
            ("bernd", "ARB-01", "note", "Termin steht"),
        ]
        assert watcher.poll() is None
        # our own commits are noticed too (the UI filters by user)
        edits.add_note(db, measure_id="ARB-02", text="selbst", user="anna")
        assert [e.user for e in watcher.poll()] == ["anna"]
    finally:
        watcher.close()
    assert watcher.poll() is None


@pytest.mark.both_backends
def test_watcher_without_data_version_polls_the_history(db):
    with ChangeWatcher(db, use_data_version=False) as watcher:
        assert not watcher.uses_data_version
        assert watcher.poll() is None
        assert (
            run_cli("set", "SCH-01", "--db", db.url, "--lead", "CDU", "--user", "bernd").returncode
            == 0
        )
        assert [(e.user, e.field, e.new) for e in watcher.poll()] == [("bernd", "lead", "CDU")]
        assert watcher.poll() is None


@pytest.mark.both_backends
def test_watcher_notices_every_commit_of_another_process_promptly(db):
    committed: dict[str, float] = {}
    seen: dict[str, float] = {}
    with ChangeWatcher(db) as watcher, spawn("loop", db.url, "bernd", "6", "0.3") as proc:

        def read_worker() -> None:
            for line in proc.stdout:
                parts = line.split()
                if parts[0] == "ok":
                    committed[parts[3]] = float(parts[5])

        reader = threading.Thread(target=read_worker, daemon=True)
        reader.start()

        def saw_all() -> bool:
            for e in watcher.poll() or ():
                if e.field == "responsible":
                    seen.setdefault(e.new, time.time())
            return len(seen) >= 6

        # a poll every 0.05 s, as the app would poll, only much more often
        wait_until(saw_all, timeout=60, interval=0.05, what=lambda: f"saw only {sorted(seen)}")
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
        reader.join(timeout=10)
    assert set(seen) == set(committed) and len(seen) == 6
    delays = [seen[v] - committed[v] for v in seen]
    print(f"\nwatcher delays: {[round(x, 3) for x in delays]}")
    # "promptly", with room for a loaded machine: the app polls every 0.5 s, so a watcher that
    # works sees each commit within a poll or two; one that misses commits never sees them
    assert all(-0.5 < d < 10 for d in delays), delays


@pytest.mark.both_backends
def test_watcher_is_cheap_and_safe_from_threads(db):
    watcher = ChangeWatcher(db)
    started = time.perf_counter()
    for _ in range(500):
        assert watcher.poll() is None
    # a poll with nothing new is one cheap query: 500 of them take milliseconds each at most
    assert time.perf_counter() - started < 10
    results: list = []

    def poll_a_while() -> None:
        for _ in range(50):
            results.extend(watcher.poll() or ())
            time.sleep(0.002)  # interleave the threads' polls with the commits, not a wait

    threads = [threading.Thread(target=poll_a_while) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(5):
        edits.add_note(db, measure_id="KJF-01", text=f"Notiz {i}", user="anna")
        time.sleep(0.01)  # spread the commits over the threads' polling, not a wait
    for t in threads:
        t.join(timeout=30)
    results.extend(watcher.poll() or ())
    watcher.close()
    assert sorted(e.new for e in results) == [f"Notiz {i}" for i in range(5)]
