"""The table of all measures: sortable columns, the board's filters, a detail pane.

``v`` toggles between the board and this table. The table shows the same measures as the
board (same filters, same folded search); ``o`` sorts by the next column, ``O`` reverses,
``c`` chooses the columns, ``p`` shows the focused measure's text, notes and history beside
the table without opening it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Input, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from herne_tui.domain import boardview
from herne_tui.domain.boardview import BoardFilter
from herne_tui.domain.objects import Board, Measure, agreement_of, format_date, measures_count
from herne_tui.errors import Conflict, HerneError
from herne_tui.paths import system_clock
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.screens.edit_form import EditForm, FormField
from herne_tui.screens.pickers import ChoicePicker, FilterForm, TopicPicker
from herne_tui.widgets.detail import DetailPane
from herne_tui.widgets.shown import cell, highlighted, plain


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the table: its label, its cell text and its sort key."""

    key: str
    label: str
    text: Callable[[Measure, TableData], str]
    order: Callable[[Measure, TableData], object]


@dataclass(frozen=True, slots=True)
class TableData:
    """What the columns need beyond the measure: labels and the last changes."""

    topics: dict[str, str]
    statuses: dict[str, str]
    status_order: dict[str, int]
    changed: dict[str, datetime]


def _due(m: Measure, _: TableData) -> str:
    return format_date(m.due) if m.due else ""


def _changed(m: Measure, t: TableData) -> str:
    at = t.changed.get(m.id)
    return at.astimezone().strftime("%d.%m.%Y") if at else ""


def _id_order(m: Measure, _: TableData) -> object:
    return m.position


COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", lambda m, _: m.id, _id_order),
    Column("title", "Titel", lambda m, _: m.title, lambda m, _: m.title.casefold()),
    Column(
        "topic",
        "Thema",
        lambda m, t: t.topics.get(m.topic, m.topic),
        lambda m, _: m.position,
    ),
    Column(
        "status",
        "Status",
        lambda m, t: t.statuses.get(m.status, m.status),
        lambda m, t: (t.status_order.get(m.status, 0), m.position),
    ),
    Column("lead", "Federführung", lambda m, _: m.lead, lambda m, _: m.lead or "\uffff"),
    Column(
        "responsible",
        "Verantwortlich",
        lambda m, _: m.responsible,
        lambda m, _: m.responsible.casefold() or "\uffff",
    ),
    Column("due", "Fällig", _due, lambda m, _: (m.due or date.max, m.position)),
    Column(
        "changed",
        "Letzte Änderung",
        _changed,
        lambda m, t: -(t.changed[m.id].timestamp()) if m.id in t.changed else float("inf"),
    ),
    Column("notes", "Notizen", lambda m, _: str(m.note_count or ""), lambda m, _: -m.note_count),
)
"""Every column the table can show, in their default order (``changed``: newest first)."""

BY_KEY = {c.key: c for c in COLUMNS}
DEFAULT_COLUMNS = ("id", "title", "status", "lead", "responsible", "due")


def sorted_measures(
    measures: list[Measure], column: str, reverse: bool, data: TableData
) -> list[Measure]:
    """The measures ordered by a column; ties keep the agreement's order."""
    order = BY_KEY[column].order
    ranked = sorted(measures, key=lambda m: m.position)
    return sorted(ranked, key=lambda m: order(m, data), reverse=reverse)  # type: ignore[arg-type, return-value]


