"""A board column: a header with label and count, and its cards drawn line by line.

Cards are painted with Textual's Line API, so only the visible rows cost anything, whether a
column holds ten cards or ten thousand: the column holds the board's items and asks for a
card's view (``CardView``) only when the card is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from herne_tui.widgets.shown import match_segments

CARD_HEIGHT = 5
"""Rows per card: id and topic, two rows of title, markers, and a gap."""
COMPACT_HEIGHT = 1
"""Rows per card in the compact density: id and title on one line (``!`` marks overdue)."""

TOPIC_COLOURS = (
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "bright_red",
    "bright_green",
    "bright_yellow",
    "bright_blue",
    "bright_magenta",
    "bright_cyan",
    "white",
)
"""16-colour palette for topic tags; colour is an extra, the tag's text carries the meaning."""


@dataclass(frozen=True, slots=True)
class CardView:
    """What a card shows, prepared by the board (no database objects here)."""

    id: str
    topic: str
    topic_index: int
    title: str
    markers: str
    overdue: bool = False
    match: str = ""
    """The board's search text: its folded matches in the id and title are highlighted."""


def _wrap(text: str, width: int, rows: int) -> list[str]:
    """Word-wrap into exactly ``rows`` lines of ``width`` cells; the last ends with … if cut."""
    words = text.split()
    lines: list[str] = []
    while words and len(lines) < rows - 1:
        current = words.pop(0)
        if cell_len(current) > width:  # one word wider than the card: cut it visibly
            current = set_cell_size(current, width - 1) + "…"
        while words and cell_len(f"{current} {words[0]}") <= width:
            current = f"{current} {words.pop(0)}"
        lines.append(current)
    rest = " ".join(words)
    if rest:
        if cell_len(rest) > width:
            rest = set_cell_size(rest, width - 1).rstrip() + "…"
        lines.append(rest)
    lines += [""] * (rows - len(lines))
    return [set_cell_size(line, width) for line in lines]


def _as_view(card: Any) -> CardView:
    return card


