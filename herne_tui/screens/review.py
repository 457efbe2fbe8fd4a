"""The weekly review (key w) and the progress overview (key 7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from herne_tui.domain.objects import Proposal
from herne_tui.domain.ris import StatusProposal
from herne_tui.errors import HerneError
from herne_tui.reports import build, review
from herne_tui.reports.digest import DECISIONS
from herne_tui.reports.document import Block, Heading, Items, Para, Table, render_text
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.screens.pickers import ChoicePicker, Prompt
from herne_tui.services import confirm, edits, queries
from herne_tui.widgets.shown import plain

GLYPHS = "·░▒▓█×+=-"
"""One bar glyph per status (in board order), so the bars read without colour."""
COLOURS = ("grey50", "yellow", "dark_orange", "blue", "green", "red", "magenta", "cyan")


class ReviewScreen(HerneScreen):
    """What moved since my last review, what is overdue or stale, progress per topic.

    The review is computed in a worker and shown as soon as it is there ("wird berechnet …"
    until then); keys pressed meanwhile are not queued up as recomputations: one runs at a
    time, and only the latest setting is computed after it.

    | Key | Action |
    | :- | :- |
    | r | mark as reviewed now, for me or for the whole coalition |
    | [ / ] | fewer / more weeks without change count as stale |
    | s | save the weekly report to a file (.md, .html or .txt) |
    | b | take over the first proposed status change from a council decision |
    | j / n | confirm / reject the first status change waiting for your party (issue 14) |
    | ↑ ↓ / enter | move between the lines that name a measure / open it |
    """

    BINDINGS = [
        Binding("r", "mark", "Gesehen", id="review.mark"),
        Binding(
            "left_square_bracket",
            "stale(-1)",
            "Wochen −",
            key_display="[",
            show=False,
            id="review.fewer-weeks",
        ),
        Binding(
            "right_square_bracket",
            "stale(1)",
            "Wochen +",
            key_display="]",
            show=False,
            id="review.more-weeks",
        ),
        Binding("s", "save", "Bericht speichern", show=False, id="review.save"),
        Binding("b", "confirm_decision", "Beschluss übernehmen", id="review.confirm-decision"),
        Binding("j", "decide(True)", "Bestätigen", id="review.confirm"),
        Binding("n", "decide(False)", "Zurückweisen", id="review.reject"),
    ]
    EDITING = frozenset({"mark", "confirm_decision", "decide"})
    DEFAULT_CSS = """
    ReviewScreen #review { height: 1fr; padding: 0 1; border: none; }
    ReviewScreen #review > .option-list--option-disabled { color: $text; }
    ReviewScreen #state { padding: 0 1; height: auto; color: $text-muted; }
    """
    COMPUTING = "Wochenrückblick wird berechnet …"

    class Loaded(Message):
        """The review for ``stale_weeks`` arrived from a worker (``data`` None: it failed)."""

        def __init__(
            self,
            data: review.WeeklyReview | None,
            blocks: list[Block],
            stale_weeks: int,
            proposals: tuple[StatusProposal, ...] = (),
            ids: frozenset[str] = frozenset(),
        ) -> None:
            super().__init__()
            self.data, self.blocks, self.stale_weeks = data, blocks, stale_weeks
            self.proposals = proposals
            self.ids = ids
            """Every measure's id: the lines that start with one open it."""

    def __init__(self) -> None:
        super().__init__()
        self.stale_weeks = 4
        self.data: review.WeeklyReview | None = None
        self.computing = False
        """True while a worker computes the review."""
        self._again = False
        """Set when a newer setting (or change) arrived during the computation."""
        self.proposals: tuple[StatusProposal, ...] = ()
        self.lines: dict[str, str] = {}
        """Option id → the measure its line names (the lines enter opens)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.COMPUTING, id="state", markup=False)
        yield OptionList(id="review")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Wochenrückblick"
        self.stale_weeks = self.herne.review_weeks  # config ``review_weeks``
        self.reload()

    def reload(self) -> None:
        """Compute the review anew; during a computation only the latest request follows it."""
        self.query_one("#state", Static).update(self.COMPUTING)
        if self.computing:
            self._again = True
            return
        self.computing = True
        self._compute(self.stale_weeks)

    @work(thread=True, group="load")
    def _compute(self, stale_weeks: int) -> None:
        app = self.herne
        try:
            data = review.weekly_review(app.db, stale_weeks=stale_weeks, user=app.user)
            found = tuple(data.decisions or ())
            blocks = build.weekly_blocks(data) + ([Para(DECISIONS_HINT)] if found else [])
            ids = queries.measure_ids(app.db)
        except HerneError as exc:
            app.call_from_thread(self.notify, exc.message, severity="error", timeout=8)
            self.post_message(self.Loaded(None, [], stale_weeks))
            return
        self.post_message(self.Loaded(data, blocks, stale_weeks, found, ids))

    def on_review_screen_loaded(self, message: Loaded) -> None:
        self.computing = False
        if self._again or message.stale_weeks != self.stale_weeks:
            self._again = False
            self.reload()  # the last value wins; what arrived is already out of date
            return
        self.query_one("#state", Static).update("")
        if message.data is None:
            return
        self.data = message.data
        self.proposals = message.proposals
        since = message.data.since.astimezone().strftime("%d.%m.%Y %H:%M")
        source = {
            "mine": "mein letzter Rückblick",
            "mark": "Rückblick der Koalition",
            "default": "7 Tage",
        }.get(message.data.since_source, "gewählt")
        self.sub_title = (
            f"seit {since} ({source}) · ohne Bewegung ab {self.stale_weeks} Wochen ([ / ])"
        )
        shown = self.query_one("#review", OptionList)
        at = shown.highlighted_option.id if shown.highlighted_option is not None else None
        options, self.lines = review_options(message.blocks, message.ids)
        shown.set_options(options)
        if at in self.lines:  # the cursor stays on its line when the review is computed anew
            shown.highlighted = shown.get_option_index(at)
        elif self.lines:
            shown.highlighted = shown.get_option_index(next(iter(self.lines)))
        shown.focus()

    @on(OptionList.OptionSelected, "#review")
    def _line_chosen(self, event: OptionList.OptionSelected) -> None:
        measure_id = self.lines.get(event.option.id or "")
        if measure_id:
            self.herne.open_measure(measure_id)

    def action_mark(self) -> None:
        """Mark everything up to now as reviewed: for me, or (chosen) for the coalition."""
        if not self.herne.check_writable():
            return
        user = self.herne.user
        choices = [
            ("mine", f"Nur für mich ({plain(user, one_line=True)})"),
            ("everyone", "Für die ganze Koalition (der nächste Rückblick aller beginnt jetzt)"),
        ]
        self.herne.push_screen(
            ChoicePicker("Als gesehen markieren", choices, "mine"),
            lambda choice: self._mark(choice == "everyone") if choice else None,
        )

    def _mark(self, everyone: bool) -> None:
        def done(_: object) -> None:
            who = "für die ganze Koalition" if everyone else "für Sie"
            self.notify(f"Als gesehen markiert ({who}); der nächste Rückblick beginnt jetzt.")
            self.reload()

        app = self.herne
        self.write(lambda: review.mark_reviewed(app.db, user=app.user, everyone=everyone), done)

    def action_confirm_decision(self) -> None:
        """Take over the first proposed status change; its source is the paper's RIS URL."""
        if not self.proposals:
            self.notify("Keine Statusvorschläge aus Beschlüssen.")
            return
        if not self.herne.check_writable():
            return
        p = self.proposals[0]
        app = self.herne

        def done(_: object) -> None:
            self.notify(f"{p.measure_id}: Status → {p.proposed_label} ({p.reference})")
            self.reload()

        self.write(
            lambda: edits.update_measure(
                app.db,
                measure_id=p.measure_id,
                changes={"status": p.proposed},
                user=app.user,
                source=p.paper_url,
                comment=p.decided,
            ),
            done,
        )

    def action_decide(self, yes: bool) -> None:
        """Confirm (or reject) the oldest status change waiting for another partner: the
        list "Warten auf Bestätigung" shows it first."""
        if not self.herne.check_writable():
            return
        app = self.herne

        def done(p: Proposal) -> None:
            what = "bestätigt" if yes else "zurückgewiesen"
            self.notify(f"Vorschlag {p.id} ({p.measure_id}: {p.change}) {what}.")
            self.reload()

        decide = confirm.confirm if yes else confirm.reject
        self.write(lambda: decide(app.db, user=app.user), done, severity="warning")

    def action_stale(self, delta: int) -> None:
        """Change how many weeks without change count as stale."""
        self.stale_weeks = max(1, self.stale_weeks + delta)
        self.reload()

    def action_save(self) -> None:
        """Save the weekly report (in a browser tab: as a download); the file name's extension
        picks the format."""
        name = f"wochenbericht-{date.today():%Y-%m-%d}.md"
        web = self.herne.is_web
        default = name if web else str(Path.home() / name)

        def done(path: str | None) -> None:
            if path:
                self.herne.save_report(
                    "weekly", path, stale_weeks=self.stale_weeks, user=self.herne.user
                )

        self.herne.push_screen(
            Prompt(
                f"Wochenbericht {'als Download' if web else 'speichern als'} "
                "(.md, .html oder .txt)",
                default,
            ),
            done,
        )

    def data_changed(self) -> None:
        """Someone committed a change: rebuild the review."""
        self.reload()


