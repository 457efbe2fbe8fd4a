"""Start-up and key-response benchmark of the real app, run as whole processes in a pty.

    python bench/startup.py [--sizes 142,2000,10000] [--runs 5]

For each size it builds a database of N synthetic measures through the real seeding
service, then starts ``herne-tui`` in a pseudo-terminal and measures:

- start → first painted board (the first frame that shows a column header), and until the
  process is idle: the KiB written to the terminal and the CPU used (the bare app's beside it),
- a navigation key (``j``) → the frame that answers it (median over several presses),
- a card move (``L``/``H``), a note (``n``, text, enter) and a status from the list (``s``,
  a status, enter): the first and the last frame
  that answer it, and when the process is idle again (no thread uses CPU any more),
- ``right`` ×5 then ``left`` ×5 (across every column; the row scrolls where they do not
  fit): bytes written and latency, median and the largest,
- other users' moves (another process commits): time until the board shows them,
- the app's peak memory (VmHWM) after all of this.

"Idle" is measured from the process's CPU time (every thread's ``schedstat``): the end of the
last 5 ms slice in which it was busy, before a quiet spell longer than the watcher's interval.
After a quick start the app loads its write path (the ORM) only in the user's first pause
(``HerneApp.WARM_AFTER``) or when something needs it: that later spell is printed on its own
("write path loaded"), and so is a card move pressed as soon as the first board shows.

A bare Textual app (header, one line, footer) is started the same way; our start-up is
printed as a ratio to it. Numbers are printed, not asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

QUIET = 0.12  # a frame is complete when the terminal has been quiet this long
SLICE = 0.005  # CPU time is sampled this often
BUSY = 0.3  # a slice in which the process used more than this share of a core is busy
IDLE_QUIET = 0.8  # idle: no busy slice for this long (longer than the watcher's 0.5 s)


class Response(NamedTuple):
    """How the app answered one input (seconds, bytes)."""

    first: float
    last: float
    idle: float
    written: int
    cpu: float


BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Header()
        yield Static("Hallo Herne")
        yield Footer()

Bare().run()
"""


def build_db(path: Path, n: int) -> None:
    """A database with N synthetic measures (plus the real personnel part)."""
    from herne_tui.db.schema import open_database
    from herne_tui.seeding.apply import seed_database
    from herne_tui.seeding.load import LoadedSeed, SeedMeasure, load_seed

    real = load_seed().seed
    topics = [t.key for t in real.topics]
    measures = []
    per_topic: dict[str, int] = {}
    for i in range(n):
        source = real.measures[i % len(real.measures)]
        topic = topics[i % len(topics)]
        per_topic[topic] = per_topic.get(topic, 0) + 1
        number = per_topic[topic]
        measures.append(
            SeedMeasure(
                id=f"{topic}-{number:02d}" if number < 1000 else f"{topic}-{number}",
                topic=topic,
                paragraph=number,
                title=f"{source.title[:50]} #{i}",
                text=source.text,
                subitems=list(source.subitems),
                status=real.statuses[i % 3].key,
            )
        )
    seed = real.model_copy(
        update={
            "measures": measures,
            "repeats": [],
            "committees": [c.model_copy(update={"measure": ""}) for c in real.committees],
        }
    )
    db = open_database(str(path))
    seed_database(db, LoadedSeed(seed=seed, origin="synthetic"))
    db.dispose()


