"""The Textual app: modes for the board and the panels, app-wide keys, live refresh."""

from __future__ import annotations

import asyncio
import importlib
import io
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from herne_tui.commands import (
    MeasureProvider,
    RisPaperProvider,
    ScreenActionsProvider,
    ViewsProvider,
)
from herne_tui.domain.objects import (
    Access,
    Board,
    DateError,
    HistoryEntry,
    agreement_of,
    parse_date,
)
from herne_tui.errors import Conflict, HerneError
from herne_tui.screens.base import HerneScreen, quick_pending
from herne_tui.screens.board import BoardScreen
from herne_tui.screens.conflict import ConflictScreen
from herne_tui.screens.help import HelpScreen
from herne_tui.screens.pickers import Prompt
from herne_tui.screens.unsaved import DROP, SAVE, KeepsInput, UnsavedDialog
from herne_tui.widgets.german import GermanApp
from herne_tui.widgets.shown import plain

if TYPE_CHECKING:  # both load the ORM; the app imports them only when they are needed
    from textual.theme import Theme

    from herne_tui.config import Settings
    from herne_tui.screens.measure import MeasureScreen
    from herne_tui.services.watch import ChangeWatcher

PANELS = {
    "board": ("Board", "board:BoardScreen"),
    "committees": ("Ausschüsse", "committees:CommitteesScreen"),
    "posts": ("Bürgermeister & Bezirke", "posts:PostsScreen"),
    "dezernat": ("Dezernat", "dezernat:DezernatScreen"),
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
    "meetings": ("Sitzungen", "meetings:MeetingsScreen", "m"),
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
    COMMANDS = App.COMMANDS | {
        MeasureProvider,
        ViewsProvider,
        ScreenActionsProvider,
        RisPaperProvider,
    }
    BINDINGS = [
        Binding("1", "panel('board')", "Board", show=False, id="app.panel-board"),
        Binding("2", "panel('committees')", "Ausschüsse", show=False, id="app.panel-committees"),
        Binding("3", "panel('posts')", "Bürgermeister", show=False, id="app.panel-posts"),
        Binding("4", "panel('dezernat')", "Dezernat", show=False, id="app.panel-dezernat"),
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
        Binding("f1", "view(1)", "Ansicht 1", show=False, id="app.view-1"),
        Binding("f2", "view(2)", "Ansicht 2", show=False, id="app.view-2"),
        Binding("f3", "view(3)", "Ansicht 3", show=False, id="app.view-3"),
        Binding("f4", "view(4)", "Ansicht 4", show=False, id="app.view-4"),
        Binding("f5", "view(5)", "Ansicht 5", show=False, id="app.view-5"),
        Binding("f6", "view(6)", "Ansicht 6", show=False, id="app.view-6"),
        Binding("f7", "view(7)", "Ansicht 7", show=False, id="app.view-7"),
        Binding("f8", "view(8)", "Ansicht 8", show=False, id="app.view-8"),
        Binding("f9", "view(9)", "Ansicht 9", show=False, id="app.view-9"),
        Binding("m", "panel('meetings')", "Sitzungen", show=False, id="app.panel-meetings"),
        Binding("question_mark", "help", "Tasten", key_display="?", id="app.help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Befehle",
            key_display="^p",
            show=False,  # the footer shows it once, docked right
            id="app.command-palette",
        ),
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
        settings: Settings | None = None,
        after_first_paint: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._first_painted = after_first_paint
        """Called once the first board is on screen (the command line keeps the start-up's
        objects out of Python's cycle collector then; tests pass nothing)."""
        self.settings = settings
        """The config file's settings; None (in tests) means no file: defaults, nothing saved."""
        self.density: str = settings.get("density") if settings else "normal"
        """How the board draws cards: ``normal`` or ``compact`` (config ``density``)."""
        self.review_weeks: int = settings.get("review_weeks") if settings else 4
        """After how many weeks without change a measure counts as stale (``review_weeks``)."""
        self.keymap: dict[str, str] = dict(settings.keymap) if settings else {}
        """Binding id → keys, from the config file's ``[keymap]``."""
        if self.keymap:
            self.set_keymap(self.keymap)
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
        self._waited = 0
        self._polling = False
        self.access: Access | None = None
        """What the user may do (issue 14), once the database has said so."""
        self.agreement_meta: dict = {}
        """The stored metadata of the agreement last shown in the title."""
        self._saved_theme = ""

    def on_mount(self) -> None:
        # the board may have loaded (and shown the agreement) before the app's own mount
        initial = self.initial_board.meta if self.initial_board is not None else {}
        self.show_agreement(self.agreement_meta or initial)
        self._apply_theme()
        self.call_after_refresh(self._after_first_paint)

    def show_agreement(self, meta: dict) -> None:
        """The agreement's name as the app's title, its partners as the subtitle (from the
        seed; nothing is assumed about which agreement it is)."""
        self.agreement_meta = meta
        agreement = agreement_of(meta)
        name = plain(agreement.name or "herne-tui", one_line=True)
        title = name + (" – NUR LESEN" if self.read_only else "")
        partners = plain(" · ".join(agreement.shorts), one_line=True)
        if self.title != title:
            self.title = title
        if self.sub_title != partners:
            self.sub_title = partners

    # -- settings ----------------------------------------------------------------------------------
    def _apply_theme(self) -> None:
        """The config file's theme; a theme chosen later (palette) is written back to it."""
        if self.settings is None:
            return
        wanted = self.settings.theme
        if wanted and wanted in self.available_themes:
            self.theme = wanted
        elif wanted:
            self.notify(
                f"{self.settings.path}: Thema „{wanted}“ gibt es nicht; es gilt {self.theme}",
                severity="warning",
            )
        self._saved_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        if self.settings is None or theme.name == self._saved_theme:
            return
        from herne_tui.config import remember_theme

        try:
            remember_theme(self.settings.path, theme.name)
        except (HerneError, OSError) as exc:
            message = exc.message if isinstance(exc, HerneError) else str(exc)
            self.notify(f"Thema nicht gespeichert: {message}", severity="warning")
            return
        self._saved_theme = theme.name

    def _after_first_paint(self) -> None:
        if self._first_painted is not None:
            self._first_painted()
        # a quick start opens the real database (loads the ORM, ≈ 0.3 s of CPU) only once the
        # user pauses (``_warm_up``) or something needs it: never against the first keys
        self._last_key = time.monotonic()
        self.start_watching()

    WARM_AFTER = 1.5
    """Seconds without a key after which a quick start opens the real database (the first
    pause; an edit before it opens the database itself and waits ≈ 0.3 s once)."""

    _last_key = 0.0

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    def _warm_up(self) -> None:
        if quick_pending(self.db) and time.monotonic() - self._last_key >= self.WARM_AFTER:
            self.db.start()

    # -- navigation ------------------------------------------------------------------------------
    def action_panel(self, mode: str) -> None:
        """Show the board or a panel (keys 1–5)."""
        if self.current_mode != mode:
            self.switch_mode(mode)

    # -- saved views -------------------------------------------------------------------------------
    def action_view(self, number: int) -> None:
        """F1…F9: show the user's saved view of that number (views sorted by name)."""
        self._open_view(number)

    @work(thread=True, exclusive=True, group="views")
    def _open_view(self, number: int) -> None:
        from herne_tui.services import views

        try:
            found = views.list_views(self.db, self.user)
        except HerneError as exc:
            self.call_from_thread(self.notify, exc.message, severity="error")
            return
        if not 1 <= number <= len(found):
            self.call_from_thread(
                self.notify,
                f"Keine Ansicht {number}: Ansichten speichern über ctrl+p → „Ansicht speichern“.",
            )
            return
        name, view = found[number - 1]
        self.call_from_thread(self.show_view, name, view)

    def show_view(self, name: str, view: dict) -> None:
        """Switch to the view's board or table and apply its filters (and order, columns)."""
        mode = "table" if view.get("mode") == "table" else "board"
        self.action_panel(mode)

        def apply() -> None:
            screen = self.screen
            if hasattr(screen, "apply_view"):
                screen.apply_view(view)
                self.notify(plain(f"Ansicht „{name}“", one_line=True), timeout=2)

        self.call_after_refresh(apply)

    def ask_save_view(self) -> None:
        """Save the current board's or table's filters (and order, columns) under a name."""
        screen = self.screen
        if not hasattr(screen, "view_state"):
            self.notify("Ansichten gibt es für das Board (1) und die Tabelle (v).")
            return
        state = screen.view_state()

        def done(name: str | None) -> None:
            if name:
                self._save_view(name, state)

        self.push_screen(Prompt("Ansicht speichern als", placeholder="Name"), done)

    @work(thread=True, group="views")
    def _save_view(self, name: str, state: dict) -> None:
        from herne_tui.services import views

        try:
            stored = views.save_view(self.db, user=self.user, name=name, view=state)
            names = [n for n, _ in views.list_views(self.db, self.user)]
        except HerneError as exc:
            self.call_from_thread(self.notify, exc.message, severity="error")
            return
        slot = names.index(stored) + 1
        key = f" (F{slot})" if slot <= 9 else ""
        self.call_from_thread(self.notify, plain(f"Ansicht „{stored}“ gespeichert{key}."))

    def delete_view(self, name: str) -> None:
        """Remove one of the user's saved views."""
        from herne_tui.services import views

        def run() -> None:
            try:
                views.delete_view(self.db, user=self.user, name=name)
            except HerneError as exc:
                self.call_from_thread(self.notify, exc.message, severity="error")
                return
            self.call_from_thread(self.notify, plain(f"Ansicht „{name}“ gelöscht."))

        self.run_worker(run, thread=True, group="views")

    def action_toggle_table(self) -> None:
        """``v``: from the table back to the board, from anywhere else to the table."""
        self.action_panel("board" if self.current_mode == "table" else "table")

    def action_help(self) -> None:
        """Show every key, the current screen's first, as remapped by the config's keymap."""
        self.push_screen(HelpScreen(help_sections(type(self.screen)), self.keymap))

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
            "Ansicht speichern …",
            "Filter (und in der Tabelle Sortierung und Spalten) unter einem Namen speichern",
            self.ask_save_view,
        )
        yield SystemCommand(
            "RIS abgleichen",
            "Sitzungen und Vorlagen aus dem Ratsinformationssystem (OParl) holen",
            self.ris_sync,
        )
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
        """Ask for a file name and save a report there (.md, .html or .txt); in a browser
        session the report goes to the browser as a download."""
        name = f"{title.lower()}-{date.today():%Y-%m-%d}.md"
        default = name if self.is_web else str(Path.home() / name)
        how = "als Download" if self.is_web else "speichern als"

        def done(path: str | None) -> None:
            if path:
                self.save_report(kind, path)

        self.push_screen(Prompt(f"{title} {how} (.md, .html oder .txt)", default), done)

    @work(thread=True, group="report")
    def save_report(self, kind: str, path: str, **options: Any) -> None:
        """Build a report and write it to a file (the extension picks the format)."""
        # deferred: the reports load the ORM, which stays off the first paint
        from herne_tui.reports import build

        try:
            text = build.build_report(self.db, kind, report_format(path), **options)
            if self.is_web:  # a served session: the browser's user gets it, not the server
                self.call_from_thread(self.offer_download, text, path)
                return
            database = getattr(self.db, "path", None)
            saved = build.save_report(text, path, database=database)
        except HerneError as exc:
            self.call_from_thread(self.notify, exc.message, severity="error")
            return
        except OSError as exc:
            self.call_from_thread(self.notify, f"{path}: {exc.strerror or exc}", severity="error")
            return
        self.call_from_thread(self.notify, f"Bericht gespeichert: {saved}")

    def offer_download(self, text: str, path: str) -> None:
        """Hand a report to the browser as a download named like ``path``'s last part."""
        name = Path(path).name or "bericht.md"
        mime = {"html": "text/html", "text": "text/plain"}.get(report_format(name), "text/markdown")
        self.deliver_text(io.StringIO(text), save_filename=name, mime_type=mime, encoding="utf-8")
        self.notify(f"Bericht als Download angeboten: {name}")

    def open_measure(self, measure_id: str) -> None:
        """Open the measure view."""
        # deferred: the measure view loads the ORM, which stays off the first paint
        from herne_tui.screens.measure import MeasureScreen

        self.push_screen(MeasureScreen(measure_id))

    def ris_sync(self) -> None:
        """„RIS abgleichen“: sync the OParl mirror in a worker, with progress notices."""
        # deferred: the RIS client and mirror load the ORM, which stays off the first paint
        from herne_tui.screens.meetings import start_sync

        start_sync(self)

    def open_ris_paper(self, url: str) -> None:
        """Open a mirrored paper's view."""
        # deferred: the paper view loads the ORM, which stays off the first paint
        from herne_tui.screens.ris_paper import RisPaperScreen

        self.push_screen(RisPaperScreen(url))

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

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice, whoever raises it, shows its text as typed: control characters
        visible, Rich markup literal (a notice often quotes what a user or a seed wrote)."""
        super().notify(
            plain(str(message)),
            title=plain(title, one_line=True),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # -- writes ------------------------------------------------------------------------------------
    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """In a read-only app an editing key answers with one line (its binding is hidden
        from the footer by ``HerneScreen.check_action``, which would ignore it silently)."""
        if (
            self.read_only
            and isinstance(action, str)
            and isinstance(default_namespace, HerneScreen)
            and action.split("(", 1)[0] in default_namespace.EDITING
        ):
            self.check_writable()
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def check_writable(self) -> bool:
        """False (with a notice) when the app runs read-only."""
        if self.read_only:
            why = self.access.why_read_only() if self.access is not None else ""
            self.notify(why or "Nur-Lese-Modus: hier wird nichts geändert.", severity="warning")
            return False
        return True

    def apply_access(self, access: Access) -> None:
        """The user's role (issue 14): an unknown user or one who may only read gets the
        read-only app, with one notice saying why."""
        self.access = access
        why = access.why_read_only()
        if not why or self.read_only:
            return
        self.read_only = True
        self.show_agreement(self.agreement_meta)
        for screen in self.screen_stack:
            screen.title = screen.title  # the header says NUR LESEN (HerneScreen.validate_title)
        self.refresh_bindings()
        self.notify(why, severity="warning", timeout=10)

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

        self.push_screen(ConflictScreen(conflict, self.labels), done)

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

    WAIT_FOR_BOARD = 10
    """Ticks the watcher waits for the first board's history id before it starts anyway."""

    def _tick(self) -> None:
        self._warm_up()
        if self.watcher is None and quick_pending(self.db) and self._seen_history:
            # without the ORM and without a worker: one PRAGMA on an open WAL connection
            newest = self.db.quick_newest_history_id()
            if newest is not None and newest <= self._seen_history:
                return  # nothing new: the real database opens when the user pauses
        if (
            self.watcher is None
            and self._seen_history is None
            and self._waited < (self.WAIT_FOR_BOARD)
        ):
            self._waited += 1  # the board is still being read: start from its history id
            return
        if not self._polling:  # never stack polls (and never cancel one half-way)
            if self.watcher is not None and self.watcher.quiet():
                return  # nothing committed: no worker for this tick
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

    # -- unexpected errors -----------------------------------------------------------------------
    crashed = False
    """Set by an unexpected error (the app then exits with 1)."""
    crash_log: Path | None = None
    """Where its traceback went (None: the log could not be written)."""

    def _handle_exception(self, error: Exception) -> None:
        # Textual's only hook for an unhandled error: the traceback goes to a log file, the
        # app still exits (with 1) as Textual does, and _fatal_error shows one line.
        import traceback

        from herne_tui.paths import write_crash_log

        if not self.crashed:
            self.crashed = True
            self.crash_log = write_crash_log("".join(traceback.format_exception(error)))
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        # instead of Textual's traceback with local variables: run_app prints one line
        self.bell()
        self._close_messages_no_wait()

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


def help_sections(current: type[Screen] | None = None) -> list[tuple[str, list[Binding]]]:
    """Every screen's keys, grouped as the help screen and the README show them; with
    ``current``, the sections of that screen (its own class, then its bases) come first."""
    owners: list[tuple[str, type[App] | type[Screen]]] = [
        ("Überall", HerneApp),
        ("Board", BoardScreen),
        ("Maßnahme", screen_class("measure:MeasureScreen")),
        ("Panels 2–5, 8, 9", screen_class("panel:PanelScreen")),
        ("Bürgermeister, Beteiligungen", screen_class("posts:PostsScreen")),
        ("Verlauf (6)", screen_class("history:HistoryScreen")),
        ("Wochenrückblick (w)", screen_class("review:ReviewScreen")),
        ("Anträge (8)", screen_class("papers:PapersScreen")),
        ("Fristen (d)", screen_class("deadlines:DeadlinesScreen")),
        ("Tabelle (v)", screen_class("table:TableScreen")),
        ("Sitzungen (m)", screen_class("meetings:MeetingsScreen")),
        ("Vorlage aus dem RIS", screen_class("ris_paper:RisPaperScreen")),
        ("Verknüpfungsvorschläge", screen_class("ris_extra:SuggestionsScreen")),
    ]
    if current is not None:
        mro = current.__mro__
        here = sorted(
            (o for o in owners if o[1] in mro),
            key=lambda o: mro.index(o[1]),
        )
        owners = here + [o for o in owners if o not in here]
    return [(title, bindings_of(owner)) for title, owner in owners]


def run_app(
    db: Any,
    *,
    user: str,
    initial_board: Board | None = None,
    settings: Settings | None = None,
    after_first_paint: Callable[[], None] | None = None,
) -> int:
    """Run the app until the user quits; 1 after an unexpected error (its traceback is in the
    log file the last line names), 2 when the database went away."""
    app = HerneApp(
        db,
        user=user,
        initial_board=initial_board,
        settings=settings,
        after_first_paint=after_first_paint,
    )
    app.run()
    if app.crashed:
        import sys

        from herne_tui.paths import crash_line

        print(f"herne-tui: {crash_line(app.crash_log)}", file=sys.stderr)
    return app.return_code or 0
