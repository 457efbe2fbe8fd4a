"""The board's status choice (`s`): a short list at the bottom of the board, not a dialog
(see ``bottom_line``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from herne_tui.widgets.bottom_line import BottomLine
from herne_tui.widgets.shown import cell, plain


class Choices(OptionList):
    """Textual's OptionList, except that a resize which keeps its width keeps its drawn lines.

    A hidden list has no size: it lays out its lines when it is first drawn, and the resize
    that follows would throw them away and draw the same list again, a second frame of
    6.6 KiB each time the list opens (``bench/README.md``).
    """

    _drawn_width = -1
    """The width of the last resize, which OptionList drew its lines for."""

    def on_resize(self, event: Resize) -> None:
        if event.size.width == self._drawn_width:
            event.prevent_default()  # OptionList's own handler would clear the lines
        self._drawn_width = event.size.width


class ChoiceLine(BottomLine):
    """A title and the choices; hidden until ``open``. Enter chooses, esc cancels."""

    DEFAULT_CSS = """
    ChoiceLine Label { width: 1fr; text-style: bold; }
    ChoiceLine OptionList { height: auto; max-height: 12; }
    """
    BINDINGS = [Binding("escape", "cancel", "Abbrechen", id="choice-picker.cancel")]

    class Chosen(Message):
        """A choice other than the current one (for ``subject``, e.g. a measure id)."""

        def __init__(self, subject: str, key: str) -> None:
            super().__init__()
            self.subject, self.key = subject, key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.subject = ""
        self.current = ""
        self._choices: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Label("", markup=False)
        yield Choices()

    def open(self, subject: str, title: str, choices: list[tuple[str, str]], current: str) -> None:
        """Show ``choices`` ((key, label) pairs) with ``current`` highlighted."""
        self.subject, self.current = subject, current
        # the list lies over the footer: it says its keys itself
        self.query_one(Label).update(f"{plain(title, one_line=True)} – enter wählt, esc bricht ab")
        options = self.query_one(Choices)
        if choices != self._choices:  # the same list again keeps its drawn lines
            self._choices = list(choices)
            options.clear_options()
            options.add_options([Option(cell(label), id=key) for key, label in choices])
        keys = [key for key, _ in choices]
        options.highlighted = keys.index(current) if current in keys else 0
        self.show()
        options.focus()

    def action_cancel(self) -> None:
        """Close the list; nothing changes."""
        self.close()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = event.option.id or ""
        self.close()
        if key and key != self.current:
            self.post_message(self.Chosen(self.subject, key))
