"""The OParl mirror: full and incremental syncs, deletions, paging, sloppy servers, failures.

Each test serves our own OParl-shaped data (``oparl_server.FakeRis``) from pytest-httpserver
on 127.0.0.1 and syncs a seeded test database (SQLite; PostgreSQL too where marked).
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from oparl_server import FakeRis
from sqlalchemy import select
from werkzeug import Response

from herne_tui import __version__
from herne_tui.db.models import (
    RisConsultationRow,
    RisFileRow,
    RisMembershipRow,
    RisPaperRow,
    RisSourceRow,
)
from herne_tui.ris import links, mirror, proposals, queries
from herne_tui.ris.client import Politeness, RisError
from herne_tui.ris.sync import sync
from herne_tui.services import edits

FAST = Politeness(rate=0, backoff=0.001)
LATER = "2026-03-02T12:00:00+01:00"
"""A change after the test clock's first sync (2026-03-02 09:00 UTC)."""


@pytest.fixture(params=["1.0", "1.1"])
def ris(request, httpserver) -> FakeRis:
    return FakeRis(httpserver.url_for(""), request.param).standard().serve(httpserver)


@pytest.fixture
def ris11(httpserver) -> FakeRis:
    return FakeRis(httpserver.url_for(""), "1.1").standard().serve(httpserver)


def run(db, ris: FakeRis, **kw):
    return sync(db, ris.url("system"), politeness=kw.pop("politeness", FAST), **kw)


def paper(db, reference: str):
    return next((p for p in queries.papers(db) if p.reference == reference), None)


def rows(db, model):
    return db.read(lambda s: list(s.scalars(select(model))))


def test_full_sync_mirrors_meetings_agendas_and_papers(db, ris):
    result = run(db, ris)
    assert result.full and result.version == ris.version and result.body_name == "Beispielstadt"
    meetings = queries.meetings(db)
    assert [m.name for m in meetings] == [
        "Sitzung des Ausschusses für Umwelt und Klimaschutz",
        "Sitzung des Schulausschusses",
        "Sitzung des Rates",
    ]
    council = meetings[-1]
    assert council.organizations == ("Rat der Stadt",)
    assert council.start == datetime.fromisoformat("2026-12-10T16:00:00+01:00")
    (item,) = council.agenda
    assert (item.number, item.paper_reference, item.result) == (
        "5",
        "2026/0901",
        "unverändert beschlossen",
    )
    assert [a.name for a in meetings[0].agenda] == [
        "Eröffnung",
        "Fortschreibung des Klimaschutzkonzepts",
    ]
    climate = paper(db, "2026/0901")
    assert [(c.meeting, c.role, c.authoritative) for c in climate.consultations] == [
        ("Sitzung des Ausschusses für Umwelt und Klimaschutz", "vorberatend", False),
        ("Sitzung des Rates", "beschließend", True),
    ]
    # embedded objects are split out with their back-references, in 1.0 as in 1.1
    (membership,) = rows(db, RisMembershipRow)
    assert membership.person_url == ris.url("person/1")
    assert {c.paper_url for c in rows(db, RisConsultationRow)} == {
        ris.url(f"paper/{n}") for n in (1, 2, 4)
    }
    (file,) = rows(db, RisFileRow)
    assert file.parent_url == ris.url("paper/1") and file.mime_type == "application/pdf"
    assert not result.problems
    # politeness: our User-Agent, and never a file's contents
    assert ris.agents == {f"herne-tui/{__version__}"}
    assert not [p for p, _ in ris.requests if "download" in p]


def test_later_sync_asks_only_for_changes_with_an_overlap(db, clock, ris):
    run(db, ris)
    first = len(ris.requests)
    ris.paper("2")["name"] = "Mensenkonzept, geänderte Fassung"
    ris.paper("2")["modified"] = LATER
    clock.advance(days=1)
    result = sync(db, politeness=FAST)  # the stored URL
    assert not result.full and result.updated >= 1
    assert paper(db, "2026/0902").name == "Mensenkonzept, geänderte Fassung"
    later = ris.requests[first:]
    lists = [(p, a) for p, a in later if "/body/1/" in p]
    assert lists and all(a.get("modified_since") == "2026-03-02T08:00:00+00:00" for _, a in lists)
    # nothing changed: one request for the body and one per list
    before = len(ris.requests)
    clock.advance(days=1)
    again = sync(db, politeness=FAST)
    assert again.added == again.removed == 0
    assert len(ris.requests) - before == 1 + len(ris.body()) - 7


