"""Panel 6: recent changes across everything, filterable by person, topic and period."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from herne_tui.domain.objects import (
    DateError,
    HistoryEntry,
    format_date,
    format_datetime,
    parse_date,
)
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.screens.pickers import Prompt, TopicPicker
from herne_tui.services import history, queries
from herne_tui.widgets.shown import cell, plain

LIMIT = 500


def date_problem(text: str) -> str | None:
    """Why ``text`` is not a date the app understands (None when it is, or when empty)."""
    try:
        parse_date(text) if text else None
    except DateError as exc:
        return str(exc)
    return None


class HistoryScreen(HerneScreen):
    """The history of every change, newest first.

    | Key | Action |
    | :- | :- |
    | p | filter by person |
    | t | filter by topic |
    | z | filter by period (since a date) |
    | escape | clear the filters |
    | enter | open the measure of the entry |
    """

    BINDINGS = [
        Binding("p", "person", "Person", id="history.person"),
        Binding("t", "topic", "Thema", id="history.topic"),
        Binding("z", "period", "Zeitraum", id="history.period"),
        Binding("escape", "clear", "Filter aus", id="history.clear-filter"),
    ]
    DEFAULT_CSS = """
    HistoryScreen #filters { height: 1; padding: 0 1; background: $boost; }
    HistoryScreen DataTable { height: 1fr; }
    """

    class Loaded(Message):
        """History rows arrived from a worker."""

        def __init__(self, entries, labels, topics, names) -> None:
            super().__init__()
            self.entries, self.labels, self.topics = entries, labels, topics
            self.names = names

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[HistoryEntry] = []
        """The rows shown, newest first (``enter`` opens a measure's)."""
        self.user: str | None = None
        self.topic: str | None = None
        self.since = None
        self.topics = ()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="filters", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Verlauf"
        self.query_one(DataTable).add_columns("Zeit", "Wer", "Was", "Änderung", "Quelle")
        self.query_one(DataTable).focus()
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Read the filtered history in a worker."""
        db = self.herne.db
        topics, statuses = queries.labels(db)
        entries = history.list_changes(
            db, user=self.user, topic=self.topic, since=self.since, limit=LIMIT
        )
        names = history.entity_labels(db)
        self.post_message(self.Loaded(entries, {s.key: s.label for s in statuses}, topics, names))

    def on_history_screen_loaded(self, message: Loaded) -> None:
        self.topics = message.topics
        table = self.query_one(DataTable)
        table.clear()
        self.entries = list(message.entries)
        for e in message.entries:
            table.add_row(
                Text(format_datetime(e.at.astimezone())),
                cell(e.user),
                cell(history.entity_label(e, message.names)),
                cell(history.describe(e, message.labels)),
                cell("; ".join(x for x in (e.source, e.comment) if x)),
            )
        parts = [
            f"Person: {plain(self.user, one_line=True)}" if self.user else "",
            f"Thema: {plain(self.topic, one_line=True)}" if self.topic else "",
            f"seit {format_date(self.since)}" if self.since else "",
        ]
        shown = " · ".join(p for p in parts if p) or "alle"
        self.query_one("#filters", Static).update(
            f"Filter: {shown} – {len(message.entries)} Einträge"
            f"{' (neueste ' + str(LIMIT) + ')' if len(message.entries) == LIMIT else ''}"
            "  ·  p Person, t Thema, z Zeitraum, esc alle"
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """``enter`` on a measure's entry opens that measure."""
        if 0 <= event.cursor_row < len(self.entries):
            entry = self.entries[event.cursor_row]
            if entry.entity == "measure":
                self.herne.open_measure(entry.entity_id)

    def action_person(self) -> None:
        """Filter by the person who made the change."""
        self.herne.push_screen(
            Prompt("Änderungen von Person (leer: alle)", self.user or ""),
            lambda v: None if v is None else self._set(user=v or None),
        )

    def action_topic(self) -> None:
        """Filter by topic (measures of that topic)."""
        self.herne.push_screen(
            TopicPicker(self.topics, self.topic or ""),
            lambda v: None if v is None else self._set(topic=v or None),
        )

    def action_period(self) -> None:
        """Filter by period: changes since a date (a date not understood keeps the prompt
        open with the reason under it)."""
        self.herne.push_screen(
            Prompt(
                "Änderungen seit (TT.MM.JJJJ, leer: alle)",
                format_date(self.since),
                "TT.MM.JJJJ",
                check=date_problem,
            ),
            lambda value: (
                None if value is None else self._set(since=parse_date(value) if value else None)
            ),
        )

    def action_clear(self) -> None:
        """Show every change again."""
        self._set(user=None, topic=None, since=None)

    def _set(self, **values) -> None:
        for key, value in values.items():
            setattr(self, key, value)
        self.reload()

    def data_changed(self) -> None:
        """Someone committed a change: show it."""
        self.reload()
