"""Two views of the RIS mirror opened from the Sitzungen screen: a meeting's position sheet
(as ``report positions``) and the link suggestions a sync left (accept or reject each)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Markdown, Static

from herne_tui.domain import ris as r
from herne_tui.domain.text import for_markdown
from herne_tui.errors import HerneError
from herne_tui.reports.positions import render_positions
from herne_tui.ris import links, proposals
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.widgets.shown import cell


class PositionsScreen(HerneScreen):
    """The position sheet (Positionsblatt) of one meeting.

    | Key | Action |
    | :- | :- |
    | escape | back |
    """

    BINDINGS = [Binding("escape", "app.pop_screen", "Zurück", id="positions.back")]
    DEFAULT_CSS = "PositionsScreen Markdown { padding: 0 1; }"

    class Loaded(Message):
        """The sheet arrived from a worker."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, meeting_url: str) -> None:
        super().__init__()
        self.meeting_url = meeting_url

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Markdown(id="sheet")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Positionsblatt"
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Build the sheet in a worker (Markdown, as ``report positions --format md``)."""
        try:
            text = render_positions(self.herne.db, self.meeting_url, "md")
        except HerneError as exc:  # it may quote a meeting's URL or name from the server
            text = for_markdown(exc.message)
        self.post_message(self.Loaded(text))

    def on_positions_screen_loaded(self, message: Loaded) -> None:
        self.query_one("#sheet", Markdown).update(message.text)

    def data_changed(self) -> None:
        """Positions, dissents or the mirror changed: rebuild."""
        self.reload()


class SuggestionsScreen(HerneScreen):
    """Suggested links between new papers and measures; nothing is linked without a key.

    | Key | Action |
    | :- | :- |
    | enter | link the highlighted suggestion |
    | x | reject it (not suggested again) |
    | escape | back |
    """

    BINDINGS = [
        Binding("x", "reject", "Ablehnen", id="suggestions.reject"),
        Binding("escape", "app.pop_screen", "Zurück", id="suggestions.back"),
    ]
    EDITING = frozenset({"reject"})
    DEFAULT_CSS = (
        "SuggestionsScreen DataTable { height: 1fr; } SuggestionsScreen #intro { padding: 0 1; }"
    )

    class Loaded(Message):
        """Suggestions arrived from a worker."""

        def __init__(self, items: tuple[r.Suggestion, ...]) -> None:
            super().__init__()
            self.items = items

    def __init__(self) -> None:
        super().__init__()
        self.items: tuple[r.Suggestion, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="intro", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Verknüpfungsvorschläge"
        self.query_one(DataTable).add_columns("Maßnahme", "Vorlage", "Titel", "Ähnlichkeit")
        self.query_one(DataTable).focus()
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Read the open suggestions in a worker."""
        self.post_message(self.Loaded(proposals.suggestions(self.herne.db)))

    def on_suggestions_screen_loaded(self, message: Loaded) -> None:
        self.items = message.items
        table = self.query_one(DataTable)
        table.clear()
        for s in self.items:
            table.add_row(
                cell(f"{s.measure_id} {s.measure_title}"),
                cell(s.reference),
                cell(s.name),
                f"{round(s.score * 100)} %",
            )
        self.query_one("#intro", Static).update(
            f"{len(self.items)} Vorschläge: Enter verknüpft, x lehnt ab."
            if self.items
            else "Keine offenen Vorschläge."
        )

    def _current(self) -> r.Suggestion | None:
        row = self.query_one(DataTable).cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    def _decide(self, accept: bool) -> None:
        item = self._current()
        if item is None or not self.herne.check_writable():
            return
        app = self.herne
        act = links.link if accept else links.reject

        def done(text: str) -> None:
            self.notify(text)
            self.reload()

        self.write(
            lambda: act(app.db, subject=item.measure_id, reference=item.paper_url, user=app.user),
            done,
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: link the highlighted suggestion."""
        self._decide(accept=True)

    def action_reject(self) -> None:
        """Reject the highlighted suggestion."""
        self._decide(accept=False)

    def data_changed(self) -> None:
        """Links changed: reload."""
        self.reload()
