"""Base of the personnel panels: a table of rows, an edit form on enter, saved via services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from herne_tui.errors import Conflict
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.screens.edit_form import EditForm, FormField
from herne_tui.services import queries
from herne_tui.widgets.shown import cell as _cell
from herne_tui.widgets.shown import plain

T = TypeVar("T")

WARN = "⚠"
"""Marks a row that contradicts the agreement; readable without colour."""


def flag(problems: tuple[str, ...] | list[str]) -> Text:
    """A table cell with the row's problems (empty when none)."""
    if not problems:
        return Text("")
    return Text(f"{WARN} " + "; ".join(problems), style="bold red")


class PanelScreen(HerneScreen):
    """A panel: subclasses say what to fetch, how to show a row, and how to save an edit.

    | Key | Action |
    | :- | :- |
    | ↑↓ / j k | choose a row |
    | enter / e | edit the row |
    """

    BINDINGS = [
        Binding("enter,e", "edit", "Bearbeiten", id="panel.edit"),
        Binding("j", "cursor(1)", "↓", show=False, id="panel.cursor-down"),
        Binding("k", "cursor(-1)", "↑", show=False, id="panel.cursor-up"),
    ]
    EDITING = frozenset({"edit"})
    DEFAULT_CSS = """
    PanelScreen #intro { padding: 0 1; height: auto; color: $text-muted; }
    PanelScreen DataTable { height: 1fr; }
    PanelScreen #problems { padding: 0 1; height: auto; color: $error; }
    """
    PANEL_TITLE = ""
    """The title when the seed gives none (``[meta.screens.<SCREEN>] title``)."""
    SCREEN = ""
    """The screen's name in the seed's ``[meta.screens]``."""
    INTRO_RULES: tuple[str, ...] = ()
    """Rules whose summaries introduce the panel when the seed gives no intro text."""
    INTRO = ""
    """The intro when the seed gives none and none of ``INTRO_RULES`` exists."""
    KEYS = "enter: bearbeiten"
    """The key hint after the intro."""
    COLUMNS: tuple[str, ...] = ()

    class Loaded(Message):
        """Panel data arrived from a worker."""

        def __init__(self, items: list, context: dict) -> None:
            super().__init__()
            self.items = items
            self.context = context

    def __init__(self) -> None:
        super().__init__()
        self.items: list = []
        self.context: dict = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.KEYS, id="intro", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True, id="table")
        yield Static(id="problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.PANEL_TITLE
        table = self.query_one(DataTable)
        table.add_columns(*self.COLUMNS)
        table.focus()
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Fetch the panel's rows in a worker."""
        items, context = self.fetch(self.herne.db)
        context.setdefault("title", self.PANEL_TITLE)
        context.setdefault("intro", self.INTRO)
        if self.SCREEN:
            title, intro = self.texts(self.herne.db)
            context.update(title=title, intro=intro)
        self.post_message(self.Loaded(items, context))

    def texts(self, db) -> tuple[str, str]:
        """The panel's title and intro: the seed's own, else the summaries of its rules."""
        agreement = queries.agreement(db)
        rules = {r.key: r.summary for r in queries.list_rules(db)}
        fallback = " ".join(rules[k] for k in self.INTRO_RULES if rules.get(k)) or self.INTRO
        return (
            agreement.screen_text(self.SCREEN, "title", self.PANEL_TITLE),
            agreement.screen_text(self.SCREEN, "intro", fallback),
        )

    def on_panel_screen_loaded(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        self.items, self.context = message.items, message.context
        title = self.context.get("title") or self.PANEL_TITLE
        if self.title != title:
            self.title = title
        intro = " ".join(x for x in (self.context.get("intro", ""), self.KEYS) if x)
        self.query_one("#intro", Static).update(intro)
        table.clear()
        problems = []
        for item in self.items:
            row = [_cell(c) for c in self.row(item)]
            table.add_row(*row, key=self.key_of(item))
            problems += [f"{self.label_of(item)}: {p}" for p in self.problems(item)]
        if self.items:
            table.move_cursor(row=min(cursor, len(self.items) - 1))
        self.query_one("#problems", Static).update(
            "\n".join(f"{WARN} {plain(p, one_line=True)}" for p in problems) if problems else ""
        )

    def action_cursor(self, delta: int) -> None:
        """Move the row cursor."""
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.cursor_row + delta))

    def current(self) -> Any | None:
        """The item under the cursor."""
        table = self.query_one(DataTable)
        if not self.items:
            return None
        return self.items[min(table.cursor_row, len(self.items) - 1)]

    def action_edit(self) -> None:
        """Open the edit form for the row under the cursor."""
        item = self.current()
        if item is None or not self.herne.check_writable():
            return
        title, fields = self.form(item)
        self.herne.push_screen(
            EditForm(title, fields),
            lambda changes: self._save(item, changes, item.version) if changes else None,
        )

    def on_data_table_row_selected(self) -> None:
        self.action_edit()

    def _save(self, item: Any, changes: dict, version: int) -> None:
        def done(_: object) -> None:
            self.notify(f"{self.label_of(item)} gespeichert.")
            self.reload()

        self.write(
            lambda: self.save(self.herne.db, item, changes, version),
            done,
            retry=lambda c: self._save(item, c.mine, c.version),
            reload=self.reload,
        )

    def run_write(
        self, write: Callable[[Any], T], done: Callable[[T], object] | None = None
    ) -> None:
        """Run ``write(db)`` through the services in a worker, then ``done(result)``."""

        def finish(result: T) -> None:
            if done is not None:
                done(result)
            self.reload()

        self.write(
            lambda: write(self.herne.db),
            finish,
            # the edit spans several fields or rows: show the new state, let the user redo it
            retry=self._redo_on_new_version,
            reload=self.reload,
        )

    def _redo_on_new_version(self, conflict: Conflict) -> None:
        self.notify(
            "Bitte die Änderung auf der neuen Fassung noch einmal eingeben.", severity="warning"
        )
        self.reload()

    def data_changed(self) -> None:
        """Someone committed a change: reload, keeping the cursor."""
        self.reload()

    # -- for subclasses --------------------------------------------------------------------------
    def fetch(self, db) -> tuple[list, dict]:
        """Items and context (e.g. partners) read from the database."""
        raise NotImplementedError

    def row(self, item) -> tuple:
        """The table cells of one item."""
        raise NotImplementedError

    def key_of(self, item) -> str:
        """A stable key of an item."""
        return item.key

    def label_of(self, item) -> str:
        """A short German label of an item for messages."""
        return getattr(item, "title", None) or getattr(item, "name", "") or self.key_of(item)

    def problems(self, item) -> list[str]:
        """What contradicts the agreement in this item."""
        return []

    def form(self, item) -> tuple[str, list[FormField]]:
        """Title and fields of the edit form."""
        raise NotImplementedError

    def save(self, db, item, changes: dict, version: int) -> None:
        """Save changes through a service (raises Conflict on a stale version)."""
        raise NotImplementedError

    def parties(self) -> tuple[str, ...]:
        """The choices for a party field: none, or one of the partners."""
        return ("", *self.context.get("partners", ()))