@pytest.mark.both_backends
def test_deleted_paper_keeps_its_link_marked_deleted_upstream(db, clock, httpserver, backend):
    ris = FakeRis(httpserver.url_for(""), "1.1").standard().serve(httpserver)
    run(db, ris)
    links.link(db, subject="ARB-01", reference="2026/0901", user="anna")
    ris.delete("paper", "1", LATER)
    ris.delete("paper", "3", LATER)
    clock.advance(days=1)
    result = sync(db, politeness=FAST)
    assert result.kept_deleted == 1
    kept = paper(db, "2026/0901")
    assert kept.deleted and kept.name == "Fortschreibung des Klimaschutzkonzepts"
    assert kept.measures == ("ARB-01",)
    assert paper(db, "2026/0903") is None  # no links: gone from the mirror
    (link,) = [r for r in rows(db, links.RisLinkRow) if r.state == "linked"]
    assert link.deleted_upstream
    # unlinking the last link lets the deleted paper go
    links.unlink(db, subject="ARB-01", reference="2026/0901", user="anna")
    assert paper(db, "2026/0901") is None


def test_full_sync_removes_what_the_server_no_longer_lists(db, clock, ris11):
    run(db, ris11)
    del ris11.objects["paper"][ris11.url("paper/3")]
    clock.advance(days=1)
    result = sync(db, full=True, politeness=FAST)
    assert result.full and result.removed == 1 and paper(db, "2026/0903") is None


def test_1_0_agenda_item_dropped_from_its_meeting_leaves_the_mirror(db, clock, httpserver):
    ris = FakeRis(httpserver.url_for(""), "1.0").standard().serve(httpserver)
    run(db, ris)
    ris.meeting("1")["agendaItem"] = ris.meeting("1")["agendaItem"][1:]  # "Eröffnung" removed
    ris.meeting("1")["modified"] = LATER
    clock.advance(days=1)
    sync(db, politeness=FAST)
    assert [a.name for a in queries.meetings(db, committee="Umwelt")[0].agenda] == [
        "Fortschreibung des Klimaschutzkonzepts"
    ]


def test_paging_over_many_pages(db, ris):
    ris.page_size = 1
    result = run(db, ris)
    assert len(queries.papers(db)) == 4
    assert len(ris.asked("/body/1/paper")) == 4
    assert result.requests == len(ris.requests)


def test_a_looping_server_ends_the_sync_with_one_line(db, ris11):
    ris11.override["/oparl/body/1/paper"] = lambda request: Response(
        json.dumps({"data": [], "links": {"next": ris11.url("body/1/paper")}}),
        content_type="application/json",
    )
    with pytest.raises(RisError, match="Schleife") as err:
        run(db, ris11)
    assert ris11.url("body/1/paper") in err.value.message
    assert mirror.stored_source(db) is None and not queries.meetings(db)


def test_a_page_bound_stops_an_endless_list(db, ris11):
    ris11.page_size = 1
    with pytest.raises(RisError, match="mehr als 2 Listenseiten"):
        run(db, ris11, politeness=Politeness(rate=0, max_pages=2))


# -- sloppy servers: each case is noted once with its URL, and the sync goes on -------------
def test_object_where_an_array_belongs(db, ris11):
    ris11.paper("4")["auxiliaryFile"] = {"id": ris11.url("file/9"), "name": "Anlage"}
    result = run(db, ris11)
    assert any("Objekt statt einer Liste bei Paper.auxiliaryFile" in p for p in result.problems)
    assert ris11.url("file/9") in {f.url for f in rows(db, RisFileRow)}


