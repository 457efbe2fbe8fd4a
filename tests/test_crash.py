"""kill -9 in the middle of work loses at most the edit that was not yet committed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

from db_worker import LOOP_MEASURES, spawn
from helpers import run_cli, wait_until

from herne_tui.db.schema import open_database
from herne_tui.db.store import integrity_check
from herne_tui.services import queries


def test_kill_9_mid_work_loses_nothing_that_was_reported_committed(db, db_path):
    rng = random.Random(5)
    reported: dict[str, list[tuple[str, str, int]]] = {}
    for round_ in range(3):
        user = f"crash{round_}"
        with spawn("loop", str(db_path), user, "1000000") as proc:
            assert proc.stdout.readline().startswith("ready"), proc.stderr.read()
            lines = [proc.stdout.readline() for _ in range(rng.randrange(30, 120))]
            os.kill(proc.pid, signal.SIGKILL)  # mid-way: it is writing all the time
            assert proc.wait(timeout=30) == -signal.SIGKILL
            lines += proc.stdout.readlines()  # printed before it died: committed
        reported[user] = [
            (w[1], w[3], int(w[4])) for w in map(str.split, lines) if w and w[0] == "ok"
        ]
        assert integrity_check(db_path) == "ok"

    reopened = open_database(str(db_path))
    try:
        history = queries.history(reopened)
        for user, edits in reported.items():
            stored = [
                (e.entity_id, e.new) for e in history if e.user == user and e.field == "responsible"
            ]
            done = [(mid, value) for mid, value, _ in edits]
            # every reported edit is there, in order; at most one more committed unreported
            assert stored[: len(done)] == done
            assert len(stored) - len(done) in (0, 1), (user, len(stored), len(done))
            notes = Counter(e.entity_id for e in history if e.user == user and e.field == "note")
            assert sum(notes.values()) >= sum(1 for i, _ in enumerate(edits) if i % 3 == 0)
        for mid in LOOP_MEASURES:
            m = queries.get_measure(reopened, mid)
            changes = [e for e in history if e.entity_id == mid and e.action == "edit"]
            assert m.responsible == changes[-1].new
            assert m.version == 1 + len({e.txn for e in changes})
            last = [v for edits in reported.values() for k, _, v in edits if k == mid]
            assert m.version >= max(last)
        # and it takes new work
        after = run_cli(
            "set", "MOB-01", "--db", str(db_path), "--status", "beratung", "--user", "anna"
        )
        assert after.returncode == 0, after.stderr
    finally:
        reopened.dispose()
    assert integrity_check(db_path) == "ok"


def test_kill_9_while_seeding_leaves_all_or_nothing(tmp_path):
    exe = [sys.executable, "-m", "herne_tui"]
    for i, delay in enumerate((0.0, 0.05, 0.2)):
        path = tmp_path / f"neu{i}.db"
        wal = path.with_name(f"{path.name}-wal")
        proc = subprocess.Popen(
            [*exe, "seed", "--db", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_until(
                lambda proc=proc, wal=wal: (
                    proc.poll() is not None or (wal.exists() and wal.stat().st_size > 0)
                ),
                timeout=60,
                interval=0.001,
                what="the seeding to start writing",
            )
            time.sleep(delay)  # kill at different points of the seeding: the thing under test
            proc.kill()
        finally:
            proc.wait(timeout=30)
            proc.stderr.close()
        assert path.exists()
        assert integrity_check(path) == "ok"
        db = open_database(str(path))
        try:
            count = len(queries.load_board(db).measures)
        finally:
            db.dispose()
        assert count in (0, 140), count
