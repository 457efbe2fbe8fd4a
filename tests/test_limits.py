"""Limits on every text field, the same in the services and in seeding (issue 11, item 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import run_cli

from herne_tui.domain import limits
from herne_tui.errors import InvalidInput, SeedProblems
from herne_tui.seeding.load import bundled_seed_dir, load_seed
from herne_tui.services import edits, papers, queries


def seed_copy(tmp_path: Path, after: str, insert: str) -> Path:
    """The bundled seed with ``insert`` (TOML lines) after the first line equal to ``after``
    in measures.toml; returns the folder."""
    folder = tmp_path / "seed"
    shutil.copytree(bundled_seed_dir(), folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    measures = folder / "measures.toml"
    lines = measures.read_text(encoding="utf-8").splitlines()
    at = lines.index(after) + 1
    measures.write_text("\n".join([*lines[:at], insert, *lines[at:]]) + "\n", encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(SeedProblems) as caught:
        load_seed(folder)
    return caught.value.problems


NOTE = (
    'related = ["MOB-17"]\n\n[[measures.notes]]\nauthor = "anna"\n'
    'at = 2026-03-01T10:00:00Z\ntext = "' + "x" * 20_001 + '"'
)


def test_a_seed_note_over_the_limit_is_one_problem_naming_file_line_and_field(tmp_path):
    folder = seed_copy(tmp_path, 'related = ["MOB-17"]', NOTE.split("\n", 1)[1])
    found = problems_of(folder)
    assert len(found) == 1, found
    where, _, what = found[0].partition(": ")
    lines = (folder / "measures.toml").read_text(encoding="utf-8").splitlines()
    number = int(where.rsplit(":", 1)[1])
    assert where.startswith(str(folder / "measures.toml"))
    assert lines[number - 1].startswith("text = ")  # the line of the note's text
    assert "„notes.text“" in what and "20001 Zeichen, höchstens 20000" in what


@pytest.mark.parametrize(
    "line, field, limit",
    [
        ('responsible = "' + "r" * 201 + '"', "responsible", limits.LINE_MAX),
        ('subitems = ["' + "s" * 20_001 + '"]', "subitems", limits.TEXT_MAX),
    ],
)
def test_every_seed_text_is_bounded(tmp_path, line, field, limit):
    found = problems_of(seed_copy(tmp_path, 'id = "ARB-01"', line))
    assert len(found) == 1 and f"„{field}“" in found[0] and f"höchstens {limit}" in found[0]


def test_a_long_author_in_the_seed_is_refused(tmp_path):
    note = NOTE.split("\n", 1)[1].replace('author = "anna"', f'author = "{"a" * 81}"')
    note = note.replace("x" * 20_001, "kurz")
    found = problems_of(seed_copy(tmp_path, 'related = ["MOB-17"]', note))
    assert len(found) == 1 and "„notes.author“" in found[0] and "höchstens 80" in found[0]


def test_cli_seed_with_a_huge_note_is_one_line_and_creates_nothing(tmp_path):
    folder = seed_copy(tmp_path, 'related = ["MOB-17"]', NOTE.split("\n", 1)[1])
    path = tmp_path / "neu.db"
    result = run_cli("seed", "--db", str(path), "--from", str(folder))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "zu lang" in result.stderr and "measures.toml:" in result.stderr


def test_the_services_refuse_over_long_text_and_save_nothing(db):
    before = queries.get_measure(db, "ARB-01")
    for changes in ({"responsible": "r" * 201}, {"responsible": "ok", "due": "x" * 300}):
        with pytest.raises(InvalidInput):
            edits.update_measure(db, measure_id="ARB-01", changes=changes, user="anna")
    with pytest.raises(InvalidInput, match="Verantwortlich|responsible|zu lang"):
        edits.update_measure(
            db, measure_id="ARB-01", changes={"responsible": "r" * 201}, user="anna"
        )
    with pytest.raises(InvalidInput, match="zu lang"):
        edits.update_measure(
            db,
            measure_id="ARB-01",
            changes={"status": "beratung"},
            user="anna",
            comment="c" * 20_001,
        )
    with pytest.raises(InvalidInput, match="zu lang"):
        edits.add_note(db, measure_id="ARB-01", text="n" * 20_001, user="anna")
    post = queries.list_posts(db)[0]
    with pytest.raises(InvalidInput, match="zu lang"):
        edits.update_post(db, key=post.key, changes={"holder": "h" * 201}, user="anna")
    with pytest.raises(InvalidInput, match="zu lang"):
        papers.add_paper(db, values={"title": "t" * 201, "kind": "gemeinsamer-antrag"}, user="anna")
    with pytest.raises(InvalidInput, match="zu lang"):
        papers.add_paper(
            db,
            values={"title": "ok", "kind": "gemeinsamer-antrag", "body": "b" * 20_001},
            user="anna",
        )
    with pytest.raises(InvalidInput, match="zu lang"):
        papers.raise_dissent(db, subject="measure:ARB-01", reason="g" * 20_001, user="anna")
    after = queries.get_measure(db, "ARB-01")
    assert after == before
    # at the limit is fine
    edits.update_measure(db, measure_id="ARB-01", changes={"responsible": "r" * 200}, user="anna")
    assert queries.get_measure(db, "ARB-01").responsible == "r" * 200


def test_cli_set_over_long_responsible_is_one_line(db, db_path):
    db.dispose()
    result = run_cli("set", "ARB-01", "--db", str(db_path), "--responsible", "r" * 201)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "zu lang (201 Zeichen, höchstens 200)" in lines[0]
