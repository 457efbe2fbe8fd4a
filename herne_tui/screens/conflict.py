"""Shown when a save met a newer version: theirs against mine, apply mine again or drop it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label

from herne_tui.domain.objects import FIELD_LABELS
from herne_tui.errors import Conflict
from herne_tui.screens.pickers import MODAL_CSS
from herne_tui.widgets.shown import cell, plain


def _show(value, labels: dict[str, str] | None = None) -> str:
    if value in (None, "", {}):
        return "—"
    if labels and isinstance(value, str) and value in labels:
        return labels[value]
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


class ConflictScreen(ModalScreen[bool]):
    """Dismisses True to apply my change again on top of theirs, False to drop it."""

    DEFAULT_CSS = (
        MODAL_CSS.format(name="ConflictScreen")
        + """
    ConflictScreen > Vertical { width: 90; }
    ConflictScreen DataTable { height: auto; max-height: 12; }
    ConflictScreen Label { width: 100%; }
    """
    )
    BINDINGS = [
        Binding("escape", "dismiss(False)", "Verwerfen", id="conflict.drop"),
        Binding("a", "dismiss(True)", "Meine erneut anwenden", id="conflict.apply-mine"),
    ]

    def __init__(self, conflict: Conflict, status_labels: dict[str, str] | None = None) -> None:
        super().__init__()
        self.conflict = conflict
        self.status_labels = status_labels or {}
        """Status key → its label, so a status reads as on the board ("In Vorbereitung")."""

    def compose(self) -> ComposeResult:
        c = self.conflict
        who = plain(c.changed_by or "jemand anderes", one_line=True)
        with Vertical():
            yield Label(
                f"Konflikt: {who} hat {c.entity_id} inzwischen geändert "
                f"(jetzt Version {c.version}).",
                classes="title",
                markup=False,
            )
            table: DataTable[Text] = DataTable(cursor_type="none", zebra_stripes=True)
            table.add_columns("Feld", cell(f"Jetzt ({who})"), "Meine Änderung")
            for field, mine in c.mine.items():
                labels = self.status_labels if field == "status" else None
                table.add_row(
                    *(
                        cell(x)
                        for x in (
                            FIELD_LABELS.get(field, field),
                            _show(c.theirs.get(field), labels),
                            _show(mine, labels),
                        )
                    )
                )
            yield table
            yield Label(
                "Nichts wurde überschrieben. Meine Änderung erneut anwenden "
                "(auf die neue Fassung) oder verwerfen?"
            )
            with Horizontal(classes="buttons"):
                yield Button("Meine erneut anwenden (a)", variant="warning", id="apply")
                yield Button("Verwerfen (esc)", variant="primary", id="drop")

    def on_mount(self) -> None:
        self.query_one("#drop").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "apply")