class Pty:
    """A process in a pseudo-terminal of 120×40, with timed reads."""

    def __init__(self, argv: list[str], env: dict):
        self.master, slave = pty.openpty()
        os.set_blocking(self.master, False)
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)
        self.buffer = b""
        self._cpu_seen = {}

    def read_until(self, predicate, timeout: float = 30.0) -> float:
        """Seconds until ``predicate(buffer)`` holds (reading all output meanwhile)."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 1 << 16)
                except OSError:
                    break
                self.buffer += chunk
                if predicate(self.buffer):
                    return time.perf_counter()
        raise TimeoutError(f"no matching output within {timeout}s: {self.buffer[-300:]!r}")

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the terminal has been quiet for ``quiet`` seconds."""
        last = time.perf_counter()
        while time.perf_counter() - last < quiet:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.buffer += os.read(self.master, 1 << 16)
                except OSError:
                    return
                last = time.perf_counter()

    def cpu_ns(self) -> int:
        """CPU time of every thread of the process so far (threads that ended keep counting)."""
        base = f"/proc/{self.proc.pid}/task"
        try:
            tasks = os.listdir(base)
        except OSError:
            return self._cpu_total
        for task in tasks:
            try:
                with open(f"{base}/{task}/schedstat") as f:
                    value = int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue
            self._cpu_total += max(0, value - self._cpu_seen.get(task, 0))
            self._cpu_seen[task] = value
        return self._cpu_total

    _cpu_total = 0
    _cpu_seen: dict[str, int]

    def wait(self, clock: list) -> tuple[float, bool | None, tuple[float, int] | None]:
        """Wait up to one SLICE for output (kept in ``buffer``) and sample the CPU once the
        slice is over. ``clock`` is the caller's ``[slice start, CPU ns then]``, moved on here.
        Returns ``(now, read, busy)``: ``read`` is None once the terminal closed; ``busy`` is
        the (start, CPU ns) of the slice that just ended when it used more than BUSY of a
        core, else None."""
        ready, _, _ = select.select([self.master], [], [], SLICE)
        now = time.perf_counter()
        read: bool | None = False
        if ready:
            try:
                self.buffer += os.read(self.master, 1 << 16)
                read = True
            except OSError:
                read = None
        busy = None
        if now - clock[0] >= SLICE:
            cpu = self.cpu_ns()
            if (cpu - clock[1]) / 1e9 > BUSY * (now - clock[0]):
                busy = (clock[0], clock[1])
            clock[0], clock[1] = now, cpu
        return now, read, busy

    def respond(self, data: bytes, quiet: float = IDLE_QUIET) -> Response:
        """Send ``data``; time the first and the last frame answering it and the idle point."""
        self.drain()
        self.cpu_ns()
        before = len(self.buffer)
        cpu_before = self.cpu_ns()
        sent = time.perf_counter()
        os.write(self.master, data)
        first = last = None
        busy = sent
        clock = [sent, cpu_before]
        while True:
            now = time.perf_counter()
            if now - max(busy, last or sent) > quiet and last is not None:
                break
            if now - sent > 10:
                break
            now, read, busy_slice = self.wait(clock)
            if read is None:
                break
            if read:
                first = first or now
                last = now
            if busy_slice is not None:
                busy = now
        if first is None or last is None:
            import re

            screen = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", self.buffer[-4000:])
            raise TimeoutError(
                f"no screen update after {data!r}; last output: "
                f"{screen.decode('utf-8', 'replace')[-800:]}"
            )
        return Response(
            first - sent,
            last - sent,
            max(busy, last) - sent,
            len(self.buffer) - before,
            (self.cpu_ns() - cpu_before) / 1e9,
        )

    def key(self, data: bytes) -> float:
        """Seconds from sending a key to the last byte of the screen update answering it."""
        return self.respond(data, quiet=QUIET).last

    def idle_after_start(self, marker: bytes) -> tuple[float, float]:
        """(first paint, idle) in seconds since exec: the frame with ``marker``, then when
        the process has stopped using CPU."""
        painted = self.read_until(lambda b: marker in b) - self.started
        busy = time.perf_counter()
        clock = [busy, self.cpu_ns()]
        while time.perf_counter() - busy < IDLE_QUIET:
            now, read, busy_slice = self.wait(clock)
            if read is None:
                break
            if busy_slice is not None:
                busy = now
        return painted, busy - self.started

    def next_burst(
        self, timeout: float = 4.0, quiet: float = 0.3
    ) -> tuple[float, float, float] | None:
        """The next spell of CPU use without input (the write path loading once the user
        pauses): (start, end) in seconds since exec and its CPU seconds; None if none came."""
        start = end = None
        began = time.perf_counter()
        clock = [began, self.cpu_ns()]
        cpu_at_start = clock[1]
        while True:
            now = time.perf_counter()
            if start is None and now - began > timeout:
                return None
            if end is not None and now - end > quiet:
                break
            now, read, busy_slice = self.wait(clock)
            if read is None:
                return None
            if busy_slice is not None:
                if start is None:
                    start, cpu_at_start = busy_slice
                end = now
        assert start is not None and end is not None
        return start - self.started, end - self.started, (self.cpu_ns() - cpu_at_start) / 1e9

    def peak_rss_mib(self) -> float:
        """The process's peak resident memory so far (VmHWM), in MiB."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)


def env_for(db: Path | None = None) -> dict:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40", HERNE_TUI_USER="bench")
    if db:
        env["HERNE_TUI_DB"] = str(db)
    return env


def startup(argv: list[str], env: dict, marker: bytes) -> float:
    """Seconds from exec to the first frame containing ``marker``."""
    p = Pty(argv, env)
    try:
        done = p.read_until(lambda b: marker in b)
        return done - p.started
    finally:
        p.close()


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f}"


def others_move(db: Path):
    """A function that moves one measure back and forth from another process's connection."""
    from herne_tui.db.schema import open_database
    from herne_tui.services import edits, queries

    database = open_database(str(db))
    board = queries.load_board(database)
    first, second = board.statuses[0].key, board.statuses[1].key
    target = next(m for m in board.measures if m.status == first)
    state = {"to": second}

    def move() -> None:
        edits.move_measure(database, measure_id=target.id, status=state["to"], user="andere")
        state["to"] = first if state["to"] == second else second

    return move


