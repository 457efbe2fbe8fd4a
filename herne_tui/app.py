"""The Textual app: modes for the board and the panels, app-wide keys, live refresh."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from herne_tui.commands import MeasureProvider, ScreenActionsProvider
from herne_tui.domain.objects import HistoryEntry, Measure
from herne_tui.errors import Conflict, HerneError
from herne_tui.screens.board import BoardScreen

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
}
"""Screens on letter keys: mode name → (German title, screen, key)."""


def screen_class(spec: str) -> type[Screen]:
    """Import a screen class named ``module:Class`` from herne_tui.screens on first use,
    so start-up only pays for the board."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(f"herne_tui.screens.{module}"), name)


def _lazy(spec: str) -> Callable[[], Screen]:
    return lambda: screen_class(spec)()


class HerneApp(App):
    """herne-tui: the board of the agreement and its personnel panels."""

    CSS_PATH = "app.tcss"
    MODES = {name: _lazy(spec) for name, (_, spec) in PANELS.items()} | {
        name: _lazy(spec) for name, (_, spec, _) in EXTRA_MODES.items()
    }
    DEFAULT_MODE = "board"
    COMMANDS = App.COMMANDS | {MeasureProvider, ScreenActionsProvider}
    BINDINGS = [
        Binding("1", "panel('board')", "Board", show=False),
        Binding("2", "panel('committees')", "Ausschüsse", show=False),
        Binding("3", "panel('posts')", "Bürgermeister", show=False),
        Binding("4", "panel('dezernat')", "Dezernat III", show=False),
        Binding("5", "panel('holdings')", "Beteiligungen", show=False),
        Binding("6", "panel('history')", "Verlauf", show=False),
        Binding("7", "panel('progress')", "Fortschritt", show=False),
        Binding("8", "panel('papers')", "Anträge", show=False),
        Binding("9", "panel('coordination')", "Koordinierungsgruppe", show=False),
        Binding("0", "panel('checks')", "Prüfungen", show=False),
        Binding("w", "panel('review')", "Wochenrückblick", show=False),
        Binding("d", "panel('deadlines')", "Fristen", show=False),
        Binding("question_mark", "help", "Tasten", key_display="?"),
        Binding("ctrl+p", "command_palette", "Befehle", key_display="^p"),
        Binding("q", "quit", "Beenden"),
    ]

    class DataChanged(Message):
        """Another process committed changes (entries newer than the last poll)."""

        def __init__(self, entries: list[HistoryEntry]) -> None:
            super().__init__()
            self.entries = entries

    def __init__(self, db, *, user: str, watch_interval: float = 0.5, initial_board=None) -> None:
        super().__init__()
        self.db = db
        self.user = user
        self.read_only = db.read_only
        self.watch_interval = watch_interval
        self.watcher = None
        self.labels: dict[str, str] = {}
        self.initial_board = initial_board
        """The board read by the quick start, shown before the ORM has loaded."""

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

    def action_help(self) -> None:
        """Show every key."""
        from herne_tui.screens.help import HelpScreen

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
        from herne_tui.domain.objects import DateError, parse_date
        from herne_tui.screens.asof import AsOfBoardScreen
        from herne_tui.screens.pickers import Prompt

        def done(value: str | None) -> None:
            if not value:
                return
            try:
                day = parse_date(value)
            except DateError as exc:
                self.notify(str(exc), severity="error")
                return
            self.push_screen(AsOfBoardScreen(day))

        self.push_screen(Prompt("Board zum Stichtag (TT.MM.JJJJ)", placeholder="TT.MM.JJJJ"), done)

    def ask_report(self, kind: str, title: str) -> None:
        """Ask for a file name and save a report there (.md, .html or .txt)."""
        from datetime import date
        from pathlib import Path

        from herne_tui.screens.pickers import Prompt

        default = str(Path.home() / f"{title.lower()}-{date.today():%Y-%m-%d}.md")
        self.push_screen(
            Prompt(f"{title} speichern als (.md, .html oder .txt)", default),
            lambda path: path and self.save_report(kind, path),
        )

    @work(thread=True, group="report")
    def save_report(self, kind: str, path: str, **options) -> None:
        """Build a report and write it to a file (the extension picks the format)."""
        from herne_tui.errors import HerneError
        from herne_tui.reports import build
        from herne_tui.screens.review import report_format

        try:
            text = build.build_report(self.db, kind, report_format(path), **options)
            saved = build.save_report(text, path)
        except (HerneError, OSError) as exc:
            message = getattr(exc, "message", None) or f"{path}: {exc.strerror or exc}"
            self.call_from_thread(self.notify, message, severity="error")
            return
        self.call_from_thread(self.notify, f"Bericht gespeichert: {saved}")

    def open_measure(self, measure_id: str) -> None:
        """Open the measure view."""
        self.push_screen(screen_class("measure:MeasureScreen")(measure_id))

    def goto_measure(self, measure_id: str) -> None:
        """Show the board with the focus on a measure."""
        self.action_panel("board")
        self.call_after_refresh(self._select_on_board, measure_id)

    def _select_on_board(self, measure_id: str) -> None:
        board = self.board_screen()
        if board is not None and not board.select_measure(measure_id):
            self.notify(f"Maßnahme {measure_id} nicht gefunden.", severity="warning")

    def board_screen(self) -> BoardScreen | None:
        """The board screen, if it has been created."""
        stack = self._screen_stacks.get("board") or []
        return next((s for s in stack if isinstance(s, BoardScreen)), None)

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
        retry: Callable[[Conflict], None],
        reload: Callable[[], None] | None = None,
    ) -> None:
        """Show theirs against mine; apply mine again on the new version, or drop it."""
        from herne_tui.screens.conflict import ConflictScreen

        def done(apply_again: bool | None) -> None:
            if apply_again:
                retry(conflict)
            else:
                self.notify("Ihre Änderung wurde verworfen; es gilt die neue Fassung.")
                if reload is not None:
                    reload()
                board = self.board_screen()
                if board is not None:
                    board.reload()

        self.push_screen(ConflictScreen(conflict), done)

    @work(thread=True, group="write")
    def raise_dissent(self, subject: str, reason: str) -> None:
        """Put a measure or paper on the Koordinierungsgruppe's agenda."""
        from herne_tui.errors import HerneError
        from herne_tui.services import papers

        try:
            dissent = papers.raise_dissent(self.db, subject=subject, reason=reason, user=self.user)
        except HerneError as exc:
            self.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.call_from_thread(
            self.notify,
            f"Dissens {dissent.id} gemeldet: steht auf der "
            "Tagesordnung der Koordinierungsgruppe (9).",
        )

    def measure_saved(self, measure: Measure) -> None:
        """A measure was saved elsewhere in the app: show it on the board."""
        board = self.board_screen()
        if board is not None:
            board.apply_measure(measure)

    # -- live refresh --------------------------------------------------------------------------
    def start_watching(self) -> None:
        """Poll for other processes' commits (at least once a second)."""
        self._polling = False
        self.set_interval(self.watch_interval, self._tick)
        self._tick()

    def _tick(self) -> None:
        if not self._polling:  # never stack polls (and never cancel one half-way)
            self._polling = True
            self._poll()

    @work(thread=True, group="watch")
    def _poll(self) -> None:
        try:
            if self.watcher is None:  # created here: opening may still be under way
                from herne_tui.services.watch import ChangeWatcher

                self.watcher = ChangeWatcher(self.db)
                # anything committed between the first read and now shows up once
                entries = []
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
        others = [e for e in message.entries if e.user != self.user]
        shown = set(self.screen_stack)
        for stack in self._screen_stacks.values():  # every mode, not only the current one
            for screen in stack:
                if not hasattr(screen, "data_changed"):
                    continue
                if screen in shown:
                    screen.data_changed()
                else:
                    screen.stale = True  # reloaded when it is shown again
        if others:
            first = others[0]
            more = f" (+{len(others) - 1} weitere)" if len(others) > 1 else ""
            from herne_tui.services.history import describe

            self.notify(
                f"{first.entity_id}: {first.user}: {describe(first, self.labels)}{more}",
                title="Geändert von anderen",
                timeout=4,
            )


def help_sections() -> list[tuple[str, list[Binding]]]:
    """Every screen's keys, grouped as the help screen and the README show them."""

    def keys(spec: str) -> list[Binding]:
        return list(screen_class(spec).BINDINGS)

    return [
        ("Überall", list(HerneApp.BINDINGS)),
        ("Board", list(BoardScreen.BINDINGS)),
        ("Maßnahme", keys("measure:MeasureScreen")),
        ("Panels 2–5, 8, 9", keys("panel:PanelScreen")),
        ("Bürgermeister, Beteiligungen", keys("posts:PostsScreen")),
        ("Verlauf (6)", keys("history:HistoryScreen")),
        ("Wochenrückblick (w)", keys("review:ReviewScreen")),
        ("Anträge (8)", keys("papers:PapersScreen")),
        ("Fristen (d)", keys("deadlines:DeadlinesScreen")),
    ]


def run_app(db, *, user: str, initial_board=None) -> int:
    """Run the app until the user quits."""
    HerneApp(db, user=user, initial_board=initial_board).run()
    return 0
