"""CLI benchmark: ``show``, ``list`` and ``set`` as whole processes, against ``python -c pass``.

    python bench/cli.py [--sizes 140,10000] [--runs 7] [--cache DIR]

Each command runs as a fresh process on a database of N synthetic measures (built like
``bench/startup.py`` builds them); the median wall time and CPU time are printed, and the
wall time as a ratio to an empty Python start. Numbers are printed, not asserted.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from startup import bench_args, bench_db  # noqa: E402


def timed(argv: list[str], env: dict, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``argv`` as a child process."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{argv}: {done.stderr.strip()}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    args = bench_args(__doc__, "140,10000", 7)
    env = dict(os.environ, HERNE_TUI_USER="bench")
    bare, bare_cpu = timed([sys.executable, "-c", "pass"], env, args.runs)
    print(f"python -c pass: {bare * 1000:.0f} ms (CPU {bare_cpu * 1000:.0f} ms)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            db, _ = bench_db(Path(tmp), n, args.cache)
            base = [sys.executable, "-m", "herne_tui"]
            commands = {
                "show": [*base, "show", "ARB-01", "--db", str(db)],
                "list": [*base, "list", "--db", str(db)],
                "set": [*base, "set", "ARB-01", "--responsible", "Bench", "--db", str(db)],
            }
            parts = []
            for name, argv in commands.items():
                wall, cpu = timed(argv, env, args.runs)
                parts.append(
                    f"{name} {wall * 1000:.0f} ms ({wall / bare:.1f}× pass, CPU {cpu * 1000:.0f})"
                )
            print(f"N={n:>6}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
