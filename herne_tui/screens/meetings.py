"""Sitzungen (key m): the council's meetings from the RIS mirror, by date, with the agenda of
the highlighted one; enter on an agenda item opens its paper. Also the palette's "RIS
abgleichen", which syncs the mirror in a worker with progress notices."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from herne_tui.domain import ris as r
from herne_tui.domain.objects import format_datetime
from herne_tui.errors import HerneError
from herne_tui.ris import queries
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.widgets.shown import cell, plain

if TYPE_CHECKING:
    from herne_tui.app import HerneApp


class MeetingsScreen(HerneScreen):
    """The meetings calendar: upcoming first, past ones with ``a``; the agenda below.

    | Key | Action |
    | :- | :- |
    | a | also show past meetings |
    | c | only a committee's meetings (words of its name; empty shows all) |
    | p | the position sheet of the highlighted meeting |
    | g | link suggestions after a sync (accept or reject) |
    | enter | on an agenda item: open its paper |
    """

    BINDINGS = [
        Binding("a", "toggle_past", "Vergangene", id="meetings.toggle-past"),
        Binding("c", "committee", "Gremium", id="meetings.committee"),
        Binding("p", "positions", "Positionsblatt", id="meetings.positions"),
        Binding("g", "suggestions", "Vorschläge", id="meetings.suggestions"),
    ]
    DEFAULT_CSS = """
    MeetingsScreen #meetings { height: 1fr; }
    MeetingsScreen #agenda { height: 1fr; }
    MeetingsScreen #intro, MeetingsScreen #agenda-title { padding: 0 1; }
    """

    class Loaded(Message):
        """Meetings arrived from a worker."""

        def __init__(self, meetings: tuple[r.Meeting, ...], today) -> None:
            super().__init__()
            self.meetings, self.today = meetings, today

    def __init__(self) -> None:
        super().__init__()
        self.show_past = False
        self.committee = ""
        self.shown: list[r.Meeting] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="intro", markup=False)
        with Vertical():
            yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
            yield Static(id="agenda-title", markup=False)
            yield DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Sitzungen"
        self.query_one("#meetings", DataTable).add_columns("Beginn", "Gremium", "Sitzung", "TOPs")
        self.query_one("#agenda", DataTable).add_columns("TOP", "Gegenstand", "Vorlage", "Ergebnis")
        self.query_one("#meetings", DataTable).focus()
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Read the mirrored meetings in a worker."""
        db = self.herne.db
        found = queries.meetings(db, committee=self.committee)
        self.post_message(self.Loaded(found, db.now().astimezone().date()))

    def on_meetings_screen_loaded(self, message: Loaded) -> None:
        today = message.today
        self.shown = [
            m
            for m in message.meetings
            if self.show_past or m.start is None or m.start.astimezone().date() >= today
        ]
        table = self.query_one("#meetings", DataTable)
        table.clear()
        for m in self.shown:
            when = format_datetime(m.start.astimezone()) if m.start else "ohne Datum"
            name = Text(m.name + (" (abgesagt)" if m.cancelled else ""))
            table.add_row(
                cell(when), cell(", ".join(m.organizations)), cell(name), str(len(m.agenda))
            )
        hidden = len(message.meetings) - len(self.shown)
        committee = plain(self.committee, one_line=True)  # as the user typed it
        if not message.meetings and self.committee:
            intro = (
                f"Keine Sitzungen von „{committee}“ im RIS-Spiegel (c: anderes Gremium, leer: alle)"
            )
        elif not message.meetings:
            intro = (
                "Keine Sitzungen im RIS-Spiegel: „RIS abgleichen“ in der Befehlspalette (Strg+P) "
                "oder herne-tui ris sync URL."
            )
        else:
            intro = (
                f"{len(self.shown)} Sitzungen"
                + (f" von „{committee}“" if self.committee else "")
                + (f" ({hidden} vergangene ausgeblendet – a zeigt sie)" if hidden else "")
            )
        self.query_one("#intro", Static).update(intro)
        self._show_agenda(0)

    def _show_agenda(self, row: int) -> None:
        table = self.query_one("#agenda", DataTable)
        table.clear()
        meeting = self.shown[row] if 0 <= row < len(self.shown) else None
        title = self.query_one("#agenda-title", Static)
        if meeting is None:
            title.update("")
            return
        title.update(f"Tagesordnung: {plain(meeting.name, one_line=True)}")
        for a in meeting.agenda:
            table.add_row(
                cell(a.number), cell(a.name), cell(a.paper_reference or "—"), cell(a.result or "")
            )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "meetings":
            self._show_agenda(event.cursor_row)

    def action_toggle_past(self) -> None:
        """Show or hide meetings that are over."""
        self.show_past = not self.show_past
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a meeting goes to its agenda; on an agenda item opens its paper."""
        meetings = self.query_one("#meetings", DataTable)
        agenda = self.query_one("#agenda", DataTable)
        if event.data_table is meetings:
            agenda.focus()
            return
        row = meetings.cursor_row
        meeting = self.shown[row] if 0 <= row < len(self.shown) else None
        if meeting is None or not 0 <= agenda.cursor_row < len(meeting.agenda):
            return
        item = meeting.agenda[agenda.cursor_row]
        if not item.paper_url:
            self.notify("Zu diesem Tagesordnungspunkt gibt es keine Vorlage.")
            return
        self.herne.open_ris_paper(item.paper_url)

    def action_committee(self) -> None:
        """Ask for words of a committee's name; only its meetings are shown."""
        from herne_tui.screens.pickers import Prompt

        def done(answer: str | None) -> None:
            if answer is not None:
                self.committee = " ".join(answer.split())
                self.reload()

        self.herne.push_screen(
            Prompt("Gremium (Teil des Namens, leer: alle)", self.committee), done
        )

    def action_positions(self) -> None:
        """Show the position sheet of the highlighted meeting."""
        row = self.query_one("#meetings", DataTable).cursor_row
        if 0 <= row < len(self.shown):
            from herne_tui.screens.ris_extra import PositionsScreen

            self.herne.push_screen(PositionsScreen(self.shown[row].url))

    def action_suggestions(self) -> None:
        """Show the link suggestions."""
        from herne_tui.screens.ris_extra import SuggestionsScreen

        self.herne.push_screen(SuggestionsScreen())

    def data_changed(self) -> None:
        """The mirror or the links changed: reload."""
        self.reload()


