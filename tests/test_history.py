"""History: one correct entry per changed field, replay from the seed, the board as of a date.

Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime

import pytest
from helpers import REPO

from herne_tui.errors import NotFound
from herne_tui.reports import export
from herne_tui.seeding.apply import seed_database
from herne_tui.seeding.load import load_seed
from herne_tui.services import edits, history, queries

pytestmark = pytest.mark.both_backends


def entries_after(db, last_id: int) -> list:
    """History entries written after the entry with id ``last_id``."""
    return [e for e in queries.history(db) if e.id > last_id]


def last_id(db) -> int:
    return max(e.id for e in queries.history(db))


def changes(entries) -> list[tuple]:
    return [(e.action, e.entity, e.entity_id, e.field, e.old, e.new) for e in entries]


# -- one entry per changed field, on every edit path ------------------------------------------
def test_update_measure_writes_one_entry_per_changed_field(db, clock):
    edits.update_measure(db, measure_id="ARB-01", changes={"lead": "SPD"}, user="anna")
    clock.advance(hours=1)
    start = last_id(db)
    edits.update_measure(
        db,
        measure_id="ARB-01",
        changes={
            "status": "beratung",
            "responsible": "Wirtschaftsförderung",
            "lead": "SPD",
            "due": "31.03.2026",
        },
        user="bernd",
        source="Drucksache 2026/0815",
        comment="Rat",
        note="Vorlage eingebracht",
    )
    new = entries_after(db, start)
    assert changes(new) == [
        ("edit", "measure", "ARB-01", "status", "offen", "beratung"),
        ("edit", "measure", "ARB-01", "responsible", "", "Wirtschaftsförderung"),
        ("edit", "measure", "ARB-01", "due", None, "2026-03-31"),
        ("note", "measure", "ARB-01", "note", None, "Vorlage eingebracht"),
    ]  # lead was already SPD: no entry for it
    assert {e.user for e in new} == {"bernd"}
    assert {e.at for e in new} == {clock.now}
    assert {e.source for e in new} == {"Drucksache 2026/0815"}
    assert [e.comment for e in new[:3]] == ["Rat"] * 3
    assert len({e.txn for e in new[:3]}) == 1


def test_a_change_to_the_same_value_writes_nothing(db):
    start = last_id(db)
    edits.update_measure(db, measure_id="ARB-01", changes={"status": "offen"}, user="anna")
    assert entries_after(db, start) == []
    assert queries.get_measure(db, "ARB-01").version == 1


def test_move_add_note_and_undo_entries(db, clock):
    start = last_id(db)
    edits.move_measure(db, measure_id="SCH-03", status="umsetzung", user="anna")
    edits.add_note(db, measure_id="SCH-03", text="Gespräch mit der Hochschule", user="cem")
    clock.advance(minutes=5)
    said = edits.undo_last(db, user="anna")
    assert "SCH-03" in said
    new = entries_after(db, start)
    assert changes(new) == [
        ("edit", "measure", "SCH-03", "status", "offen", "umsetzung"),
        ("note", "measure", "SCH-03", "note", None, "Gespräch mit der Hochschule"),
        ("undo", "measure", "SCH-03", "status", "umsetzung", "offen"),
    ]
    assert [e.user for e in new] == ["anna", "cem", "anna"]
    assert queries.get_measure(db, "SCH-03").status == "offen"


def test_personnel_edit_paths(db):
    start = last_id(db)
    edits.update_post(
        db,
        key="buergermeister-2",
        changes={
            "holder": "Max Beispiel",
            "holder_party": "CDU",
            "state": "gewählt",
            "vote_date": "2025-11-20",
        },
        user="anna",
    )
    edits.update_seat(
        db,
        key="wfg-geschaeftsfuehrung",
        changes={"nominee": "Lea Probe", "tender_done": True, "state": "nominiert"},
        user="anna",
    )
    edits.update_committee(
        db,
        key="buergerbeteiligung",
        changes={"chair": "Ole Test", "spokespeople": {"SPD": "Ida Muster", "CDU": ""}},
        user="anna",
    )
    assert changes(entries_after(db, start)) == [
        ("edit", "post", "buergermeister-2", "holder", "", "Max Beispiel"),
        ("edit", "post", "buergermeister-2", "holder_party", "", "CDU"),
        ("edit", "post", "buergermeister-2", "state", "offen", "gewählt"),
        ("edit", "post", "buergermeister-2", "vote_date", None, "2025-11-20"),
        ("edit", "seat", "wfg-geschaeftsfuehrung", "nominee", "", "Lea Probe"),
        ("edit", "seat", "wfg-geschaeftsfuehrung", "tender_done", False, True),
        ("edit", "seat", "wfg-geschaeftsfuehrung", "state", "offen", "nominiert"),
        ("edit", "committee", "buergerbeteiligung", "chair", "", "Ole Test"),
        ("edit", "committee", "buergerbeteiligung", "spokespeople", {}, {"SPD": "Ida Muster"}),
    ]


def test_cli_set_writes_one_entry_per_changed_field(db, cli):
    start = last_id(db)
    done = cli(
        "set",
        "KJF-04",
        "--db",
        db.url,
        "--status",
        "vorbereitung",
        "--lead",
        "gemeinsam",
        "--due",
        "2026-09-30",
        "--user",
        "dora",
        "--source",
        "Protokoll",
        env={"HERNE_TUI_NOW": "2026-03-03T08:15:00+00:00"},
    )
    assert done.returncode == 0, done.stderr
    new = entries_after(db, start)
    assert changes(new) == [
        ("edit", "measure", "KJF-04", "status", "offen", "vorbereitung"),
        ("edit", "measure", "KJF-04", "lead", "", "gemeinsam"),
        ("edit", "measure", "KJF-04", "due", None, "2026-09-30"),
    ]
    assert {(e.user, e.source, e.at) for e in new} == {
        ("dora", "Protokoll", datetime(2026, 3, 3, 8, 15, tzinfo=UTC))
    }


# -- replay ---------------------------------------------------------------------------------
def visible_state(db) -> dict:
    """Today's user-visible state, read through the normal queries."""
    board = queries.load_board(db)
    return {
        "measures": {
            m.id: (
                m.status,
                m.responsible,
                m.lead,
                m.due,
                tuple((n.author, n.at, n.text) for n in queries.get_measure(db, m.id).notes),
            )
            for m in board.measures
        },
        "committees": {
            c.key: (c.change_state, c.chair, c.chair_party, c.spokespeople)
            for c in queries.list_committees(db)
        },
        "posts": {
            p.key: (p.holder, p.holder_party, p.state, p.state_date, p.tender_date, p.vote_date)
            for p in queries.list_posts(db)
        },
        "seats": {
            s.key: (s.nominee, s.nominee_party, s.tender_done, s.tender_date, s.state, s.state_date)
            for h in queries.list_holdings(db)
            for s in h.seats
        },
    }