class ColumnPicker(ModalScreen[tuple[str, ...] | None]):
    """Choose the table's columns (space toggles, enter applies, esc cancels)."""

    BINDINGS = [
        Binding("enter", "apply", "Übernehmen", priority=True, id="columns.apply"),
        Binding("escape", "cancel", "Abbrechen", id="columns.cancel"),
    ]
    DEFAULT_CSS = """
    ColumnPicker { align: center middle; }
    ColumnPicker SelectionList { width: 40; height: auto; max-height: 80%; border: round $accent; }
    """

    def __init__(self, shown: tuple[str, ...]) -> None:
        super().__init__()
        self.shown = shown

    def compose(self) -> ComposeResult:
        yield SelectionList[str](
            *(Selection(c.label, c.key, c.key in self.shown) for c in COLUMNS), id="picker"
        )

    def on_mount(self) -> None:
        self.query_one(SelectionList).border_title = "Spalten"

    def action_apply(self) -> None:
        chosen = set(self.query_one(SelectionList).selected)
        keys = tuple(c.key for c in COLUMNS if c.key in chosen)
        self.dismiss(keys or ("id",))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TableScreen(HerneScreen):
    """All measures as a table, sortable, with the board's filters and a detail pane.

    | Key | Action |
    | :- | :- |
    | v | back to the board |
    | o / O | sort by the next column / reverse |
    | c | choose columns |
    | p | detail pane on/off |
    | / t f | filter by text / topic / lead, person or overdue |
    | enter | open the measure |
    | space / * | mark the row / every shown row (again: unmark) |
    | s / e | status / lead, responsible, due date for the marked rows (or the focused one) |
    """

    BINDINGS = [
        Binding("o", "sort_next", "Sortieren", id="table.sort"),
        Binding("O", "sort_reverse", "Umkehren", show=False, id="table.sort-reverse"),
        Binding("c", "choose_columns", "Spalten", show=False, id="table.columns"),
        Binding("p", "toggle_detail", "Details", id="table.detail"),
        Binding("slash", "start_filter", "Suche", key_display="/", show=False, id="table.search"),
        Binding("t", "pick_topic", "Thema", show=False, id="table.topic"),
        Binding("f", "pick_filter", "Filter", show=False, id="table.filter"),
        Binding("escape", "clear_filter", "Filter aus", show=False, id="table.clear-filter"),
        Binding("enter", "open_measure", "Öffnen", show=False, id="table.open"),
        Binding("space", "mark", "Markieren", key_display="␣", id="table.mark"),
        Binding(
            "asterisk",
            "mark_all",
            "Alle markieren",
            key_display="*",
            show=False,
            id="table.mark-all",
        ),
        Binding("s", "bulk_status", "Status setzen", id="table.status"),
        Binding("e", "bulk_edit", "Sammeländerung", show=False, id="table.bulk-edit"),
        Binding("u", "undo", "Rückgängig", show=False, id="table.undo"),
    ]
    EDITING = frozenset({"bulk_status", "bulk_edit", "undo"})

    DEFAULT_CSS = """
    TableScreen #filterbar { height: 1; padding: 0 1; background: $boost; display: none; }
    TableScreen #filterbar.-active { display: block; }
    TableScreen #body { height: 1fr; }
    TableScreen #measures { width: 1fr; height: 100%; }
    TableScreen #detail { width: 45%; }
    TableScreen #filter { dock: bottom; display: none; }
    TableScreen #filter.-visible { display: block; }
    """

    class Loaded(Message):
        """Fresh data for the table arrived from a worker."""

        def __init__(self, board: Board, changed: dict[str, datetime], today: date) -> None:
            super().__init__()
            self.board = board
            self.changed = changed
            self.today = today

    def __init__(self) -> None:
        super().__init__()
        self.board: Board | None = None
        self.data = TableData({}, {}, {}, {})
        self.today = date.today()
        self.filter = BoardFilter()
        self.columns: tuple[str, ...] = DEFAULT_COLUMNS
        self.sort_key = "id"
        self.reverse = False
        self.rows: list[Measure] = []
        self.marked: set[str] = set()
        """Measures marked for a bulk edit (kept while the filter changes)."""
        self._hay = boardview.Haystacks()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="filterbar", markup=False)
        with Horizontal(id="body"):
            yield DataTable(id="measures", cursor_type="row", zebra_stripes=True)
            yield DetailPane(self.read_detail, id="detail")
        yield Input(placeholder="Suche in ID, Titel, Text und Notizen – esc löscht", id="filter")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Tabelle"
        self.reload()

    def data_changed(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Read the measures and their last changes in a worker; arrives as ``Loaded``."""
        from herne_tui.services import queries

        db = self.herne.db
        board = queries.load_board(db)
        changed = queries.last_changes(db)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(board, changed, system_clock().astimezone().date()))

    def on_table_screen_loaded(self, message: Loaded) -> None:
        board = message.board
        self.board = board
        self.today = message.today
        known = {m.id for m in board.measures}
        self.marked &= known
        self.data = TableData(
            {t.key: t.name for t in board.topics},
            {s.key: s.label for s in board.statuses},
            {s.key: s.order for s in board.statuses},
            message.changed,
        )
        self.refresh_table()

    # -- drawing -------------------------------------------------------------------------------
    def shown_measures(self) -> list[Measure]:
        """The filtered measures in the chosen order."""
        if self.board is None:
            return []
        done = self.board.done_statuses
        f, hay = self.filter, self._hay
        hits = [
            m
            for m in self.board.measures
            if boardview.matches(m, f, self.today, done, hay.of(m) if f.text else None)
        ]
        return sorted_measures(hits, self.sort_key, self.reverse, self.data)

    def refresh_table(self) -> None:
        """Redraw the rows; the cursor stays on the measure it was on."""
        table = self.query_one(DataTable)
        focused = self.focused_measure()
        table.clear(columns=True)
        table.add_column("✓", key="mark")
        for key in self.columns:
            label = BY_KEY[key].label
            if key == self.sort_key:
                label += " ▼" if self.reverse else " ▲"
            table.add_column(label, key=key)
        self.rows = self.shown_measures()
        for m in self.rows:
            mark = "✓" if m.id in self.marked else " "
            texts = (self._cell(k, m) for k in self.columns)
            table.add_row(mark, *texts, key=m.id)
        if focused is not None:
            index = next((i for i, m in enumerate(self.rows) if m.id == focused.id), 0)
            table.move_cursor(row=index)
        self._show_marked()
        self.sub_title = (
            f"{measures_count(len(self.rows))}, sortiert nach {BY_KEY[self.sort_key].label}"
        )
        self._show_detail()

    def _cell(self, key: str, measure: Measure) -> Text:
        """One cell; in the id and title columns a text search's matches are highlighted."""
        shown = cell(BY_KEY[key].text(measure, self.data))
        return highlighted(shown, self.filter.text) if key in ("id", "title") else shown

    def focused_measure(self) -> Measure | None:
        """The measure under the cursor."""
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # -- keys -----------------------------------------------------------------------------------
    def action_sort_next(self) -> None:
        """Sort by the next shown column (ascending)."""
        keys = list(self.columns)
        at = keys.index(self.sort_key) if self.sort_key in keys else -1
        self.sort_key = keys[(at + 1) % len(keys)]
        self.reverse = False
        self.refresh_table()

    def action_sort_reverse(self) -> None:
        """Reverse the order."""
        self.reverse = not self.reverse
        self.refresh_table()

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.sort_key:
            self.reverse = not self.reverse
        else:
            self.sort_key, self.reverse = key, False
        self.refresh_table()

    def action_choose_columns(self) -> None:
        """Pick the columns to show."""

        def done(keys: tuple[str, ...] | None) -> None:
            if keys:
                self.columns = keys
                if self.sort_key not in keys:
                    self.sort_key = keys[0]
                self.refresh_table()

        self.app.push_screen(ColumnPicker(self.columns), done)

    def action_toggle_detail(self) -> None:
        """Show or hide the detail pane."""
        pane = self.query_one(DetailPane)
        pane.set_visible(not pane.is_open)
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _row_moved(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        self.query_one(DetailPane).follow(self.focused_measure())

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_open_measure()

    def action_open_measure(self) -> None:
        """Open the measure under the cursor."""
        measure = self.focused_measure()
        if measure is not None:
            self.herne.open_measure(measure.id)

    # -- filters (the board's) ------------------------------------------------------------------
    def action_start_filter(self) -> None:
        """Type a search; the table narrows with every key."""
        box = self.query_one("#filter", Input)
        box.value = self.filter.text
        box.add_class("-visible")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._set_filter(text=event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#filter", Input).remove_class("-visible")
        self.query_one(DataTable).focus()

    def action_clear_filter(self) -> None:
        """Clear every filter."""
        self.query_one("#filter", Input).remove_class("-visible")
        self.filter = BoardFilter()
        self.query_one(DataTable).focus()
        self.refresh_table()

    def _set_filter(self, **changes: object) -> None:
        self.filter = replace(self.filter, **changes)  # type: ignore[arg-type]
        self.refresh_table()

    def action_pick_topic(self) -> None:
        """Filter by topic."""
        if self.board is not None:
            self.herne.push_screen(
                TopicPicker(self.board.topics, self.filter.topic),
                lambda key: None if key is None else self._set_filter(topic=key),
            )

    def action_pick_filter(self) -> None:
        """Filter by lead, person or overdue."""
        self.herne.push_screen(
            FilterForm(self.filter.lead, self.filter.responsible, self.filter.overdue_only),
            lambda values: None if values is None else self._set_filter(**values),
        )

    # -- bulk edits -----------------------------------------------------------------------------
    def action_mark(self) -> None:
        """Mark or unmark the focused row and go to the next one."""
        measure = self.focused_measure()
        if measure is None:
            return
        self.marked ^= {measure.id}
        table = self.query_one(DataTable)
        table.update_cell(measure.id, "mark", "✓" if measure.id in self.marked else " ")
        table.move_cursor(row=min(table.cursor_row + 1, len(self.rows) - 1))
        self._show_marked()

    def action_mark_all(self) -> None:
        """Mark every shown row; when all are marked already, unmark them."""
        shown = {m.id for m in self.rows}
        if shown <= self.marked:
            self.marked -= shown
        else:
            self.marked |= shown
        self.refresh_table()

    def _show_marked(self) -> None:
        bar = self.query_one("#filterbar", Static)
        described = self.filter.describe(self.data.topics)
        marked = f" · {len(self.marked)} markiert" if self.marked else ""
        bar.update(plain(f"{described} · {measures_count(len(self.rows))}{marked}", one_line=True))
        bar.set_class(self.filter.active() or bool(self.marked), "-active")

    def targets(self) -> list[Measure]:
        """The marked measures in the table's order, or the focused one if none is marked."""
        if self.board is None:
            return []
        if self.marked:
            return [m for m in self.board.measures if m.id in self.marked]
        focused = self.focused_measure()
        return [focused] if focused is not None else []

    def _names(self, measures: list[Measure]) -> str:
        ids = ", ".join(m.id for m in measures[:4])
        return ids + (f" und {len(measures) - 4} weitere" if len(measures) > 4 else "")

    def action_bulk_status(self) -> None:
        """Set the status of the marked measures (or the focused one)."""
        measures = self.targets()
        if not measures or self.board is None or not self.herne.check_writable():
            return
        choices = [(s.key, s.label) for s in self.board.statuses]
        self.herne.push_screen(
            ChoicePicker(f"Status für {self._names(measures)}", choices, measures[0].status),
            lambda key: self._save_bulk(measures, {"status": key}) if key else None,
        )

    def action_bulk_edit(self) -> None:
        """Set lead, responsible and/or due date of the marked measures; blank = unchanged."""
        measures = self.targets()
        if not measures or self.board is None or not self.herne.check_writable():
            return
        leads = ("", *agreement_of(self.board.meta).leads)
        fields = [
            FormField("lead", "Federführung", "choice", "", leads, {"": "— unverändert —"}),
            FormField("responsible", "Verantwortlich (leer: unverändert)", "text", ""),
            FormField("due", "Fällig (leer: unverändert)", "date", None),
            FormField("comment", "Kommentar für den Verlauf (z. B. Ratsbeschluss)", "text", ""),
        ]
        title = f"Sammeländerung: {self._names(measures)}"
        self.herne.push_screen(
            EditForm(title, fields),
            lambda changes: self._bulk_form_done(measures, changes),
        )

    def _bulk_form_done(self, measures: list[Measure], changes: dict | None) -> None:
        if not changes:
            return
        comment = str(changes.pop("comment", "") or "")
        if changes:
            self._save_bulk(measures, changes, comment)

    def _save_bulk(self, measures: list[Measure], fields: dict, comment: str = "") -> None:
        from herne_tui.services import edits

        versions = {m.id: m.version for m in measures}

        def done(saved: list[Measure]) -> None:
            self.marked.clear()
            self.notify(
                f"{measures_count(len(saved))} gespeichert (u macht alle zusammen rückgängig)."
            )

        def save() -> list[Measure]:
            try:
                return edits.update_measures(
                    self.herne.db,
                    changes={m.id: dict(fields) for m in measures},
                    user=self.herne.user,
                    versions=versions,
                    comment=comment,
                )
            except Conflict as exc:  # all or nothing: say which card and that nothing changed
                raise HerneError(
                    f"{exc.message} – nichts gespeichert; die Tabelle zeigt jetzt den neuen "
                    "Stand, bitte noch einmal"
                ) from exc
            finally:
                self.herne.call_from_thread(self.reload)

        self.write(save, done)

    def action_undo(self) -> None:
        """Undo your own last change (a bulk edit as a whole)."""
        from herne_tui.services import edits

        self.write(
            lambda: edits.undo_last(self.herne.db, user=self.herne.user),
            lambda what: self.notify(plain(f"Rückgängig: {what}")),
        )

    # -- saved views ---------------------------------------------------------------------------
    def view_state(self) -> dict:
        """What a saved view keeps of the table: filters, order, columns."""
        return {
            "mode": "table",
            "filter": asdict(self.filter),
            "sort": self.sort_key,
            "reverse": self.reverse,
            "columns": list(self.columns),
        }

    def apply_view(self, view: dict) -> None:
        """Show a saved view: its filters, order and columns."""
        columns = tuple(c for c in view.get("columns", ()) if c in BY_KEY)
        self.columns = columns or self.columns
        sort = view.get("sort", "id")
        self.sort_key = sort if sort in BY_KEY else "id"
        self.reverse = bool(view.get("reverse", False))
        self.filter = BoardFilter()
        self._set_filter(**view.get("filter", {}))
