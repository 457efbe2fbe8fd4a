"""Weekly review, Jahresbilanz and Halbzeitbilanz from a scripted history under a fixed clock.

The outputs are parsed independently (headings, ids, table cells) in every format; nothing is
compared against output produced by the code under test.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from herne_tui.db.schema import open_database
from herne_tui.reports import build, review
from herne_tui.services import edits, queries

FORMATS = ("text", "md", "html")
ID = re.compile(r"\b[A-Z]{3}-\d{2}\b")


# -- independent parsing of the three formats -------------------------------------------------
def sections(output: str, fmt: str) -> list[tuple[int, str, str]]:
    """(level, heading without its count, body) for every heading of a report."""
    if fmt == "html":
        parts = re.split(r"<h([1-6])>(.*?)</h\1>", output)
        found = [
            (int(parts[i]), html.unescape(parts[i + 1]), html.unescape(parts[i + 2]))
            for i in range(1, len(parts), 3)
        ]
    else:
        lines = output.splitlines()
        marks = []
        for i, line in enumerate(lines):
            if fmt == "md" and line.startswith("#"):
                marks.append((i, len(line) - len(line.lstrip("#")), line.lstrip("# "), 1))
            elif (
                fmt == "text"
                and i + 1 < len(lines)
                and line
                and re.fullmatch(r"(=+|-+|~+)", lines[i + 1])
                and len(lines[i + 1]) == len(line)
            ):
                marks.append((i, {"=": 1, "-": 2, "~": 3}[lines[i + 1][0]], line, 2))
        found = []
        for n, (i, level, text, skip) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else len(lines)
            found.append((level, text, "\n".join(lines[i + skip : end])))
    return [(level, re.sub(r"\s*\(\d+\)$", "", text.strip()), body) for level, text, body in found]


def ids_by_section(output: str, fmt: str) -> dict[str, set[str]]:
    """Measure ids listed under each heading (a heading's own body only)."""
    out: dict[str, set[str]] = {}
    for _level, heading, body in sections(output, fmt):
        out.setdefault(heading, set()).update(ID.findall(body))
    return out


def ids_by_topic_section(output: str, fmt: str) -> dict[tuple[str, str], set[str]]:
    """For reports with topic headings (level 2) and sub-sections (level 3)."""
    out: dict[tuple[str, str], set[str]] = {}
    topic = ""
    for level, heading, body in sections(output, fmt):
        if level == 2:
            topic = heading
        elif level == 3:
            out[(topic, heading)] = set(ID.findall(body))
    return out


def _html_rows(output: str) -> Iterator[tuple[list[str], list[str]]]:
    """(header, cells) of every body row of every HTML table."""
    for table in re.findall(r"<table>(.*?)</table>", output, re.S):
        head = [
            html.unescape(re.sub("<[^>]+>", "", h)) for h in re.findall(r"<th>(.*?)</th>", table)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table):
            cells = [
                html.unescape(re.sub("<[^>]+>", "", c)).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row)
            ]
            yield head, cells


def _plain_rows(output: str, fmt: str) -> Iterator[tuple[list[str], list[str]]]:
    """(header, cells) of every body row of the Markdown or plain-text tables."""
    lines = output.splitlines()
    head: list[str] = []
    for i, line in enumerate(lines):
        below = lines[i + 1] if i + 1 < len(lines) else None
        if fmt == "md" and line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            is_head = below is not None and below.startswith("|-")
        elif fmt == "text":
            cells = re.split(r"\s{2,}", line.strip())
            is_head = below is not None and re.fullmatch(r"[- ]+", below or "x") is not None
        else:
            continue
        if is_head:
            head = cells
        elif head:
            yield head, cells


def table_row(output: str, fmt: str, first: str) -> dict[str, str]:
    """The first table row whose first cell is ``first``, as header → cell text."""
    rows = _html_rows(output) if fmt == "html" else _plain_rows(output, fmt)
    for head, cells in rows:
        if cells and cells[0] == first:
            return dict(zip(head, cells, strict=True))
    raise AssertionError(f"no row {first!r} in {fmt} output")


# -- the scripted history ----------------------------------------------------------------------
def at(clock, *args) -> None:
    clock.now = datetime(*args, tzinfo=UTC)