def session(db: Path, presses: int = 15) -> dict:
    """One running app: start, navigation, moves, a note, other users' moves, memory."""
    p = Pty([sys.executable, "-m", "herne_tui"], env_for(db))
    out: dict = {}
    try:
        out["paint"], out["idle"] = p.idle_after_start(b"Offen (")
        out["start_kib"], out["start_cpu"] = len(p.buffer) / 1024, p.cpu_ns() / 1e9
        out["warm"] = p.next_burst()
        p.drain(0.5)
        nav = [p.respond(b"j", quiet=QUIET) for _ in range(presses)]
        out["nav_ms"] = median_ms([r.last for r in nav])
        out["nav_kib"] = statistics.median(r.written for r in nav) / 1024
        sideways = [p.respond(key, quiet=QUIET) for key in (b"\x1b[C",) * 5 + (b"\x1b[D",) * 5]
        out["right_ms"] = median_ms([r.last for r in sideways])
        out["right_kib"] = statistics.median(r.written for r in sideways) / 1024
        out["right_max_kib"] = max(r.written for r in sideways) / 1024
        search = []  # the search field: shown with /, hidden with esc (ESC waits for a sequence)
        for _ in range(3):
            search.append(p.respond(b"/", quiet=QUIET))
            search.append(p.respond(b"\x1b", quiet=QUIET))
        out["search_kib"] = max(r.written for r in search) / 1024
        out["search_cpu"] = median_ms([r.cpu for r in search])
        moves = []
        for _ in range(max(3, presses // 5)):
            for key in (b"L", b"H"):
                try:
                    moves.append(p.respond(key))
                except TimeoutError as exc:  # reported, not hidden
                    print(f"  (no answer to {key!r} within 10 s: {str(exc)[:200]})")
        out["move"] = moves
        p.respond(b"n", quiet=QUIET)
        p.respond(b"Bench-Notiz", quiet=QUIET)
        out["note"] = [p.respond(b"\r")]
        out["status"] = []  # s, a status from the list, enter: there and back
        for key in (b"\x1b[B", b"\x1b[A") * 2:
            p.respond(b"s", quiet=QUIET)
            p.respond(key, quiet=QUIET)
            out["status"].append(p.respond(b"\r"))
        move = others_move(db)
        theirs = []
        for _ in range(4):
            p.drain()
            seen = len(p.buffer)
            sent = time.perf_counter()
            move()
            answered = p.read_until(lambda b, seen=seen: len(b) > seen, timeout=10)
            theirs.append(answered - sent)
        out["theirs_ms"] = median_ms(theirs)
        p.drain(1.0)
        out["rss"] = p.peak_rss_mib()
        return out
    finally:
        p.close()


def bare_start(bare: Path) -> tuple[float, float]:
    """KiB written and CPU seconds until the bare app is idle after its start."""
    p = Pty([sys.executable, str(bare)], env_for())
    try:
        p.idle_after_start(b"Hallo Herne")
        return len(p.buffer) / 1024, p.cpu_ns() / 1e9
    finally:
        p.close()


def edit_line(name: str, rs: list[Response]) -> str:
    return (
        f"{name} first {median_ms([r.first for r in rs])} / last "
        f"{median_ms([r.last for r in rs])} / idle {median_ms([r.idle for r in rs])} ms "
        f"(CPU {median_ms([r.cpu for r in rs])} ms, "
        f"{statistics.median(r.written for r in rs) / 1024:.1f} KiB)"
    )


def early_move(db: Path) -> Response:
    """A card move pressed as soon as the first board shows (before the write path loaded)."""
    p = Pty([sys.executable, "-m", "herne_tui"], env_for(db))
    try:
        p.read_until(lambda b: b"Offen (" in b)
        return p.respond(b"L")
    finally:
        p.close()


def bench_db(folder: Path, n: int, cache: str) -> tuple[Path, float]:
    """A database of ``n`` synthetic measures in ``folder`` and the seconds it took: a copy
    from the ``--cache`` folder when it holds one, else built (and kept there for next time)."""
    db = folder / f"bench-{n}.db"
    t0 = time.perf_counter()
    cached = Path(cache) / f"bench-{n}.db" if cache else None
    if cached is not None and cached.exists():
        shutil.copyfile(cached, db)
    else:
        build_db(db, n)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(db, cached)
    return db, time.perf_counter() - t0


def bench_args(doc: str, sizes: str, runs: int) -> argparse.Namespace:
    """The benchmarks' common options (``--sizes``, ``--runs``, ``--cache``); compiles the
    package first, as an installed one is (PYTHONDONTWRITEBYTECODE would recompile it on
    every start)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", default=sizes)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument(
        "--cache", default="", help="keep the built databases in this folder and reuse them"
    )
    args = parser.parse_args()
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("herne_tui")
    if spec is not None and spec.origin:
        compileall.compile_dir(str(Path(spec.origin).parent), quiet=1)
    return args


def main() -> None:
    args = bench_args(__doc__, "140,2000,10000", 5)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        bare_times = [
            startup([sys.executable, str(bare)], env_for(), b"Hallo Herne")
            for _ in range(args.runs)
        ]
        bare_median = statistics.median(bare_times)
        bare_kib, bare_cpu = bare_start(bare)
        print(
            f"bare Textual app: start-up median {bare_median * 1000:.0f} ms "
            f"(min {min(bare_times) * 1000:.0f}); until idle {bare_kib:.1f} KiB written, "
            f"CPU {bare_cpu * 1000:.0f} ms"
        )
        for n in sizes:
            db, built = bench_db(Path(tmp), n, args.cache)
            runs = [session(db) for _ in range(max(1, args.runs // 2))]
            paint = statistics.median(r["paint"] for r in runs)
            idle = statistics.median(r["idle"] for r in runs)
            last = runs[-1]
            warm = [r["warm"] for r in runs if r["warm"] is not None]
            warm_line = (
                f"write path loaded (in the first pause) {median_ms([w[0] for w in warm])}–"
                f"{median_ms([w[1] for w in warm])} ms after exec, CPU "
                f"{median_ms([w[2] for w in warm])} ms"
                if warm
                else "write path: no later load seen"
            )
            early = [early_move(db) for _ in range(max(1, args.runs // 2))]
            print(
                f"N={n:>6} (built in {built:.0f} s): first board {paint * 1000:.0f} ms "
                f"({paint / bare_median:.2f}× bare), idle {idle * 1000:.0f} ms "
                f"({idle / paint:.2f}× first board); peak RSS {last['rss']:.0f} MiB\n"
                f"         until idle {statistics.median(r['start_kib'] for r in runs):.1f} KiB "
                f"written, CPU {statistics.median(r['start_cpu'] for r in runs) * 1000:.0f} ms\n"
                f"         key j {last['nav_ms']} ms {last['nav_kib']:.1f} KiB; "
                f"right/left {last['right_ms']} ms {last['right_kib']:.1f} KiB "
                f"(max {last['right_max_kib']:.1f}); / and esc max {last['search_kib']:.1f} KiB "
                f"(CPU {last['search_cpu']} ms); "
                f"others' move on screen {last['theirs_ms']} ms\n"
                f"         {edit_line('move', last['move'])}; {edit_line('note', last['note'])}\n"
                f"         {edit_line('status from the list (s)', last['status'])}\n"
                f"         {warm_line}; {edit_line('a move right after the first board', early)}"
            )


if __name__ == "__main__":
    main()
