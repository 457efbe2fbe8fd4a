"""Worker processes for the concurrency, crash, backup and watch tests (run as a script).

    python tests/db_worker.py stress DB NAME SEED COUNT LOG
        COUNT random edits through the services with ``expected_version`` from a fresh read;
        one JSON line per edit in LOG (accepted with the resulting version, or refused).
    python tests/db_worker.py loop DB NAME COUNT [PAUSE [AFTER_RESTORE]]
        edits two measures in turn and prints ``ok KEY FIELD VALUE VERSION TIME`` after each
        commit (for kill -9, watch and backup tests); with AFTER_RESTORE it stops (``idle``)
        after that many saves on a file restored under it.
    python tests/db_worker.py migrate DB
        registers a temporary next migration (slow on purpose) and opens the database.
    python tests/db_worker.py hold DB SECONDS
        takes the write lock (BEGIN IMMEDIATE; on PostgreSQL the writers' advisory lock),
        prints ``locked``, holds it, rolls back.

Every worker exits 0 only when no exception other than ``Conflict`` reached it. Tests start
workers with ``spawn`` (a context manager that kills what is still running on exit).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from herne_tui.db.schema import open_database
from herne_tui.domain import objects as d
from herne_tui.errors import Conflict
from herne_tui.services import edits, queries

HOT_MEASURES = ("ARB-01", "SCH-02", "KJF-03")
STATUSES = ("offen", "vorbereitung", "beratung", "umsetzung", "umgesetzt", "zurueckgestellt")
LOOP_MEASURES = ("MOB-01", "MOB-02")


def _measure_edit(db, rng: random.Random, name: str, i: int, all_ids: list[str]) -> dict:
    mid = rng.choice(HOT_MEASURES) if rng.random() < 0.75 else rng.choice(all_ids)
    m = queries.get_measure(db, mid)
    marker = f"{name}-{i:04d}"
    if rng.random() < 0.4:
        op = "move"
        status = rng.choice([s for s in STATUSES if s != m.status])
        changes = {"status": status}
    else:
        op = "update"
        changes = {"responsible": marker}
        if rng.random() < 0.5:
            changes["lead"] = rng.choice(("SPD", "CDU", "gemeinsam", ""))
        if rng.random() < 0.5:
            changes["due"] = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 900))
    current = {"status": m.status, "responsible": m.responsible, "lead": m.lead, "due": m.due}
    changed = {f: edits.encode(v) for f, v in changes.items() if current[f] != v}
    time.sleep(rng.random() * 0.004)  # a user thinking: others may save meanwhile
    entry = {
        "op": op,
        "entity": "measure",
        "key": mid,
        "marker": marker,
        "read": m.version,
        "mine": {f: edits.encode(v) for f, v in changes.items()},
    }
    try:
        if op == "move":
            after = edits.move_measure(
                db, measure_id=mid, status=changes["status"], user=name, expected_version=m.version
            )
        else:
            after = edits.update_measure(
                db, measure_id=mid, changes=changes, user=name, expected_version=m.version
            )
    except Conflict as exc:
        return {
            **entry,
            "ok": False,
            "version": exc.version,
            "by": exc.changed_by,
            "theirs": {f: edits.encode(v) for f, v in exc.theirs.items()},
        }
    return {**entry, "ok": True, "changed": changed, "version": after.version}


def _post_edit(db, rng: random.Random, name: str, i: int) -> dict:
    posts = queries.list_posts(db)
    p = rng.choice(posts[:2]) if rng.random() < 0.7 else rng.choice(posts)
    marker = f"{name}-{i:04d}"
    changes = {"holder": marker, "state": rng.choice(d.POST_STATES)}
    current = {"holder": p.holder, "state": p.state}
    changed = {f: edits.encode(v) for f, v in changes.items() if current[f] != v}
    time.sleep(rng.random() * 0.004)  # thinking, as above
    entry = {
        "op": "post",
        "entity": "post",
        "key": p.key,
        "marker": marker,
        "read": p.version,
        "mine": {f: edits.encode(v) for f, v in changes.items()},
    }
    try:
        after = edits.update_post(
            db, key=p.key, changes=changes, user=name, expected_version=p.version
        )
    except Conflict as exc:
        return {
            **entry,
            "ok": False,
            "version": exc.version,
            "by": exc.changed_by,
            "theirs": {f: edits.encode(v) for f, v in exc.theirs.items()},
        }
    return {**entry, "ok": True, "changed": changed, "version": after.version}


def _seat_edit(db, rng: random.Random, name: str, i: int) -> dict:
    seats = [s for h in queries.list_holdings(db) for s in h.seats]
    s = rng.choice(seats[:2]) if rng.random() < 0.7 else rng.choice(seats)
    marker = f"{name}-{i:04d}"
    changes = {"nominee": marker, "tender_done": not s.tender_done}
    current = {"nominee": s.nominee, "tender_done": s.tender_done}
    changed = {f: edits.encode(v) for f, v in changes.items() if current[f] != v}
    time.sleep(rng.random() * 0.004)  # thinking, as above
    entry = {
        "op": "seat",
        "entity": "seat",
        "key": s.key,
        "marker": marker,
        "read": s.version,
        "mine": {f: edits.encode(v) for f, v in changes.items()},
    }
    try:
        after = edits.update_seat(
            db, key=s.key, changes=changes, user=name, expected_version=s.version
        )
    except Conflict as exc:
        return {
            **entry,
            "ok": False,
            "version": exc.version,
            "by": exc.changed_by,
            "theirs": {f: edits.encode(v) for f, v in exc.theirs.items()},
        }
    return {**entry, "ok": True, "changed": changed, "version": after.version}


def _note(db, rng: random.Random, name: str, i: int) -> dict:
    mid = rng.choice(HOT_MEASURES)
    text = f"{name}-{i:04d} Notiz"
    edits.add_note(db, measure_id=mid, text=text, user=name)
    return {"op": "note", "entity": "measure", "key": mid, "marker": text, "ok": True}


def stress(db_path: str, name: str, seed: int, count: int, log_path: str) -> None:
    """Random edits on one file, most of them on the same few rows; log every outcome."""
    rng = random.Random(seed)
    db = open_database(db_path)
    all_ids = [m.id for m in queries.load_board(db).measures]
    with open(log_path, "w", encoding="utf-8") as log:
        for i in range(count):
            roll = rng.random()
            if roll < 0.55:
                entry = _measure_edit(db, rng, name, i, all_ids)
            elif roll < 0.70:
                entry = _note(db, rng, name, i)
            elif roll < 0.85:
                entry = _post_edit(db, rng, name, i)
            else:
                entry = _seat_edit(db, rng, name, i)
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            log.flush()
    db.dispose()


class RestoreSpotter:
    """Notices that the file was restored under a writer: a saved version went back."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}
        self.saves_since = 0
        """Saves made on the restored file (0 while no restore was seen)."""

    def saved(self, measure_id: str, version: int) -> None:
        """Take note of one save."""
        if self.saves_since or version < self.last.get(measure_id, 0):
            self.saves_since += 1
        self.last[measure_id] = version


