"""The report document model rendered as text, Markdown and HTML: every block, exactly."""

from __future__ import annotations

from herne_tui.reports.document import Bar, Heading, Items, Para, Table, percent, render

BLOCKS = [
    Heading(1, "Bericht <1>"),
    Para("Text *fett* & mehr"),
    Heading(2, "Liste"),
    Items(("eins", "zwei")),
    Items((), empty="nichts"),
    Heading(3, "Tabelle"),
    Table(
        ("Thema", "Anzahl", "Anteil"),
        (("Arbeit", "12", Bar(0.25)), ("Schule | Bildung", "3 → 4", Bar(1.5))),
    ),
]

TEXT = """\
Bericht <1>
===========
Text *fett* & mehr

Liste
-----
  - eins
  - zwei
  (nichts)

Tabelle
~~~~~~~
Thema             Anzahl  Anteil
----------------  ------  --------------------------
Arbeit                12   █████░░░░░░░░░░░░░░░ 25 %
Schule | Bildung   3 → 4  ████████████████████ 150 %
"""

MD = """\
# Bericht \\<1\\>

Text \\*fett\\* \\& mehr

## Liste

- eins
- zwei

_nichts_

### Tabelle

| Thema | Anzahl | Anteil |
|---|---:|---:|
| Arbeit | 12 | 25 % |
| Schule \\| Bildung | 3 → 4 | 150 % |
"""

HTML_BODY = (
    "<body>\n<h1>Bericht &lt;1&gt;</h1>\n<p>Text *fett* &amp; mehr</p>\n<h2>Liste</h2>\n"
    '<ul><li>eins</li><li>zwei</li></ul>\n<p class="empty">nichts</p>\n<h3>Tabelle</h3>\n'
    "<table><thead><tr><th>Thema</th><th>Anzahl</th><th>Anteil</th></tr></thead><tbody>"
    '<tr><td>Arbeit</td><td class="num">12</td><td class="num"><span class="bar">'
    '<span style="width:25%"></span></span>25 %</td></tr>'
    '<tr><td>Schule | Bildung</td><td class="num">3 → 4</td><td class="num">'
    '<span class="bar"><span style="width:100%"></span></span>150 %</td></tr>'
    "</tbody></table>\n</body>\n</html>\n"
)


def test_plain_text():
    assert render(BLOCKS, "text") == TEXT


def test_markdown():
    assert render(BLOCKS, "md") == MD


def test_html_is_a_whole_german_page_with_the_first_heading_as_title():
    page = render(BLOCKS, "html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n')
    assert "<title>Bericht &lt;1&gt;</title>" in page
    assert page.endswith(HTML_BODY)


def test_text_columns_with_words_stay_left_and_controls_are_shown():
    blocks = [Heading(2, "a\x1bb"), Table(("x", "y"), (("1", "a"), ("22", "b")))]
    assert render(blocks, "text") == "a␛b\n---\nx   y\n--  -\n 1  a\n22  b\n"
    assert render([Table(("x",), ())], "text") == "x\n-\n"  # no rows: a header alone


def test_percent_rounds_to_whole_numbers():
    assert (percent(0.125), percent(0.0), percent(1), percent(0.994)) == (
        "12 %",
        "0 %",
        "100 %",
        "99 %",
    )