def snapshot_state(snap: history.Snapshot) -> dict:
    return {
        "measures": {
            m.id: (
                m.status,
                m.responsible,
                m.lead,
                m.due,
                tuple((n.author, n.at, n.text) for n in m.notes),
            )
            for m in snap.board.measures
        },
        "committees": {
            c.key: (c.change_state, c.chair, c.chair_party, c.spokespeople) for c in snap.committees
        },
        "posts": {
            p.key: (p.holder, p.holder_party, p.state, p.state_date, p.tender_date, p.vote_date)
            for p in snap.posts
        },
        "seats": {
            s.key: (s.nominee, s.nominee_party, s.tender_done, s.tender_date, s.state, s.state_date)
            for h in snap.holdings
            for s in h.seats
        },
    }


def script_edits(db, clock, tmp_path) -> list[tuple[datetime, dict]]:
    """A varied history over several days; returns (moment, visible state) after each day."""
    moments = []

    def day():
        moments.append((clock.now, visible_state(db)))
        clock.advance(days=1)

    edits.update_measure(
        db,
        measure_id="ARB-01",
        changes={"status": "beratung", "responsible": "Amt 80", "due": "2026-04-30"},
        user="anna",
        note="erste Notiz",
    )
    edits.update_post(
        db,
        key="buergermeister-1",
        changes={"holder": "Erika Muster", "state": "gewählt"},
        user="anna",
    )
    day()
    edits.move_measure(db, measure_id="ARB-01", status="umsetzung", user="bernd")
    edits.update_measure(db, measure_id="ARB-01", changes={"due": ""}, user="bernd")
    edits.update_seat(
        db,
        key="eh-vorstand",
        changes={"nominee": "Lea Probe", "tender_done": True, "tender_date": "2026-03-01"},
        user="bernd",
    )
    edits.update_committee(
        db,
        key="buergerbeteiligung",
        changes={"change_state": "beschlossen", "spokespeople": {"CDU": "Ole Test"}},
        user="bernd",
    )
    day()
    edits.move_measure(db, measure_id="SCH-02", status="umgesetzt", user="cem")
    edits.undo_last(db, user="cem")
    edits.move_measure(db, measure_id="SCH-02", status="vorbereitung", user="cem")
    edits.add_note(db, measure_id="SCH-02", text="zweite\nNotiz", user="dora")
    # a re-seed whose seed moved an untouched card: the merge is history too
    folder = tmp_path / "seed"
    shutil.copytree(REPO / "seed", folder)
    text = (folder / "measures.toml").read_text(encoding="utf-8")
    text = text.replace('id = "SCH-05"\n', 'id = "SCH-05"\nstatus = "beratung"\n', 1)
    (folder / "measures.toml").write_text(text, encoding="utf-8")
    seed_database(db, load_seed(folder))
    edits.set_meta(db, key="review_mark", value=clock.now.isoformat(), user="anna")
    day()
    return moments


