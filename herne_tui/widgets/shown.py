"""Stored text as widgets draw it: control characters visible (``domain.text.for_terminal``).

Every screen that draws what users typed (a note, a name, a title from a seed) passes it
through one of these, so an ESC/OSC sequence shows as ``␛]52;…`` instead of acting on the
viewer's terminal; Rich markup in the text stays literal.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text

from herne_tui.domain.text import for_terminal


def cell(value: str | Text) -> Text:
    """A one-line table cell; a ``Text`` keeps its style (its spans only if already safe)."""
    if isinstance(value, Text):
        safe = for_terminal(value.plain, one_line=True)
        if safe == value.plain:
            return value
        return Text(safe, style=value.style)
    return Text(for_terminal(value, one_line=True))


def markup(text: str, *, one_line: bool = False) -> str:
    """Stored text for a string with Rich markup: controls visible, markup literal."""
    return escape(for_terminal(text, one_line=one_line))


def plain(text: str, *, one_line: bool = False) -> str:
    """Stored text for a widget that shows plain text (``markup=False``, a toast, a title)."""
    return for_terminal(text, one_line=one_line)