@pytest.fixture
def scripted(db, clock):
    """A history from December 2025 to March 2026; now = 03.03.2026 12:00 UTC."""
    at(clock, 2025, 12, 10, 12)
    edits.update_measure(
        db, measure_id="ARB-01", changes={"status": "umgesetzt", "due": "2025-12-31"}, user="anna"
    )
    edits.move_measure(db, measure_id="SCH-01", status="vorbereitung", user="anna")
    at(clock, 2026, 1, 20, 12)
    edits.update_measure(
        db,
        measure_id="MOB-01",
        changes={"status": "umsetzung", "due": "28.02.2026", "responsible": "Tiefbauamt"},
        user="bernd",
    )
    edits.move_measure(db, measure_id="KJF-01", status="zurueckgestellt", user="bernd")
    edits.move_measure(db, measure_id="SOZ-01", status="umgesetzt", user="bernd")
    at(clock, 2026, 2, 10, 12)
    edits.move_measure(db, measure_id="SOZ-01", status="umsetzung", user="cem")
    edits.add_note(db, measure_id="SIC-01", text="Konzept im Ausschuss", user="cem")
    at(clock, 2026, 2, 20, 12)
    review.mark_reviewed(db, user="anna", everyone=True)
    at(clock, 2026, 3, 1, 12)
    edits.move_measure(db, measure_id="SCH-01", status="beratung", user="dora")
    edits.update_measure(
        db,
        measure_id="WOH-01",
        changes={"status": "umgesetzt"},
        user="dora",
        source="Drucksache 2026/0042",
    )
    edits.add_note(db, measure_id="SIC-02", text="<b>fett</b> & Co", user="dora")
    edits.update_measure(db, measure_id="MOB-02", changes={"due": "2026-12-31"}, user="dora")
    at(clock, 2026, 3, 3, 12)
    return db


@pytest.mark.parametrize("fmt", FORMATS)
def test_weekly_report_sections(scripted, fmt):
    data = review.weekly_review(scripted, list_stale=True)
    assert data.since == datetime(2026, 2, 20, 12, tzinfo=UTC)
    out = build.render_weekly(data, fmt)
    ids = ids_by_section(out, fmt)
    assert ids["Statusänderungen"] == {"SCH-01", "WOH-01"}
    assert ids["Neue Notizen"] == {"SIC-02"}
    assert ids["Überfällig"] == {"MOB-01"}  # ARB-01's due date passed, but it is done
    stale = ids["Ohne Bewegung seit 4 Wochen"]
    assert {"MOB-01", "KJF-01", "KUL-01", "SIC-03"} <= stale
    assert not stale & {"ARB-01", "WOH-01", "SOZ-01", "SIC-01", "SCH-01", "MOB-02"}
    assert len(stale) == 140 - 7
    body = dict((h, b) for _, h, b in sections(out, fmt))
    assert "In Vorbereitung → In Beratung" in body["Statusänderungen"]
    assert "Quelle: Drucksache 2026/0042" in body["Statusänderungen"]
    notes = body["Neue Notizen"]
    if fmt == "md":  # the note's HTML is escaped, so a Markdown renderer shows it as typed
        assert "\\<b\\>fett\\</b\\> \\& Co" in notes
    else:
        assert "<b>fett</b> & Co" in notes
    assert "28.02.2026" in body["Überfällig"]
    progress = out[out.index("Fortschritt je Thema") :]  # the stale counts have a table too
    total = table_row(progress, fmt, "Gesamt")
    assert (total["Gesamt"], total["Umgesetzt"], total["In Umsetzung"]) == ("140", "2", "2")
    assert table_row(progress, fmt, "Arbeit")["Umgesetzt"] == "1"


def test_weekly_review_options(scripted, clock):
    since = review.weekly_review(scripted, since=date(2026, 1, 1), stale_weeks=8)
    moved = [(c.measure.id, c.old, c.new) for c in since.status_changes]
    assert moved == [
        ("MOB-01", "offen", "umsetzung"),
        ("KJF-01", "offen", "zurueckgestellt"),
        ("SOZ-01", "offen", "umgesetzt"),
        ("SOZ-01", "umgesetzt", "umsetzung"),
        ("SCH-01", "vorbereitung", "beratung"),
        ("WOH-01", "offen", "umgesetzt"),
    ]
    assert since.since_source == "given"
    assert {s.measure.id for s in since.stale}.isdisjoint({"MOB-01", "KJF-01"})
    assert since.progress.term.days_left == (date(2030, 10, 31) - date(2026, 3, 3)).days
    assert 0.05 < since.progress.term.share_elapsed < 0.1


