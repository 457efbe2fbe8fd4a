"""A tiny document model for reports, rendered as plain text, Markdown or one HTML file.

Reports are built as a list of blocks (headings, paragraphs, lists, tables); the three
renderers turn the same blocks into text for the terminal, plain Markdown that pastes into an
e-mail or a wiki (headings, lists, simple tables; only ``|`` and line breaks are escaped in
table cells), and one self-contained HTML file (inline CSS, no external assets, every text
escaped with ``html.escape``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from herne_tui.domain.text import for_markdown, for_terminal
from herne_tui.errors import InvalidInput

FORMATS = ("text", "md", "html")
"""Output formats of reports."""


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading; level 1 is the document's title."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Items:
    """A bulleted list; ``empty`` is shown instead when there are no items."""

    items: tuple[str, ...]
    empty: str = "keine"


@dataclass(frozen=True, slots=True)
class Bar:
    """A share (0..1) drawn as a bar, with its percentage."""

    share: float


@dataclass(frozen=True, slots=True)
class Table:
    """A simple table: header row and rows of text (or Bar) cells; numbers right-aligned."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str | Bar, ...], ...]


Block = Heading | Para | Items | Table


def percent(share: float) -> str:
    """A share as a German percentage (``12 %``)."""
    return f"{round(share * 100)} %"


def _cell_text(cell: str | Bar) -> str:
    return percent(cell.share) if isinstance(cell, Bar) else cell


def _is_number(cell: str | Bar) -> bool:
    text = _cell_text(cell).replace("→", "").replace("%", "").replace(" ", "")
    return isinstance(cell, Bar) or text.isdigit()


# -- text -----------------------------------------------------------------------------------------
BAR_WIDTH = 20


def _text_bar(share: float) -> str:
    filled = round(max(0.0, min(share, 1.0)) * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled) + f" {percent(share)}"


def _line(text: str) -> str:
    return for_terminal(text, one_line=True)


def _text_table(table: Table) -> list[str]:
    rows = [[_line(h) for h in table.headers]] + [
        [_text_bar(c.share) if isinstance(c, Bar) else _line(c) for c in row] for row in table.rows
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(table.headers))]
    numeric = [
        all(_is_number(row[i]) for row in table.rows) if table.rows else False
        for i in range(len(table.headers))
    ]
    out = []
    for n, row in enumerate(rows):
        cells = [
            c.rjust(w) if numeric[i] and n else c.ljust(w)
            # widths cover the header's columns; a longer row is cut to them, as before
            for i, (c, w) in enumerate(zip(row, widths, strict=False))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def render_text(blocks: list[Block]) -> str:
    """Plain text for a terminal or a text file."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            if out:
                out.append("")
            title = _line(b.text)
            out.append(title)
            out.append({1: "=", 2: "-"}.get(b.level, "~") * len(title))
        elif isinstance(b, Para):
            out.append(for_terminal(b.text))
        elif isinstance(b, Items):
            out.extend([f"  - {_line(i)}" for i in b.items] or [f"  ({b.empty})"])
        elif isinstance(b, Table):
            out.extend(_text_table(b))
    return "\n".join(out) + "\n"


# -- markdown -------------------------------------------------------------------------------------
def _md_cell(cell: str | Bar) -> str:
    return for_markdown(_cell_text(cell).replace("\n", " "))  # escapes "|" too


def render_md(blocks: list[Block]) -> str:
    """Plain Markdown: headings, lists and simple tables."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out += ["#" * min(b.level, 6) + " " + for_markdown(" ".join(b.text.split())), ""]
        elif isinstance(b, Para):
            out += [for_markdown(b.text), ""]
        elif isinstance(b, Items):
            items = [f"- {for_markdown(' '.join(i.split()))}" for i in b.items]
            out += (items or [f"_{for_markdown(b.empty)}_"]) + [""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(_md_cell(h) for h in b.headers) + " |")
            out.append(
                "|"
                + "|".join(
                    "---:" if b.rows and all(_is_number(r[i]) for r in b.rows) else "---"
                    for i in range(len(b.headers))
                )
                + "|"
            )
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# -- html -----------------------------------------------------------------------------------------
CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; color: #1d2330; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 3px solid #c8102e; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccd; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #ccd; padding: .25rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #eef0f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; width: 8rem; height: .8rem; background: #e4e6ec;
       vertical-align: middle; margin-right: .4rem; }
.bar span { display: block; height: 100%; background: #2e7d32; }
.empty { color: #667; font-style: italic; }
@media print { body { margin: 0; max-width: none; } }
"""


def _esc(text: str) -> str:
    """HTML-escaped, control characters visible (the file may be shown in a terminal)."""
    return html.escape(for_terminal(text))


def _html_cell(cell: str | Bar) -> str:
    if isinstance(cell, Bar):
        width = round(max(0.0, min(cell.share, 1.0)) * 100)
        return (
            f'<span class="bar"><span style="width:{width}%"></span></span>'
            f"{_esc(percent(cell.share))}"
        )
    return _esc(cell)


def render_html(blocks: list[Block]) -> str:
    """One self-contained HTML file (inline CSS, no external assets)."""
    title = next((b.text for b in blocks if isinstance(b, Heading)), "Bericht")
    body: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            level = min(b.level, 6)
            body.append(f"<h{level}>{_esc(b.text)}</h{level}>")
        elif isinstance(b, Para):
            body.append(f"<p>{_esc(b.text)}</p>")
        elif isinstance(b, Items):
            if b.items:
                body.append("<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in b.items) + "</ul>")
            else:
                body.append(f'<p class="empty">{_esc(b.empty)}</p>')
        elif isinstance(b, Table):
            numeric = [
                bool(b.rows) and all(_is_number(r[i]) for r in b.rows)
                for i in range(len(b.headers))
            ]
            head = "".join(f"<th>{_esc(h)}</th>" for h in b.headers)
            rows = "".join(
                "<tr>"
                + "".join(
                    f'<td class="num">{_html_cell(c)}</td>'
                    if numeric[i]
                    else f"<td>{_html_cell(c)}</td>"
                    for i, c in enumerate(row)
                )
                + "</tr>"
                for row in b.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render(blocks: list[Block], fmt: str) -> str:
    """Render blocks as ``text``, ``md`` or ``html``."""
    if fmt == "text":
        return render_text(blocks)
    if fmt == "md":
        return render_md(blocks)
    if fmt == "html":
        return render_html(blocks)
    raise InvalidInput(f"Format „{fmt}“ gibt es nicht (bekannt: {', '.join(FORMATS)})")
