"""Report details a reader relies on, as whole documents (checked by eye once, then fixed here).

The scenario is small enough to read: one joint motion with split positions, a dissent on it
that the Koordinierungsgruppe decided, and one still open.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from herne_tui.errors import Conflict, HerneError, InvalidInput
from herne_tui.reports.build import build_report
from herne_tui.services import edits, papers

MINUTES_MD = """\
# Protokoll der Koordinierungsgruppe – HERNE 2030

Zeitraum: gesamte Wahlperiode. Beschlüsse werden protokolliert.

## Entscheidungen (1)

### 04\\.03.2026: Papier „Mehr Schulsozialarbeit“ (2026/0123)

- Dissens gemeldet von anna (CDU) am 02.03.2026 09:00: Finanzierung
- Entscheidung: Dissens festgestellt
- Verfahren für den Einzelfall: Abstimmung freigegeben
- Teilnehmende CDU (1): Clara C
- Teilnehmende SPD (2): Anna A, Bert B

## Offene Dissense auf der Tagesordnung (1)

- ARB-01 – Blumenthal-Quartier mit Seilbahn-Erschließung realisieren: Zeitplan (gemeldet von bernd, 02.03.2026 09:00)

## Positionen zu Anträgen und Vorlagen (1)

| Sitzung | Gremium | Papier | Positionen | Ergebnis |
|---|---|---|---|---|
| 05\\.03.2026 | Schulausschuss | 2026/0123 Mehr Schulsozialarbeit | SPD: zustimmen, CDU: ablehnen | zurückstellen |
"""  # noqa: E501

MINUTES_SINCE_TEXT = """\
Protokoll der Koordinierungsgruppe – HERNE 2030
===============================================
Zeitraum: seit 06.03.2026. Beschlüsse werden protokolliert.

Entscheidungen (0)
------------------
Keine Entscheidungen im Zeitraum.

Offene Dissense auf der Tagesordnung (1)
----------------------------------------
  - ARB-01 – Blumenthal-Quartier mit Seilbahn-Erschließung realisieren: Zeitplan (gemeldet von bernd, 02.03.2026 09:00)

Positionen zu Anträgen und Vorlagen (0)
---------------------------------------
Keine Sitzungen im Zeitraum.
"""  # noqa: E501


@pytest.fixture
def coordinated(db, clock, monkeypatch):
    """The scenario; times are shown in local time, so the zone is fixed to UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    p = papers.add_paper(
        db,
        values={
            "title": "Mehr Schulsozialarbeit",
            "kind": "gemeinsamer-antrag",
            "body": "Schulausschuss",
            "meeting_date": "2026-03-05",
            "filing_deadline": "16.03.2026",
            "number": "2026/0123",
        },
        user="anna",
    )
    papers.set_position(db, paper_id=p.id, party="SPD", position="zustimmen", user="anna")
    papers.set_position(db, paper_id=p.id, party="CDU", position="ablehnen", user="bernd")
    d1 = papers.raise_dissent(
        db, subject=f"paper:{p.id}", reason="Finanzierung", user="anna", party="CDU"
    )
    papers.raise_dissent(db, subject="measure:ARB-01", reason="Zeitplan", user="bernd", party="SPD")
    papers.decide_dissent(
        db,
        dissent_id=d1.id,
        decision="dissens-festgestellt",
        outcome="",
        procedure="Abstimmung freigegeben",
        participants={"SPD": ["Anna A", "Bert B"], "CDU": ["Clara C"]},
        decided_on="04.03.2026",
        user="anna",
    )
    clock.advance(days=5)
    yield db
    monkeypatch.delenv("TZ")
    time.tzset()


def test_minutes_as_markdown(coordinated):
    assert build_report(coordinated, "minutes", "md") == MINUTES_MD


def test_minutes_since_a_day_leave_out_what_came_before(coordinated):
    got = build_report(coordinated, "minutes", "text", since=date(2026, 3, 6))
    assert got == MINUTES_SINCE_TEXT


def test_unknown_report_kind_and_format(db):
    with pytest.raises(InvalidInput, match="^Berichtsart: „monthly“ gibt es nicht \\(bekannt: "):
        build_report(db, "monthly")
    with pytest.raises(InvalidInput, match="^--format: „pdf“ gibt es nicht \\(bekannt: "):
        build_report(db, "weekly", "pdf")


