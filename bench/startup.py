"""Start-up and key-response benchmark of the real app, run as whole processes in a pty.

    python bench/startup.py [--sizes 142,2000,10000] [--runs 5]

For each size it builds a database of N synthetic measures through the real seeding
service, then starts ``herne-tui`` in a pseudo-terminal and measures:

- start → first painted board (the first frame that shows a column header),
- a navigation key (``j``) → the frame that answers it (median over several presses),
- a card move (``L``) → the frame that answers it (committed before it is shown).

A bare Textual app (header, one line, footer) is started the same way; our start-up is
printed as a ratio to it. Numbers are printed, not asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUIET = 0.12  # a frame is complete when the terminal has been quiet this long

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

    def key(self, data: bytes) -> float:
        """Seconds from sending a key to the last byte of the screen update answering it."""
        self.drain()
        sent = time.perf_counter()
        os.write(self.master, data)
        last = None
        while True:
            ready, _, _ = select.select([self.master], [], [], QUIET)
            if not ready:
                if last is not None or time.perf_counter() - sent > 10:
                    break
                continue
            self.buffer += os.read(self.master, 1 << 16)
            last = time.perf_counter()
        if last is None:
            import re

            screen = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", self.buffer[-4000:])
            raise TimeoutError(
                f"no screen update after {data!r}; last output: "
                f"{screen.decode('utf-8', 'replace')[-800:]}"
            )
        return last - sent

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


def keys(db: Path, presses: int = 15) -> tuple[list[float], list[float]]:
    """Latencies of navigation keys and card moves in one running app."""
    p = Pty([sys.executable, "-m", "herne_tui"], env_for(db))
    try:
        p.read_until(lambda b: b"Offen (" in b)
        p.drain(1.0)
        nav = [p.key(b"j") for _ in range(presses)]
        moves = []
        for _ in range(max(3, presses // 3)):
            for key in (b"L", b"H"):
                try:
                    moves.append(p.key(key))
                except TimeoutError as exc:  # reported, not hidden
                    print(f"  (no answer to {key!r} within 10 s: {str(exc)[:200]})")
        return nav, moves
    finally:
        p.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="142,2000,10000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        bare_times = [
            startup([sys.executable, str(bare)], env_for(), b"Hallo Herne")
            for _ in range(args.runs)
        ]
        bare_median = statistics.median(bare_times)
        print(
            f"bare Textual app: start-up median {bare_median * 1000:.0f} ms "
            f"(min {min(bare_times) * 1000:.0f})"
        )
        real_median = None
        for n in sizes:
            db = Path(tmp) / f"bench-{n}.db"
            t0 = time.perf_counter()
            build_db(db, n)
            built = time.perf_counter() - t0
            times = [
                startup([sys.executable, "-m", "herne_tui"], env_for(db), b"Offen (")
                for _ in range(args.runs)
            ]
            median = statistics.median(times)
            real_median = real_median or median
            nav, moves = keys(db)
            print(
                f"N={n:>6}: built in {built:.1f} s; start-up to first board median "
                f"{median * 1000:.0f} ms (ratio to bare {median / bare_median:.2f}, to "
                f"N={sizes[0]} {median / real_median:.2f}); navigation key median "
                f"{statistics.median(nav) * 1000:.1f} ms (p90 "
                f"{sorted(nav)[int(len(nav) * 0.9)] * 1000:.1f}); card move median "
                f"{statistics.median(moves) * 1000:.1f} ms"
            )


if __name__ == "__main__":
    main()
