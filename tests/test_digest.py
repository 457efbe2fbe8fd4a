"""``herne-tui digest`` and the weekly report: the same content, for a coordinator's inbox."""

from __future__ import annotations

import pytest
from test_reports import at, ids_by_section, scripted, sections  # noqa: F401 (fixture)

from herne_tui.reports import build, review
from herne_tui.services import edits, papers

NOW = {"HERNE_TUI_NOW": "2026-03-03T12:00:00+00:00"}


@pytest.fixture
def busy(scripted, clock):  # noqa: F811
    """The scripted history plus papers, a dissent, a rule violation and a user's own mark."""
    db = scripted
    papers.add_paper(
        db,
        values={
            "title": "Schulstraßen <b>einrichten</b>",
            "kind": "gemeinsamer-antrag",
            "body": "Rat",
            "filing_deadline": "2026-03-12",  # in 9 days; the partner deadline (26.02.) passed
            "meeting_date": "2026-03-16",  # in 13 days
        },
        user="anna",
    )
    papers.add_paper(
        db,
        values={
            "title": "Haushalt 2027",
            "kind": "vorlage",
            "body": "Finanzausschuss",
            "meeting_date": "2026-04-30",  # too far ahead
        },
        user="anna",
    )
    edits.update_measure(db, measure_id="MOB-02", changes={"due": "2026-03-10"}, user="dora")
    papers.raise_dissent(
        db, subject="measure:SIC-02", reason="Datenschutz *ungeklärt*", user="cem", party="CDU"
    )
    edits.update_post(
        db, key="buergermeister-2", changes={"holder": "X", "holder_party": "SPD"}, user="a"
    )
    at(clock, 2026, 1, 1, 12)
    edits.set_meta(db, key="review_mark:bernd", value="2026-01-01T12:00:00+00:00", user="bernd")
    edits.set_meta(db, key="review_mark:clara", value="2026-03-02T12:00:00+00:00", user="clara")
    at(clock, 2026, 3, 3, 12)
    return db


def test_digest_has_every_section_and_counts_stale_per_topic(busy, db_path, cli):
    out = cli("digest", "--db", str(db_path), env=NOW)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith("Digest HERNE 2030\n")
    body = {h.split(" (")[0]: b for _, h, b in sections(text, "text")}
    assert "01.03.2026" in text and "seit der letzten Durchsicht" in text
    assert ids_by_section(text, "text")["Statusänderungen"] >= {"SCH-01", "WOH-01"}
    ahead = body["Fristen in den nächsten 14 Tagen"]
    assert "10.03.2026: MOB-02 fällig: " in ahead
    assert "12.03.2026: Einreichfrist: Schulstraßen <b>einrichten</b>" in ahead
    assert "Vorschlag an Partner" not in ahead  # 26.02. is past
    meetings = body["Anstehende Sitzungen"]
    assert "16.03.2026" in meetings and "Haushalt 2027" not in meetings
    assert "post:buergermeister-2" in body["Regelverstöße"]
    assert "Datenschutz *ungeklärt*" in body["Offene Dissense"]
    stale = body["Ohne Bewegung seit 4 Wochen"]
    assert "Mobilität und ÖPNV" in stale and "Einzeln aufgeführt mit --stale" in stale
    assert "KUL-01" not in stale  # counted, not listed
    listed = cli("digest", "--db", str(db_path), "--stale", env=NOW).stdout
    assert "KUL-01" in {i for i in ids_by_section(listed, "text")["Ohne Bewegung seit 4 Wochen"]}


def test_digest_for_a_user_starts_at_their_own_mark(busy, db_path, cli):
    mine = cli("digest", "--db", str(db_path), "--for", "clara", env=NOW)
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout.startswith("Digest HERNE 2030 für clara\n")
    # clara reviewed on 02.03., after the coalition's mark (20.02.) and the changes of 01.03.
    assert not ids_by_section(mine.stdout, "text").get("Statusänderungen")
    # an own mark older than the coalition-wide one: the later one counts
    older = cli("digest", "--db", str(db_path), "--for", "bernd", env=NOW)
    assert ids_by_section(older.stdout, "text")["Statusänderungen"] == {"SCH-01", "WOH-01"}
    # without an own mark, the common one
    other = cli("digest", "--db", str(db_path), "--for", "zoe", env=NOW)
    assert ids_by_section(other.stdout, "text")["Statusänderungen"] == {"SCH-01", "WOH-01"}
    given = cli("digest", "--db", str(db_path), "--since", "2026-01-01", env=NOW)
    assert {"MOB-01", "KJF-01"} <= ids_by_section(given.stdout, "text")["Statusänderungen"]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_digest_escapes_user_text_per_format(busy, db_path, cli, fmt):
    out = cli("digest", "--db", str(db_path), "--format", fmt, env=NOW)
    assert out.returncode == 0, out.stderr
    if fmt == "md":
        assert "Schulstraßen \\<b\\>einrichten\\</b\\>" in out.stdout
        assert "Datenschutz \\*ungeklärt\\*" in out.stdout
    else:
        assert "Schulstraßen &lt;b&gt;einrichten&lt;/b&gt;" in out.stdout
        assert "<b>" not in out.stdout


def test_digest_errors_are_one_line(busy, db_path, cli):
    for args, message in (
        (("--since", "gestern"), "--since"),
        (("--format", "pdf"), "--format"),
        (("--for", "  "), "--for"),
        (("--stale-weeks", "0"), "--stale-weeks"),
    ):
        out = cli("digest", "--db", str(db_path), *args, env=NOW)
        assert out.returncode == 2 and message in out.stderr, (args, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1


def test_weekly_report_shares_the_content_and_takes_stale(busy, db_path, cli):
    data = review.weekly_review(busy)
    weekly = build.render_weekly(data, "text")
    assert weekly.startswith("Wochenrückblick HERNE 2030\n")
    assert "Fristen in den nächsten 14 Tagen (2)" in weekly and "Offene Dissense (1)" in weekly
    plain = cli("report", "weekly", "--db", str(db_path), env=NOW).stdout
    assert "KUL-01" not in plain and "Einzeln aufgeführt mit --stale" in plain
    listed = cli("report", "weekly", "--db", str(db_path), "--stale", env=NOW)
    assert listed.returncode == 0, listed.stderr
    assert "KUL-01" in listed.stdout
    refused = cli("report", "annual", "--db", str(db_path), "--stale", env=NOW)
    assert refused.returncode == 2 and "--stale" in refused.stderr
