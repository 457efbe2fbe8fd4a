"""Small modal pickers for the board's filters. They only dismiss with a value."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from herne_tui.domain.objects import Topic

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
        options += [Option(Text(f"{t.key}  {t.name}"), id=t.key) for t in self.topics]
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


class FilterForm(ModalScreen[dict | None]):
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
        choices = [("Alle", ""), *[(x, x) for x in leads], ("ohne Federführung", "-")]
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

    def action_apply(self) -> None:
        """Dismiss with the chosen filter values."""
        self.dismiss(
            {
                "lead": self.query_one("#lead", Select).value or "",
                "responsible": self.query_one("#responsible", Input).value.strip(),
                "overdue_only": self.query_one("#overdue", Checkbox).value,
            }
        )

    def on_input_submitted(self) -> None:
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True or False."""

    DEFAULT_CSS = MODAL_CSS.format(name="Confirm")
    BINDINGS = [
        Binding("escape", "dismiss(False)", "Nein", id="confirm.no"),
        Binding("j,y", "dismiss(True)", "Ja", id="confirm.yes"),
    ]

    def __init__(self, question: str, yes: str = "Ja", no: str = "Nein") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, classes="title", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="error", id="yes")
                yield Button(self.no, variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class Prompt(ModalScreen[str | None]):
    """Ask for one line of text; enter dismisses with it, esc with None."""

    DEFAULT_CSS = MODAL_CSS.format(name="Prompt")
    BINDINGS = [Binding("escape", "dismiss(None)", "Abbrechen", id="prompt.cancel")]

    def __init__(self, question: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.question, self.value, self.placeholder = question, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, classes="title", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="answer")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())


class ChoicePicker(ModalScreen[str | None]):
    """Pick one of several (key, label) choices; dismisses with the key or None."""

    DEFAULT_CSS = MODAL_CSS.format(name="ChoicePicker")
    BINDINGS = [Binding("escape", "dismiss(None)", "Abbrechen", id="choice-picker.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str = "") -> None:
        super().__init__()
        self.picker_title, self.choices, self.current = title, choices, current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.picker_title, classes="title", markup=False)
            yield OptionList(*[Option(Text(label), id=key) for key, label in self.choices])

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        keys = [k for k, _ in self.choices]
        option_list.highlighted = keys.index(self.current) if self.current in keys else 0
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
