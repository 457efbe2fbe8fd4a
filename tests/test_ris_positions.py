"""The position sheet (``report positions MEETING``) from the RIS mirror and the coalition's
own motions, positions and dissents."""

from __future__ import annotations

import pytest
from helpers import run_cli
from oparl_server import FakeRis

from herne_tui.domain import ris as r
from herne_tui.errors import InvalidInput, NotFound
from herne_tui.reports.document import render
from herne_tui.reports.positions import (
    Sheet,
    SheetItem,
    position_sheet,
    render_positions,
    sheet_blocks,
)
from herne_tui.ris import links
from herne_tui.ris import queries as ris_queries
from herne_tui.ris.client import Politeness
from herne_tui.ris.sync import sync
from herne_tui.services import papers

FAST = Politeness(rate=0, backoff=0.001)


@pytest.fixture
def mirrored(db, httpserver):
    ris = FakeRis(httpserver.url_for(""), "1.1").standard().serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    motion = papers.add_paper(
        db,
        values={
            "title": "Schulessen verbessern",
            "kind": "gemeinsamer-antrag",
            "body": "Schulausschuss",
            "meeting_date": "2026-11-25",
            "filing_deadline": "2026-11-11",
            "number": "2026/0902",  # resolves to the mirrored paper by its reference
            "measure_ids": ["SCH-01"],
        },
        user="anna",
    )
    papers.set_position(db, paper_id=motion.id, party="SPD", position="zustimmen", user="anna")
    papers.set_position(db, paper_id=motion.id, party="CDU", position="ablehnen", user="bernd")
    papers.raise_dissent(
        db, subject="measure:SCH-01", reason="Kosten unklar", user="bernd", party="CDU"
    )
    links.link(db, subject="SCH-09", reference="2026/0904", user="anna")
    return ris


def test_sheet_lists_items_papers_measures_positions_dissents_and_deadline(db, mirrored):
    sheet = position_sheet(db, "25.11.2026 Schul")
    assert [i.entry.paper_reference for i in sheet.items] == ["2026/0902", "2026/0904"]
    first, second = sheet.items
    assert [m[0] for m in first.measures] == ["SCH-01"]
    (motion,) = first.motions
    assert motion.consensus == "dissens"
    assert [x.reason for x in first.dissents] == ["Kosten unklar"]
    assert [m[0] for m in second.measures] == ["SCH-09"] and not second.motions
    # the motion's number resolves to the mirrored paper (ris papers shows it too)
    (mirrored_paper,) = ris_queries.papers(db, search="2026/0902")
    assert mirrored_paper.motions == (motion.id,)
    text = render_positions(db, "25.11.2026 Schul", "text")
    assert "Positionsblatt: Sitzung des Schulausschusses" in text
    assert "SPD: zustimmen, CDU: ablehnen" in text
    assert "ohne Einigung bis zur Sitzung: zurückstellen" in text
    assert (
        "Partnerfrist für gemeinsame Anträge: 28.10.2026 (Einreichfrist 11.11.2026 − 14 Tage)"
        in text
    )
    assert "Offener Dissens (CDU)" in text and "Kosten unklar" in text
    md = render_positions(db, mirrored.url("meeting/3"), "md")
    assert md.startswith("# Positionsblatt") and "| TOP |" in md
    html = render_positions(db, "Schulausschuss", "html")
    assert "<h1>Positionsblatt: Sitzung des Schulausschusses</h1>" in html


def test_the_whole_sheet_as_text(db, mirrored):
    earlier = papers.add_paper(
        db,
        values={
            "title": "Schulhöfe öffnen",
            "kind": "gemeinsamer-antrag",
            "body": "Schulausschuss",
            "filing_deadline": "2026-10-20",
            "number": "2026/0904",
        },
        user="anna",
    )
    text = render_positions(db, "25.11.2026 Schul", "text")
    lines = text.splitlines()
    assert lines[2:9] == [
        "25.11.2026 14:00 – Schulausschuss",
        # the earliest partner deadline of the joint motions (the second item's)
        "Partnerfrist für gemeinsame Anträge: 06.10.2026 (Einreichfrist 20.10.2026 − 14 Tage)",
        "Regel: ohne Konsens bis zur Sitzung wird zurückgestellt, außer die Beratung ist "
        "rechtlich verpflichtend oder die Zurückstellung schadet finanziell.",
        "TOP  Vorlage    Maßnahmen  Anträge (Konsens)  Dissense",
        "---  ---------  ---------  -----------------  --------",
        "  2  2026/0902  SCH-01     1: dissens                1",
        f"  3  2026/0904  SCH-09     {earlier.id}: offen                  0",
    ]
    assert (
        "  - Gemeinsamer Antrag 1: Schulessen verbessern – SPD: zustimmen, CDU: ablehnen – "
        "Konsens: dissens; jetzt: Dissens klären; ohne Einigung bis zur Sitzung: zurückstellen "
        "– Partnerfrist: 28.10.2026 (Einreichfrist 11.11.2026)"
    ) in lines
    assert "  - Vorlage 2026/0904: Schulhöfe entsiegeln und öffnen" in lines
    assert lines[-1].startswith("Quelle: http")


