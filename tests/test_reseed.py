"""Re-seeding a database users have worked on: versions, kept values, notes, no duplicates."""

from __future__ import annotations

import shutil

import pytest
from helpers import REPO

from herne_tui.errors import Conflict
from herne_tui.seeding.apply import SeedReport, seed_database
from herne_tui.seeding.load import load_seed
from herne_tui.services import edits, queries


@pytest.fixture
def seed_dir(tmp_path):
    folder = tmp_path / "seed"
    shutil.copytree(REPO / "seed", folder)
    return folder


def edit_measure_block(folder, mid: str, extra: str) -> None:
    """Add lines right after ``id = "MID"`` in measures.toml."""
    path = folder / "measures.toml"
    text = path.read_text(encoding="utf-8")
    marker = f'id = "{mid}"\n'
    assert marker in text
    path.write_text(text.replace(marker, marker + extra, 1), encoding="utf-8")


def replace_in(folder, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_seed_change_bumps_the_version_so_stale_edits_conflict(db, seed_dir):
    before = queries.get_measure(db, "SCH-03")
    edit_measure_block(seed_dir, "SCH-03", 'status = "vorbereitung"\nresponsible = "Schulamt"\n')
    report = seed_database(db, load_seed(seed_dir))
    after = queries.get_measure(db, "SCH-03")
    assert (after.status, after.responsible) == ("vorbereitung", "Schulamt")
    assert after.version == before.version + 2  # one step per field the seed changed
    assert report.updated == ["measure SCH-03"] and report.added == [] and report.kept == []
    assert report.summary() == "0 hinzugefügt, 1 aktualisiert, 0 Nutzerwerte behalten"
    rows = [h for h in queries.history(db, entity="measure", entity_id="SCH-03")][-2:]
    assert {(h.user, h.action, h.field, h.old, h.new) for h in rows} == {
        ("seed", "seed", "status", "offen", "vorbereitung"),
        ("seed", "seed", "responsible", "", "Schulamt"),
    }
    # someone who still looked at the old card is told, not overwritten
    with pytest.raises(Conflict):
        edits.update_measure(
            db,
            measure_id="SCH-03",
            changes={"status": "beratung"},
            user="anna",
            expected_version=before.version,
        )
    # the same seed again changes nothing at all
    again = seed_database(db, load_seed(seed_dir))
    assert (again.added, again.updated, again.kept) == ([], [], [])
    assert queries.get_measure(db, "SCH-03").version == after.version


def test_user_values_are_kept_and_reported_every_time(db, seed_dir):
    edits.update_measure(db, measure_id="SCH-02", changes={"responsible": "Anna"}, user="anna")
    version = queries.get_measure(db, "SCH-02").version
    edit_measure_block(seed_dir, "SCH-02", 'responsible = "Schulamt"\n')
    for _ in range(2):
        report = seed_database(db, load_seed(seed_dir))
        assert report.kept == ["measure SCH-02: responsible"]
        assert report.summary().endswith("1 Nutzerwerte behalten")
        m = queries.get_measure(db, "SCH-02")
        assert (m.responsible, m.version) == ("Anna", version)


def test_a_user_value_equal_to_the_new_seed_is_no_conflict_and_follows_later_seeds(
    db, seed_dir, tmp_path
):
    edits.update_measure(db, measure_id="SCH-02", changes={"lead": "CDU"}, user="anna")
    edit_measure_block(seed_dir, "SCH-02", 'lead = "CDU"\n')
    report = seed_database(db, load_seed(seed_dir))
    assert report.kept == []
    # now the seed and the user agree: the next seed's value applies again
    replace_in(seed_dir, "measures.toml", 'lead = "CDU"\n', 'lead = "SPD"\n')
    report = seed_database(db, load_seed(seed_dir))
    assert queries.get_measure(db, "SCH-02").lead == "SPD"
    assert report.kept == [] and report.updated == ["measure SCH-02"]


def test_an_origin_from_the_seed_counts_in_the_reports_and_users_changes_win(db, seed_dir):
    from herne_tui.reports import build

    assert "Umsetzung nach Herkunft" not in build.build_report(db, "annual", "md")
    edit_measure_block(seed_dir, "SCH-02", 'origin = "CDU"\nstatus = "umgesetzt"\n')
    edit_measure_block(seed_dir, "SCH-03", 'origin = "CDU"\n')
    edit_measure_block(seed_dir, "ARB-01", 'origin = "gemeinsam"\n')
    report = seed_database(db, load_seed(seed_dir))
    assert report.kept == []
    assert queries.get_measure(db, "SCH-02").origin == "CDU"
    text = build.build_report(db, "annual", "md")
    assert "Umsetzung nach Herkunft" in text
    assert "| CDU | 2 | 1 | 50 % |" in text
    assert "| gemeinsam | 1 | 0 | 0 % |" in text
    # a user's origin wins over later seeds (reported as kept); untouched ones follow the seed
    edits.update_measure(db, measure_id="SCH-03", changes={"origin": "SPD"}, user="anna")
    replace_in(seed_dir, "measures.toml", 'origin = "gemeinsam"\n', 'origin = "SPD"\n')
    replace_in(seed_dir, "measures.toml", 'origin = "CDU"\n', 'origin = "gemeinsam"\n')
    for _ in range(2):
        report = seed_database(db, load_seed(seed_dir))
        assert report.kept == ["measure SCH-03: origin"]
        assert queries.get_measure(db, "SCH-03").origin == "SPD"
    assert queries.get_measure(db, "SCH-02").origin == "gemeinsam"
    assert queries.get_measure(db, "ARB-01").origin == "SPD"


def test_a_seed_base_from_before_origins_takes_the_seeds_origin(db, seed_dir):
    """Databases seeded before origins existed: an origin nobody set follows the seed, one a
    user set stays."""
    from sqlalchemy import select

    from herne_tui.db.models import MeasureRow

    edits.update_measure(db, measure_id="SCH-03", changes={"origin": "SPD"}, user="anna")

    def forget_origin_base(session) -> None:
        for row in session.scalars(select(MeasureRow)):
            base = dict(row.seed_base or {})
            base.pop("origin", None)
            row.seed_base = base
            session.add(row)

    db.write(forget_origin_base)
    edit_measure_block(seed_dir, "SCH-02", 'origin = "CDU"\n')
    edit_measure_block(seed_dir, "SCH-03", 'origin = "CDU"\n')
    report = seed_database(db, load_seed(seed_dir))
    assert report.kept == ["measure SCH-03: origin"]
    assert queries.get_measure(db, "SCH-02").origin == "CDU"
    assert queries.get_measure(db, "SCH-03").origin == "SPD"


def test_the_agreements_own_text_always_follows_the_seed(db, seed_dir):
    edits.update_measure(db, measure_id="ARB-01", changes={"status": "beratung"}, user="anna")
    version = queries.get_measure(db, "ARB-01").version
    replace_in(
        seed_dir,
        "measures.toml",
        'title = "Blumenthal-Quartier mit Seilbahn-Erschließung realisieren"',
        'title = "Blumenthal-Quartier realisieren"',
    )
    report = seed_database(db, load_seed(seed_dir))
    m = queries.get_measure(db, "ARB-01")
    assert (m.title, m.status) == ("Blumenthal-Quartier realisieren", "beratung")
    assert m.version == version  # a text fix does not make open cards stale
    assert report.updated == ["measure ARB-01"]
    last = queries.history(db, entity="measure", entity_id="ARB-01")[-1]
    assert (last.user, last.field, last.new) == ("seed", "title", "Blumenthal-Quartier realisieren")


def test_seed_notes_are_added_once_and_never_duplicated(db, seed_dir):
    edits.add_note(db, measure_id="ARB-02", text="von Hand", user="anna")
    edit_measure_block(
        seed_dir,
        "ARB-02",
        'notes = [{ author = "bernd", at = 2026-02-01T10:00:00Z, text = "aus der Sitzung" }]\n',
    )
    first = seed_database(db, load_seed(seed_dir))
    assert first.added == ["note ARB-02"]
    for _ in range(2):
        again = seed_database(db, load_seed(seed_dir))
        assert again.added == []
    notes = queries.get_measure(db, "ARB-02").notes
    assert sorted((n.author, n.text) for n in notes) == [
        ("anna", "von Hand"),
        ("bernd", "aus der Sitzung"),
    ]
    entry = [h for h in queries.history(db, entity="measure", entity_id="ARB-02") if h.comment]
    assert [(h.user, h.action, h.new, h.comment) for h in entry] == [
        ("bernd", "note", "aus der Sitzung", "aus Seed")
    ]


def test_an_exported_board_reseeds_onto_itself_without_duplicates(db, tmp_path):
    from herne_tui.reports import export

    edits.update_measure(
        db,
        measure_id="MOB-09",
        changes={"status": "umsetzung", "origin": "CDU"},
        user="anna",
        note="Notiz 1",
    )
    folder = tmp_path / "exported"
    folder.mkdir()
    path = folder / "export.toml"
    path.write_text(export.export_text(db, "toml"), encoding="utf-8")
    report = seed_database(db, load_seed(path))
    assert report.added == [] and report.kept == []
    assert [n.text for n in queries.get_measure(db, "MOB-09").notes] == ["Notiz 1"]


def test_personnel_from_the_seed_merges_the_same_way(db, seed_dir):
    edits.update_post(db, key="buergermeister-2", changes={"holder": "Bernd B."}, user="anna")
    replace_in(
        seed_dir,
        "personnel.toml",
        'key = "buergermeister-1"\n',
        'key = "buergermeister-1"\nholder = "Erika Muster"\n',
    )
    replace_in(
        seed_dir,
        "personnel.toml",
        'key = "buergermeister-2"\n',
        'key = "buergermeister-2"\nholder = "Carla C."\n',
    )
    report = seed_database(db, load_seed(seed_dir))
    posts = {p.key: p for p in queries.list_posts(db)}
    assert posts["buergermeister-1"].holder == "Erika Muster"
    assert posts["buergermeister-2"].holder == "Bernd B."
    assert report.kept == ["post buergermeister-2: holder"]
    assert "post buergermeister-1" in report.updated


def test_fresh_seed_reports_what_it_added(tmp_path, clock, bundled_seed):
    from herne_tui.db.schema import open_database

    db = open_database(str(tmp_path / "neu.db"), clock=clock)
    try:
        report = seed_database(db, bundled_seed)
        assert isinstance(report, SeedReport)
        assert sum(1 for a in report.added if a.startswith("measure ")) == 140
        assert "repeats" in report.added and "nomination_rules" in report.added
        assert report.updated == [] and report.kept == []
        seeded = [h for h in queries.history(db, entity="measure", entity_id="ARB-01")]
        assert [(h.user, h.action, h.field) for h in seeded] == [("seed", "seed", "*")]
        assert seeded[0].at.date() == bundled_seed.seed.meta.signed
    finally:
        db.dispose()