DECISIONS_HINT = f"b übernimmt den ersten Vorschlag unter „{DECISIONS}“."
"""Below the report: the key that takes over a council decision's proposed status."""


def line_measure(item: str, ids: frozenset[str]) -> str:
    """The measure a review line names with its first word (``ARB-01 Titel: …``), or ""."""
    first = item.split(maxsplit=1)[0].rstrip(":,") if item.strip() else ""
    return first if first in ids else ""


def review_options(blocks: list[Block], ids: frozenset[str]) -> tuple[list[Option], dict[str, str]]:
    """The review as lines of an option list: the lines naming a measure can be chosen (enter
    opens it), headings, text and tables are shown but skipped by the cursor; and which
    option names which measure. Every text is plain (``plain``): nothing typed acts."""
    options: list[Option] = []
    lines: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, Heading):
            if options:
                options.append(Option(Text(""), disabled=True))
            style = "bold underline" if block.level == 1 else "bold"
            options.append(
                Option(Text(plain(block.text, one_line=True), style=style), disabled=True)
            )
        elif isinstance(block, Para):
            options.append(Option(Text(plain(block.text)), disabled=True))
        elif isinstance(block, Items):
            if not block.items:
                options.append(Option(Text(f"  ({block.empty})", style="dim"), disabled=True))
            for item in block.items:
                measure_id = line_measure(item, ids)
                text = Text(f"• {plain(item, one_line=True)}")
                if measure_id:
                    key = f"line-{len(options)}"
                    lines[key] = measure_id
                    options.append(Option(text, id=key))
                else:
                    options.append(Option(text, disabled=True))
        elif isinstance(block, Table):
            options.append(Option(Text(render_text([block]).rstrip("\n")), disabled=True))
    return options, lines


