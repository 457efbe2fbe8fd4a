"""``show`` and ``list`` read a current SQLite file without the ORM, and say the same (issue 15)."""

from __future__ import annotations

import subprocess
import sys

from helpers import run_cli

from herne_tui.db.quickstart import read_measure
from herne_tui.services import edits, queries

NO_ORM = """
import sys
from herne_tui.cli.main import main
code = main(sys.argv[1:])
loaded = sorted(m for m in ("sqlalchemy", "pydantic") if m in sys.modules)
print("LOADED", loaded, file=sys.stderr)
sys.exit(code)
"""


def test_quick_measure_equals_the_orm_measure(db, db_path):
    repeated = next(m for m in queries.load_board(db).measures if m.duplicates)
    for text in ("erste Notiz", "zweite Notiz"):
        edits.add_note(db, measure_id=repeated.id, text=text, user="anna")
    edits.update_measure(
        db, measure_id=repeated.id, changes={"due": "2026-04-01", "lead": "CDU"}, user="anna"
    )
    measure, topics, statuses = read_measure(db_path, repeated.id)
    assert measure == queries.get_measure(db, repeated.id)
    assert len(measure.notes) == 2 and measure.duplicates
    assert (topics, statuses) == queries.labels(db)
    assert read_measure(db_path, "XYZ-99") is None  # the slow path says why


def cli_modules(db_path, *args: str) -> tuple[subprocess.CompletedProcess, str]:
    done = subprocess.run(
        [sys.executable, "-c", NO_ORM, *args, "--db", str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, done.stderr.rsplit("LOADED", 1)[-1].strip()


def test_show_and_list_load_no_orm_and_print_the_same(db, db_path):
    edits.add_note(db, measure_id="ARB-01", text="Notiz", user="anna")
    for args in (("show", "ARB-01"), ("list",), ("list", "--format", "json")):
        quick, loaded = cli_modules(db_path, *args)
        assert quick.returncode == 0, quick.stderr
        assert loaded == "[]", args
        # the same command through the ORM (a URL never takes the quick path)
        slow = run_cli(*args, "--db", f"sqlite:///{db_path}")
        assert slow.returncode == 0, slow.stderr
        assert quick.stdout == slow.stdout, args


def test_show_of_an_unknown_measure_still_says_why(db, db_path):
    done = run_cli("show", "XYZ-99", "--db", str(db_path))
    assert done.returncode == 2
    assert "„XYZ-99“ gibt es nicht" in done.stderr