class CardList(ScrollView, can_focus=False):
    """The cards of one status column, drawn with the Line API."""

    DEFAULT_CSS = """
    CardList {
        height: 1fr;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    selected: reactive[int | None] = reactive(None, repaint=False)
    """Index of the highlighted card, or None."""
    active: reactive[bool] = reactive(False, repaint=False)
    """True when this column holds the board's focus."""

    class Clicked(Message):
        """A card was clicked (mouse is optional; everything works by keyboard)."""

        def __init__(self, column: CardList, index: int) -> None:
            super().__init__()
            self.column = column
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cards: Sequence[Any] = ()
        """The column's items (the board's own list; a card's view is made when it is drawn)."""
        self._view: Callable[[Any], CardView] = _as_view
        self.card_height = CARD_HEIGHT
        """Rows per card: ``CARD_HEIGHT``, or ``COMPACT_HEIGHT`` for one line per card."""

    def set_compact(self, compact: bool) -> None:
        """One line per card (compact) or the full card."""
        height = COMPACT_HEIGHT if compact else CARD_HEIGHT
        if height != self.card_height:
            self.card_height = height
            self._resize_content()
            self.refresh()

    def set_cards(self, cards: Sequence[Any], view: Callable[[Any], CardView] = _as_view) -> None:
        """Show these items, each drawn as ``view(item)`` (keeps the scroll position where
        possible). Call it again after the sequence changed in place."""
        self.cards = cards
        self._view = view
        self._resize_content()
        self.refresh()

    def _resize_content(self) -> None:
        """Take the cards' height as the virtual size, scrollbar included, in this frame.

        Assigning ``virtual_size`` asks for a layout pass, and the scrollbar learns the new
        size only in it: a move drew its two columns in one frame and their scrollbars in
        another, 25–35 ms later. The column's own size never depends on its cards, so no layout
        pass is needed unless the scrollbar appears or goes (that reactive asks for one)."""
        size = self._content_size()
        if size != self.virtual_size:
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # The compositor hands a child-less ScrollView its region as the virtual size, which
        # never equals the cards' height (``set_cards`` sets that): ScrollView would then
        # refresh the scrollbar on every layout pass of the screen (a footer change, a
        # notice), ≈ 1 KiB per column each time. Compare against our own virtual size.
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    def _content_size(self) -> Size:
        # only the height scrolls; a width of 0 keeps the size independent of the column's
        # width, so a resize of the column needs no layout pass of its own
        return Size(0, len(self.cards) * self.card_height)

    def watch_selected(self, old: int | None, new: int | None) -> None:
        # repaint only the two cards involved: a keystroke costs a few lines over SSH
        for index in (old, new):
            if index is not None:
                self.refresh_card(index)

    def refresh_card(self, index: int) -> None:
        """Repaint one card (its item changed in place, at the same position)."""
        top = int(self.scroll_y)
        self.refresh(Region(0, index * self.card_height - top, self.size.width, self.card_height))

    def watch_active(self) -> None:
        # only the highlighted card looks different in an active column
        if self.selected is not None:
            self.refresh_card(self.selected)

    def scroll_to_card(self, index: int, animate: bool = False) -> None:
        """Scroll so that card ``index`` is fully visible."""
        top = index * self.card_height
        height = self.scrollable_content_region.height
        shown = 1 if self.card_height == COMPACT_HEIGHT else self.card_height - 1  # no gap row
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=animate)
        elif top + shown > self.scroll_y + height:
            self.scroll_to(y=top + shown - height, animate=animate)

    def on_click(self, event) -> None:
        index = int(self.scroll_y + event.y) // self.card_height
        if 0 <= index < len(self.cards):
            self.post_message(self.Clicked(self, index))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        line = int(self.scroll_y) + y
        index, row = divmod(line, self.card_height)
        compact = self.card_height == COMPACT_HEIGHT
        if index >= len(self.cards) or (row == self.card_height - 1 and not compact) or width < 4:
            return Strip.blank(width, base)
        card = self._view(self.cards[index])
        focused = index == self.selected
        marker = "▌" if focused else " "
        inner = width - 2
        style = (
            base + Style(reverse=True, bold=True)
            if focused and self.active
            else base + Style(bold=True)
            if focused
            else base
        )
        if compact:
            flag = "!" if card.overdue else " "
            full = f"{card.id} {' '.join(card.title.split())}"
            text = (
                set_cell_size(full, inner - 1)
                if cell_len(full) <= inner - 1
                else set_cell_size(full, inner - 2) + "…"
            )
            extra = Style(color="red", bold=True) if card.overdue else Style()
            segments = [
                Segment(marker, style),
                Segment(flag, style + extra),
                *match_segments(text, card.match, style),
                Segment(" ", style),
            ]
        elif row == 0:
            tag = f"[{card.topic}]"
            ident = set_cell_size(card.id, max(0, inner - len(tag) - 1))
            colour = TOPIC_COLOURS[card.topic_index % len(TOPIC_COLOURS)]
            segments = [
                Segment(marker, style),
                *match_segments(ident, card.match, style + Style(bold=True)),
                Segment(" ", style + Style(bold=True)),
                Segment(tag, style + Style(color=colour, bold=True)),
                Segment(" ", style),
            ]
        elif row in (1, 2):
            text = _wrap(card.title, inner, 2)[row - 1]
            segments = [
                Segment(marker, style),
                *match_segments(text, card.match, style),
                Segment(" ", style),
            ]
        else:
            extra = Style(color="red", bold=True) if card.overdue else Style(dim=not focused)
            segments = [
                Segment(marker, style),
                Segment(set_cell_size(card.markers, inner), style + extra),
                Segment(" ", style),
            ]
        return Strip(segments, width).crop_extend(0, width, base)