def loop(db_path: str, name: str, count: int, pause: float = 0.0, after_restore: int = 0) -> None:
    """Edit two measures in turn; print one line after each commit.

    With ``after_restore``, once the file was restored under it, make that many saves on the
    restored file, print ``idle`` and keep its connections open until it is killed, so a test
    knows exactly what was written after the restore.
    """
    db = open_database(db_path)
    spotter = RestoreSpotter()
    print(f"ready {time.time():.6f}", flush=True)
    for i in range(count):
        mid = LOOP_MEASURES[i % len(LOOP_MEASURES)]
        value = f"{name}-{i:05d}"
        note = ("x" * 2000 + value) if i % 3 == 0 else None
        m = edits.update_measure(
            db, measure_id=mid, changes={"responsible": value}, user=name, note=note
        )
        print(f"ok {mid} responsible {value} {m.version} {time.time():.6f}", flush=True)
        spotter.saved(mid, m.version)
        if after_restore and spotter.saves_since >= after_restore:
            print("idle", flush=True)
            signal.pause()  # killed by the test
        if pause:
            time.sleep(pause)  # a writer that saves now and then, not a wait
    db.dispose()


def migrate(db_path: str) -> None:
    """Open the database with a temporary, slow next migration registered."""
    from sqlalchemy import text

    from herne_tui.db import schema

    target = schema.SCHEMA_VERSION + 1

    def add_column(conn) -> None:
        conn.execute(text("ALTER TABLE measure ADD COLUMN extra TEXT DEFAULT ''"))
        time.sleep(0.5)  # widen the window in which a second process could interfere

    schema.SCHEMA_VERSION = target
    schema.MIGRATIONS[target] = add_column
    db = open_database(db_path)
    print(f"opened {schema.schema_version(db)} {db.migration_backup or '-'}", flush=True)
    db.dispose()


def hold(db_path: str, seconds: float) -> None:
    """Hold the write lock for a while, as a slow writer in another process would."""
    if db_path.startswith("postgresql"):
        import psycopg
        from sqlalchemy.engine import make_url

        from herne_tui.db.store import PG_WRITE_LOCK

        url = make_url(db_path).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False)) as pg:
            pg.execute(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
            print("locked", flush=True)
            time.sleep(seconds)  # a slow writer holding the lock: what the test is about
            pg.rollback()
        return
    db_path = db_path.removeprefix("sqlite:///")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(seconds)  # a slow writer holding the lock: what the test is about
    conn.execute("ROLLBACK")
    conn.close()


WORKER = Path(__file__).resolve()


@contextlib.contextmanager
def spawn(*args: str, env: dict | None = None):
    """Start ``db_worker.py ARGS`` (stdout piped, text); kill it on exit if still running."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


@contextlib.contextmanager
def write_lock(db_path, seconds: float):
    """Another process holds the write lock on ``db_path`` for ``seconds`` (waits for it)."""
    with spawn("hold", str(db_path), str(seconds)) as proc:
        line = proc.stdout.readline()
        assert line.strip() == "locked", proc.stderr.read()
        yield proc


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    if mode == "stress":
        stress(rest[0], rest[1], int(rest[2]), int(rest[3]), rest[4])
    elif mode == "loop":
        pause = float(rest[3]) if len(rest) > 3 else 0.0
        loop(rest[0], rest[1], int(rest[2]), pause, int(rest[4]) if len(rest) > 4 else 0)
    elif mode == "migrate":
        migrate(rest[0])
    elif mode == "hold":
        hold(rest[0], float(rest[1]))
    else:
        raise SystemExit(f"unknown mode {mode}")
