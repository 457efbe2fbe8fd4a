"""The calendar, the digest and the spreadsheet exports built in this process (``test_calendar``,
``test_digest`` and ``test_export_sheet`` run the CLI, in another process): what a calendar app
imports, what a coordinator reads, what a spreadsheet shows."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import openpyxl
import pytest
from icalendar import Calendar
from test_digest import busy  # noqa: F401 (fixture)
from test_reports import ids_by_section, scripted, sections  # noqa: F401 (fixture)

from herne_tui.reports import build, calendar, export, review, sheet
from herne_tui.services import edits, papers, queries


def _events(text: str) -> dict[str, dict]:
    cal = Calendar.from_ical(text)
    return {
        str(e["UID"]): {
            "summary": str(e["SUMMARY"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "description": str(e.get("DESCRIPTION", "")),
            "categories": [str(c) for c in e["CATEGORIES"].cats] if "CATEGORIES" in e else [],
            "transp": str(e["TRANSP"]),
        }
        for e in cal.walk("VEVENT")
    }


def _paper(db, **values):
    return papers.add_paper(
        db, values={"kind": "gemeinsamer-antrag", "body": "Rat", **values}, user="anna"
    )


def test_ics_uids_name_the_object_and_every_event_is_one_day(db):
    p = _paper(db, title="Schulstraßen", filing_deadline="2026-03-20", meeting_date="2026-04-01")
    edits.update_measure(db, measure_id="ARB-01", changes={"due": "2026-05-15"}, user="anna")
    text = calendar.export_ics(db)
    cal = Calendar.from_ical(text)
    assert str(cal["X-WR-CALNAME"]) == "HERNE 2030"
    assert str(cal["PRODID"]).startswith("-//herne-tui//herne-tui ")
    assert str(cal["VERSION"]) == "2.0" and str(cal["CALSCALE"]) == "GREGORIAN"
    events = _events(text)
    domain = "@herne-2030.herne-tui"
    due = events[f"measure-ARB-01-due{domain}"]
    assert due["start"] == date(2026, 5, 15) and due["end"] == date(2026, 5, 16)
    assert due["summary"].startswith("ARB-01 fällig: ") and "ARB-01 ARB-01" not in due["summary"]
    assert due["categories"] == ["Fällig"] and due["transp"] == "TRANSPARENT"
    filing = events[f"paper-{p.id}-filing-deadline{domain}"]
    assert filing["summary"] == "Einreichfrist: Schulstraßen"
    assert filing["start"] == date(2026, 3, 20) and filing["categories"] == ["Einreichfrist"]
    partner = events[f"paper-{p.id}-partner-deadline{domain}"]
    assert partner["start"] == date(2026, 3, 6) and partner["end"] == date(2026, 3, 7)
    assert events[f"paper-{p.id}-meeting{domain}"]["start"] == date(2026, 4, 1)
    annual = [e for uid, e in events.items() if uid.startswith("annual-review-")]
    assert annual and all(e["summary"] == "Jahresbilanz" and e["description"] for e in annual)
    assert all(e["categories"] == ["Jahresbilanz"] for e in annual)
    assert all(e["description"] != "Jahresbilanz" for e in annual)  # the rule's words
    years = {uid.split("@")[0].rsplit("-", 1)[1] for uid in events if "annual-review" in uid}
    assert years == {str(e["start"].year) for e in annual}
    midterm = events[f"midterm-review{domain}"]
    assert midterm["summary"] == "Halbzeitbilanz" and midterm["categories"] == ["Halbzeit"]
    starts = [e.day for e in calendar.calendar_events(db)]
    assert starts == sorted(starts)


def test_ics_keeps_the_first_of_two_events_with_one_uid():
    stamp = datetime(2026, 3, 2, 9, tzinfo=UTC)
    events = [
        calendar.CalendarEvent("x-1", date(2026, 3, 1), "erste", "Zeile\nzwei", "K"),
        calendar.CalendarEvent("x-1", date(2026, 3, 2), "zweite"),
        calendar.CalendarEvent("x-2", date(2026, 3, 3), "dritte\x1b[2J"),
    ]
    found = _events(calendar.render_ics(events, name="Rat Ä/ß", stamp=stamp))
    assert set(found) == {"x-1@rat-.herne-tui", "x-2@rat-.herne-tui"} or set(found) == {
        "x-1@rat.herne-tui",
        "x-2@rat.herne-tui",
    }
    first = next(e for uid, e in found.items() if uid.startswith("x-1@"))
    assert first["summary"] == "erste" and first["description"] == "Zeile\nzwei"
    third = next(e for uid, e in found.items() if uid.startswith("x-2@"))
    assert "\x1b" not in third["summary"] and third["description"] == ""
    assert third["categories"] == []


def test_slug_is_lower_case_words_joined_by_hyphens():
    assert calendar._slug("  HERNE 2030 – Rat!  ") == "herne-2030-rat"
    assert calendar._slug("ÄÖÜ") == "x"


def _digest(db, **kwargs) -> str:
    return build.render_weekly(review.weekly_review(db, **kwargs), "text", heading="Digest")


def test_digest_has_every_section_with_counts(busy):  # noqa: F811
    text = _digest(busy)
    assert text.startswith("Digest HERNE 2030\n")
    body = {h.split(" (")[0]: b for _, h, b in sections(text, "text")}
    heads = text.splitlines()
    assert "Fristen in den nächsten 14 Tagen (2)" in heads
    assert "Anstehende Sitzungen (1)" in heads
    assert "Offene Dissense (1)" in heads and "Regelverstöße (1)" in heads
    ahead = body["Fristen in den nächsten 14 Tagen"]
    assert "10.03.2026: MOB-02 fällig: " in ahead
    assert "12.03.2026: Einreichfrist: Schulstraßen <b>einrichten</b>" in ahead
    assert "16.03.2026: Sitzung: Rat" in body["Anstehende Sitzungen"]
    assert "post:buergermeister-2: " in body["Regelverstöße"]
    dissent = body["Offene Dissense"]
    assert "Maßnahme SIC-02" in dissent or "SIC-02" in dissent
    assert ": CDU (cem, 03.03.2026) – Datenschutz *ungeklärt*" in dissent
    stale = body["Ohne Bewegung seit 4 Wochen"]
    assert "Mobilität und ÖPNV" in stale and "Einzeln aufgeführt mit --stale." in stale
    assert "KUL-01" not in stale
    listed = _digest(busy, list_stale=True)
    stale_listed = {h.split(" (")[0]: b for _, h, b in sections(listed, "text")}
    lines = stale_listed["Ohne Bewegung seit 4 Wochen"]
    assert "KUL-01 " in lines and ": letzte Änderung " in lines
    assert "Einzeln aufgeführt" not in lines
    md = build.render_weekly(review.weekly_review(busy), "md", heading="Digest")
    assert "## Fristen in den nächsten 14 Tagen (2)" in md.splitlines()


def test_the_weekly_report_is_headed_as_such(busy):  # noqa: F811
    weekly = build.render_weekly(review.weekly_review(busy), "text")
    assert weekly.startswith("Wochenrückblick HERNE 2030\n")


def test_digest_without_stale_measures_says_none(busy):  # noqa: F811
    text = _digest(busy, stale_weeks=520)
    assert "Ohne Bewegung seit 520 Wochen (0)" in text.splitlines()
    body = {h: b for _, h, b in sections(text, "text")}
    assert "Einzeln aufgeführt" not in body["Ohne Bewegung seit 520 Wochen"]
    with pytest.raises(Exception, match="ist zu klein"):
        review.weekly_review(busy, stale_weeks=0)


HOSTILE = '=HYPERLINK("http://böse.example","klick")'


@pytest.fixture
def edited(db):
    edits.update_measure(
        db,
        measure_id="ARB-01",
        changes={"responsible": HOSTILE, "due": "31.03.2027", "lead": "gemeinsam"},
        user="anna",
    )
    edits.add_note(db, measure_id="ARB-01", text="Rücksprache mit Ämtern", user="anna")
    edits.update_measure(
        db, measure_id="ARB-02", changes={"responsible": "Amt\x01 für Straßen"}, user="anna"
    )
    return db


def test_csv_for_excel_has_a_bom_semicolons_and_every_measure(edited):
    key = {m["id"]: m for m in json.loads(export.export_text(edited, "json"))["measures"]}
    plain = export.export_text(edited, "csv")
    excel = export.export_text(edited, "csv", excel=True)
    assert not plain.startswith(sheet.BOM) and excel.startswith(sheet.BOM)
    assert excel.count("\n") == plain.count("\n")
    for text, delimiter in ((plain, ","), (excel.removeprefix(sheet.BOM), ";")):
        read = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        assert tuple(read[0]) == sheet.CSV_COLUMNS
        by_id = {r[0]: dict(zip(sheet.CSV_COLUMNS, r, strict=True)) for r in read[1:]}
        assert list(by_id) == list(key)
        arb = by_id["ARB-01"]
        assert arb["responsible"] == "'" + HOSTILE and arb["due"] == "2027-03-31"
        assert arb["notes"] == "1" and arb["lead"] == "gemeinsam"
        assert arb["topic"] == key["ARB-01"]["topic"] and arb["status"] == key["ARB-01"]["status"]
        assert arb["title"] == key["ARB-01"]["title"] and arb["text"] == key["ARB-01"]["text"]
        related = [m for m in key.values() if m.get("related")]
        assert related, "the seed relates measures"
        assert by_id[related[0]["id"]]["related"] == " ".join(related[0]["related"])
        assert by_id["ARB-03"]["due"] == "" and by_id["ARB-03"]["notes"] == "0"


def test_xlsx_has_text_cells_a_date_a_bold_frozen_header_and_widths(edited):
    book = openpyxl.load_workbook(io.BytesIO(export.export_xlsx(edited)))
    ws = book[sheet.SHEET_TITLE]
    header = [c.value for c in ws[1]]
    assert tuple(header) == sheet.CSV_COLUMNS and all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    arb = rows["ARB-01"]
    col = {name: i for i, name in enumerate(sheet.CSV_COLUMNS)}
    assert arb[col["responsible"]].value == HOSTILE and arb[col["responsible"]].data_type == "s"
    assert arb[col["responsible"]].alignment.wrap_text
    assert arb[col["responsible"]].alignment.vertical == "top"
    assert ws.cell(row=2, column=1).value == "ARB-01"  # right below the header
    assert arb[col["due"]].value.date() == date(2027, 3, 31)
    assert arb[col["due"]].number_format == "DD.MM.YYYY"
    assert arb[col["notes"]].value == 1 and rows["ARB-03"][col["due"]].value is None
    assert rows["ARB-02"][col["responsible"]].value == "Amt\u2401 für Straßen"
    widths = {k: ws.column_dimensions[k].width for k in "ABCDEFGHIJ"}
    assert widths["A"] == len("ARB-01") + 2 or widths["A"] == max(len(k) for k in rows) + 2
    assert widths["G"] == 12 and widths["H"] == len("notes") + 2
    assert widths["J"] == sheet.WIDEST + 2  # the agreement's text is longer: it wraps


def test_a_weekly_report_with_internal_notes_lists_only_the_own_partys(db, clock):
    from herne_tui.services import users

    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="cem", partner="CDU", role="bearbeiten", user="anna")
    since = clock.now
    edits.add_note(db, measure_id="ARB-01", text="nur  für\n die SPD", user="anna", intern=True)
    edits.add_note(db, measure_id="ARB-02", text="nur CDU", user="cem", intern=True)
    text = build.build_report(db, "weekly", "text", since=since, viewer="anna", intern=True)
    body = {h: b for _, h, b in sections(text, "text")}
    assert "Interne Notizen SPD (1)" in text.splitlines()
    (line,) = [x for x in body["Interne Notizen SPD"].splitlines() if x.strip()]
    assert line.strip().startswith("- ARB-01 – anna, 02.03.2026") and line.endswith(
        ": nur für die SPD"
    )
    assert "nur CDU" not in text
    shared = build.build_report(db, "weekly", "text", since=since, viewer="anna")
    assert "Interne Notizen" not in shared and "nur für" not in shared


def test_a_users_own_later_mark_is_where_their_review_starts(db, clock):
    edits.set_meta(db, key="review_mark", value="2026-02-01T12:00:00+00:00", user="anna")
    edits.set_meta(db, key="review_mark:anna", value="2026-02-20T12:00:00+00:00", user="anna")
    own = datetime(2026, 2, 20, 12, tzinfo=UTC)
    shared = datetime(2026, 2, 1, 12, tzinfo=UTC)
    assert review.review_mark_and_source(db, "anna") == (own, "mine")
    assert review.review_mark_and_source(db, "bernd") == (shared, "mark")
    assert review.review_mark_and_source(db) == (shared, "mark")


def test_an_xlsx_as_of_a_day_shows_that_days_values(edited, clock):
    before = clock.now
    clock.advance(days=2)
    edits.update_measure(edited, measure_id="ARB-03", changes={"responsible": "Neu"}, user="a")
    col = sheet.CSV_COLUMNS.index("responsible")

    def responsible(data: bytes) -> str | None:
        ws = openpyxl.load_workbook(io.BytesIO(data))[sheet.SHEET_TITLE]
        return next(r[col].value for r in ws.iter_rows(min_row=2) if r[0].value == "ARB-03")

    assert responsible(export.export_xlsx(edited)) == "Neu"
    assert responsible(export.export_xlsx(edited, before)) in (None, "")


def test_the_stale_section_reads_exactly_so_in_text_and_markdown(busy):  # noqa: F811
    """Line by line, not as substrings: a changed word, header or heading level shows."""
    text = _digest(busy)
    lines = text.splitlines()
    head = next(line for line in lines if line.startswith("Ohne Bewegung seit 4 Wochen ("))
    at = lines.index(head)
    assert lines[at + 1] == "-" * len(head)  # a level-2 heading in text
    assert lines[at + 2].split() == ["Thema", "ohne", "Bewegung"]
    stale = {h.split(" (")[0]: b for _, h, b in sections(text, "text")}[
        "Ohne Bewegung seit 4 Wochen"
    ]
    body = [line for line in stale.splitlines() if line.strip()]
    assert body[-1] == "Einzeln aufgeführt mit --stale."
    md = build.render_weekly(review.weekly_review(busy), "md", heading="Digest").splitlines()
    at = md.index(f"## {head}")
    assert md[at + 2] == "| Thema | ohne Bewegung |"


def test_sheet_rows_join_related_ids_and_leave_missing_fields_empty():
    data = {
        "measures": [
            {
                "id": "A-01",
                "topic": "a",
                "status": "offen",
                "title": "T",
                "text": "Wortlaut",
                "related": ["B-01", "C-02"],
            }
        ]
    }
    assert sheet.rows(data) == [
        ("A-01", "a", "offen", "T", "", "", None, 0, "B-01 C-02", "Wortlaut")
    ]


def test_a_term_without_a_start_or_end_is_empty_and_shares_are_fractions(db):
    today = date(2026, 3, 2)
    for agreement in ({"term_end": "2030-10-31"}, {"term_start": "2025-11-01"}, {}):
        term = review.term_of({"agreement": agreement}, today)
        assert (term.days_total, term.days_left, term.share_elapsed) == (0, 0, 0.0), agreement
    board = queries.load_board(db)
    edits.move_measure(db, measure_id="ARB-01", status="umsetzung", user="anna")
    progress = review.progress_of(queries.load_board(db), today)
    shares = {c.key: c.share for c in progress.overall.counts}
    total = len(board.measures)
    assert shares["umsetzung"] == 1 / total and shares["offen"] == (total - 1) / total
    assert sum(shares.values()) == pytest.approx(1.0)


def test_stale_measures_are_counted_per_topic_by_key(busy):  # noqa: F811
    found = review.weekly_review(busy).stale_by_topic
    board = queries.load_board(busy)
    assert [t.key for t in found] == [
        t.key for t in board.topics if t.key in {x.key for x in found}
    ]
    assert all(t.key and t.name for t in found)


def test_the_json_export_is_indented_marks_nomination_rules_keeps_order(db):
    text = export.export_text(db, "json")
    assert text.startswith('{\n  "')  # two spaces: readable and diffable
    data = json.loads(text)
    kinds = {r.get("kind") for r in data["rules"]}
    assert "nomination" in kinds  # the nomination rules, marked as such
    positions = [h["key"] for h in data["holdings"]]
    assert positions == [h.key for h in queries.list_holdings(db)]  # the agreement's order
