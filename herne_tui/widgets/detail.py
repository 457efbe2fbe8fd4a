"""The detail pane: the focused measure's text, notes and history beside a list, without
opening it (``p`` on the board and in the table).

The pane is handed a ``read`` function (the screen's: it calls the services) and reads one
measure at a time in a worker: while a read runs, the focus may move on many times; only the
measure focused last is read after it, so holding ``j`` costs one read at a time, never one
per key.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from herne_tui.domain.objects import HistoryEntry, Measure, format_date
from herne_tui.errors import HerneError
from herne_tui.widgets.shown import plain


def detail_text(
    measure: Measure, history: list[tuple[HistoryEntry, str]], statuses: dict[str, str]
) -> str:
    """The detail pane's plain text: the verbatim text, sub-items, notes, recent history."""
    lines = [f"{measure.id} · {measure.title}", "", measure.text]
    lines += [f"  • {item}" for item in measure.subitems]
    lines += ["", f"Status: {statuses.get(measure.status, measure.status)}"]
    if measure.lead:
        lines.append(f"Federführung: {measure.lead}")
    if measure.responsible:
        lines.append(f"Verantwortlich: {measure.responsible}")
    if measure.due:
        lines.append(f"Fällig: {format_date(measure.due)}")
    notes = measure.notes[-5:]
    if notes:
        lines += ["", f"Notizen ({measure.note_count or len(measure.notes)}):"]
        for note in reversed(notes):
            at = note.at.astimezone().strftime("%d.%m.%Y %H:%M")
            lines.append(f"  {at} {note.author}: {note.text}")
    if history:
        lines += ["", "Verlauf:"]
        for entry, what in history:
            at = entry.at.astimezone().strftime("%d.%m.%Y")
            lines.append(f"  {at} {entry.user}: {what}")
    return "\n".join(lines)


class DetailPane(VerticalScroll, can_focus=False):
    """A measure's text, notes and history; ``show(measure_id)`` reads it in a worker."""

    DEFAULT_CSS = """
    DetailPane { height: 100%; border-left: vkey $panel; padding: 0 1; display: none; }
    DetailPane.-visible { display: block; }
    """

    def __init__(self, read: Callable[[str], str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._read = read
        """Measure id → the pane's text; runs in a worker thread (may raise HerneError)."""
        self._wanted: str | None = None
        self._reading = False
        self.shown_key: object = None
        """What the pane shows (the screen's key for a measure's state), None: nothing yet."""

    def compose(self) -> ComposeResult:
        yield Static(id="detail-text", markup=False)

    @property
    def is_open(self) -> bool:
        """True while the pane is shown."""
        return self.has_class("-visible")

    def set_visible(self, visible: bool) -> None:
        """Show or hide the pane (hidden, it reads nothing)."""
        self.set_class(visible, "-visible")
        if not visible:
            self.shown_key = None

    def show(self, measure_id: str | None, key: object = None) -> None:
        """Show this measure (None: nothing); ``key`` (default the id) says when the same
        measure must be read again, e.g. its version."""
        key = measure_id if key is None else key
        if not self.is_open or key == self.shown_key:
            return
        self.shown_key = key
        if measure_id is None:
            self._wanted = None
            self.query_one("#detail-text", Static).update("")
            return
        self._wanted = measure_id
        if not self._reading:
            self._reading = True
            self._load(measure_id)

    def follow(self, measure: Measure | None) -> None:
        """Show the focused measure, read again when its version or note count changed."""
        if measure is None:
            self.show(None)
        else:
            self.show(measure.id, (measure.id, measure.version, measure.note_count))

    @work(thread=True, group="detail")
    def _load(self, measure_id: str) -> None:
        try:
            text = Text(plain(self._read(measure_id)))
        except HerneError as exc:
            text = Text(plain(exc.message, one_line=True))
        self.app.call_from_thread(self._loaded, measure_id, text)

    def _loaded(self, measure_id: str, text: Text) -> None:
        self._reading = False
        if self._wanted is None:
            return
        if self._wanted != measure_id:  # the focus moved on meanwhile: read the latest only
            self._reading = True
            self._load(self._wanted)
            return
        self.query_one("#detail-text", Static).update(text)