def test_replaying_the_whole_history_reproduces_todays_state(db, clock, tmp_path):
    script_edits(db, clock, tmp_path)
    today = visible_state(db)
    assert today["measures"]["SCH-05"][0] == "beratung"  # the re-seed did move it
    assert today["measures"]["SCH-02"][0] == "vorbereitung"
    assert snapshot_state(history.replay_all(db)) == today


def test_board_as_of_a_past_moment_equals_the_state_then(db, clock, tmp_path):
    seeded = visible_state(db)
    moments = script_edits(db, clock, tmp_path)
    for moment, state in moments:
        assert snapshot_state(history.state_as_of(db, moment)) == state
    # a date means the whole day (UTC): as of the first day = state at its end
    first_day = moments[0][0].date()
    assert snapshot_state(history.state_as_of(db, first_day)) == moments[0][1]
    # the day before anything was edited: the seed's state
    assert snapshot_state(history.state_as_of(db, date(2026, 3, 1))) == seeded
    # before the signing date there was no board
    assert history.state_as_of(db, date(2025, 11, 3)).board.measures == ()
    snap = history.state_as_of(db, first_day)
    assert snap.measure("ARB-01").status == "beratung"
    assert snap.measure("ARB-01").version == history.SNAPSHOT_VERSION


def test_export_as_of_a_date_equals_the_export_made_that_day(db, clock, tmp_path):
    edits.update_measure(
        db,
        measure_id="MOB-09",
        changes={"status": "umsetzung", "responsible": "Tiefbauamt", "due": "2026-06-30"},
        user="anna",
        note="Auftrag vergeben",
    )
    edits.update_post(db, key="buergermeister-1", changes={"holder": "Erika Muster"}, user="anna")
    then = {fmt: export.export_text(db, fmt) for fmt in export.FORMATS}
    day = clock.now.date()
    clock.advance(days=2)
    edits.update_measure(
        db, measure_id="MOB-09", changes={"status": "umgesetzt", "responsible": ""}, user="bernd"
    )
    edits.add_note(db, measure_id="MOB-10", text="später", user="bernd")
    edits.update_post(db, key="buergermeister-1", changes={"holder": ""}, user="bernd")
    now = {fmt: export.export_text(db, fmt) for fmt in export.FORMATS}
    for fmt in export.FORMATS:
        assert export.export_text_as_of(db, day, fmt) == then[fmt]
        assert export.export_text_as_of(db, clock.now.date(), fmt) == now[fmt]
    assert then["csv"] != now["csv"]


def test_cli_export_as_of(db, cli, clock):
    edits.move_measure(db, measure_id="UMW-01", status="beratung", user="anna")
    clock.advance(days=3)
    edits.move_measure(db, measure_id="UMW-01", status="umgesetzt", user="anna")
    env = {"HERNE_TUI_NOW": clock.now.isoformat()}
    old = cli("export", "--db", db.url, "--format", "json", "--as-of", "02.03.2026", env=env)
    assert old.returncode == 0, old.stderr
    status = {m["id"]: m["status"] for m in json.loads(old.stdout)["measures"]}
    assert status["UMW-01"] == "beratung"
    today = cli("export", "--db", db.url, "--as-of", "2026-03-05", env=env)
    assert today.stdout == cli("export", "--db", db.url, env=env).stdout
    bad = cli("export", "--db", db.url, "--as-of", "2026-02-30", env=env)
    assert bad.returncode == 2 and bad.stderr.startswith("herne-tui: --as-of:")
    assert len(bad.stderr.strip().splitlines()) == 1


