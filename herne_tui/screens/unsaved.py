"""Unsaved input is never lost: what a screen or dialog holding typed input answers, and the
question "Speichern / Verwerfen / Abbrechen" asked before it would be thrown away."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 64; max-width: 100%; height: auto; max-height: 90%;
    border: thick $accent; background: $surface; padding: 1 2;
}}
{name} .title {{ text-style: bold; margin-bottom: 1; width: 100%; }}
{name} .buttons {{ height: auto; margin-top: 1; align-horizontal: right; }}
{name} .buttons Button {{ margin-left: 1; }}
"""
"""The look of every small dialog (``{name}`` is its class name)."""

SAVE = "save"
DROP = "drop"


class KeepsInput:
    """Mixed into a screen or dialog that holds input the user typed and has not saved yet.

    The app asks every open one before it quits; ``save_input`` does what the screen's own
    save key does (a dialog dismisses with its value, so its opener saves it).
    """

    def unsaved_input(self) -> bool:
        """True when something typed would be lost if the screen closed now."""
        return False

    def save_input(self) -> bool:
        """Save (or hand on) the typed input; False when it is refused (the reason is shown)."""
        return True


class UnsavedDialog(ModalScreen[str | None]):
    """Ask what to do with unsaved input; dismisses with "save", "drop" or None (cancel).

    | Key | Action |
    | :- | :- |
    | s | save |
    | v | drop the input |
    | esc | cancel (keep editing) |
    """

    DEFAULT_CSS = MODAL_CSS.format(name="UnsavedDialog")
    BINDINGS = [
        Binding("s", "dismiss('save')", "Speichern", id="unsaved.save"),
        Binding("v", "dismiss('drop')", "Verwerfen", id="unsaved.drop"),
        Binding("escape", "dismiss(None)", "Abbrechen", id="unsaved.cancel"),
    ]

    def __init__(self, question: str = "Es gibt ungespeicherte Eingaben.") -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, classes="title", markup=False)
            yield Label("Speichern (s), verwerfen (v) oder weiter bearbeiten (esc)?")
            with Horizontal(classes="buttons"):
                yield Button("Speichern", variant="primary", id=SAVE)
                yield Button("Verwerfen", variant="error", id=DROP)
                yield Button("Abbrechen", id="cancel")

    def on_mount(self) -> None:
        self.query_one(f"#{SAVE}").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id if event.button.id in (SAVE, DROP) else None)