def test_a_sheet_without_date_reference_or_links(db):
    papers.add_paper(
        db,
        values={
            "title": "Haushaltsantrag",
            "kind": "gemeinsamer-antrag",
            "body": "Rat",
            "meeting_date": "2026-02-01",  # passed: without consensus it is deferred
        },
        user="anna",
    )
    (motion,) = papers.list_papers(db)
    assert motion.verdict == "zurückstellen"

    def entry(number, name, paper_name="", result=""):
        return r.AgendaEntry("", number, name, "", "", paper_name, result)

    sheet = Sheet(
        meeting=r.Meeting("", "Rat", None, (), ()),
        day=None,
        partners=("SPD", "CDU"),
        items=(
            SheetItem(entry("", "Einwohnerfragen"), (), (), ()),
            SheetItem(
                entry("4", "Haushalt", "Haushalt 2027", "beschlossen"),
                (("ARB-01", "Arbeit", "Offen"), ("ARB-02", "Mehr Arbeit", "Offen")),
                (motion,),
                (),
            ),
        ),
    )
    lines = render(sheet_blocks(sheet), "text").splitlines()
    assert lines[2] == "ohne Datum – Gremium unbekannt"
    assert lines[3] == (
        "Partnerfrist für gemeinsame Anträge: keine gemeinsamen Anträge mit Einreichfrist"
    )
    assert lines[5:9] == [
        "TOP  Vorlage  Maßnahmen       Anträge (Konsens)  Dissense",
        "---  -------  --------------  -----------------  --------",
        "–    —        —               —                         0",
        f"4    —        ARB-01, ARB-02  {motion.id}: offen                  0",
    ]
    assert "  - nichts aus der Vereinbarung verknüpft" in lines
    assert "  - Vorlage —: Haushalt 2027" in lines and "  - Ergebnis: beschlossen" in lines
    shown = next(line for line in lines if "Haushaltsantrag" in line)
    assert shown.endswith("ohne Einigung bis zur Sitzung: zurückstellen")
    assert not any(line.startswith("Quelle") for line in lines)


def test_meeting_must_be_named_unambiguously(db, mirrored):
    with pytest.raises(InvalidInput, match="mehrdeutig"):
        position_sheet(db, "Sitzung")
    with pytest.raises(NotFound, match="nicht im RIS-Spiegel"):
        position_sheet(db, "01.01.2030")


def test_report_positions_cli(db, db_path, mirrored):
    db.dispose()
    out = run_cli("report", "positions", "10.12.2026", "--db", str(db_path), "--format", "md")
    assert out.returncode == 0, out.stderr
    assert "TOP 5: Fortschreibung des Klimaschutzkonzepts" in out.stdout
    assert "Ergebnis: unverändert beschlossen" in out.stdout
    bad = run_cli("report", "positions", "--db", str(db_path))
    assert bad.returncode == 2 and "die Sitzung angeben" in bad.stderr


def test_mirrored_meetings_are_on_the_deadlines_list_and_a_cancelled_one_says_so(
    db, httpserver, clock
):
    from datetime import UTC, datetime

    from herne_tui.services import deadlines

    ris = FakeRis(httpserver.url_for(""), "1.1").standard()
    ris.add(
        "meeting",
        "9",
        name="Sondersitzung",
        start="2026-11-21T10:00:00+01:00",
        organization=[],
        agendaItem=[],
        cancelled=True,
    )
    ris.serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    clock.now = datetime(2026, 11, 1, 9, tzinfo=UTC)
    meetings = [x for x in deadlines.upcoming(db) if x.ref.startswith("ris:")]
    labels = {x.label: x for x in meetings}
    assert "Sondersitzung (abgesagt)" in labels
    school = next(x for x in meetings if x.label.endswith(": Sitzung des Schulausschusses"))
    assert not school.overdue and not labels["Sondersitzung (abgesagt)"].overdue
