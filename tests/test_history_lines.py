"""How the history reads (``herne-tui history``, the history view) and its JSON form."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from herne_tui.domain.objects import HistoryEntry
from herne_tui.errors import NotFound
from herne_tui.services import edits
from herne_tui.services.history import (
    describe,
    entry_json,
    format_entry,
    list_changes,
    resolve_subject,
)

AT = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
LABELS = {"offen": "Offen", "beratung": "In Beratung"}


def entry(**kw) -> HistoryEntry:
    values = dict(
        id=7,
        at=AT,
        user="anna",
        action="edit",
        entity="measure",
        entity_id="ARB-01",
        field="status",
        old="offen",
        new="beratung",
        source="",
        comment="",
        txn="t1",
    )
    values.update(kw)
    return HistoryEntry(**values)


@pytest.mark.parametrize(
    ("kw", "line"),
    [
        ({}, "Status: Offen → In Beratung"),
        ({"old": "weg"}, "Status: weg → In Beratung"),
        ({"field": "due", "old": None, "new": "2026-03-31"}, "Fällig: — → 31.03.2026"),
        ({"field": "due", "old": "kaputt", "new": ""}, "Fällig: kaputt → —"),
        ({"field": "tender_done", "old": False, "new": True}, "Ausgeschrieben: nein → ja"),
        (
            {"field": "spokespeople", "old": {}, "new": {"SPD": "A", "CDU": "B"}},
            "Sprecher: — → CDU: B, SPD: A",
        ),
        ({"field": "chair", "old": "", "new": "Max"}, "Vorsitz: — → Max"),
        ({"field": "eigenes", "old": 1, "new": 2}, "eigenes: 1 → 2"),
        ({"field": "*", "action": "seed"}, "angelegt"),
        ({"field": "note", "action": "note", "new": "Hallo"}, "Notiz: Hallo"),
        (
            {"entity": "meta", "entity_id": "eigener_wert", "field": "value", "new": "x"},
            "eigener_wert: x",
        ),
        (
            {"action": "forget", "new": {"ersetzt": 3}},
            "Name einer Person durch Platzhalter ersetzt (3 Werte)",
        ),
        (
            {"action": "forget", "new": None},
            "Name einer Person durch Platzhalter ersetzt (0 Werte)",
        ),
    ],
    ids=lambda v: (
        None if isinstance(v, dict) else "".join(c for c in v if c.isascii() and c.isalnum())
    ),
)
def test_describe_says_what_changed_in_german(kw, line):
    assert describe(entry(**kw), LABELS) == line


def test_a_line_names_when_who_what_and_where(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        assert format_entry(entry(), LABELS) == (
            "02.03.2026 09:05  anna         Änderung    ARB-01     Status: Offen → In Beratung"
        )
        assert format_entry(entry(action="undo", entity_id="", source="CLI", comment="ok")) == (
            "02.03.2026 09:05  anna         Rückgängig  —          Status: offen → beratung"
            " (Quelle: CLI; Kommentar: ok)"
        )
        assert format_entry(entry(action="eigen", comment="nur das")).endswith(
            "eigen       ARB-01     Status: offen → beratung (Kommentar: nur das)"
        )
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_json_form():
    assert entry_json(entry(source="CLI")) == {
        "id": 7,
        "at": "2026-03-02T09:05:00+00:00",
        "user": "anna",
        "action": "edit",
        "entity": "measure",
        "entity_id": "ARB-01",
        "field": "status",
        "label": "Status",
        "old": "offen",
        "new": "beratung",
        "source": "CLI",
        "comment": "",
        "txn": "t1",
    }


def test_listing_filters_by_person_topic_and_count(db, clock):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    clock.advance(minutes=1)
    edits.move_measure(db, measure_id="SCH-02", status="beratung", user="anna")
    clock.advance(minutes=1)
    edits.move_measure(db, measure_id="ARB-02", status="beratung", user="bernd")
    clock.advance(minutes=1)
    edits.update_post(db, key="buergermeister-1", changes={"holder": "X"}, user="anna")
    mine = list_changes(db, user="anna")
    assert [e.entity_id for e in mine] == ["buergermeister-1", "SCH-02", "ARB-01"]
    assert [e.entity_id for e in list_changes(db, user="anna", newest_first=False)] == [
        "ARB-01",
        "SCH-02",
        "buergermeister-1",
    ]
    assert [e.entity_id for e in list_changes(db, topic="arb", since=AT.date())] == [
        "ARB-02",
        "ARB-01",
    ]
    assert [e.entity_id for e in list_changes(db, topic="ARB", limit=1, since=AT.date())] == [
        "ARB-02"
    ]
    assert len(list_changes(db, user="anna", limit=2)) == 2
    assert list_changes(db, user="anna", until=datetime(2026, 3, 1, tzinfo=UTC).date()) == ()


def test_resolving_what_an_id_names(db):
    assert resolve_subject(db, " arb-01 ") == ("measure", "ARB-01")
    assert resolve_subject(db, "buergermeister-1") == ("post", "buergermeister-1")
    assert resolve_subject(db, "wfg-geschaeftsfuehrung") == ("seat", "wfg-geschaeftsfuehrung")
    with pytest.raises(NotFound, match="^ID „XYZ-99“ gibt es nicht \\(Maßnahme wie ARB-01"):
        resolve_subject(db, "XYZ-99")


def test_the_history_view_names_rows_as_a_user_knows_them(db):
    from herne_tui.services import history, papers

    with_number = papers.add_paper(
        db, values={"title": "T", "kind": "vorlage", "body": "Rat", "number": "2026/1"}, user="a"
    )
    without = papers.add_paper(
        db, values={"title": "U", "kind": "vorlage", "body": "Rat"}, user="a"
    )
    papers.set_position(db, paper_id=with_number.id, party="SPD", position="zustimmen", user="a")
    dissent = papers.raise_dissent(db, subject=f"paper:{without.id}", reason="r", user="a")
    labels = history.entity_labels(db)
    assert labels["seat", "wfg-geschaeftsfuehrung"] == (
        "Wirtschaftsförderungsgesellschaft Herne mbH – Geschäftsführung"
    )
    assert labels["holding", "WFG"] == "Wirtschaftsförderungsgesellschaft Herne mbH"
    assert labels["post", "buergermeister-2"] == "Zweiter Bürgermeister"
    assert labels["paper", str(with_number.id)] == "Papier „T“ (2026/1)"
    assert labels["paper", str(without.id)] == "Papier „U“"
    assert labels["position", f"{with_number.id}:SPD"] == "Papier „T“ (2026/1): Position SPD"
    assert labels["dissent", str(dissent.id)] == f"Dissens {dissent.id}"
    assert labels["topic", "ARB"] == "Thema Arbeit" and labels["status", "offen"] == "Status Offen"
    assert labels["rule", "joint-votes"].startswith("Regel: Gemeinsame Abstimmung zu Vorlagen")

    def about(entity, entity_id):
        return history.entity_label(entry(entity=entity, entity_id=entity_id), labels)

    assert about("seat", "wfg-geschaeftsfuehrung").endswith("– Geschäftsführung")
    assert about("measure", "ARB-01") == "ARB-01"  # a measure keeps its visible id
    assert about("meta", "review_mark:anna") == "Wochenrückblick"
    assert about("meta", "view:anna:Schule") == "view:anna:Schule"
    assert about("paper", "999") == "999"


@pytest.mark.parametrize(
    ("action", "words"),
    [("propose", "vorgeschlagen"), ("confirm", "bestätigt"), ("decline", "zurückgewiesen")],
)
def test_a_status_proposal_reads_with_its_status_label(action, words):
    e = entry(action=action, field="proposal", old=None, new={"id": 3, "status": "beratung"})
    assert describe(e, LABELS) == f"Statusvorschlag 3 (In Beratung) {words}"
