"""The digest and the weekly report with the RIS mirror: council decisions that propose a
status, and the mirror's meetings (with their times) among the upcoming ones."""

from __future__ import annotations

import pytest
from oparl_server import FakeRis
from test_reports import sections

from herne_tui.ris import links
from herne_tui.ris.client import Politeness
from herne_tui.ris.sync import sync

NOW = {"HERNE_TUI_NOW": "2026-12-01T09:00:00+00:00"}
FAST = Politeness(rate=0, backoff=0.001)
HEADING = "Gremienbeschlüsse – Status übernehmen?"
PAPER = "Klimaschutz <script>alert(1)</script> *fett* [x](javascript:y)\x1b]52;c;x\x07"


@pytest.fixture
def decided(db, httpserver) -> FakeRis:
    """ARB-01 linked to 2026/0901, which the council adopted on 10.12.2026 (16:00); the
    paper's name, the council's name and the result are hostile server text."""
    ris = FakeRis(httpserver.url_for(""), "1.1").standard()
    ris.paper("1")["name"] = PAPER
    ris.objects["organization"][ris.url("organization/1")]["name"] = "Rat <i>der</i> Stadt"
    item = next(i for i in ris.meeting("2")["agendaItem"] if i["id"].endswith("agendaitem/2"))
    item["result"] = "unverändert <b>beschlossen</b> | ok"
    ris.serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    links.link(db, subject="ARB-01", reference="2026/0901", user="anna")
    return ris


def _section(text: str, fmt: str, heading: str) -> str:
    found = [body for _, h, body in sections(text, fmt) if h.split(" (")[0] == heading]
    assert len(found) == 1, [h for _, h, _ in sections(text, fmt)]
    return found[0]


def test_digest_lists_council_decisions_and_ris_meetings(decided, db_path, cli):
    out = cli("digest", "--db", str(db_path), env=NOW)
    assert out.returncode == 0, out.stderr
    assert f"{HEADING} (1)" in out.stdout
    body = _section(out.stdout, "text", HEADING)
    assert "ARB-01 Blumenthal-Quartier mit Seilbahn-Erschließung realisieren" in body
    assert "Offen → In Vorbereitung" in body and "vorbereitung" not in body  # label, not key
    assert "Vorlage 2026/0901 „Klimaschutz <script>" in body
    assert "Beschlossen am 10.12.2026 im Rat <i>der</i> Stadt: unverändert" in body
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
    meetings = _section(out.stdout, "text", "Anstehende Sitzungen")
    assert "10.12.2026 16:00: Rat <i>der</i> Stadt: Sitzung des Rates" in meetings
    assert "25.11.2026" not in meetings  # past


def test_weekly_report_has_the_same_section(decided, db_path, cli):
    out = cli("report", "weekly", "--db", str(db_path), env=NOW)
    assert out.returncode == 0, out.stderr
    body = _section(out.stdout, "text", HEADING)
    assert "ARB-01" in body and "In Vorbereitung" in body and "2026/0901" in body
    # taken over (the source is the paper's URL): the proposal is gone from both
    took = cli(
        "set",
        "ARB-01",
        "--db",
        str(db_path),
        "--status",
        "vorbereitung",
        "--source",
        decided.url("paper/1"),
        env=NOW,
    )
    assert took.returncode == 0, took.stderr
    for command in (("digest",), ("report", "weekly")):
        again = cli(*command, "--db", str(db_path), env=NOW)
        assert f"{HEADING} (0)" in again.stdout, command


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_council_decisions_are_escaped_per_format(decided, db_path, cli, fmt):
    for command in (("digest",), ("report", "weekly")):
        out = cli(*command, "--db", str(db_path), "--format", fmt, env=NOW)
        assert out.returncode == 0, out.stderr
        text = out.stdout
        assert "\x1b" not in text and "\x07" not in text
        assert "<script>" not in text and "<i>der</i>" not in text and "<b>" not in text
        body = _section(text, fmt, HEADING)  # the html helper unescapes the body again
        assert "Offen → In Vorbereitung" in body and "2026/0901" in body
        if fmt == "md":
            assert "\\<script\\>" in text and "\\*fett\\*" in text and "\\[x\\]" in text
            assert "\\<b\\>beschlossen\\</b\\> \\| ok" in text
        else:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
            assert "Rat &lt;i&gt;der&lt;/i&gt; Stadt" in text


def test_no_section_without_a_mirror(db, db_path, cli):
    out = cli("digest", "--db", str(db_path), env=NOW)
    assert out.returncode == 0, out.stderr
    assert "Gremienbeschlüsse" not in out.stdout
