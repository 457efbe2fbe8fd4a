"""The board's quick note: a line at the bottom of the board, not a dialog.

A dialog would cost two repaints of the whole terminal (opening it dims the board, closing it
brightens it again, ≈ 25–50 KiB each over SSH); the line repaints only its own rows. It stays
open while its note is written: closing it and showing the saved note are one frame, and a
note that could not be written stays in the line with the reason under it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Label

from herne_tui.widgets.bottom_line import BottomLine
from herne_tui.widgets.shown import plain


class NoteLine(BottomLine):
    """Title, one line of text, and a line for problems; hidden until ``open``.

    | Key | Action |
    | :- | :- |
    | enter | save the note |
    | esc | cancel |
    | ctrl+t | internal to the own party, or for all (with a user list and a party) |
    """

    DEFAULT_CSS = """
    NoteLine Label { width: 1fr; }
    NoteLine #note-title { text-style: bold; }
    NoteLine #note-problem { color: $error; display: none; }
    NoteLine #note-problem.-shown { display: block; }
    NoteLine #note-problem.-info { color: $text-muted; }
    NoteLine #note-intern { display: none; }
    NoteLine #note-intern.-shown { display: block; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Abbrechen", id="prompt.cancel"),
        Binding("ctrl+t", "toggle_intern", "Intern", id="note-prompt.intern"),
    ]

    class Submitted(Message):
        """Enter with a non-empty note: the board writes it and answers with ``saved`` or
        ``refused``."""

        def __init__(self, line: NoteLine, measure_id: str, text: str, intern: bool) -> None:
            super().__init__()
            self.line, self.measure_id, self.text, self.intern = line, measure_id, text, intern

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.measure_id = ""
        self.party = ""
        """The writer's party; "" when internal notes are not possible (no user list)."""
        self.intern = False
        self.saving = False
        """True from enter until the write's answer (a second enter does not write twice)."""

    def compose(self) -> ComposeResult:
        yield Label("", id="note-title", markup=False)
        # the line lies over the footer: it says its keys itself
        yield Input(placeholder="enter speichert, esc bricht ab", id="note-text")
        yield Label("", id="note-intern", markup=False)
        yield Label("", id="note-problem", markup=False)

    def open(self, measure_id: str, title: str, party: str = "") -> None:
        """Show the line for a note to ``measure_id`` and put the cursor in it."""
        self.measure_id, self.party = measure_id, party
        self.intern = self.saving = False
        self.query_one("#note-title", Label).update(
            plain(f"Notiz zu {measure_id} – {title}", one_line=True)
        )
        field = self.query_one(Input)
        field.value = ""
        self._show_intern()
        self._problem("")
        self.show()
        field.focus()

    def unsaved(self) -> bool:
        """True while the line holds typed text that is not saved."""
        return self.is_open and bool(self.query_one(Input).value.strip())

    def submit(self) -> bool:
        """Hand the note on to be written (an empty note just closes the line)."""
        text = self.query_one(Input).value.strip()
        if not text:
            self.close()
        elif not self.saving:
            self.saving = True
            self.post_message(self.Submitted(self, self.measure_id, text, self.intern))
            self.set_timer(0.25, self._still_saving)
        return True

    def _still_saving(self) -> None:
        if self.saving:  # a slow write (e.g. the first one, while the database opens)
            self._problem("wird gespeichert …", error=False)

    def saved(self) -> None:
        """The note is written: close the line."""
        self.saving = False
        self.close()

    def refused(self, problem: str) -> None:
        """The write failed: say why and keep the text for another try."""
        self.saving = False
        self._problem(problem)

    def action_cancel(self) -> None:
        """Close the line; the typed text is dropped."""
        if not self.saving:
            self.close()

    def action_toggle_intern(self) -> None:
        """The note only for the own party, or shared (issue 14)."""
        if self.party:
            self.intern = not self.intern
            self._show_intern()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def _show_intern(self) -> None:
        line = self.query_one("#note-intern", Label)
        line.set_class(bool(self.party), "-shown")
        if self.party:
            party = plain(self.party, one_line=True)
            line.update(
                f"intern: nur für {party} (ctrl+t: für alle)"
                if self.intern
                else f"für alle sichtbar (ctrl+t: intern, nur für {party})"
            )

    def _problem(self, text: str, error: bool = True) -> None:
        line = self.query_one("#note-problem", Label)
        line.update(plain(text))
        line.set_class(bool(text), "-shown")
        line.set_class(not error, "-info")
