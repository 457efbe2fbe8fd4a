"""The board: one column per status, cards for the measures, moved by keyboard.

The screen owns the state (the board data, the filter, the focused card) and hands it to the
columns; writes go through the services in thread workers and the board changes only after
the change is committed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import asdict, replace
from datetime import date

from rich.cells import cell_len, set_cell_size
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalScroll, Vertical
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from herne_tui.domain import boardview
from herne_tui.domain.boardview import BoardFilter, BoardModel
from herne_tui.domain.objects import Board, Measure, Status, agreement_of, measures_count
from herne_tui.errors import Conflict
from herne_tui.paths import system_clock
from herne_tui.screens.base import HerneScreen, guarded, quick_pending
from herne_tui.screens.pickers import FilterForm, Prompt, TopicPicker
from herne_tui.screens.unsaved import KeepsInput
from herne_tui.widgets.bottom_line import BottomLine, BottomLines
from herne_tui.widgets.card_column import CardList, CardView
from herne_tui.widgets.choice_line import ChoiceLine
from herne_tui.widgets.detail import DetailPane
from herne_tui.widgets.footer import QuietFooter
from herne_tui.widgets.note_line import NoteLine
from herne_tui.widgets.shown import plain


class Columns(HorizontalScroll, can_focus=False):
    """The row of status columns. Never focused, so ``left``/``right`` stay the board's keys
    (moving between columns) instead of scrolling the row by one cell; the board scrolls it
    to keep the focused column in view."""


def _drawn_alike(old: Measure, new: Measure) -> bool:
    """True when the two differ at most in what no card shows: the notes themselves (a save's
    result carries them, the board's reads do not) and their search text. The watcher's read
    of the app's own note is then no second repaint of its card."""
    return replace(old, notes=(), notes_text=None) == replace(new, notes=(), notes_text=None)


class BoardScreen(KeepsInput, HerneScreen):
    """The kanban board of all measures by status.

    | Key | Action |
    | :- | :- |
    | ←↓↑→ / h j k l | move the focus |
    | g / G | first / last card of the column |
    | H / L, shift+← / shift+→ | move the card to the previous / next status |
    | enter | open the measure |
    | / | filter by text; esc clears |
    | t / f | filter by topic / by lead, person or overdue |
    | u | undo your own last change |
    | p | detail pane beside the board on/off (from 100 columns) |
    | s / n / x | set the status / add a note / report a dissent |
    """

    BINDINGS = [
        Binding("left,h", "focus_column(-1)", "Spalte ←", show=False, id="board.column-left"),
        Binding("right,l", "focus_column(1)", "Spalte →", show=False, id="board.column-right"),
        Binding("up,k", "focus_card(-1)", "Karte ↑", show=False, id="board.card-up"),
        Binding("down,j", "focus_card(1)", "Karte ↓", show=False, id="board.card-down"),
        Binding("g,home", "focus_edge(0)", "Erste Karte", show=False, id="board.first-card"),
        Binding("G,end", "focus_edge(1)", "Letzte Karte", show=False, id="board.last-card"),
        Binding(
            "H,shift+left",
            "move_card(-1)",
            "◀ Schieben",
            key_display="H",
            show=False,
            id="board.move-left",
        ),
        Binding(
            "L,shift+right",
            "move_card(1)",
            "Schieben ▶",
            key_display="L",
            show=False,
            id="board.move-right",
        ),
        Binding("enter", "open_measure", "Öffnen", show=False, id="board.open"),
        Binding("slash", "start_filter", "Suche", key_display="/", id="board.search"),
        Binding("t", "pick_topic", "Thema", show=False, id="board.topic"),
        Binding("f", "pick_filter", "Filter", show=False, id="board.filter"),
        Binding("escape", "clear_filter", "Filter aus", show=False, id="board.clear-filter"),
        Binding("u", "undo", "Rückgängig", show=False, id="board.undo"),
        Binding("s", "set_status", "Status setzen", id="board.status"),
        Binding("n", "note", "Notiz", id="board.note"),
        Binding("x", "dissent", "Dissens melden", id="board.dissent"),
        Binding("z", "toggle_density", "Kompakt", show=False, id="board.density"),
        Binding("p", "toggle_detail", "Details", show=False, id="board.detail"),
    ]
    EDITING = frozenset({"move_card", "undo", "set_status", "note", "dissent"})
    AUTO_FOCUS = ""
    """Nothing is focused on the board: its keys are the screen's (the search field takes the
    focus only while it is shown)."""

    DEFAULT_CSS = """
    BoardScreen #filterbar { height: 1; padding: 0 1; background: $boost; display: none; }
    BoardScreen #filterbar.-active { display: block; }
    BoardScreen #body { height: 1fr; }
    BoardScreen #columns { height: 100%; width: 1fr; }
    BoardScreen .column { width: 30; height: 100%; border-right: vkey $panel; }
    BoardScreen .column-header { height: 1; padding: 0 1; text-style: bold; background: $panel; }
    BoardScreen .column-header.-active { background: $accent; color: $text; }
    BoardScreen { layers: default line; }
    BoardScreen #bottomline { layer: line; dock: bottom; height: auto; }
    BoardScreen #filter { display: none; }
    BoardScreen #filter.-visible { display: block; }
    BoardScreen #empty { padding: 1 2; display: none; }
    """

    class Loaded(Message):
        """Fresh board data arrived from a worker."""

        def __init__(self, board: Board, today: date) -> None:
            super().__init__()
            self.board = board
            self.today = today

    class Saved(Message):
        """A measure was saved; the board shows the committed state."""

        def __init__(self, measure: Measure) -> None:
            super().__init__()
            self.measure = measure

    class CardsRead(Message):
        """Measures others changed, read again by a worker (``gone``: deleted meanwhile)."""

        def __init__(self, measures: dict[str, Measure], gone: frozenset[str], today: date) -> None:
            super().__init__()
            self.measures = measures
            self.gone = gone
            self.today = today

    class SelectMeasure(Message, bubble=False):
        """Put the focus on a measure (from the command palette)."""

        def __init__(self, measure_id: str) -> None:
            super().__init__()
            self.measure_id = measure_id

    def __init__(self) -> None:
        super().__init__()
        self.model: BoardModel | None = None
        """The board in memory; edits and others' commits change it one measure at a time."""
        self.today = date.today()
        self._filter = BoardFilter()
        self.column_index = 0
        self.rows: dict[str, int] = {}
        self.focus_id: str | None = None
        self._views: dict[str, tuple[Measure, str, CardView]] = {}
        """Each measure's card view, kept while the measure is the same object and the search
        text the same (its matches are highlighted on the card)."""
        self._topic_index: dict[str, int] = {}
        self._pending: dict[str, str] = {}
        """Status a card will have once the saves in flight are done."""
        self._saved_versions: dict[str, int] = {}
        """Version each of this screen's saves produced (the next save builds on it)."""
        self._write_lock = threading.Lock()
        self.compact = False
        """One line per card (config ``density = "compact"``, ``z`` toggles)."""
        self.detail_wanted = False
        """``p`` asked for the detail pane (shown while the terminal is wide enough)."""

    @property
    def board(self) -> Board | None:
        """The board shown, as a frozen snapshot (None before the first load)."""
        return self.model.board() if self.model is not None else None

    @property
    def shown(self) -> dict[str, list[Measure]]:
        """The measures each column shows (after the filter), in board order."""
        return self.model.shown if self.model is not None else {}

    @property
    def filter(self) -> BoardFilter:
        """The board's filters."""
        return self._filter

    @filter.setter
    def filter(self, value: BoardFilter) -> None:
        self._filter = value
        if self.model is not None:
            self.model.set_filter(value)

    # -- composition & loading ------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="filterbar", markup=False)
        with Horizontal(id="body"):
            yield Columns(id="columns")
            yield DetailPane(self.read_detail, id="detail")
        yield Static("Keine Maßnahmen.", id="empty")
        # the search field and the note line sit over the footer on a layer of their own, in
        # one container that is always there: showing them repaints only their rows
        with BottomLines(id="bottomline"):
            search = "Suche in ID, Titel, Text und Notizen – esc löscht"
            yield Input(placeholder=search, id="filter")
            yield NoteLine(id="noteline")
            yield ChoiceLine(id="choiceline")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.compact = getattr(self.herne, "density", "normal") == "compact"
        self.title = "Board"
        initial = self.herne.initial_board
        if initial is not None:  # painted from the quick start; the ORM is not needed yet
            self.herne.initial_board = None
            self.post_message(self.Loaded(initial, system_clock().astimezone().date()))
        else:
            self.reload()
        self.call_after_refresh(self.check_access)

    @work(thread=True, group="access")
    @guarded
    def check_access(self) -> None:
        """Ask the database what the user may do (issue 14); the app follows the answer."""
        db = self.herne.db
        # a quick start answers without the ORM (the real database opens later)
        access = db.quick_access(self.herne.user) if quick_pending(db) else None
        if access is None:
            # deferred: after the first paint, like the board's own load
            from herne_tui.services import queries

            access = queries.user_access(db, self.herne.user)
        self.app.call_from_thread(self.herne.apply_access, access)

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Read the board in a worker; the result arrives as ``Loaded``."""
        # deferred: the board paints (from the quick start) before the ORM has loaded
        from herne_tui.services import queries

        db = self.herne.db
        board = queries.load_board(db)
        if not get_current_worker().is_cancelled:  # a newer load is on its way
            self.post_message(self.Loaded(board, db.now().astimezone().date()))

    async def on_board_screen_loaded(self, message: Loaded) -> None:
        first = self.model is None
        self.model = BoardModel(message.board, self.filter, message.today)
        self.today = message.today
        self._views.clear()
        self._topic_index = {t.key: i for i, t in enumerate(message.board.topics)}
        self.herne.labels = {s.key: s.label for s in message.board.statuses}
        self.herne.show_agreement(message.board.meta)
        self.herne.seen_history(message.board.history_id)
        if first:
            await self._build_columns(message.board)  # the columns exist before they are filled
        self._refresh_columns()

    def on_herne_screen_outdated(self, message: HerneScreen.Outdated) -> None:
        """Others committed: read again only the measures they changed (hidden or not)."""
        ids = boardview.measures_to_read(message.entries)
        if ids is None or self.model is None:
            return  # the whole board: HerneScreen reloads it now or when shown again
        message.prevent_default()
        if ids:
            self.read_cards(ids)

    @work(thread=True, group="cards")
    @guarded
    def read_cards(self, ids: set[str]) -> None:
        """Read some measures in a worker; they arrive as ``CardsRead``."""
        # deferred: the board paints (from the quick start) before the ORM has loaded
        from herne_tui.services import queries

        db = self.herne.db
        found = queries.cards(db, ids)
        gone = frozenset(ids - found.keys())
        self.post_message(self.CardsRead(found, gone, db.now().astimezone().date()))

    def on_board_screen_cards_read(self, message: CardsRead) -> None:
        if self.model is None:
            return
        if self.model.set_day(message.today):  # after midnight: overdue counts from today
            self.today = message.today
            self._views.clear()
            self._refresh_columns()
        self._apply_changes(message.measures.values(), message.gone)

    async def _build_columns(self, board: Board) -> None:
        container = self.query_one("#columns", Columns)
        widgets = []
        for status in board.statuses:
            widgets.append(
                Vertical(
                    Static(
                        plain(status.label, one_line=True), classes="column-header", markup=False
                    ),
                    CardList(id=f"cards-{status.key}"),
                    classes="column",
                    id=f"col-{status.key}",
                )
            )
        await container.mount_all(widgets)
        self._apply_density()
        self._fit_columns()

    def _apply_density(self) -> None:
        for cards in self.query(CardList):
            cards.set_compact(self.compact)
        self._sync_focus()

    def action_toggle_density(self) -> None:
        """One line per card, or the full cards."""
        self.compact = not self.compact
        self._apply_density()

    COLUMN_MIN_WIDTH = 20
    """A column is at least this wide (six fit in 120 cells); below, the board scrolls sideways."""
    DETAIL_MIN_WIDTH = 100
    """Below this many columns the detail pane stays hidden (the cards need the room)."""

    _sized_for: Size | None = None
    """The terminal size the board last laid itself out for (its columns, the detail pane)."""

    def on_resize(self, event: Resize) -> None:
        if event.size == self._sized_for:
            # Textual sends a start-up's size up to three times (the screen's first layout, the
            # app's first size, the driver's): each would lay the screen out and repaint it all
            event.prevent_default()
            return
        self._sized_for = event.size
        self._place_detail()
        self._fit_columns()
        if self._has_columns():  # narrower: the focused column may have left the view
            self.call_after_refresh(self._keep_column_in_view)

    _scrolled_column: str | None = None
    """The column the row of columns was last scrolled to."""

    def _keep_column_in_view(self) -> None:
        key = self._status_keys()[self.column_index]
        self._scrolled_column = key
        self.query_one("#columns").scroll_to_widget(self.query_one(f"#col-{key}"), animate=False)

    def _fit_columns(self) -> None:
        """Share the width among the columns; below the minimum the board scrolls sideways."""
        columns = list(self.query(".column"))
        if not columns:
            return
        room = self.size.width - self._detail_width()
        width = max(self.COLUMN_MIN_WIDTH, room // len(columns))
        self._column_width = width
        for column in columns:
            column.styles.width = width
        if self.model is not None:  # the headers shorten their labels to the new width
            for status in self.model.statuses:
                header = self.query_one(f"#col-{status.key} .column-header", Static)
                self._show_header(header, status, len(self.model.shown[status.key]))

    _column_width = COLUMN_MIN_WIDTH

    def _show_header(self, header: Static, status: Status, count: int) -> None:
        """``label (count)`` and ✓ for a done status; a label too long for the column is cut
        with … so that the count always shows."""
        tail = f" ({count})" + (" ✓" if status.done else "")
        room = self._column_width - 3  # the border and the header's padding
        label = plain(status.label, one_line=True)
        if cell_len(label) + cell_len(tail) > room:
            label = set_cell_size(label, max(1, room - cell_len(tail) - 1)).rstrip() + "…"
        text = label + tail
        if str(header.content) != text:  # fixed height: no layout pass needed
            header.update(text, layout=False)

    # -- the detail pane ---------------------------------------------------------------------
    def _detail_width(self) -> int:
        pane = self.query_one(DetailPane)
        return max(40, self.size.width // 3) if pane.is_open else 0

    def action_toggle_detail(self) -> None:
        """Show or hide the focused measure's text, notes and history beside the board."""
        self.detail_wanted = not self.detail_wanted
        self._place_detail(notice=self.detail_wanted)
        self._fit_columns()

    def _place_detail(self, notice: bool = False) -> None:
        """Show the pane when it is wanted and the terminal is wide enough; ``notice``: say
        so when it is wanted but does not fit."""
        pane = self.query_one(DetailPane)
        fits = self.size.width >= self.DETAIL_MIN_WIDTH
        show = self.detail_wanted and fits
        if self.detail_wanted and not fits and (notice or pane.is_open):
            self.notify(
                f"Details neben dem Board erst ab {self.DETAIL_MIN_WIDTH} Spalten "
                f"(jetzt {self.size.width}); v zeigt die Tabelle, enter öffnet die Maßnahme.",
                severity="warning",
            )
        if show != pane.is_open:
            pane.set_visible(show)
        if show:
            pane.styles.width = self._detail_width()
            self._show_detail()

    def _show_detail(self) -> None:
        """The pane follows the focus (one read at a time, see ``DetailPane``)."""
        pane = self.query_one(DetailPane)
        if pane.is_open:  # nothing to look up on every key while the pane is closed
            pane.follow(self.focused_measure())

    # -- state → widgets ---------------------------------------------------------------------
    def _status_keys(self) -> list[str]:
        return self.model.status_keys() if self.model else []

    def _has_columns(self) -> bool:
        return bool(self._status_keys()) and bool(self.query(CardList))

    def _card_view(self, m: Measure) -> CardView:
        """The card of a measure, made once per version of it and search text (when it is
        first drawn)."""
        needle = self._filter.text.strip()
        cached = self._views.get(m.id)
        if cached is not None and cached[0] is m and cached[1] == needle:
            return cached[2]
        done = self.model.done if self.model is not None else frozenset()
        view = CardView(
            m.id,
            m.topic,
            self._topic_index.get(m.topic, 0),
            plain(m.title, one_line=True),
            plain(boardview.markers(m, self.today, done), one_line=True),  # the responsible
            m.is_overdue(self.today, done),
            needle,
        )
        self._views[m.id] = (m, needle, view)
        return view

    def _refresh_columns(self, changed: set[str] | None = None) -> None:
        """Show the model; only the columns in ``changed`` get new cards (None: all)."""
        model = self.model
        if model is None or not self.query(CardList):
            return
        keys = model.status_keys()
        # keep the focus on the same card, wherever it is now
        found = model.find(self.focus_id) if self.focus_id else None
        if found is not None:
            self.column_index = keys.index(found[0])
            self.rows[found[0]] = found[1]
        for i, status in enumerate(model.statuses):
            items = model.shown[status.key]
            column = self.query_one(f"#col-{status.key}", Vertical)
            header = column.query_one(".column-header", Static)
            # on the header, not the column: a class on the column restyles (repaints) it all
            header.set_class(i == self.column_index, "-active")
            self._show_header(header, status, len(items))
            cards = self.query_one(f"#cards-{status.key}", CardList)
            if changed is None or status.key in changed:  # repaint only what changed
                cards.set_cards(items, self._card_view)
            row = min(self.rows.get(status.key, 0), max(0, len(items) - 1))
            self.rows[status.key] = row
            cards.selected = row if items else None
            cards.active = i == self.column_index
        bar = self.query_one("#filterbar", Static)
        names = {t.key: t.name for t in model.topics}
        shown = sum(len(v) for v in model.shown.values())
        if self.filter.active() or bar.has_class("-active"):
            bar.update(
                plain(
                    f"Filter: {self.filter.describe(names)} – {shown} von "
                    f"{measures_count(len(model.by_id))} (esc: alle)",
                    one_line=True,
                ),
                layout=False,
            )
            bar.set_class(self.filter.active(), "-active")
        self.query_one("#empty").display = shown == 0
        self._sync_focus()

    def _sync_focus(self) -> None:
        if not self._has_columns():
            return
        key = self._status_keys()[self.column_index]
        items = self.shown.get(key, [])
        row = self.rows.get(key, 0)
        self.focus_id = items[row].id if items else None
        cards = self.query_one(f"#cards-{key}", CardList)
        if items:
            cards.scroll_to_card(row)
            # the column may just have grown: scroll again once its new size is laid out
            self.call_after_refresh(cards.scroll_to_card, row)
        if self._scrolled_column != key:  # only when the column changes
            self._keep_column_in_view()
        self._show_detail()
        # no sub_title here: changing the header repaints the whole screen on every key

    def focused_measure(self) -> Measure | None:
        """The measure under the board's focus, if any."""
        if not self._has_columns():
            return None
        key = self._status_keys()[self.column_index]
        items = self.shown.get(key, [])
        return items[self.rows.get(key, 0)] if items else None

    # -- navigation ----------------------------------------------------------------------------
    def action_focus_column(self, delta: int) -> None:
        """Move the focus to the neighbouring column, keeping the row where possible."""
        if not self._has_columns():
            return
        keys = self._status_keys()
        old_row = self.rows.get(keys[self.column_index], 0)
        self.column_index = max(0, min(len(keys) - 1, self.column_index + delta))
        key = keys[self.column_index]
        self.rows[key] = min(old_row, max(0, len(self.shown[key]) - 1))
        self._update_selection()

    def action_focus_card(self, delta: int) -> None:
        """Move the focus up or down within the column."""
        if not self._has_columns():
            return
        key = self._status_keys()[self.column_index]
        count = len(self.shown[key])
        self.rows[key] = max(0, min(count - 1, self.rows.get(key, 0) + delta))
        self._update_selection()

    def action_focus_edge(self, last: int) -> None:
        """Jump to the first (0) or last (1) card of the column."""
        if not self._has_columns():
            return
        key = self._status_keys()[self.column_index]
        self.rows[key] = max(0, len(self.shown[key]) - 1) if last else 0
        self._update_selection()

    def _update_selection(self) -> None:
        for i, key in enumerate(self._status_keys()):
            cards = self.query_one(f"#cards-{key}", CardList)
            active = i == self.column_index
            if cards.active != active:
                cards.active = active
                self.query_one(f"#col-{key} .column-header").set_class(active, "-active")
            cards.selected = self.rows.get(key, 0) if self.shown[key] else None
        self._sync_focus()

    def on_card_list_clicked(self, message: CardList.Clicked) -> None:
        key = (message.column.id or "").removeprefix("cards-")
        self.column_index = self._status_keys().index(key)
        self.rows[key] = message.index
        self._update_selection()

    def on_board_screen_select_measure(self, message: SelectMeasure) -> None:
        if not self.select_measure(message.measure_id):
            self.notify(f"Maßnahme {message.measure_id} nicht gefunden.", severity="warning")

    def select_measure(self, measure_id: str) -> bool:
        """Put the focus on a measure (clearing filters that hide it); False if unknown."""
        if self.model is None or measure_id not in self.model.by_id:
            return False
        if self.model.find(measure_id) is None:
            self.filter = BoardFilter()
        self.focus_id = measure_id
        self._refresh_columns()
        return True

    # -- editing -------------------------------------------------------------------------------
    def _focused_card(self) -> Measure | None:
        """The focused card for a key that acts on one; on a column without cards one line
        says so (a key typed there must not look as if it had been swallowed)."""
        measure = self.focused_measure()
        if measure is None and self.model is not None:
            self.notify(
                "Keine Karte ausgewählt: diese Spalte ist leer (h/l wählt eine andere).",
                severity="warning",
            )
        return measure

    def action_move_card(self, delta: int) -> None:
        """Move the focused card to the previous/next status; saved at once.

        Fast repeated moves build on each other: a move counts from the status the card is
        about to have, and each save uses the version the previous one produced, so a quick
        ``L`` ``L`` ``H`` never conflicts with itself.
        """
        measure = self._focused_card()
        if measure is None or not self.herne.check_writable():
            return
        keys = self._status_keys()
        current = self._pending.get(measure.id, measure.status)
        target = keys.index(current) + delta
        if not 0 <= target < len(keys):
            self.notify("Keine weitere Spalte in dieser Richtung.", severity="warning")
            return
        self._pending[measure.id] = keys[target]
        self._save(measure.id, {"status": keys[target]}, measure.version)

    def _save(self, measure_id: str, changes: dict, version: int) -> None:
        def update() -> Measure:
            # deferred: the board paints before the ORM has loaded (this runs in the worker)
            from herne_tui.services import edits

            # under the lock: the version the previous save produced is known by now
            base = max(version, self._saved_versions.get(measure_id, version))
            return edits.update_measure(
                self.herne.db,
                measure_id=measure_id,
                changes=changes,
                user=self.herne.user,
                expected_version=base,
            )

        self.write(
            update,
            self._record_save,
            retry=self._retry_save,
            failed=lambda: self._forget_pending(measure_id),
            lock=self._write_lock,  # this screen's saves run one after another
        )

    def _record_save(self, measure: Measure) -> None:
        self._saved_versions[measure.id] = measure.version
        self.post_message(self.Saved(measure))

    def _forget_pending(self, measure_id: str) -> None:
        self._pending.pop(measure_id, None)
        self._saved_versions.pop(measure_id, None)

    def _retry_save(self, conflict: Conflict) -> None:
        self._save(conflict.entity_id, conflict.mine, conflict.version)

    def on_board_screen_saved(self, message: Saved) -> None:
        self._show_saved(message.measure)

    def _show_saved(self, measure: Measure, notice: str = "") -> None:
        """Show a save of this screen's (on the UI thread), with its notice if any."""
        if self._pending.get(measure.id) == measure.status:  # on the main thread: no gap
            self._pending.pop(measure.id, None)
        self.apply_measure(measure)
        # the watcher sees this commit now, not at its next tick: the app is idle sooner
        self.herne.poll_now()
        if notice:
            self.notify(notice)

    def on_herne_screen_measure_changed(self, message: HerneScreen.MeasureChanged) -> None:
        self.apply_measure(message.measure)

    def on_herne_screen_change_dropped(self, message: HerneScreen.ChangeDropped) -> None:
        self.reload()

    def apply_measure(self, measure: Measure) -> None:
        """Show a committed measure; the focus follows it if it was focused."""
        if self.model is not None:
            self._apply_changes((measure,))

    def _apply_changes(self, measures: Iterable[Measure], gone: Iterable[str] = ()) -> None:
        """Put committed measures into the model and repaint what changed: a card that stays
        where it was (a note, a new responsible) alone, a column whose cards moved whole."""
        model = self.model
        if model is None:
            return
        columns: set[str] = set()
        in_place: list[tuple[Measure, bool]] = []  # and whether its card looks different
        for measure in measures:
            old = model.by_id.get(measure.id)
            place = model.locate(old) if old is not None else None
            changed = model.put(measure)
            if (
                old is not None
                and place is not None
                and changed == {old.status} == {measure.status}
                and model.locate(model.by_id[measure.id]) == place
            ):
                in_place.append((measure, not _drawn_alike(old, model.by_id[measure.id])))
            else:
                columns |= changed
        for measure_id in gone:
            columns |= model.remove(measure_id)
        if columns:
            self._refresh_columns(columns)
        for measure, looks_different in in_place:
            found = model.find(measure.id)
            if found is not None and found[0] not in columns:  # else drawn anew already
                if looks_different:
                    self.query_one(f"#cards-{found[0]}", CardList).refresh_card(found[1])
                if self.focus_id == measure.id:
                    self._show_detail()  # the pane shows the notes: it follows any change

    def action_open_measure(self) -> None:
        """Open the focused measure."""
        measure = self._focused_card()
        if measure is not None:
            self.herne.open_measure(measure.id)

    def action_set_status(self) -> None:
        """Choose the focused card's status from a list (at the bottom of the board)."""
        measure = self._focused_card()
        if measure is None or self.model is None or not self._lines_closed():
            return
        if not self.herne.check_writable():
            return
        choices = [(s.key, s.label) for s in self.model.statuses]
        # before the focus moves: a footer rebuilt under the list would be wasted
        self.query_one(QuietFooter).covered = True
        self.query_one(ChoiceLine).open(
            measure.id, f"Status für {measure.id}", choices, measure.status
        )

    @on(ChoiceLine.Chosen)
    def _status_chosen(self, message: ChoiceLine.Chosen) -> None:
        measure = self.model.by_id.get(message.subject) if self.model is not None else None
        if measure is not None:
            self._pending[measure.id] = message.key
            self._save(measure.id, {"status": message.key}, measure.version)

    def _lines_closed(self) -> bool:
        """True when neither the note line nor the status list is open (one at a time)."""
        if any(line.is_open for line in self.query(BottomLine)):
            self.notify("Erst die offene Eingabe unten abschließen (enter) oder abbrechen (esc).")
            return False
        return True

    def action_note(self) -> None:
        """Append a note to the focused card (in the line at the bottom)."""
        measure = self._focused_card()
        if measure is None or not self._lines_closed() or not self.herne.check_writable():
            return
        access = self.herne.access
        # internal notes need a user list and a party (issue 14), as in the measure view
        party = access.partner if access is not None and access.managed else ""
        self.query_one(QuietFooter).covered = True  # before the focus moves, as for `s`
        self.query_one(NoteLine).open(measure.id, measure.title, party)

    @on(NoteLine.Submitted)
    def _note(self, message: NoteLine.Submitted) -> None:
        """Write the line's note; the line stays open until it is saved (or says why not)."""
        line, measure_id, text = message.line, message.measure_id, message.text
        intern = message.intern

        def add() -> Measure:
            # deferred: the board paints before the ORM has loaded (this runs in the worker)
            from herne_tui.services import edits

            return edits.add_note(
                self.herne.db, measure_id=measure_id, text=text, user=self.herne.user, intern=intern
            )

        def saved(measure: Measure) -> None:
            # one frame: the line closes, the card and the notice appear
            with self.herne.batch_update():
                line.saved()
                what = "Interne Notiz" if intern else "Notiz"
                self._show_saved(measure, f"{what} zu {measure_id} gespeichert.")

        self.write(add, saved, refused=lambda exc: line.refused(exc.message))

    @on(BottomLine.Closed)
    def _line_closed(self) -> None:
        self.set_focus(None)  # the board's keys again
        self.query_one(QuietFooter).uncover()

    def unsaved_input(self) -> bool:
        """True while the note line holds a note not saved yet."""
        return self.query_one(NoteLine).unsaved()

    def save_input(self) -> bool:
        """Save the note line's note, as enter does."""
        return self.query_one(NoteLine).submit()

    def action_dissent(self) -> None:
        """Report a dissent on the focused measure to the Koordinierungsgruppe."""
        measure = self._focused_card()
        if measure is None or not self.herne.check_writable():
            return
        self.herne.push_screen(
            Prompt(f"Dissens zu {measure.id} – Begründung"),
            lambda reason: self.raise_dissent(f"measure:{measure.id}", reason) if reason else None,
        )

    def action_undo(self) -> None:
        """Undo the user's own last change (recorded like any change)."""
        if self.herne.check_writable():
            self._undo()

    def _undo(self) -> None:
        def undo() -> str:
            # deferred: the board paints before the ORM has loaded (this runs in the worker)
            from herne_tui.services import edits

            return edits.undo_last(self.herne.db, user=self.herne.user)

        def done(what: str) -> None:
            self.notify(f"Rückgängig: {what}")
            self.herne.poll_now()  # the watcher brings the measures the undo changed

        self.write(undo, done, severity="warning")

    # -- filters ---------------------------------------------------------------------------------
    def action_start_filter(self) -> None:
        """Show the search field; typing filters at once."""
        field = self.query_one("#filter", Input)
        field.add_class("-visible")
        field.value = self.filter.text
        field.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._set_filter(text=event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#filter", Input).remove_class("-visible")
        self.set_focus(None)

    def action_clear_filter(self) -> None:
        """Clear every filter and hide the search field."""
        field = self.query_one("#filter", Input)
        field.remove_class("-visible")
        with field.prevent(Input.Changed):
            field.value = ""
        self.set_focus(None)
        self._set_filter(**asdict(BoardFilter()))

    def _set_filter(self, **changes) -> None:
        new = replace(self.filter, **changes)
        if new != self.filter:  # the same filter again (esc on an empty one) draws nothing
            self.filter = new
            self._refresh_columns()

    # -- saved views ---------------------------------------------------------------------------
    def view_state(self) -> dict:
        """What a saved view keeps of the board: its filters."""
        density = "compact" if self.compact else "normal"
        return {"mode": "board", "filter": asdict(self.filter), "density": density}

    def apply_view(self, view: dict) -> None:
        """Show a saved view: its filters replace the current ones."""
        if view.get("density") in ("compact", "normal"):
            self.compact = view["density"] == "compact"
            self._apply_density()
        self._set_filter(**{**asdict(BoardFilter()), **view.get("filter", {})})

    def action_pick_topic(self) -> None:
        """Choose a topic to filter by."""
        if self.model is not None:
            self.herne.push_screen(
                TopicPicker(self.model.topics, self.filter.topic),
                lambda key: None if key is None else self._set_filter(topic=key),
            )

    def action_pick_filter(self) -> None:
        """Filter by lead party, responsible person, or overdue only."""
        self.herne.push_screen(
            FilterForm(
                self.filter.lead,
                self.filter.responsible,
                self.filter.overdue_only,
                agreement_of(self.board.meta).leads if self.board is not None else (),
            ),
            lambda values: None if values is None else self._set_filter(**values),
        )

    # -- live refresh ------------------------------------------------------------------------------
    def data_changed(self) -> None:
        """Someone committed a change: reload, keeping focus, filter and scroll position."""
        self.reload()
