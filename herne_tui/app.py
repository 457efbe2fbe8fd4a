"""The Textual app: modes for the board and the panels, app-wide keys, live refresh."""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from herne_tui.commands import MeasureProvider, ScreenActionsProvider
from herne_tui.domain.objects import Board, DateError, HistoryEntry, parse_date
from herne_tui.errors import Conflict, HerneError
from herne_tui.screens.base import HerneScreen
from herne_tui.screens.board import BoardScreen
from herne_tui.screens.conflict import ConflictScreen
from herne_tui.screens.help import HelpScreen
from herne_tui.screens.pickers import Prompt
from herne_tui.screens.unsaved import DROP, SAVE, KeepsInput, UnsavedDialog
from herne_tui.widgets.german import GermanApp

if TYPE_CHECKING:  # both load the ORM; the app imports them only when they are needed
    from herne_tui.screens.measure import MeasureScreen
    from herne_tui.services.watch import ChangeWatcher

PANELS = {
    "board": ("Board", "board:BoardScreen"),
    "committees": ("Ausschüsse", "committees:CommitteesScreen"),
    "posts": ("Bürgermeister & Bezirke", "posts:PostsScreen"),
    "dezernat": ("Dezernat III", "dezernat:DezernatScreen"),
    "holdings": ("Beteiligungen", "holdings:HoldingsScreen"),
    "history": ("Verlauf", "history:HistoryScreen"),
    "progress": ("Fortschritt", "review:ProgressScreen"),
    "papers": ("Anträge & Vorlagen", "papers:PapersScreen"),
    "coordination": ("Koordinierungsgruppe", "coordination:CoordinationScreen"),
}
"""Mode name → (German title, screen in herne_tui.screens); keys 1–9 in this order."""

EXTRA_MODES = {
    "review": ("Wochenrückblick", "review:ReviewScreen", "w"),
    "deadlines": ("Fristen", "deadlines:DeadlinesScreen", "d"),
    "checks": ("Prüfungen", "deadlines:ChecksScreen", "0"),
    "table": ("Tabelle aller Maßnahmen", "table:TableScreen", "v"),
}
"""Screens on letter keys: mode name → (German title, screen, key)."""