# -- the history command ----------------------------------------------------------------------
def test_cli_history_lists_oldest_first_in_german(db, cli, clock):
    edits.move_measure(db, measure_id="ARB-02", status="beratung", user="anna")
    clock.advance(days=1, hours=2)
    edits.update_measure(
        db, measure_id="ARB-02", changes={"due": "2026-05-01"}, user="bernd", comment="laut Plan"
    )
    edits.move_measure(db, measure_id="ARB-03", status="umsetzung", user="bernd")
    env = {"TZ": "Europe/Berlin"}
    out = cli("history", "ARB-02", "--db", db.url, env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("04.11.2025 01:00") and "seed" in lines[0]
    assert lines[1].startswith("02.03.2026 10:00") and "anna" in lines[1]
    assert "Status: Offen → In Beratung" in lines[1]
    assert "Fällig: — → 01.05.2026" in lines[2] and "Kommentar: laut Plan" in lines[2]
    since = cli(
        "history", "--db", db.url, "--since", "03.03.2026", "--user", "bernd", "--format", "json"
    )
    rows = json.loads(since.stdout)
    assert [(r["entity_id"], r["field"], r["old"], r["new"]) for r in rows] == [
        ("ARB-02", "due", None, "2026-05-01"),
        ("ARB-03", "status", "offen", "umsetzung"),
    ]
    assert rows[0]["label"] == "Fällig"
    lower = cli("history", "arb-03", "--db", db.url)
    assert "Status: Offen → In Umsetzung" in lower.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("ZZZ-99",), "ID „ZZZ-99“ gibt es nicht"),
        (("--since", "1.13.2026"), "--since: Datum"),
        (("--format", "xml"), "--format: „xml“ gibt es nicht"),
    ],
)
def test_cli_history_errors_are_one_german_line(db, cli, args, message):
    result = cli("history", "--db", db.url, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_resolve_subject(db):
    assert history.resolve_subject(db, "arb-01") == ("measure", "ARB-01")
    assert history.resolve_subject(db, "buergermeister-1") == ("post", "buergermeister-1")
    assert history.resolve_subject(db, "eh-vorstand") == ("seat", "eh-vorstand")
    with pytest.raises(NotFound):
        history.resolve_subject(db, "nichts")


def test_list_changes_filters_by_person_topic_and_period(db, clock):
    edits.move_measure(db, measure_id="SPO-01", status="beratung", user="anna")
    edits.move_measure(db, measure_id="KUL-01", status="beratung", user="anna")
    clock.advance(days=2)
    edits.add_note(db, measure_id="SPO-02", text="Hallenplan", user="bernd")
    edits.update_post(db, key="dezernat-3", changes={"state": "nominiert"}, user="anna")
    newest = history.list_changes(db, limit=2)
    assert [(e.entity_id, e.field) for e in newest] == [("dezernat-3", "state"), ("SPO-02", "note")]
    sport = history.list_changes(db, topic="spo", newest_first=False)
    assert [(e.entity_id, e.field) for e in sport if e.action != "seed"] == [
        ("SPO-01", "status"),
        ("SPO-02", "note"),
    ]
    assert {e.entity_id for e in sport} <= {
        m.id for m in queries.load_board(db).measures if m.topic == "SPO"
    }
    anna = history.list_changes(db, user="anna", since=date(2026, 3, 3))
    assert [e.entity_id for e in anna] == ["dezernat-3"]
    first_day = history.list_changes(db, since=date(2026, 3, 2), until=date(2026, 3, 2))
    assert {e.entity_id for e in first_day} == {"SPO-01", "KUL-01"}


def test_last_changes_until_a_moment_ignores_what_came_later(db, clock):
    edits.update_measure(db, measure_id="ARB-01", changes={"responsible": "A"}, user="anna")
    first = clock.now
    clock.advance(days=3)
    edits.update_measure(db, measure_id="ARB-01", changes={"responsible": "B"}, user="anna")
    later = clock.now
    assert history.last_changes(db)["ARB-01"] == later
    assert history.last_changes(db, first)["ARB-01"] == first  # "until" includes that moment
    assert history.last_changes(db, first.date())["ARB-01"] == first  # a day: its whole day


def test_a_stored_fact_is_in_the_history_with_its_old_and_new_value(db):
    edits.set_meta(db, key="review_mark:anna", value="2026-03-01T10:00:00+00:00", user="anna")
    edits.set_meta(db, key="review_mark:anna", value="2026-03-02T10:00:00+00:00", user="anna")
    edits.delete_meta(db, key="review_mark:anna", user="anna", missing="keine Marke")
    steps = [(e.action, e.old, e.new) for e in queries.history(db, entity="meta")][-3:]
    assert steps == [
        ("meta", None, "2026-03-01T10:00:00+00:00"),
        ("meta", "2026-03-01T10:00:00+00:00", "2026-03-02T10:00:00+00:00"),
        ("meta", "2026-03-02T10:00:00+00:00", None),
    ]


def test_a_replayed_tender_flag_is_a_truth_value():
    assert history._value("tender_done", 1) is True
    assert history._value("tender_done", None) is False
    assert history._value("holder", None) == ""


def test_the_history_newest_first_and_with_a_limit(db, clock):
    for who in ("A", "B", "C"):
        clock.advance(minutes=1)
        edits.update_measure(db, measure_id="ARB-01", changes={"responsible": who}, user="anna")
    oldest = [e.new for e in queries.history(db, entity_id="ARB-01", entity="measure")][-3:]
    for by_id in (False, True):  # by time, or in commit order (the indexes' way)
        newest = queries.history(
            db, entity_id="ARB-01", entity="measure", newest_first=True, limit=2, by_id=by_id
        )
        assert [e.new for e in newest] == ["C", "B"], by_id
    assert oldest == ["A", "B", "C"]