def test_two_decisions_are_listed_by_their_date(db):
    later = papers.raise_dissent(db, subject="measure:ARB-01", reason="a", user="anna")
    earlier = papers.raise_dissent(db, subject="measure:ARB-02", reason="b", user="anna")
    for d, day in ((later, "10.03.2026"), (earlier, "04.03.2026")):
        papers.decide_dissent(
            db,
            dissent_id=d.id,
            decision="einstimmig",
            outcome="ok",
            participants={"SPD": ["A"]},
            decided_on=day,
            user="anna",
        )
    text = build_report(db, "minutes", "text")
    assert text.index("04.03.2026: ARB-02") < text.index("10.03.2026: ARB-01")
    assert "Entscheidung: einstimmig beschlossen" in text


def test_each_kind_of_report_is_the_one_asked_for(db):
    assert build_report(db, "weekly", "md").startswith("# Wochenrückblick")
    assert build_report(db, "midterm", "md").startswith("# Halbzeitbilanz")
    assert build_report(db, "annual", "md", year=2026).startswith("# Jahresbilanz")


def test_progress_counts_per_status(db):
    from herne_tui.reports import review

    edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="a")
    overall = review.progress(db).overall
    assert (overall.total, overall.count("umgesetzt"), overall.count("offen")) == (140, 1, 139)
    assert overall.count("gibt-es-nicht") == 0
    assert overall.done == 1


def test_saving_a_report_over_a_file_needs_force(tmp_path):
    from herne_tui.reports.build import save_report

    target = tmp_path / "bericht.md"
    target.write_text("alt", encoding="utf-8")
    with pytest.raises(HerneError):
        save_report("neu", target)
    save_report("neu", target, force=True)
    assert target.read_text(encoding="utf-8") == "neu"


def test_is_seeded(db, tmp_path):
    from herne_tui.db.schema import open_database
    from herne_tui.services.queries import is_seeded

    assert is_seeded(db)
    empty = open_database(str(tmp_path / "leer.db"))
    try:
        assert not is_seeded(empty)
    finally:
        empty.dispose()


def test_a_stale_position_is_refused(db):
    p = papers.add_paper(db, values={"title": "T", "kind": "vorlage", "body": "Rat"}, user="anna")
    papers.set_position(db, paper_id=p.id, party="SPD", position="zustimmen", user="anna")
    with pytest.raises(Conflict):
        papers.set_position(
            db, paper_id=p.id, party="SPD", position="ablehnen", user="bernd", expected_version=0
        )


def test_the_share_done_per_origin(db):
    import dataclasses

    from herne_tui.reports import build
    from herne_tui.reports.document import render
    from herne_tui.services.queries import load_board

    board = load_board(db)
    assert build.origin_blocks(board) == []  # no origin set: no table
    origins = ["SPD", "SPD", "SPD", "gemeinsam"]
    statuses = ["umgesetzt", "offen", "offen", "umgesetzt"]
    measures = tuple(
        dataclasses.replace(m, origin=origins[i], status=statuses[i]) if i < 4 else m
        for i, m in enumerate(board.measures)
    )
    board = dataclasses.replace(board, measures=measures)
    rest = len(measures) - 4
    assert build.origin_share(board) == [("SPD", 3, 1), ("gemeinsam", 1, 1), ("", rest, 0)]
    lines = render(build.origin_blocks(board), "text").splitlines()
    assert lines[0] == "Umsetzung nach Herkunft (heutiger Stand)"
    assert lines[2].split() == ["Herkunft", "Maßnahmen", "umgesetzt", "Anteil"]
    assert [line.split() for line in lines[4:]] == [
        ["SPD", "3", "1", "33", "%"],
        ["gemeinsam", "1", "1", "100", "%"],
        ["ohne", "Angabe", str(rest), "0", "0", "%"],
    ]


def test_sections_of_the_annual_review_without_a_done_status():
    from herne_tui.domain.objects import Status
    from herne_tui.reports.build import sections_of

    statuses = (Status("neu", "Neu", 100, False), Status("läuft", "Läuft", 200, False))
    assert sections_of(statuses) == {"neu": "not_started", "läuft": "in_progress"}


def test_the_annual_and_midterm_reports_open_with_their_title_and_date(db):
    annual = build_report(db, "annual", "md", year=2026).splitlines()
    assert annual[0] == "# Jahresbilanz 2026 HERNE 2030"
    assert annual[4] == "| Thema | Umgesetzt | In Arbeit | Nicht begonnen | Zurückgestellt |"
    midterm = build_report(db, "midterm", "md").splitlines()
    assert midterm[0] == "# Halbzeitbilanz HERNE 2030"
    assert midterm[2] == (
        "Stand 02.03.2026 verglichen mit dem Beginn der Wahlperiode (04.11.2025)."
    )