PROGRESS_EVERY = 2.0
"""Seconds between progress notices of a sync run from the app."""


def start_sync(app: HerneApp) -> None:
    """Sync the mirror from the stored URL in a worker; notices tell progress and outcome."""
    if app.read_only:
        app.notify("Nur-Lese-Modus: RIS-Abgleich nicht möglich", severity="warning")
        return
    app.notify("RIS-Abgleich läuft …")
    app.run_worker(lambda: _sync(app), thread=True, exclusive=True, group="ris-sync")


def _sync(app: HerneApp) -> None:
    from herne_tui.ris.sync import sync

    last = [time.monotonic()]

    def progress(kind: str, pages: int, total: int | None, objects: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_EVERY:
            last[0] = time.monotonic()
            of = f"/{total}" if total else ""
            app.call_from_thread(app.notify, f"RIS: {kind} Seite {pages}{of}, {objects} Objekte")

    try:
        result = sync(app.db, progress=progress, user=app.user)
    except HerneError as exc:
        app.call_from_thread(app.notify, exc.message, severity="error", timeout=10)
        return
    hints = (
        f"; {len(result.problems)} Hinweise (herne-tui ris sync zeigt sie)"
        if result.problems
        else ""
    )
    app.call_from_thread(
        app.notify,
        f"RIS abgeglichen: {result.added} neu, {result.updated} aktualisiert, "
        f"{result.removed} entfernt{hints}",
    )
    app.call_from_thread(app.tell_screens, lambda: HerneScreen.Outdated([]))