def test_placeholder_texts_and_bad_dates_are_kept_lenient(db, ris11):
    ris11.paper("3")["date"] = "N/A"
    ris11.paper("3")["paperType"] = ""
    ris11.paper("4")["date"] = "2026-10-02T00:00:00+02:00"  # a date-time where a date belongs
    ris11.meeting("3")["start"] = "2026-11-25"  # a date where a date-time belongs
    ris11.paper("1")["mainFile"]["mimeType"] = "docx"
    result = run(db, ris11)
    assert paper(db, "2026/0903").date is None and paper(db, "2026/0903").paper_type == ""
    assert paper(db, "2026/0904").date.isoformat() == "2026-10-02"
    school = queries.meetings(db, committee="Schul")[0]
    assert school.start == datetime.fromisoformat("2026-11-25T00:00:00+01:00")
    text = "\n".join(result.problems)
    assert f"Paper.date: {ris11.url('paper/3')}" in text
    assert f"Paper.paperType: {ris11.url('paper/3')}" in text
    assert "kein gültiges Datum laut OParl" in text and "Meeting.start" in text
    assert "mimeType bei File.mimeType ist kein MIME-Typ" in text
    # once per kind and place: a second such value is counted, not repeated
    assert len([p for p in result.problems if "Paper.date" in p and "N/A" in p]) == 1


def test_unescaped_control_characters(db, ris11):
    data = ris11.paper("3")
    ris11.raw_body["/oparl/body/1/paper"] = (
        (
            '{"data": [{"id": "ID", "type": "TYPE", "reference": "2026/0903", '
            '"name": "Bericht\tmit\x01Steuerzeichen"}], "links": {}}'
        )
        .replace("ID", data["id"])
        .replace("TYPE", data["type"])
    )
    result = run(db, ris11)
    assert paper(db, "2026/0903").name == "Bericht\tmit\x01Steuerzeichen"
    assert any("unmaskierten Steuerzeichen" in p for p in result.problems)


def test_spurious_500s_are_retried_a_bounded_number_of_times(db, ris11):
    ris11.fail["/oparl/body/1/meeting"] = 2
    result = run(db, ris11)
    assert len(queries.meetings(db)) == 3
    assert any("HTTP 500" in p and "erneutem Versuch" in p for p in result.problems)
    ris11.fail["/oparl/body/1/paper"] = 99
    before = len(ris11.requests)
    with pytest.raises(RisError, match="HTTP 500, auch nach 4 Versuchen"):
        run(db, ris11, full=True)
    assert (
        len(ris11.asked("/body/1/paper"))
        - len([r for r in ris11.requests[:before] if "/body/1/paper" in r[0]])
        == 4
    )


def test_empty_filtered_list_answered_with_404(db, clock, ris11):
    run(db, ris11)
    ris11.override["/oparl/body/1/organization"] = lambda request: Response("", status=404)
    clock.advance(days=1)
    result = sync(db, politeness=FAST)
    assert any("leere gefilterte Liste als HTTP 404" in p for p in result.problems)
    # unfiltered, a 404 list is an error: a full sync must not empty the mirror
    with pytest.raises(RisError, match="HTTP 404"):
        sync(db, full=True, politeness=FAST)
    assert len(rows(db, RisPaperRow)) == 4


def test_referenced_objects_fetched_one_by_one_or_kept_as_url(db, ris11):
    # a consultation names a paper no list holds; the server answers with a list of one
    extra = {"id": ris11.url("paper/7"), "type": ris11.type("Paper"), "reference": "2026/0907"}
    ris11.override["/oparl/paper/7"] = lambda request: Response(
        json.dumps({"data": [extra]}), content_type="application/json"
    )
    ris11.paper("3")["consultation"] = [
        {
            "id": ris11.url("consultation/70"),
            "paper": ris11.url("paper/7"),
            "meeting": ris11.url("meeting/99"),
            "role": "Kenntnisnahme",
        }
    ]
    result = run(db, ris11)
    assert paper(db, "2026/0907") is not None
    text = "\n".join(result.problems)
    assert "Liste statt eines Objekts" in text
    assert f"nicht abrufbar (meeting); nur die URL bleibt: {ris11.url('meeting/99')}" in text
    cons = db.read(lambda s: s.get(RisConsultationRow, ris11.url("consultation/70")))
    assert cons.meeting_url == ris11.url("meeting/99")


def test_embedded_objects_count_even_when_the_body_list_lacks_them(db, ris11):
    ris11.body_lists_lack = {ris11.url("consultation/3"), ris11.url("agendaitem/3")}
    run(db, ris11)
    school = queries.meetings(db, committee="Schul")[0]
    assert [a.paper_reference for a in school.agenda] == ["2026/0902", "2026/0904"]


