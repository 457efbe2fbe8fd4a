"""Summarise a mutmut run per module: mutants, killed, survived, no tests, equivalent.

Run after ``mutmut run`` (see CONTRIBUTING.md, "Mutationstests"):

    python bench/mutation_summary.py [--survivors] [--only FILE] [MODULE_PREFIX ...]

``--only FILE`` counts only the mutants named in FILE (one per line, e.g. the output of
``bench/mutation_sample.py``), so a sample's table shows the sample, not the whole module.

Equivalent mutants (a change that cannot alter behaviour) are listed with a reason in
``tests/mutation_equivalent.txt``: one ``mutant-name  reason`` per line; they are counted apart
and left out of the score.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}
TIMEOUT = {36, -24, 24, 152, 255}


def equivalent() -> dict[str, str]:
    """The mutants listed as equivalent, with their reasons."""
    path = ROOT / "tests" / "mutation_equivalent.txt"
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            found[name.strip()] = reason.strip()
    return found


def _only(argv: list[str]) -> tuple[set[str] | None, list[str]]:
    """The names ``--only FILE`` lists (None without it), and the other arguments."""
    if "--only" not in argv:
        return None, argv
    where = argv.index("--only")
    names = set(Path(argv[where + 1]).read_text(encoding="utf-8").split())
    return names, argv[:where] + argv[where + 2 :]


def _classify(codes: dict, equiv: dict[str, str], survivors: list[str]) -> Counter:
    """Count one module's mutants by outcome; append the ones not caught to ``survivors``.

    A timeout counts as caught (mutmut's convention) and is also shown in its own column.
    """
    c: Counter = Counter()
    for name, code in codes.items():
        if code is None:
            c["unchecked"] += 1
        elif name in equiv:
            c["equivalent"] += 1
        elif code in KILLED or code in TIMEOUT:
            c["killed"] += 1
            c["timeout"] += code in TIMEOUT
        elif code in NO_TESTS:
            c["none"] += 1
            survivors.append(name)
        else:
            c["survived"] += 1
            survivors.append(name)
    return c


def main(argv: list[str]) -> int:
    show = "--survivors" in argv
    only, argv = _only(argv)
    prefixes = [a for a in argv if not a.startswith("--")]
    equiv = equivalent()
    total = Counter()
    survivors: list[str] = []
    print(
        f"{'module':40} {'mutants':>7} {'killed':>6} {'surv.':>5} {'equiv.':>6} "
        f"{'none':>4} {'t/o':>3} {'score':>6}"
    )
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if only is not None:
            codes = {name: code for name, code in codes.items() if name in only}
        module = str(meta.relative_to(ROOT / "mutants"))[: -len(".py.meta")].replace("/", ".")
        if prefixes and not any(module.startswith(p) for p in prefixes):
            continue
        if not codes:
            continue
        c = _classify(codes, equiv, survivors)
        c["mutants"] = len(codes)
        total.update(c)
        print(line(module, c))
    print(line("total", total))
    if show:
        print("\n".join(sorted(survivors)))
    return 0


def line(module: str, c: Counter) -> str:
    """One row of the table; the score counts 'no tests' as not caught."""
    checked = c["killed"] + c["survived"] + c["none"]
    score = f"{100 * c['killed'] / checked:.1f}%" if checked else "-"
    extra = f" ({c['unchecked']} unchecked)" if c["unchecked"] else ""
    return (
        f"{module:40} {c['mutants']:>7} {c['killed']:>6} {c['survived']:>5} "
        f"{c['equivalent']:>6} {c['none']:>4} {c['timeout']:>3} {score:>6}{extra}"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