def screen_class(spec: str) -> type[Screen]:
    """Import a screen class named ``module:Class`` from herne_tui.screens on first use,
    so start-up only pays for the board (the other screens load the ORM)."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(f"herne_tui.screens.{module}"), name)


_SCREEN_SPECS = {name: spec for name, (_, spec) in PANELS.items()} | {
    name: spec for name, (_, spec, _) in EXTRA_MODES.items()
}


def _lazy(spec: str) -> Callable[[], Screen]:
    return lambda: screen_class(spec)()


def report_format(path: str) -> str:
    """The report format a file name asks for (.html, .txt, else Markdown)."""
    suffix = Path(path).suffix.lower()
    return {".html": "html", ".htm": "html", ".txt": "text"}.get(suffix, "md")


def bindings_of(owner: type[App] | type[Screen]) -> list[Binding]:
    """The key bindings a screen or app class declares (all of ours are ``Binding``s)."""
    return [b for b in owner.BINDINGS if isinstance(b, Binding)]


class HerneApp(GermanApp):
    """herne-tui: the board of the agreement and its personnel panels."""

    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        name: _lazy(spec) for name, spec in _SCREEN_SPECS.items()
    }
    DEFAULT_MODE = "board"
    COMMANDS = App.COMMANDS | {MeasureProvider, ScreenActionsProvider}
    BINDINGS = [
        Binding("1", "panel('board')", "Board", show=False, id="app.panel-board"),
        Binding("2", "panel('committees')", "Ausschüsse", show=False, id="app.panel-committees"),
        Binding("3", "panel('posts')", "Bürgermeister", show=False, id="app.panel-posts"),
        Binding("4", "panel('dezernat')", "Dezernat III", show=False, id="app.panel-dezernat"),
        Binding("5", "panel('holdings')", "Beteiligungen", show=False, id="app.panel-holdings"),
        Binding("6", "panel('history')", "Verlauf", show=False, id="app.panel-history"),
        Binding("7", "panel('progress')", "Fortschritt", show=False, id="app.panel-progress"),
        Binding("8", "panel('papers')", "Anträge", show=False, id="app.panel-papers"),
        Binding(
            "9",
            "panel('coordination')",
            "Koordinierungsgruppe",
            show=False,
            id="app.panel-coordination",
        ),
        Binding("0", "panel('checks')", "Prüfungen", show=False, id="app.panel-checks"),
        Binding("w", "panel('review')", "Wochenrückblick", show=False, id="app.panel-review"),
        Binding("d", "panel('deadlines')", "Fristen", show=False, id="app.panel-deadlines"),
        Binding("v", "toggle_table", "Board/Tabelle", show=False, id="app.toggle-table"),
        Binding("question_mark", "help", "Tasten", key_display="?", id="app.help"),
        Binding("ctrl+p", "command_palette", "Befehle", key_display="^p", id="app.command-palette"),
        Binding("q", "quit", "Beenden", id="app.quit"),
    ]

    class DataChanged(Message):
        """Another process committed changes (entries newer than the last poll)."""

        def __init__(self, entries: list[HistoryEntry]) -> None:
            super().__init__()
            self.entries = entries

    def __init__(
        self,
        db: Any,
        *,
        user: str,
        watch_interval: float = 0.5,
        initial_board: Board | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        """A Database, or the quick start's stand-in that opens one after the first paint
        (typed loosely: the UI never imports herne_tui.db)."""
        self.user = user
        self.read_only: bool = db.read_only
        self.watch_interval = watch_interval
        self.watcher: ChangeWatcher | None = None
        self.labels: dict[str, str] = {}
        self.initial_board = initial_board
        """The board read by the quick start, shown before the ORM has loaded."""
        self._seen_history: int | None = (
            initial_board.history_id if initial_board is not None else None
        )
        self._polling = False

    def on_mount(self) -> None:
        self.title = "HERNE 2030" + (" – NUR LESEN" if self.read_only else "")
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        start = getattr(self.db, "start", None)
        if start is not None:  # a quick start: open the real database now
            start()
        self.start_watching()

    # -- navigation ------------------------------------------------------------------------------
    def action_panel(self, mode: str) -> None:
        """Show the board or a panel (keys 1–5)."""
        if self.current_mode != mode:
            self.switch_mode(mode)

    def action_toggle_table(self) -> None:
        """``v``: from the table back to the board, from anywhere else to the table."""
        self.action_panel("board" if self.current_mode == "table" else "table")

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen(help_sections()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for number, (mode, (title, _)) in enumerate(PANELS.items(), start=1):
            yield SystemCommand(
                f"Panel: {title} ({number})",
                f"{title} anzeigen",
                lambda mode=mode: self.action_panel(mode),
            )
        for mode, (title, _, key) in EXTRA_MODES.items():
            yield SystemCommand(
                f"{title} ({key})", f"{title} anzeigen", lambda mode=mode: self.action_panel(mode)
            )
        yield SystemCommand("Tasten (?)", "Alle Tasten anzeigen", self.action_help)
        yield SystemCommand(
            "Board an einem früheren Datum …",
            "Das Board, wie es an einem Tag war (nur lesen)",
            self.ask_as_of,
        )
        for kind, title in (
            ("weekly", "Wochenbericht"),
            ("annual", "Jahresbilanz"),
            ("midterm", "Halbzeitbilanz"),
        ):
            yield SystemCommand(
                f"Bericht speichern: {title} …",
                f"{title} als Markdown, HTML oder Text in eine Datei",
                lambda kind=kind, title=title: self.ask_report(kind, title),
            )

    def ask_as_of(self) -> None:
        """Ask for a day and show the board as it was then."""

        def done(value: str | None) -> None:
            if not value:
                return
            try:
                day = parse_date(value)
            except DateError as exc:
                self.notify(str(exc), severity="error")
                return
            # deferred: the past board loads the ORM, which stays off the first paint
            from herne_tui.screens.asof import AsOfBoardScreen

            self.push_screen(AsOfBoardScreen(day))

        self.push_screen(Prompt("Board zum Stichtag (TT.MM.JJJJ)", placeholder="TT.MM.JJJJ"), done)

    def ask_report(self, kind: str, title: str) -> None:
        """Ask for a file name and save a report there (.md, .html or .txt)."""
        default = str(Path.home() / f"{title.lower()}-{date.today():%Y-%m-%d}.md")

        def done(path: str | None) -> None:
            if path:
                self.save_report(kind, path)

        self.push_screen(Prompt(f"{title} speichern als (.md, .html oder .txt)", default), done)

    @work(thread=True, group="report")
    def save_report(self, kind: str, path: str, **options: Any) -> None:
        """Build a report and write it to a file (the extension picks the format)."""
        # deferred: the reports load the ORM, which stays off the first paint
        from herne_tui.reports import build

        try:
            text = build.build_report(self.db, kind, report_format(path), **options)
            database = getattr(self.db, "path", None)
            saved = build.save_report(text, path, database=database)
        except HerneError as exc:
            self.call_from_thread(self.notify, exc.message, severity="error")
            return
        except OSError as exc:
            self.call_from_thread(self.notify, f"{path}: {exc.strerror or exc}", severity="error")
            return
        self.call_from_thread(self.notify, f"Bericht gespeichert: {saved}")

    def open_measure(self, measure_id: str) -> None:
        """Open the measure view."""
        # deferred: the measure view loads the ORM, which stays off the first paint
        from herne_tui.screens.measure import MeasureScreen

        self.push_screen(MeasureScreen(measure_id))

    def goto_measure(self, measure_id: str) -> None:
        """Show the board with the focus on a measure."""
        self.action_panel("board")
        self.call_after_refresh(self._select_on_board, measure_id)

    def _select_on_board(self, measure_id: str) -> None:
        board = self.board_screen()
        if board is not None:
            board.post_message(BoardScreen.SelectMeasure(measure_id))

    def board_screen(self) -> BoardScreen | None:
        """The board screen, if it has been created."""
        stack = self.get_screen_stack("board")
        return next((s for s in stack if isinstance(s, BoardScreen)), None)

    def open_screens(self) -> Iterator[Screen]:
        """Every screen of every mode opened so far, not only of the current one."""
        for mode in self.MODES:
            try:
                yield from self.get_screen_stack(mode)
            except KeyError:  # a mode not opened yet has no stack
                continue

    def tell_screens(self, message: Callable[[], Message]) -> None:
        """Post a fresh message to every open data screen; each decides what it means to it."""
        for screen in self.open_screens():
            if isinstance(screen, HerneScreen):
                screen.post_message(message())

    # -- quitting ------------------------------------------------------------------------------
    def unsaved_screens(self) -> list[KeepsInput]:
        """Every open screen or dialog holding unsaved input, the one on top first."""
        found: list[KeepsInput] = []
        for screen in [*reversed(self.screen_stack), *self.open_screens()]:
            if isinstance(screen, KeepsInput) and screen not in found and screen.unsaved_input():
                found.append(screen)
        return found

    async def action_quit(self) -> None:
        """Quit; with unsaved input anywhere, ask first: save, drop, or keep editing."""
        if isinstance(self.screen, UnsavedDialog):
            return
        if not self.unsaved_screens():
            self.exit()
            return

        def answer(choice: str | None) -> None:
            if choice == DROP:
                self.exit()
            elif choice == SAVE:
                self.run_worker(self._save_and_quit(), group="quit", exclusive=True)

        self.push_screen(UnsavedDialog("Vor dem Beenden: es gibt ungespeicherte Eingaben."), answer)

    async def _save_and_quit(self) -> None:
        """Save everything typed, wait for the writes, and quit unless something was refused."""
        for screen in self.unsaved_screens():
            if not screen.save_input():
                return  # refused: the screen shows why, the app stays open
        await self._writes_done()
        if self.unsaved_screens() or isinstance(self.screen, ConflictScreen | UnsavedDialog):
            self.notify(
                "Nicht alles konnte gespeichert werden – bitte prüfen; die App bleibt offen.",
                severity="warning",
            )
            return
        self.exit()

    async def _writes_done(self, timeout: float = 30.0) -> None:
        """Wait until no write is pending (a dialog's opener starts its write a moment after
        the dialog closed, so the app must be quiet twice in a row)."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            busy = any(w.group == "write" and not w.is_finished for w in self.workers)
            quiet = 0 if busy else quiet + 1

    # -- writes ------------------------------------------------------------------------------------
    def check_writable(self) -> bool:
        """False (with a notice) when the app runs read-only."""
        if self.read_only:
            self.notify("Nur-Lese-Modus: hier wird nichts geändert.", severity="warning")
            return False
        return True

    def show_conflict(
        self,
        conflict: Conflict,
        retry: Callable[[Conflict], object],
        reload: Callable[[], object] | None = None,
    ) -> None:
        """Show theirs against mine; apply mine again on the new version, or drop it."""

        def done(apply_again: bool | None) -> None:
            if apply_again:
                retry(conflict)
            else:
                self.notify("Ihre Änderung wurde verworfen; es gilt die neue Fassung.")
                if reload is not None:
                    reload()
                self.tell_screens(HerneScreen.ChangeDropped)

        self.push_screen(ConflictScreen(conflict), done)

    def on_measure_screen_saved(self, message: MeasureScreen.Saved) -> None:
        """A measure was saved on its screen: the other screens show it too."""
        self.tell_screens(lambda: HerneScreen.MeasureChanged(message.measure))

    # -- live refresh --------------------------------------------------------------------------
    def start_watching(self) -> None:
        """Poll for other processes' commits (at least once a second)."""
        self._polling = False
        self.set_interval(self.watch_interval, self._tick)
        self._tick()

    def seen_history(self, history_id: int) -> None:
        """The board shows the data up to this history id (the watcher starts there)."""
        if self.watcher is None and history_id:
            self._seen_history = history_id

    def poll_now(self) -> None:
        """Look for new commits at once (after an own write the board needs to see)."""
        self._tick()

    def _tick(self) -> None:
        if not self._polling:  # never stack polls (and never cancel one half-way)
            self._polling = True
            self._poll()

    @work(thread=True, group="watch")
    def _poll(self) -> None:
        entries: Iterable[HistoryEntry] | None
        try:
            if self.watcher is None:  # created here: opening may still be under way
                # deferred: the watcher loads the ORM, which stays off the first paint
                from herne_tui.services.watch import ChangeWatcher

                since = self._seen_history
                self.watcher = ChangeWatcher(self.db, since=since)
                # anything committed between the first read and now shows up once: from the
                # board's own history id, or (board not read yet) as "reload everything"
                entries = self.watcher.poll() if since is not None else []
            else:
                entries = self.watcher.poll()
        except HerneError as exc:  # the database went away or cannot be opened
            self.call_from_thread(self.exit, 2, f"herne-tui: {exc.message}")
            return
        finally:
            self._polling = False
        if entries is not None:  # [] still means "changed" (e.g. after a restore)
            self.post_message(self.DataChanged(list(entries)))

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.close()

    def on_herne_app_data_changed(self, message: DataChanged) -> None:
        # every mode, not only the current one
        self.tell_screens(lambda: HerneScreen.Outdated(message.entries))
        others = [e for e in message.entries if e.user != self.user]
        if others:
            first = others[0]
            more = f" (+{len(others) - 1} weitere)" if len(others) > 1 else ""
            # deferred: the services load the ORM, which stays off the first paint
            from herne_tui.services.history import describe

            self.notify(
                f"{first.entity_id}: {first.user}: {describe(first, self.labels)}{more}",
                title="Geändert von anderen",
                timeout=4,
            )


def help_sections() -> list[tuple[str, list[Binding]]]:
    """Every screen's keys, grouped as the help screen and the README show them."""

    def keys(spec: str) -> list[Binding]:
        return bindings_of(screen_class(spec))

    return [
        ("Überall", bindings_of(HerneApp)),
        ("Board", bindings_of(BoardScreen)),
        ("Maßnahme", keys("measure:MeasureScreen")),
        ("Panels 2–5, 8, 9", keys("panel:PanelScreen")),
        ("Bürgermeister, Beteiligungen", keys("posts:PostsScreen")),
        ("Verlauf (6)", keys("history:HistoryScreen")),
        ("Wochenrückblick (w)", keys("review:ReviewScreen")),
        ("Anträge (8)", keys("papers:PapersScreen")),
        ("Fristen (d)", keys("deadlines:DeadlinesScreen")),
        ("Tabelle (v)", keys("table:TableScreen")),
    ]


def run_app(db: Any, *, user: str, initial_board: Board | None = None) -> int:
    """Run the app until the user quits."""
    HerneApp(db, user=user, initial_board=initial_board).run()
    return 0
