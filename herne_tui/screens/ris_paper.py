"""A RIS paper (Vorlage, Antrag): reference, title, type, originators, its path through the
committees with roles and results, resolution texts, the links to measures, the RIS page."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from herne_tui.domain import ris as r
from herne_tui.domain.objects import format_date, format_datetime
from herne_tui.ris import links, queries
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.screens.pickers import Prompt
from herne_tui.widgets.shown import cell, plain


class RisPaperScreen(HerneScreen):
    """One mirrored paper.

    | Key | Action |
    | :- | :- |
    | l | link a measure (or a motion as paper:N) to this paper |
    | escape | back |
    """

    BINDINGS = [
        Binding("l", "link", "Verknüpfen", id="ris-paper.link"),
        Binding("escape", "app.pop_screen", "Zurück", id="ris-paper.back"),
    ]
    EDITING = frozenset({"link"})
    DEFAULT_CSS = """
    RisPaperScreen #head { padding: 0 1; height: auto; }
    RisPaperScreen DataTable { height: 1fr; }
    """

    class Loaded(Message):
        """The paper arrived from a worker."""

        def __init__(self, paper: r.Paper | None) -> None:
            super().__init__()
            self.paper = paper

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="head")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Vorlage"
        self.query_one(DataTable).add_columns(
            "Datum", "Gremium", "Sitzung", "Rolle", "entscheidet", "Ergebnis"
        )
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Read the paper in a worker."""
        self.post_message(self.Loaded(queries.paper_detail(self.herne.db, self.url)))

    def on_ris_paper_screen_loaded(self, message: Loaded) -> None:
        p = message.paper
        head = self.query_one("#head", Static)
        if p is None:
            head.update(
                Content(plain(f"Diese Vorlage ist nicht (mehr) im RIS-Spiegel: {self.url}"))
            )
            return
        self.title = f"Vorlage {plain(p.reference, one_line=True)}"
        # Content from plain pieces: the council's texts are never read as markup
        parts: list[str | tuple[str, str]] = [
            (plain(p.reference or "—"), "bold"),
            f"  {plain(p.name)}\n"
            f"Art: {plain(p.paper_type or '—')}   Datum: {format_date(p.date) or '—'}\n"
            f"Eingebracht von: {plain(', '.join(p.originators) or '—')}\n"
            f"Verknüpfte Maßnahmen: {plain(', '.join(p.measures) or 'keine')}"
            + (f"   Anträge: {', '.join(str(m) for m in p.motions)}" if p.motions else ""),
        ]
        if p.deleted:
            parts += ["\n", ("im RIS gelöscht", "bold red"), " (Verknüpfungen bleiben)"]
        parts += [f"\nBeschluss: {plain(text)}" for text in p.resolutions]
        parts.append(f"\nRIS: {plain(p.web or p.url)}")
        head.update(Content.assemble(*parts))
        table = self.query_one(DataTable)
        table.clear()
        for c in p.consultations:
            table.add_row(
                cell(format_datetime(c.start.astimezone()) if c.start else ""),
                cell(", ".join(c.organizations)),
                cell(c.meeting),
                cell(c.role),
                cell("ja" if c.authoritative else ""),
                cell(c.result),
            )

    def action_link(self) -> None:
        """Ask for a measure id (or ``paper:N``) and link it to this paper (in the history)."""
        if not self.herne.check_writable():
            return
        app = self.herne

        def linked(text: str) -> None:
            self.notify(f"Verknüpft: {text}")
            self.reload()

        def done(answer: str | None) -> None:
            if answer and answer.strip():
                self.write(
                    lambda: links.link(app.db, subject=answer, reference=self.url, user=app.user),
                    linked,
                )

        app.push_screen(
            Prompt("Mit welcher Maßnahme verknüpfen? (z. B. ARB-01, oder paper:NR)", ""), done
        )

    def data_changed(self) -> None:
        """The mirror or the links changed: reload."""
        self.reload()
