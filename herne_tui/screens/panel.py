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

from herne_tui.errors import Conflict, HerneError
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.screens.edit_form import EditForm, FormField
from herne_tui.services import queries
from herne_tui.widgets.shown import cell as _cell
from herne_tui.widgets.shown import plain

T = TypeVar("T")

WARN = "⚠"
"""Marks a row that contradicts the agreement; readable without colour."""


MIN_WIDTH = 6
"""A column is never squeezed below this many cells (its text wraps within)."""


FIRST_WIDTH = 20
"""The first column (what a row is) keeps up to this many cells before others give way."""


def fit_widths(natural: list[int], available: int) -> list[int]:
    """Column widths that fit ``available`` cells: the widest columns give way first
    (their text wraps), none below ``MIN_WIDTH`` (the first not below ``FIRST_WIDTH``)
    or below its own natural width."""
    if sum(natural) <= available:
        return natural
    others = sum(min(w, MIN_WIDTH) for w in natural[1:])
    first = max(MIN_WIDTH, min(FIRST_WIDTH, available - others))
    floors = [min(w, first if i == 0 else MIN_WIDTH) for i, w in enumerate(natural)]

    def capped(cap: int) -> list[int]:
        return [max(floor, min(w, cap)) for w, floor in zip(natural, floors, strict=True)]

    cap = max(natural)
    while cap > MIN_WIDTH and sum(capped(cap)) > available:
        cap -= 1
    return capped(cap)


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
        self._after_load: list[Callable[[], object]] = []
        """Run once when the next load has been shown (a form reopened on a new version)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.KEYS, id="intro", markup=False)
        # the first column (what the row is) stays put when a wide table scrolls sideways
        yield DataTable(cursor_type="row", zebra_stripes=True, fixed_columns=1, id="table")
        yield Static(id="problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.PANEL_TITLE
        table = self.query_one(DataTable)
        table.add_columns(*self.COLUMNS)
        table.focus()
        self.reload()

    def on_resize(self) -> None:
        if self.items:
            self._show_rows()

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
        self.items, self.context = message.items, message.context
        self._show_rows()
        waiting, self._after_load = self._after_load, []
        for then in waiting:
            then()

    def _show_rows(self) -> None:
        """Fill the table, its columns fitted to the screen's width (long text wraps)."""
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        panel_title = plain(self.context.get("title") or self.PANEL_TITLE, one_line=True)
        if self.title != panel_title:
            self.title = panel_title
        intro = " ".join(x for x in (self.context.get("intro", ""), self.KEYS) if x)
        self.query_one("#intro", Static).update(plain(intro))
        cells = [[_cell(c) for c in self.row(item)] for item in self.items]
        natural = [
            max([len(title), *(c.cell_len for c in (r[i] for r in cells))])
            for i, title in enumerate(self.COLUMNS)
        ]
        padding = 2 * table.cell_padding * len(natural) + 4  # + the scrollbar, the margins
        widths = fit_widths(natural, max(len(natural) * MIN_WIDTH, self.size.width - padding))
        table.clear(columns=True)
        for title, width in zip(self.COLUMNS, widths, strict=True):
            table.add_column(title, width=width)
        wrapped = widths != natural
        problems = []
        for item, row in zip(self.items, cells, strict=True):
            table.add_row(*row, key=self.key_of(item), height=None if wrapped else 1)
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
        self.edit_item(
            item,
            self.form,
            lambda db, it, changes: self.save(db, it, changes, it.version),
            lambda _: self.notify(f"{self.label_of(item)} gespeichert."),
        )

    def on_data_table_row_selected(self) -> None:
        self.action_edit()

    def edit_item(
        self,
        item: Any,
        build: Callable[[Any], tuple[str, list[FormField]]],
        save: Callable[[Any, Any, dict], T],
        done: Callable[[T], object] | None = None,
        *,
        typed: dict | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        """Open the form ``build(item)``; ctrl+s runs ``save(db, item, changes)`` as a write.

        A refused save opens the form again with what was typed and the reason under its
        field; after a conflict (someone saved the row meanwhile) it opens on the new version,
        the typed values kept, so nothing typed is lost.
        """
        title, fields = build(item)

        def submitted(changes: dict | None) -> None:
            if changes is None or (not changes and not typed):
                return

            def refused(exc: HerneError) -> None:
                if isinstance(exc, Conflict) and item is not None:
                    self._reopen_on_new_version(item, build, save, done, changes)
                    return
                field = self.error_field(exc.message, fields)
                self.edit_item(item, build, save, done, typed=changes, errors={field: exc.message})

            def finish(result: T) -> None:
                if done is not None:
                    done(result)
                self.reload()

            self.write(lambda: save(self.herne.db, item, changes), finish, refused=refused)

        self.herne.push_screen(EditForm(title, fields, typed=typed, errors=errors), submitted)

    def _reopen_on_new_version(self, item, build, save, done, typed: dict) -> None:
        key = self.key_of(item)
        message = (
            f"{self.label_of(item)} wurde inzwischen geändert: Ihre Eingaben stehen noch da – "
            "bitte prüfen und erneut speichern."
        )

        def reopen() -> None:
            fresh = next((x for x in self.items if self.key_of(x) == key), None)
            if fresh is None:
                self.notify(f"{self.label_of(item)} gibt es nicht mehr.", severity="error")
                return
            self.edit_item(fresh, build, save, done, typed=typed, errors={"": message})

        self._after_load.append(reopen)
        self.reload()

    def error_field(self, message: str, fields: list[FormField]) -> str:
        """The field a refusal names (its label's words before any parenthesis); "" if none."""
        for f in fields:
            name = f.label.split("(")[0].strip()
            if name and name.casefold() in message.casefold():
                return f.name
        return ""

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