def bar(counts, width: int) -> Text:
    """A stacked bar of status shares, one glyph (and colour) per status."""
    text, used = Text(), 0
    total = sum(c.count for c in counts) or 1
    for i, c in enumerate(counts):
        cells = round(c.count / total * width) if i < len(counts) - 1 else width - used
        cells = max(0, min(cells, width - used))
        text.append(GLYPHS[i % len(GLYPHS)] * cells, style=COLOURS[i % len(COLOURS)])
        used += cells
    return text


class ProgressScreen(HerneScreen):
    """Per topic and overall, the share of measures in each status, and the term left."""

    DEFAULT_CSS = """
    ProgressScreen #term { padding: 1 1 0 1; height: auto; }
    ProgressScreen ProgressBar { padding: 0 1; }
    ProgressScreen #bars { padding: 1; height: auto; }
    """
    data: review.Progress | None = None
    """The progress last shown (drawn again for a new width)."""

    class Loaded(Message):
        """Progress data arrived from a worker."""

        def __init__(self, data: review.Progress) -> None:
            super().__init__()
            self.data = data

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="term", markup=False)
            yield ProgressBar(total=100, show_eta=False, id="elapsed")
            yield Static(id="bars")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Fortschritt"
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Read the progress in a worker."""
        self.post_message(self.Loaded(review.progress(self.herne.db)))

    def on_resize(self) -> None:
        if self.data is not None:
            self.post_message(self.Loaded(self.data))

    def on_progress_screen_loaded(self, message: Loaded) -> None:
        data = self.data = message.data
        term = data.term
        if term.start and term.end:
            self.query_one("#term", Static).update(
                f"Wahlperiode {term.start:%d.%m.%Y} – {term.end:%d.%m.%Y}: noch "
                f"{term.days_left} Tage ({term.share_elapsed:.0%} der Zeit vergangen)"
            )
        self.query_one("#elapsed", ProgressBar).update(progress=round(term.share_elapsed * 100))
        names = [row.name for row in data.topics] + ["Gesamt"]
        room = self.size.width - 4  # padding and scrollbar
        tail = 17  # " 123/456 erledigt"
        name_width = min(max(map(len, names)), max(16, room - tail - 1 - 20))
        width = max(10, min(60, room - name_width - 1 - tail))
        out = Text()
        legend = Text("Legende: ")
        for i, s in enumerate(data.statuses):
            label = plain(s.label, one_line=True)
            legend.append(f"{GLYPHS[i % len(GLYPHS)]} {label}  ", style=COLOURS[i % 8])
        out.append_text(legend)
        out.append("\n\n")
        for row in (*data.topics, data.overall):
            done = sum(c.count for c in row.counts if c.done)
            name = plain(row.name, one_line=True) if row is not data.overall else "Gesamt"
            if len(name) > name_width:
                name = name[: name_width - 1] + "…"
            out.append(f"{name:<{name_width}} ")
            out.append_text(bar(row.counts, width))
            out.append(f" {done:>3}/{row.total:<3} erledigt\n")
        self.query_one("#bars", Static).update(out)

    def data_changed(self) -> None:
        """Someone committed a change: redraw."""
        self.reload()
