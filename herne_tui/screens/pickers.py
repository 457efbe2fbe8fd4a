"""Small modal pickers for the board's filters. They only dismiss with a value."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from herne_tui.domain.objects import Topic
from herne_tui.screens.unsaved import MODAL_CSS, KeepsInput
from herne_tui.widgets.shown import cell, plain


class TopicPicker(ModalScreen[str | None]):
    """Pick one topic (or all); dismisses with the topic key, "" for all, None to cancel."""

    DEFAULT_CSS = MODAL_CSS.format(name="TopicPicker")
    BINDINGS = [Binding("escape", "dismiss(None)", "Abbrechen", id="topic-picker.cancel")]

    def __init__(self, topics: tuple[Topic, ...], current: str) -> None:
        super().__init__()
        self.topics = topics
        self.current = current

    def compose(self) -> ComposeResult:
        options = [Option("Alle Themen", id="")]
        options += [Option(cell(f"{t.key}  {t.name}"), id=t.key) for t in self.topics]
        with Vertical():
            yield Label("Nach Thema filtern", classes="title")
            yield OptionList(*options, id="topics")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        keys = [""] + [t.key for t in self.topics]
        option_list.highlighted = keys.index(self.current) if self.current in keys else 0
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id or "")


class FilterForm(KeepsInput, ModalScreen[dict | None]):
    """Filter by lead party, responsible person, or overdue only."""

    DEFAULT_CSS = MODAL_CSS.format(name="FilterForm")
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Abbrechen", id="filter-form.cancel"),
        Binding("ctrl+s", "apply", "Anwenden", id="filter-form.apply"),
    ]

    def __init__(
        self, lead: str, responsible: str, overdue_only: bool, leads: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.values = (lead, responsible, overdue_only)
        self.leads = leads
        """The lead choices: the agreement's partners and ``gemeinsam``."""

    def compose(self) -> ComposeResult:
        lead, responsible, overdue = self.values
        leads = (*self.leads, *(() if lead in (*self.leads, "", "-") else (lead,)))
        shown = [(cell(x), x) for x in leads]  # as typed, never read as markup
        choices = [(Text("Alle"), ""), *shown, (Text("ohne Federführung"), "-")]
        with Vertical():
            yield Label("Filter", classes="title")
            yield Label("Federführung")
            yield Select(choices, value=lead, allow_blank=False, id="lead")
            yield Label("Verantwortlich (enthält)")
            yield Input(responsible, id="responsible")
            yield Checkbox("nur überfällige", overdue, id="overdue")
            with Horizontal(classes="buttons"):
                yield Button("Anwenden", variant="primary", id="apply")
                yield Button("Abbrechen", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#lead").focus()

    def chosen(self) -> dict:
        """The filter values as chosen now."""
        return {
            "lead": self.query_one("#lead", Select).value or "",
            "responsible": self.query_one("#responsible", Input).value.strip(),
            "overdue_only": self.query_one("#overdue", Checkbox).value,
        }

    def action_apply(self) -> None:
        """Dismiss with the chosen filter values."""
        self.dismiss(self.chosen())

    def unsaved_input(self) -> bool:
        """True when the chosen values differ from the filter in force."""
        lead, responsible, overdue = self.values
        return self.chosen() != {
            "lead": lead,
            "responsible": responsible.strip(),
            "overdue_only": overdue,
        }

    def save_input(self) -> bool:
        """Apply the chosen filter."""
        self.action_apply()
        return True

    def on_input_submitted(self) -> None:
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.dismiss(None)


class Prompt(KeepsInput, ModalScreen[str | None]):
    """Ask for one line of text; enter dismisses with it, esc with None.

    ``check`` (text → a German problem or None) keeps the prompt open on refused input, the
    problem shown under the line and the text kept.
    """

    DEFAULT_CSS = MODAL_CSS.format(name="Prompt") + "Prompt .error { color: $error; height: auto; }"
    BINDINGS = [Binding("escape", "dismiss(None)", "Abbrechen", id="prompt.cancel")]

    def __init__(
        self,
        question: str,
        value: str = "",
        placeholder: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.question, self.value, self.placeholder = question, value, placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.question), classes="title", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="answer")
            yield from self.below_answer()
            yield Label("", id="problem", classes="error", markup=False)

    def below_answer(self) -> ComposeResult:
        """Widgets between the answer and the problem line (none here)."""
        yield from ()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> bool:
        """Dismiss with the text, or show why it is refused and stay open."""
        text = self.query_one(Input).value.strip()
        problem = self.check(text) if self.check is not None else None
        if problem:
            self.query_one("#problem", Label).update(plain(problem))
            return False
        self.dismiss(text)
        return True

    def unsaved_input(self) -> bool:
        """True when a text other than the one offered is typed."""
        text = self.query_one(Input).value.strip()
        return bool(text) and text != self.value.strip()

    def save_input(self) -> bool:
        """Hand the text on, as enter does."""
        return self.submit()


class ChoicePicker(ModalScreen[str | None]):
    """Pick one of several (key, label) choices; dismisses with the key or None."""

    DEFAULT_CSS = MODAL_CSS.format(name="ChoicePicker")
    BINDINGS = [Binding("escape", "dismiss(None)", "Abbrechen", id="choice-picker.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str = "") -> None:
        super().__init__()
        self.picker_title, self.choices, self.current = title, choices, current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.picker_title), classes="title", markup=False)
            yield OptionList(*[Option(cell(label), id=key) for key, label in self.choices])

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        keys = [k for k, _ in self.choices]
        option_list.highlighted = keys.index(self.current) if self.current in keys else 0
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
