"""Print a fixed sample of mutant names per module (every k-th, about N per module).

A whole mutmut run over the core takes hours on a small machine; a fixed sample gives the
same share of caught mutants within a few points in minutes:

    mutmut run --max-children 2 $(python bench/mutation_sample.py 40 herne_tui.services)
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    per_module = int(argv[0]) if argv else 40
    prefixes = argv[1:]
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        names = sorted(json.loads(meta.read_text())["exit_code_by_key"])
        if not names or (prefixes and not any(names[0].startswith(p) for p in prefixes)):
            continue
        step = max(1, math.ceil(len(names) / per_module))
        for name in names[::step]:
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
