"""Hostile text: what one user types never acts on another user's terminal or document.

Property tests (hypothesis) over arbitrary strings, control characters, ESC/OSC/CSI sequences,
C1 and bidi overrides, for each output path: the CLI's terminal output, JSON/TOML/CSV exports,
the reports as text, Markdown (rendered by markdown-it, a CommonMark renderer) and HTML, and
the app's board, measure view and panels (Pilot).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pilot import settle, started, until
from sqlalchemy.orm import Session

from herne_tui.cli.main import main
from herne_tui.db.models import MeasureRow
from herne_tui.domain.text import for_csv, for_markdown, for_serialized, for_terminal
from herne_tui.reports.document import Heading, Items, Para, Table, render
from herne_tui.services.edits import add_note, update_measure

# Every control character a terminal acts on (newline and tab aside), and bidi overrides.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = (
    "x\x1b]0;PWNED\a\x1b]52;c;ZWNobyBwd25lZA==\a\x1b[2J",
    "\x9b31m\x9d0;t\x9c \u202eevil\u202c \x7f",
    "<script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:x) ![i](x)",
    '=HYPERLINK("http://x")',
    "[red]rot[/red] \\ * _ # 1. > |",
)
# Text with every kind of hostile piece mixed in (no surrogates: they cannot be stored).
pieces = st.sampled_from(["\x1b", "\x1b]52;c;", "\x1b[2J", "\a", "\x9b", "\x7f", "\u202e", "\r"])
hostile_text = st.lists(
    st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=8), pieces),
    max_size=12,
).map("".join)


# -- the functions ------------------------------------------------------------------------------
@given(hostile_text)
def test_for_terminal_leaves_nothing_a_terminal_acts_on(text):
    assert not UNSAFE.search(for_terminal(text))
    assert not UNSAFE.search(for_terminal(text, one_line=True).replace("\t", ""))
    assert "\n" not in for_terminal(text, one_line=True)


def test_for_terminal_shows_the_sequence():
    assert for_terminal("\x1b]52;c;ZQ==\a") == "␛]52;c;ZQ==␇"
    assert for_terminal("a\nb\tc") == "a\nb\tc"


@given(hostile_text)
def test_for_serialized_round_trips_json_and_toml(text):
    doc = for_serialized(json.dumps({"t": text}, ensure_ascii=False))
    assert not UNSAFE.search(doc) and json.loads(doc) == {"t": text}
    import tomli_w

    toml = for_serialized(tomli_w.dumps({"t": text}))
    assert not UNSAFE.search(toml.replace("\n", "")) and tomllib.loads(toml) == {"t": text}


def _tags_and_links(md: str) -> list[str]:
    found = []
    for token in MarkdownIt("commonmark").parse(md):
        for t in [token, *(token.children or [])]:
            if t.type in ("html_block", "html_inline", "link_open", "image", "heading_open"):
                found.append(t.type)
    return found


@given(hostile_text)
def test_for_markdown_yields_no_tag_link_or_heading(text):
    escaped = for_markdown(text)
    assert not UNSAFE.search(escaped)
    assert _tags_and_links(escaped) == []


@pytest.mark.parametrize("text", HOSTILE)
def test_for_markdown_renders_as_typed(text):
    html = MarkdownIt("commonmark").render(for_markdown(text))
    assert "<script" not in html and "<img" not in html and "<a " not in html


@given(hostile_text)
def test_for_csv_never_starts_a_formula(text):
    cell = for_csv(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not UNSAFE.search(cell)


# -- reports ------------------------------------------------------------------------------------
@settings(max_examples=50)
@given(hostile_text)
def test_report_renderers(text):
    blocks = [Heading(1, text), Para(text), Items((text,)), Table(("a", text), ((text, text),))]
    assert not UNSAFE.search(render(blocks, "text"))
    assert not UNSAFE.search(render(blocks, "html"))
    md = render(blocks, "md")
    assert not UNSAFE.search(md)
    assert [t for t in _tags_and_links(md) if t != "heading_open"] == []
    assert "<script" not in render(blocks, "html").replace("&lt;script", "")


# -- the CLI ------------------------------------------------------------------------------------
@pytest.fixture
def seeded(db, db_path):
    return str(db_path)


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(note=hostile_text.filter(lambda t: t.strip()))
def test_cli_outputs_never_carry_a_control_from_a_note(seeded, capsys, note):
    code, _, err = _run(capsys, "set", "SCH-03", "--db", seeded, f"--note={note}", f"--user={note}")
    if code:  # refused (e.g. a blank user): the error line quotes nothing raw either
        assert not UNSAFE.search(err)
        return
    for argv in (
        ("show", "SCH-03"),
        ("history", "SCH-03"),
        ("report", "weekly", "--format", "text"),
        ("report", "weekly", "--format", "md"),
        ("report", "weekly", "--format", "html"),
    ):
        code, out, err = _run(capsys, *argv, "--db", seeded)
        assert code == 0, err
        assert not UNSAFE.search(out.replace("\n", "").replace("\t", "")), argv
        assert not UNSAFE.search(err.replace("\n", "")), argv
    code, out, _ = _run(capsys, "export", "--format", "json", "--db", seeded)
    assert not UNSAFE.search(out.replace("\n", ""))
    (measure,) = [m for m in json.loads(out)["measures"] if m["id"] == "SCH-03"]
    assert measure["notes"][-1]["text"] == note.strip()  # JSON keeps the stored text
    code, out, _ = _run(capsys, "export", "--format", "csv", "--db", seeded)
    for row in csv.reader(io.StringIO(out)):
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row)
        assert not any(UNSAFE.search(c.replace("\n", "")) for c in row)


def test_cli_show_and_errors_as_a_process(seeded, cli):
    note = HOSTILE[0]
    assert cli("set", "SCH-03", "--db", seeded, "--note", note).returncode == 0
    shown = cli("show", "SCH-03", "--db", seeded)
    assert "\x1b" not in shown.stdout and "␛]0;PWNED␇␛]52;c;ZWNobyBwd25lZA==␇␛[2J" in shown.stdout
    bad = cli("set", "SCH-03", "--db", seeded, "--status", "\x1b]0;X\a")
    assert bad.returncode == 2 and "\x1b" not in bad.stderr and "␛]0;X␇" in bad.stderr
    history = cli("history", "--db", seeded)
    assert "\x1b" not in history.stdout and "␛]52;" in history.stdout


# -- the app ------------------------------------------------------------------------------------
def _screen_text(app) -> str:
    return app.export_screenshot()


async def test_app_draws_escapes_visibly(db):
    sequence = "\x1b]52;c;ZWNobyBwd25lZA==\a\x1b[2J"

    def hostile_title(session: Session) -> None:
        row = session.get(MeasureRow, "ARB-01")
        row.title = "Titel" + sequence
        session.add(row)

    db.write(hostile_title)
    add_note(db, measure_id="ARB-01", text="Notiz" + sequence, user="böse" + sequence)
    # the responsible is on the card's last line (its markers), beside the note count
    update_measure(db, measure_id="ARB-02", changes={"responsible": "Amt" + sequence}, user="x")
    async with started(db) as (app, pilot):
        board = await until(pilot, lambda: "␛]52;" in _screen_text(app), what="the card")
        assert "\x1b]52" not in _screen_text(app) and board
        await until(pilot, lambda: "@Amt␛]52;" in _screen_text(app), what="the card's markers")
        assert "\x1b" not in _screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: "Notiz␛]52;c;ZWNobyBwd25lZA==␇␛[2J" in _screen_text(app))
        assert "\x1b" not in _screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("6")  # history
        await until(pilot, lambda: "böse␛]52;" in _screen_text(app), what="history")
        assert "\x1b" not in _screen_text(app)


@settings(max_examples=300, deadline=None)
@given(
    label=st.text(alphabet="ab [/]$\\=#@ \u00e4\u0130i", max_size=30),
    query=st.text("ab[/i", max_size=4),
)
def test_a_palette_hit_shows_its_label_as_it_is_whatever_it_holds(label, query):
    """Textual's ``Matcher.highlight`` reads its candidate as markup: ``[/b]`` stopped the
    palette, ``[SPD]`` vanished. Ours keeps every character and styles only matched ones,
    also after an „İ“ (its lowercase is two characters)."""
    from textual.fuzzy import Matcher

    from herne_tui.commands import highlighted

    shown = highlighted(Matcher(query), label)
    assert shown.plain == label
    assert all(not label[s.start : s.end].isspace() for s in shown.spans)
    assert all(s.end <= len(label) for s in shown.spans)
