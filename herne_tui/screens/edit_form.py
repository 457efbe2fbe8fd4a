"""A generic edit form for panel rows. It validates input and dismisses with the changes;
the panel screen that opened it saves them through the services."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.css.tokenize import IDENTIFIER
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from herne_tui.domain.objects import DateError, format_date, parse_date
from herne_tui.screens.unsaved import DROP, MODAL_CSS, SAVE, KeepsInput, UnsavedDialog
from herne_tui.widgets.shown import cell, plain


def _as_shown(value: object) -> str:
    """A stored text as its field shows it: another user's escape sequence visible (``␛``),
    so that it cannot act on this terminal. A field left as it was counts as unchanged."""
    return plain(str(value or ""), one_line=True)


_IDENTIFIER = re.compile(IDENTIFIER)


def widget_keys(names: list[str]) -> dict[str, str]:
    """Each field's part of its widgets' ids (``f-…``, ``e-…``): its name where Textual allows
    it in an id (``chair``, ``speaker_CDU``), else its position (a field named after a party
    such as „Bündnis 90/Die Grünen“: a space or a slash is no identifier)."""
    keys: dict[str, str] = {}
    for index, name in enumerate(names):
        key = name if _IDENTIFIER.fullmatch(f"f-{name}") else f"field{index}"
        while key in keys.values() or (key != name and key in names):
            key += "_"
        keys[name] = key
    return keys


@dataclass(frozen=True)
class FormField:
    """One field of the form: ``kind`` is text, date, choice or bool."""

    name: str
    label: str
    kind: str
    value: object
    options: tuple[str, ...] = ()
    labels: dict | None = None


class EditForm(KeepsInput, ModalScreen[dict | None]):
    """Edit some fields; ctrl+s dismisses with only the changed values, esc with None.

    ``typed`` shows values typed earlier instead of the fields' own (a refused form opened
    again); ``errors`` maps a field's name (or "" for the form) to why it was refused.
    """

    DEFAULT_CSS = (
        MODAL_CSS.format(name="EditForm").replace("> Vertical", "> VerticalScroll")
        + """
    EditForm .error { color: $error; height: auto; }
    EditForm Input { border: none; height: 1; padding: 0 1; background: $boost; }
    EditForm Input:focus { border: none; background: $accent 30%; }
    EditForm Select > SelectCurrent { border: none; height: 1; background: $boost; }
    /* Textual's focus border would take both rows of a one-row select: the value vanished */
    EditForm Select:focus > SelectCurrent { border: none; background: $accent 30%; }
    EditForm Checkbox { border: none; padding: 0; margin-top: 1; }
    """
    )
    BINDINGS = [
        Binding("ctrl+s", "save", "Speichern", id="form.save"),
        Binding("escape", "cancel", "Abbrechen", id="form.cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: list[FormField],
        *,
        typed: dict | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.form_title = title
        self.fields = fields
        self.typed = typed or {}
        self.errors = errors or {}
        self.keys = widget_keys([f.name for f in fields])
        """Field name → the part of its widgets' ids after ``f-`` and ``e-``."""

    def _shown(self, f: FormField) -> object:
        return self.typed.get(f.name, f.value)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(plain(self.form_title), classes="title", markup=False)
            yield Label(plain(self.errors.get("", "")), classes="error", id="e-form", markup=False)
            for f in self.fields:
                value = self._shown(f)
                if f.kind == "bool":
                    yield Checkbox(cell(f.label), bool(value), id=f"f-{self.keys[f.name]}")
                else:
                    yield Label(plain(f.label, one_line=True), markup=False)
                if f.kind == "choice":
                    names = f.labels or {}
                    options = [(cell(names.get(o, o) or "—"), o) for o in f.options]
                    yield Select(
                        options,
                        value=value if value in f.options else f.options[0],
                        allow_blank=False,
                        id=f"f-{self.keys[f.name]}",
                    )
                elif f.kind != "bool":
                    shown = format_date(value) if isinstance(value, date) else _as_shown(value)
                    placeholder = "TT.MM.JJJJ" if f.kind == "date" else ""
                    yield Input(shown, placeholder=placeholder, id=f"f-{self.keys[f.name]}")
                message = self.errors.get(f.name, "")
                yield Label(
                    plain(message), classes="error", id=f"e-{self.keys[f.name]}", markup=False
                )
            with Horizontal(classes="buttons"):
                yield Button("Speichern (ctrl+s)", variant="primary", id="save")
                yield Button("Abbrechen (esc)", id="cancel")

    def on_mount(self) -> None:
        refused = [f.name for f in self.fields if self.errors.get(f.name)]
        first = refused[0] if refused else (self.fields[0].name if self.fields else None)
        if first is not None:
            self.query_one(f"#f-{self.keys[first]}").focus()

    def _values(self, *, show: bool = True) -> dict | None:
        values: dict = {}
        ok = True
        for f in self.fields:
            if f.kind == "bool":
                values[f.name] = self.query_one(f"#f-{self.keys[f.name]}", Checkbox).value
                continue
            if f.kind == "choice":
                values[f.name] = self.query_one(f"#f-{self.keys[f.name]}", Select).value
                continue
            text = self.query_one(f"#f-{self.keys[f.name]}", Input).value.strip()
            if f.kind == "date":
                error = self.query_one(f"#e-{self.keys[f.name]}", Label)
                try:
                    values[f.name] = parse_date(text) if text else None
                    if show:
                        error.update("")
                except DateError as exc:
                    if show:
                        error.update(plain(str(exc)))
                    ok = False
            else:
                values[f.name] = text
        return values if ok else None

    def changes(self, *, show: bool = True) -> dict | None:
        """The fields whose value differs from the start, or None if input is invalid
        (with ``show``, a bad date's reason appears under its field)."""
        values = self._values(show=show)
        if values is None:
            return None
        return {
            f.name: values[f.name]
            for f in self.fields
            if values[f.name] != (_as_shown(f.value) if f.kind == "text" else f.value)
        }

    def action_save(self) -> None:
        """Validate; dismiss with the changes (nothing is saved on a bad date)."""
        changes = self.changes()
        if changes is not None:
            self.dismiss(changes)

    def action_cancel(self) -> None:
        """Leave without saving; asks first when something was typed."""
        if not self.unsaved_input():
            self.dismiss(None)
            return

        def answer(choice: str | None) -> None:
            if choice == SAVE:
                self.action_save()
            elif choice == DROP:
                self.dismiss(None)

        self.app.push_screen(UnsavedDialog("Ungespeicherte Eingaben in diesem Formular."), answer)

    def unsaved_input(self) -> bool:
        """True when a field differs from its value when the form was first opened."""
        return bool(self.typed) or self.changes(show=False) != {}

    def save_input(self) -> bool:
        """Save as ctrl+s does; False when a field is refused (shown under it)."""
        changes = self.changes()
        if changes is None:
            return False
        self.dismiss(changes)
        return True

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()
