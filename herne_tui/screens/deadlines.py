"""Fristen (key d): filing and partner deadlines, meetings, due dates, reviews – soonest first."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from herne_tui.domain.objects import Deadline, format_date
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.services import checks, deadlines
from herne_tui.widgets.shown import cell


class DeadlinesScreen(HerneScreen):
    """Everything with a date, soonest first; overdue items stand out (and come first).

    | Key | Action |
    | :- | :- |
    | a | also show past items |
    """

    BINDINGS = [Binding("a", "toggle_past", "Vergangene", id="deadlines.toggle-past")]
    DEFAULT_CSS = """
    DeadlinesScreen DataTable { height: 1fr; }
    DeadlinesScreen #intro { padding: 0 1; }
    """

    class Loaded(Message):
        """Deadlines arrived from a worker."""

        def __init__(self, items, today) -> None:
            super().__init__()
            self.items, self.today = items, today

    def __init__(self) -> None:
        super().__init__()
        self.show_past = False
        self.items: list[Deadline] = []
        """The rows shown, in their order (``enter`` opens a measure's)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="intro", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Fristen"
        self.query_one(DataTable).add_columns("Datum", "in Tagen", "Art", "Was", "")
        self.query_one(DataTable).focus()
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Read the deadlines in a worker."""
        db = self.herne.db
        self.post_message(self.Loaded(deadlines.upcoming(db), db.now().astimezone().date()))

    def on_deadlines_screen_loaded(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        items = [x for x in message.items if self.show_past or x.overdue or x.when >= message.today]
        items.sort(key=lambda x: (not x.overdue, x.when))
        self.items = items
        for x in items:
            style = "bold red" if x.overdue else ""
            table.add_row(
                Text(format_date(x.when), style=style),
                Text(str((x.when - message.today).days), style=style),
                Text(x.kind, style=style),
                cell(x.label),
                Text("⚠ ÜBERFÄLLIG", style="bold red") if x.overdue else Text(""),
            )
        overdue = sum(1 for x in items if x.overdue)
        self.query_one("#intro", Static).update(
            f"{len(items)} Fristen, davon {overdue} überfällig"
            f"{'' if self.show_past else ' (vergangene ausgeblendet – a zeigt sie)'}"
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """``enter`` on a measure's due date opens the measure."""
        items = getattr(self, "items", [])
        if 0 <= event.cursor_row < len(items) and items[event.cursor_row].ref.startswith(
            "measure:"
        ):
            self.herne.open_measure(items[event.cursor_row].ref.removeprefix("measure:"))

    def action_toggle_past(self) -> None:
        """Show or hide items whose date has passed (overdue ones always show)."""
        self.show_past = not self.show_past
        self.reload()

    def data_changed(self) -> None:
        """Someone committed a change: reload."""
        self.reload()


RULE_LABELS = {
    "vorschlagsrecht": "Vorschlagsrecht",
    "externe-ausschreibung": "Externe Ausschreibung",
    "koordinierungsgruppe": "Koordinierungsgruppe",
}
"""The checked rules' keys as a user reads them."""


class ChecksScreen(HerneScreen):
    """Every violation of the nomination rules and procedures (as ``herne-tui check --db``)."""

    DEFAULT_CSS = "ChecksScreen DataTable { height: 1fr; } ChecksScreen #intro { padding: 0 1; }"

    class Loaded(Message):
        """Violations arrived from a worker."""

        def __init__(self, items) -> None:
            super().__init__()
            self.items = items

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="intro", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Prüfungen"
        self.query_one(DataTable).add_columns("Regel", "Wo", "Befund")
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Run the checks in a worker."""
        self.post_message(self.Loaded(checks.nomination_violations(self.herne.db)))

    def on_checks_screen_loaded(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for v in message.items:
            where, _, finding = v.message.partition(": ")
            table.add_row(
                cell(RULE_LABELS.get(v.rule, v.rule)),
                cell(where if finding else v.ref),
                cell(Text(f"⚠ {finding or v.message}", style="bold red")),
            )
        self.query_one("#intro", Static).update(
            "Keine Verstöße gegen Vorschlagsrechte, Ausschreibungspflicht oder die Größe der "
            "Koordinierungsgruppe."
            if not message.items
            else f"{len(message.items)} Verstöße gefunden."
        )

    def data_changed(self) -> None:
        """Someone committed a change: check again."""
        self.reload()
