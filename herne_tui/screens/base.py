"""What every data screen shares: a typed handle on the app, one way to write through the
services, a refresh when others changed things, and load errors shown as one line."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, ParamSpec, TypeVar, cast

from textual import work
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from herne_tui.domain.objects import HistoryEntry, Measure
from herne_tui.errors import Conflict, HerneError

if TYPE_CHECKING:
    from herne_tui.app import HerneApp

S = TypeVar("S", bound="HerneScreen")
P = ParamSpec("P")


class HerneScreen(Screen):
    """Base of the app's data screens (not of the modals, which only dismiss with a value)."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As Textual's, without repainting the whole screen on every focus change: the widgets
    that gain and lose the focus repaint themselves (their ``:focus`` styles). With the
    repaint, showing the board's search field wrote ≈ 95 KiB to the terminal."""

    stale = False
    """Set when others committed while this screen was not shown; it reloads when shown."""

    EDITING: ClassVar[frozenset[str]] = frozenset()
    """The screen's actions that write; with --read-only they leave the footer and do nothing."""

    READ_ONLY_MARK = "NUR LESEN"

    class Outdated(Message, bubble=False):
        """Others committed changes: a shown screen reloads, a hidden one when shown again."""

        def __init__(self, entries: list[HistoryEntry] | None = None) -> None:
            super().__init__()
            self.entries = entries
            """The new history entries (None or empty: unknown, e.g. after a restore)."""

    class MeasureChanged(Message, bubble=False):
        """A measure was saved on another screen: screens that show it take the new state."""

        def __init__(self, measure: Measure) -> None:
            super().__init__()
            self.measure = measure

    class ChangeDropped(Message, bubble=False):
        """The user dropped a change after a conflict: screens that show it show the new state."""

    @property
    def herne(self) -> HerneApp:
        """The app, typed."""
        return cast("HerneApp", self.app)

    def on_mount(self) -> None:
        """Compact footers, so the keys that matter fit 80 columns (runs before the
        subclass's own ``on_mount``, which Textual calls as well)."""
        for footer in self.query(Footer):
            footer.compact = True

    # -- read-only mode ---------------------------------------------------------------------------
    def validate_title(self, title: str | None) -> str | None:
        """With --read-only every screen's own title says so (the header shows it)."""
        if title and self.herne.read_only and "nur lesen" not in title.lower():
            return f"{title} – {self.READ_ONLY_MARK}"
        return title

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Editing keys are off (and hidden from the footer) when the app runs read-only."""
        return not (action in self.EDITING and self.herne.read_only)

    # -- live refresh ------------------------------------------------------------------------------
    def on_herne_screen_outdated(self, message: Outdated) -> None:
        if self in self.herne.screen_stack:  # the current mode's screens, not only the top one
            self.data_changed()
        else:
            self.stale = True

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.data_changed()

    def data_changed(self) -> None:
        """Reload what the screen shows (subclasses implement it)."""

    # -- writes ------------------------------------------------------------------------------------
    @work(thread=True, group="write")
    def write(
        self,
        call: Callable[[], Any],
        done: Callable[[Any], object] | None = None,
        *,
        retry: Callable[[Conflict], object] | None = None,
        reload: Callable[[], object] | None = None,
        failed: Callable[[], object] | None = None,
        refused: Callable[[HerneError], object] | None = None,
        severity: SeverityLevel = "error",
        lock: threading.Lock | None = None,
    ) -> None:
        """Run a service call in a worker and handle its outcome on the UI thread.

        A ``Conflict`` opens the app's conflict dialog when there is a ``retry`` (it applies mine
        again on the new version; ``reload`` shows theirs); any other ``HerneError`` is one
        notice, or goes to ``refused`` (e.g. a form opened again with what was typed); a
        success hands the result to ``done``. ``failed`` runs in the worker when the write did
        not happen; ``lock`` makes one screen's writes run one after another.
        """
        with lock or nullcontext():
            try:
                result = call()
            except HerneError as exc:
                if failed is not None:
                    failed()
                if isinstance(exc, Conflict) and retry is not None:
                    self.herne.call_from_thread(self.herne.show_conflict, exc, retry, reload)
                elif refused is not None:
                    self.herne.call_from_thread(refused, exc)
                else:
                    self.herne.call_from_thread(self.notify, exc.message, severity=severity)
            else:
                if done is not None:
                    self.herne.call_from_thread(done, result)

    def raise_dissent(self, subject: str, reason: str) -> None:
        """Put a measure or paper on the Koordinierungsgruppe's agenda."""
        # deferred: the board imports this module, and the ORM loads only after the first paint
        from herne_tui.services import papers

        app = self.herne
        self.write(
            lambda: papers.raise_dissent(app.db, subject=subject, reason=reason, user=app.user),
            lambda dissent: self.notify(
                f"Dissens {dissent.id} gemeldet: steht auf der "
                "Tagesordnung der Koordinierungsgruppe (9)."
            ),
        )

    def read_detail(self, measure_id: str) -> str:
        """The detail pane's text for a measure (``p``; runs in the pane's worker)."""
        # deferred: the board imports this module, and the ORM loads only after the first paint
        from herne_tui.services.history import measure_detail
        from herne_tui.widgets.detail import detail_text

        measure, history, labels = measure_detail(self.herne.db, measure_id, user=self.herne.user)
        return detail_text(measure, history, labels)


def guarded(method: Callable[Concatenate[S, P], None]) -> Callable[Concatenate[S, P], None]:
    """Run a worker body; a HerneError (database gone, locked, …) becomes a notice."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            method(self, *args, **kwargs)
        except HerneError as exc:
            self.herne.call_from_thread(self.notify, exc.message, severity="error", timeout=8)

    return wrapper


def quick_pending(db: object) -> bool:
    """True while ``db`` is a quick start's stand-in that has not begun to open the real
    database (``db.quickstart.DeferredDatabase``; typed loosely: the UI never imports db)."""
    return bool(getattr(db, "quick_pending", False))