def test_without_a_mark_the_review_covers_seven_days(db, clock):
    data = review.weekly_review(db)
    assert data.since_source == "default"
    assert (data.until - data.since).days == 7


def test_review_mark_survives_a_restart(db, db_path, clock):
    marked = review.mark_reviewed(db, user="anna", everyone=True)
    db.dispose()
    clock.advance(days=3)
    again = open_database(str(db_path), clock=clock)
    try:
        assert review.review_mark(again) == marked
        assert review.weekly_review(again).since == marked
        entry = queries.history(again)[-1]
        assert (entry.action, entry.entity_id, entry.user) == ("meta", "review_mark", "anna")
    finally:
        again.dispose()


@pytest.mark.parametrize("fmt", FORMATS)
def test_annual_report_sections(scripted, fmt):
    out = build.render_annual(build.annual_report(scripted, 2026), fmt)
    s = ids_by_topic_section(out, fmt)
    assert s[("Arbeit", "Umgesetzt")] == {"ARB-01"}
    assert s[("Wohnen, Infrastruktur und Stadtentwicklung", "Umgesetzt")] == {"WOH-01"}
    assert s[("Schule und Bildung", "In Arbeit")] == {"SCH-01"}
    assert s[("Mobilität und ÖPNV", "In Arbeit")] == {"MOB-01"}
    assert s[("Soziales", "In Arbeit")] == {"SOZ-01"}
    assert s[("Kinder, Jugend und Familie", "Zurückgestellt")] == {"KJF-01"}
    assert {"KUL-01", "SIC-01", "SIC-02", "MOB-02"} <= s[("Kultur", "Nicht begonnen")] | s[
        ("Sicherheit und Ordnung", "Nicht begonnen")
    ] | s[("Mobilität und ÖPNV", "Nicht begonnen")]
    done = set().union(*(v for (t, k), v in s.items() if k == "Umgesetzt"))
    assert done == {"ARB-01", "WOH-01"}
    text = html.unescape(out)
    assert re.search(r"ARB-01 [^\n<]*umgesetzt am 10\.12\.2025", text)
    assert re.search(r"WOH-01 [^\n<]*umgesetzt am 01\.03\.2026", text)
    assert re.search(r"SCH-01 [^\n<]*In Beratung, letzte Änderung 01\.03\.2026", text)
    assert re.search(r"KJF-01 [^\n<]*seit 20\.01\.2026", text)
    assert "Im Jahr 2026 umgesetzt: 1 Maßnahme." in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_annual_report_of_the_previous_year_is_the_state_then(scripted, fmt):
    out = build.render_annual(build.annual_report(scripted, 2025), fmt)
    s = ids_by_topic_section(out, fmt)
    done = set().union(*(v for (t, k), v in s.items() if k == "Umgesetzt"))
    working = set().union(*(v for (t, k), v in s.items() if k == "In Arbeit"))
    deferred = set().union(*(v for (t, k), v in s.items() if k == "Zurückgestellt"))
    assert done == {"ARB-01"} and working == {"SCH-01"} and deferred == set()
    assert {"MOB-01", "KJF-01", "SOZ-01", "WOH-01"} <= s[
        ("Mobilität und ÖPNV", "Nicht begonnen")
    ] | s[("Kinder, Jugend und Familie", "Nicht begonnen")] | s[("Soziales", "Nicht begonnen")] | s[
        ("Wohnen, Infrastruktur und Stadtentwicklung", "Nicht begonnen")
    ]
    assert "In Vorbereitung" in html.unescape(out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_midterm_report_compares_a_date_with_the_start(scripted, fmt):
    out = build.render_midterm(build.midterm_report(scripted, date(2026, 1, 31)), fmt)
    moved = ids_by_section(out, fmt)
    assert set().union(
        *(
            moved[t]
            for t in (
                "Arbeit",
                "Schule und Bildung",
                "Mobilität und ÖPNV",
                "Kinder, Jugend und Familie",
                "Soziales",
            )
        )
    ) == {"ARB-01", "SCH-01", "MOB-01", "KJF-01", "SOZ-01"}
    assert "Wohnen, Infrastruktur und Stadtentwicklung" not in moved  # moved only in March
    text = html.unescape(out)
    assert re.search(r"SOZ-01 [^\n<]*: Offen → Umgesetzt", text)
    assert "31.01.2026" in text and "04.11.2025" in text
    total = table_row(out, fmt, "Gesamt")
    assert total["Offen"] == "140 → 135" and total["Umgesetzt"] == "0 → 2"
    assert table_row(out, fmt, "Soziales")["Umgesetzt"] == "0 → 1"


def test_midterm_default_is_the_middle_of_the_term_capped_at_today(scripted):
    data = build.midterm_report(scripted)
    assert data.requested == date(2028, 5, 1)  # 2½ years after 01.11.2025
    assert data.as_of == date(2026, 3, 3)
    assert {m.measure.id: m.new_label for m in data.moved}["SOZ-01"] == "In Umsetzung"
    assert "noch nicht erreicht" in build.render_midterm(data, "text")


# -- the command line ------------------------------------------------------------------------
def test_cli_weekly_report_as_markdown_and_html(scripted, db_path, cli, tmp_path):
    env = {"HERNE_TUI_NOW": "2026-03-03T12:00:00+00:00"}
    md = cli("report", "weekly", "--db", str(db_path), "--format", "md", env=env)
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Wochenrückblick HERNE 2030\n")
    assert ids_by_section(md.stdout, "md")["Statusänderungen"] == {"SCH-01", "WOH-01"}
    target = tmp_path / "woche.html"
    done = cli(
        "report",
        "weekly",
        "--db",
        str(db_path),
        "--format",
        "html",
        "-o",
        str(target),
        "--since",
        "01.01.2026",
        env=env,
    )
    assert done.returncode == 0 and done.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    for external in ("src=", "href=", "<link", "@import", "url(", "<script"):
        assert external not in page
    assert "&lt;b&gt;fett&lt;/b&gt; &amp; Co" in page and "<b>fett" not in page
    assert {"MOB-01", "KJF-01"} <= ids_by_section(page, "html")["Statusänderungen"]
    assert not list(tmp_path.glob(".*.tmp"))
    annual = cli("report", "annual", "--db", str(db_path), "--year", "2025", env=env)
    assert annual.returncode == 0 and annual.stdout.startswith("Jahresbilanz 2025")
    mid = cli(
        "report", "midterm", "--db", str(db_path), "--at", "31.01.2026", "--format", "md", env=env
    )
    assert "140 → 135" in mid.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("quarterly",), "Berichtsart: „quarterly“ gibt es nicht"),
        (("weekly", "--format", "pdf"), "--format: „pdf“ gibt es nicht"),
        (("weekly", "--since", "2026-02-30"), "--since: Datum"),
        (("weekly", "--stale-weeks", "0"), "--stale-weeks: 0 liegt nicht zwischen 1 und 520"),
        (("weekly", "--stale-weeks", "vier"), "--stale-weeks"),
        (("annual", "--year", "2099"), "Jahr: 2099 hat noch nicht begonnen"),
        (("annual", "--year", "zwanzig"), "--year"),
        (("midterm", "--at", "01.01.2025"), "Stichtag"),
        (("annual", "--since", "2026-01-01"), "--since: gilt nicht"),
    ],
)
def test_cli_report_errors_are_one_german_line(db, db_path, cli, args, message):
    result = cli(
        "report", *args, "--db", str(db_path), env={"HERNE_TUI_NOW": "2026-03-03T12:00:00+00:00"}
    )
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_build_and_save_report_for_the_app(scripted, tmp_path):
    target = build.save_report(
        build.build_report(scripted, "annual", "md", year=2025), tmp_path / "bilanz.md"
    )
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Jahresbilanz 2025")
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(build.InvalidInput, match="Berichtsart"):
        build.build_report(scripted, "monthly")
    with pytest.raises(build.InvalidInput, match="--format"):
        build.build_report(scripted, "weekly", "pdf")
