"""The key overview (`?`): every key of every screen, from the bindings themselves."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from herne_tui.screens.pickers import MODAL_CSS
from herne_tui.widgets.shown import cell


def key_rows(
    sections: list[tuple[str, list[Binding]]], keymap: dict[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(section, keys, description) for every binding, keys as the user types them (a keymap
    entry for the binding's id replaces its keys)."""
    rows = []
    for section, bindings in sections:
        for b in bindings:
            key = (keymap or {}).get(b.id or "", b.key)
            keys = " / ".join(k.strip() for k in key.split(","))
            for name, char in (
                ("slash", "/"),
                ("question_mark", "?"),
                ("left_square_bracket", "["),
                ("right_square_bracket", "]"),
                ("asterisk", "*"),
            ):
                keys = keys.replace(name, char)
            rows.append((section, keys, b.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """Lists all keys; esc, q or ? closes it."""

    DEFAULT_CSS = (
        MODAL_CSS.format(name="HelpScreen")
        + """
    HelpScreen > Vertical { width: 90; height: 90%; }
    HelpScreen DataTable { height: 1fr; }
    """
    )
    BINDINGS = [Binding("escape,q,question_mark", "dismiss(None)", "Schließen", id="help.close")]

    def __init__(
        self, sections: list[tuple[str, list[Binding]]], keymap: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Tasten", classes="title")
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("Bereich", "Taste", "Aktion")
            for row in key_rows(self.sections, self.keymap):
                # keys from the user's config file: as typed, not read as markup
                table.add_row(*(cell(value) for value in row))
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
