"""What the board's bottom lines share: hidden until opened, over the footer while open.

A dialog dims and brightens the whole board, two repaints of the whole terminal; a line at the
bottom repaints only its own rows. The board covers its footer while one is open and takes
the focus back when it closes (``Closed``).
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message


class BottomLines(Vertical):
    """The board's container for its bottom lines (and the search field).

    Its size changes each time a line opens or closes. Textual's widget then asks for another
    layout pass from within the pass that has just laid it out, which repaints every row of the
    container a second time in the next frame. This container takes its new size without that.
    """

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class BottomLine(Vertical):
    """A line (or a few) at the bottom of the board: ``show`` opens it, ``close`` closes it."""

    DEFAULT_CSS = """
    BottomLine { display: none; height: auto; background: $panel; padding: 0 1; }
    BottomLine.-open { display: block; }
    """

    class Closed(Message):
        """The line closed (done or cancelled): the board takes the focus back."""

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def show(self) -> None:
        """Open the line (the caller has filled it and focuses its field)."""
        self.add_class("-open")

    def close(self) -> None:
        if self.is_open:
            self.remove_class("-open")
            self.post_message(self.Closed())
