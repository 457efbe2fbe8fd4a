"""``export --format ics`` with the RIS mirror's meetings: their times, place, page, state."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from oparl_server import FakeRis

from herne_tui.ris.client import Politeness
from herne_tui.ris.sync import sync

NOW = {"HERNE_TUI_NOW": "2026-11-01T09:00:00+00:00"}
FAST = Politeness(rate=0, backoff=0.001)


@pytest.fixture
def mirrored(db, httpserver) -> FakeRis:
    """The standard body, with an end, a place and a web page for the council's meeting, a
    cancelled committee meeting, a meeting known only by its date and hostile server text."""
    ris = FakeRis(httpserver.url_for(""), "1.1").standard()
    council = ris.meeting("2")  # "Sitzung des Rates", 10.12.2026 16:00 (+01:00)
    council["end"] = "2026-12-10T19:30:00+01:00"
    council["web"] = "https://ris.example.org/si0057.asp?SILFDNR=57"
    council["location"] = {
        "id": ris.url("location/1"),
        "type": ris.type("Location"),
        "description": "Ratssaal",
        "room": "Raum 2.1",
        "streetAddress": "Friedrich-Ebert-Platz 2",
        "postalCode": "44623",
        "locality": "Herne",
    }
    ris.meeting("3")["cancelled"] = True  # Schulausschuss, 25.11.2026 15:00
    ris.add(
        "meeting",
        "4",
        name="Sitzung der Bezirksvertretung\x1b]52;c;x\x07\r\nBEGIN:VEVENT",
        start="2026-11-30",
        organization=[],
        agendaItem=[],
        web="https://evil.example.org/\r\nATTACH:x",
        location={"id": ris.url("location/2"), "description": "Foyer\nSUMMARY:böse"},
    )
    ris.serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    return ris


def _events(text: str) -> dict[str, object]:
    cal = Calendar.from_ical(text)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _export(cli, db_path) -> str:
    out = cli("export", "--db", str(db_path), "--format", "ics", env=NOW)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _by_name(events: dict, words: str):
    found = [e for e in events.values() if words in str(e["SUMMARY"])]
    assert len(found) == 1, [str(e["SUMMARY"]) for e in events.values()]
    return found[0]


def test_ris_meetings_are_timed_with_place_page_and_state(mirrored, db_path, cli):
    text = _export(cli, db_path)
    events = _events(text)
    council = _by_name(events, "Sitzung des Rates")
    start, end = council.decoded("DTSTART"), council.decoded("DTEND")
    assert isinstance(start, datetime) and start.tzinfo is not None
    assert start == datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # 16:00 in Herne
    assert end == datetime(2026, 12, 10, 18, 30, tzinfo=UTC)
    assert start.utcoffset().total_seconds() == 3600  # shown in local time, not UTC
    assert council["DTSTART"].params.get("TZID") == "Europe/Berlin"
    assert any(
        str(tz["TZID"]) == "Europe/Berlin" for tz in Calendar.from_ical(text).walk("VTIMEZONE")
    )
    assert str(council["SUMMARY"]) == "Rat der Stadt: Sitzung des Rates"
    assert str(council["LOCATION"]) == ("Ratssaal, Raum 2.1, Friedrich-Ebert-Platz 2, 44623 Herne")
    assert str(council["URL"]) == "https://ris.example.org/si0057.asp?SILFDNR=57"
    assert "STATUS" not in council

    school = _by_name(events, "Sitzung des Schulausschusses")
    assert str(school["STATUS"]) == "CANCELLED"
    assert "(abgesagt)" in str(school["SUMMARY"])
    assert school.decoded("DTSTART") == datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    assert "DTEND" not in school  # no end given: none invented
    assert str(school["URL"]) == mirrored.url("meeting/3")  # no web page: the OParl URL

    # only a date known: all-day on that (local) day
    district = _by_name(events, "Bezirksvertretung")
    assert district.decoded("DTSTART") == date(2026, 11, 30)
    assert not isinstance(district.decoded("DTSTART"), datetime)
    assert district.decoded("DTEND") == date(2026, 12, 1)


def test_ris_meeting_uids_are_stable_and_unique(db, mirrored, db_path, cli):
    first = _events(_export(cli, db_path))
    council = next(u for u, e in first.items() if "Sitzung des Rates" in str(e["SUMMARY"]))
    # the meeting moves upstream and the mirror syncs again: same UID, new time
    mirrored.meeting("2")["start"] = "2026-12-17T17:00:00+01:00"
    mirrored.meeting("2")["end"] = "2026-12-17T18:00:00+01:00"
    mirrored.meeting("2")["modified"] = "2026-11-01T10:00:00+01:00"
    sync(db, mirrored.url("system"), politeness=FAST)
    second = _events(_export(cli, db_path))
    assert set(second) == set(first)
    assert second[council].decoded("DTSTART") == datetime(2026, 12, 17, 16, 0, tzinfo=UTC)
    meetings = [u for u in second if u.startswith("ris-meeting-")]
    assert len(meetings) == 4 and len(set(meetings)) == 4
    assert all(u.endswith(".herne-tui") for u in meetings)


def test_hostile_ris_text_stays_inside_its_property(mirrored, db_path, cli):
    text = _export(cli, db_path)
    assert "\x1b" not in text and "\x07" not in text
    lines = text.splitlines()
    assert sum(line == "BEGIN:VEVENT" for line in lines) == len(_events(text))
    district = _by_name(_events(text), "Bezirksvertretung")
    assert "\n" not in str(district["SUMMARY"]) and "\n" not in str(district["LOCATION"])
    # a web address with a line break is dropped for the meeting's OParl URL
    assert str(district["URL"]) == mirrored.url("meeting/4")
    assert not any(line.startswith(("ATTACH", "SUMMARY:böse")) for line in lines)


def test_a_motions_meeting_on_a_mirrored_day_is_not_doubled(db, mirrored, db_path, cli):
    from herne_tui.services import papers

    for title, day in (("Seilbahn prüfen", "2026-12-10"), ("Radwege", "2026-12-03")):
        papers.add_paper(
            db,
            values={
                "kind": "gemeinsamer-antrag",
                "body": "Rat",
                "title": title,
                "meeting_date": day,
            },
            user="anna",
        )
    # in August the council's meeting lies beyond the deadlines list's 90 days: the calendar
    # still has it (every mirrored meeting), and so leaves the motion's meeting date out itself
    august = {"HERNE_TUI_NOW": "2026-08-01T09:00:00+00:00"}
    out = cli("export", "--db", str(db_path), "--format", "ics", env=august)
    assert out.returncode == 0, out.stderr
    summaries = [str(e["SUMMARY"]) for e in _events(out.stdout).values()]
    assert not any("Seilbahn prüfen" in s and s.startswith("Sitzung") for s in summaries)
    assert any(s.startswith("Sitzung: Rat: Radwege") for s in summaries), summaries
    assert sum("Sitzung des Rates" in s for s in summaries) == 1