@pytest.mark.parametrize(
    ("body", "kind", "reason"),
    [
        ("<html><body>Wartungsarbeiten</body></html>", "text/html", "HTML statt JSON"),
        ("{data: [}", "application/json", "keine gültige JSON-Antwort"),
        ('"nur ein Text"', "application/json", "keine OParl-Liste"),
    ],
)
def test_html_or_garbage_ends_the_sync_and_keeps_the_state(db, clock, ris11, body, kind, reason):
    run(db, ris11)
    ris11.paper("2")["name"] = "neu"
    ris11.paper("2")["modified"] = LATER
    ris11.override["/oparl/body/1/meeting"] = lambda request: Response(body, content_type=kind)
    clock.advance(days=1)
    with pytest.raises(RisError, match=reason) as err:
        sync(db, politeness=FAST)
    assert ris11.url("body/1/meeting") in err.value.message
    assert "bisherige Stand bleibt" in err.value.message
    assert paper(db, "2026/0902").name.startswith("Mensen")


@pytest.mark.both_backends
def test_interrupted_sync_keeps_the_previous_state_and_the_next_completes(
    db, clock, httpserver, monkeypatch, backend
):
    ris = FakeRis(httpserver.url_for(""), "1.1").standard().serve(httpserver)
    run(db, ris)
    before = db.read(lambda s: s.get(RisSourceRow, 1).last_sync)
    ris.paper("2")["name"] = "Mensenkonzept, zweite Fassung"
    ris.paper("2")["modified"] = LATER
    ris.delete("paper", "3", LATER)
    clock.advance(days=1)

    def broken(session, snap):  # dies after the papers were written, before the commit
        raise KeyboardInterrupt

    monkeypatch.setattr(mirror, "_refresh_links", broken)
    with pytest.raises(KeyboardInterrupt):
        sync(db, politeness=FAST)
    assert paper(db, "2026/0902").name.startswith("Mensen an Schulen")
    assert paper(db, "2026/0903") is not None
    assert db.read(lambda s: s.get(RisSourceRow, 1).last_sync) == before
    monkeypatch.undo()
    sync(db, politeness=FAST)
    assert paper(db, "2026/0902").name == "Mensenkonzept, zweite Fassung"
    assert paper(db, "2026/0903") is None


# -- links, suggestions, proposed status changes ----------------------------------------------
def test_suggestions_are_a_list_never_a_link(db, ris11):
    run(db, ris11)
    found = {(s.measure_id, s.reference) for s in proposals.suggestions(db)}
    assert ("SCH-09", "2026/0904") in found and ("SCH-01", "2026/0902") in found
    assert all(not p.measures for p in queries.papers(db))
    links.reject(db, subject="SCH-09", reference="2026/0904", user="anna")
    links.link(db, subject="SCH-01", reference="2026/0902", user="anna")
    left = {(s.measure_id, s.reference) for s in proposals.suggestions(db)}
    assert ("SCH-09", "2026/0904") not in left and ("SCH-01", "2026/0902") not in left
    assert paper(db, "2026/0902").measures == ("SCH-01",)


def test_authoritative_result_proposes_a_status_change(db, ris11):
    run(db, ris11)
    links.link(db, subject="ARB-01", reference="2026/0901", user="anna")
    links.link(db, subject="SCH-01", reference="2026/0902", user="anna")  # no result yet
    (proposal,) = proposals.status_proposals(db)
    assert (proposal.measure_id, proposal.status, proposal.proposed) == (
        "ARB-01",
        "offen",
        "vorbereitung",
    )
    assert proposal.decided == "Beschlossen am 10.12.2026 im Rat der Stadt: unverändert beschlossen"
    edits.update_measure(
        db,
        measure_id="ARB-01",
        changes={"status": "vorbereitung"},
        user="anna",
        source=proposal.paper_url,
    )
    assert proposals.status_proposals(db) == ()


