"""``herne-tui export --format ics``: the coalition's dates in a calendar app."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from herne_tui.services import edits, papers

NOW = {"HERNE_TUI_NOW": "2026-03-02T09:00:00+00:00"}


def _events(text: str) -> dict[str, dict]:
    cal = Calendar.from_ical(text)
    return {
        str(e["UID"]): {
            "summary": str(e["SUMMARY"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
        }
        for e in cal.walk("VEVENT")
    }


def _paper(db, **values):
    return papers.add_paper(
        db, values={"kind": "gemeinsamer-antrag", "body": "Rat", **values}, user="anna"
    )


def test_ics_has_every_date_all_day_with_stable_uids(db, db_path, cli, tmp_path):
    _paper(
        db,
        title="Schulstraßen einrichten",
        filing_deadline="2026-03-20",
        meeting_date="2026-04-01",
    )
    edits.update_measure(db, measure_id="ARB-01", changes={"due": "2026-05-15"}, user="anna")
    first = tmp_path / "a.ics"
    out = cli("export", "--db", str(db_path), "--format", "ics", "-o", str(first), env=NOW)
    assert out.returncode == 0, out.stderr
    events = _events(first.read_text(encoding="utf-8"))
    by_summary = {e["summary"]: (uid, e) for uid, e in events.items()}

    due = [s for s in by_summary if s.startswith("ARB-01 fällig: ")]
    assert len(due) == 1
    uid, event = by_summary[due[0]]
    assert event["start"] == date(2026, 5, 15) and event["end"] == date(2026, 5, 16)
    assert isinstance(event["start"], date) and not hasattr(event["start"], "hour")
    starts = {e["start"] for e in events.values()}
    assert {date(2026, 3, 20), date(2026, 3, 6), date(2026, 4, 1)} <= starts  # filing − 14
    summaries = " | ".join(by_summary)
    assert "Einreichfrist: Schulstraßen einrichten" in summaries
    assert "Vorschlag an Partner" in summaries and "Sitzung: Rat" in summaries
    assert "Jahresbilanz" in summaries and "Halbzeitbilanz" in summaries
    assert len(events) == len(set(events))

    # the due date moves: the same UID carries the new date, nothing is added
    edits.update_measure(db, measure_id="ARB-01", changes={"due": "2026-06-30"}, user="anna")
    again = cli("export", "--db", str(db_path), "--format", "ics", env=NOW)
    assert again.returncode == 0, again.stderr
    later = _events(again.stdout)
    assert set(later) == set(events)
    assert later[uid]["start"] == date(2026, 6, 30)
    assert "\r\n" in again.stdout or again.stdout.count("BEGIN:VEVENT") == len(later)


def test_ics_refuses_existing_file_without_force_and_as_of(db, db_path, cli, tmp_path):
    target = tmp_path / "k.ics"
    target.write_text("alt", encoding="utf-8")
    refused = cli("export", "--db", str(db_path), "--format", "ics", "-o", str(target))
    assert refused.returncode == 2 and target.read_text(encoding="utf-8") == "alt"
    assert "gibt es schon" in refused.stderr
    forced = cli("export", "--db", str(db_path), "--format", "ics", "-o", str(target), "--force")
    assert forced.returncode == 0 and target.read_text(encoding="utf-8").startswith(
        "BEGIN:VCALENDAR"
    )
    as_of = cli("export", "--db", str(db_path), "--format", "ics", "--as-of", "2026-01-01")
    assert as_of.returncode == 2 and "--as-of" in as_of.stderr
    assert "Traceback" not in as_of.stderr


def test_ics_user_text_cannot_reach_a_terminal(db, db_path, cli):
    _paper(db, title="Böse\x1b]52;c;x\x07 Vorlage", meeting_date="2026-04-01")
    out = cli("export", "--db", str(db_path), "--format", "ics", env=NOW)
    assert out.returncode == 0
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
    assert any("Böse␛]52" in e["summary"] for e in _events(out.stdout).values())
