"""A generic edit form for panel rows. It validates input and dismisses with the changes;
the panel screen that opened it saves them through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from herne_tui.domain.objects import DateError, format_date, parse_date
from herne_tui.screens.pickers import MODAL_CSS


@dataclass(frozen=True)
class FormField:
    """One field of the form: ``kind`` is text, date, choice or bool."""

    name: str
    label: str
    kind: str
    value: object
    options: tuple[str, ...] = ()
    labels: dict | None = None


class EditForm(ModalScreen[dict | None]):
    """Edit some fields; ctrl+s dismisses with only the changed values, esc with None."""

    DEFAULT_CSS = (
        MODAL_CSS.format(name="EditForm").replace("> Vertical", "> VerticalScroll")
        + """
    EditForm .error { color: $error; height: auto; }
    EditForm Input { border: none; height: 1; padding: 0 1; background: $boost; }
    EditForm Input:focus { border: none; background: $accent 30%; }
    EditForm Select > SelectCurrent { border: none; height: 1; background: $boost; }
    EditForm Select:focus > SelectCurrent { background: $accent 30%; }
    EditForm Checkbox { border: none; padding: 0; margin-top: 1; }
    """
    )
    BINDINGS = [
        Binding("ctrl+s", "save", "Speichern", id="form.save"),
        Binding("escape", "cancel", "Abbrechen", id="form.cancel"),
    ]

    def __init__(self, title: str, fields: list[FormField]) -> None:
        super().__init__()
        self.form_title = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(self.form_title, classes="title", markup=False)
            for f in self.fields:
                if f.kind == "bool":
                    yield Checkbox(f.label, bool(f.value), id=f"f-{f.name}")
                    continue
                yield Label(f.label, markup=False)
                if f.kind == "choice":
                    names = f.labels or {}
                    options = [(names.get(o, o) or "—", o) for o in f.options]
                    yield Select(
                        options,
                        value=f.value if f.value in f.options else f.options[0],
                        allow_blank=False,
                        id=f"f-{f.name}",
                    )
                else:
                    shown = (
                        format_date(f.value) if isinstance(f.value, date) else str(f.value or "")
                    )
                    placeholder = "TT.MM.JJJJ" if f.kind == "date" else ""
                    yield Input(shown, placeholder=placeholder, id=f"f-{f.name}")
                    yield Label("", classes="error", id=f"e-{f.name}")
            with Horizontal(classes="buttons"):
                yield Button("Speichern (ctrl+s)", variant="primary", id="save")
                yield Button("Abbrechen (esc)", id="cancel")

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#f-{self.fields[0].name}").focus()

    def _values(self) -> dict | None:
        values: dict = {}
        ok = True
        for f in self.fields:
            if f.kind == "bool":
                values[f.name] = self.query_one(f"#f-{f.name}", Checkbox).value
                continue
            if f.kind == "choice":
                values[f.name] = self.query_one(f"#f-{f.name}", Select).value
                continue
            text = self.query_one(f"#f-{f.name}", Input).value.strip()
            if f.kind == "date":
                error = self.query_one(f"#e-{f.name}", Label)
                try:
                    values[f.name] = parse_date(text) if text else None
                    error.update("")
                except DateError as exc:
                    error.update(str(exc))
                    ok = False
            else:
                values[f.name] = text
        return values if ok else None

    def changes(self) -> dict | None:
        """The fields whose value differs from the start, or None if input is invalid."""
        values = self._values()
        if values is None:
            return None
        return {
            f.name: values[f.name]
            for f in self.fields
            if values[f.name]
            != (f.value if f.value is not None else ("" if f.kind == "text" else None))
        }

    def action_save(self) -> None:
        """Validate; dismiss with the changes (nothing is saved on a bad date)."""
        changes = self.changes()
        if changes is not None:
            self.dismiss(changes)

    def action_cancel(self) -> None:
        """Leave without saving."""
        self.dismiss(None)

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.dismiss(None)