def test_link_and_unlink_are_in_the_history(db, ris11):
    from herne_tui.services import queries as board

    run(db, ris11)
    links.link(db, subject="ARB-02", reference="2026/0903", user="anna")
    links.unlink(db, subject="ARB-02", reference="2026/0903", user="berta")
    entries = board.history(db, entity="measure", entity_id="ARB-02")
    assert [(e.action, e.user, e.source) for e in entries[-2:]] == [
        ("link", "anna", ris11.url("paper/3")),
        ("unlink", "berta", ris11.url("paper/3")),
    ]
    with pytest.raises(Exception, match="nicht im RIS-Spiegel"):
        links.link(db, subject="ARB-02", reference="1999/0001", user="anna")


def test_deadlines_take_meetings_from_the_mirror(db, clock, ris11):
    from herne_tui.services import deadlines, papers

    run(db, ris11)
    papers.add_paper(
        db,
        values={
            "title": "Eigener Termin",
            "kind": "eigener-antrag",
            "body": "Rat",
            "meeting_date": "2026-12-10",
        },
        user="anna",
    )
    papers.add_paper(
        db,
        values={
            "title": "Ohne Spiegel",
            "kind": "eigener-antrag",
            "body": "Bezirk",
            "meeting_date": "2026-12-14",
        },
        user="anna",
    )
    clock.now = datetime.fromisoformat("2026-11-19T09:00:00+00:00")
    meetings = [
        (x.when.isoformat(), x.label) for x in deadlines.upcoming(db) if x.kind == "Sitzung"
    ]
    assert meetings == [
        (
            "2026-11-20",
            "Ausschuss für Umwelt und Klimaschutz: Sitzung des Ausschusses für Umwelt "
            "und Klimaschutz",
        ),
        ("2026-11-25", "Schulausschuss: Sitzung des Schulausschusses"),
        ("2026-12-10", "Rat der Stadt: Sitzung des Rates"),
        ("2026-12-14", "Bezirk: Ohne Spiegel – Positionen abstimmen"),
    ]


def test_deleted_meeting_takes_its_agenda_items_along(db, clock, httpserver):
    from herne_tui.db.models import RisAgendaItemRow

    ris = FakeRis(httpserver.url_for(""), "1.0").standard().serve(httpserver)
    run(db, ris)
    ris.delete("meeting", "1", LATER)
    clock.advance(days=1)
    sync(db, politeness=FAST)
    left = {a.meeting_url for a in rows(db, RisAgendaItemRow)}
    assert ris.url("meeting/1") not in left and ris.url("meeting/2") in left


def test_re_read_child_without_back_reference_keeps_its_parent(db, clock, ris11):
    from herne_tui.db.models import RisAgendaItemRow

    run(db, ris11)
    lone = {
        "id": ris11.url("agendaitem/2"),
        "type": ris11.type("AgendaItem"),
        "number": "5",
        "order": 5,
        "name": "Klimaschutzkonzept, neu",
        "modified": LATER,
    }
    ris11.override["/oparl/body/1/agendaitem"] = lambda request: Response(
        json.dumps({"data": [lone], "links": {}}), content_type="application/json"
    )
    clock.advance(days=1)
    sync(db, politeness=FAST)
    item = db.read(lambda s: s.get(RisAgendaItemRow, ris11.url("agendaitem/2")))
    assert item.name == "Klimaschutzkonzept, neu" and item.meeting_url == ris11.url("meeting/2")


def test_a_list_url_with_its_own_query_keeps_it_with_the_filter(db, clock, ris11):
    body = ris11.body()
    body["paper"] += "?art=alle"
    ris11.override["/oparl/body/1"] = lambda request: Response(
        json.dumps(body), content_type="application/json"
    )
    run(db, ris11)
    clock.advance(days=1)
    sync(db, politeness=FAST)
    last = ris11.asked("/body/1/paper")[-1]
    assert last["art"] == "alle" and last["modified_since"]


def test_a_reader_cannot_change_the_shared_mirror(db, ris11):
    from herne_tui.errors import NotAllowed
    from herne_tui.services import users

    users.add_user(db, name="chef", partner="SPD", role="koordination", user="chef")
    users.add_user(db, name="leser", partner="CDU", role="lesen", user="chef")
    with pytest.raises(NotAllowed):
        run(db, ris11, user="leser")
    assert not ris11.requests  # refused before the server was asked
    run(db, ris11, user="chef")
    with pytest.raises(NotAllowed):
        links.link(db, subject="ARB-01", reference="2026/0901", user="leser")
    assert len(queries.papers(db)) == 4
