"""Stored text as widgets draw it: control characters visible (``domain.text.for_terminal``).

Every screen that draws what users typed (a note, a name, a title from a seed) passes it
through one of these, so an ESC/OSC sequence shows as ``␛]52;…`` instead of acting on the
viewer's terminal.

Stored text never goes into a markup string: no escape keeps every text literal under both
Rich's and Textual's markup (Rich's ``escape`` leaves ``[SPD]`` and an unclosed ``[/b`` alone,
which Textual drops or refuses with a ``MarkupError`` that stops the app). A widget that
reads markup gets a ``Text`` (``cell``) or a ``Content`` assembled from ``plain`` pieces; a
widget given ``markup=False`` takes ``plain`` text.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from herne_tui.domain.search import spans
from herne_tui.domain.text import for_terminal

MATCH = Style(reverse=True, underline=True)
"""How a search match looks in the table's cells and on the board's cards (underlined too,
so it still shows on a card that is drawn reversed because it has the focus)."""


def cell(value: str | Text) -> Text:
    """A one-line table cell; a ``Text`` keeps its style (its spans only if already safe)."""
    if isinstance(value, Text):
        safe = for_terminal(value.plain, one_line=True)
        if safe == value.plain:
            return value
        return Text(safe, style=value.style)
    return Text(for_terminal(value, one_line=True))


def plain(text: str, *, one_line: bool = False) -> str:
    """Stored text for a widget that shows plain text (``markup=False``, a toast, a title)."""
    return for_terminal(text, one_line=one_line)


def highlighted(text: Text, needle: str) -> Text:
    """``text`` with the folded matches of ``needle`` in ``MATCH`` (changed in place)."""
    if needle.strip():
        for start, end in spans(text.plain, needle):
            text.stylize(MATCH, start, end)
    return text


def match_segments(text: str, needle: str, style: Style) -> list[Segment]:
    """``text`` as segments in ``style``; the folded matches of ``needle`` in ``style + MATCH``
    (for widgets drawn with the Line API, such as the board's cards)."""
    found = spans(text, needle) if needle else []
    if not found:
        return [Segment(text, style)]
    out: list[Segment] = []
    at = 0
    for start, end in found:
        if start > at:
            out.append(Segment(text[at:start], style))
        out.append(Segment(text[start:end], style + MATCH))
        at = end
    if at < len(text):
        out.append(Segment(text[at:], style))
    return out
