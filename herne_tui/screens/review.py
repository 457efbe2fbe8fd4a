"""The weekly review (key w) and the progress overview (key 7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Markdown, ProgressBar, Static

from herne_tui.domain.objects import Proposal
from herne_tui.reports import build, review
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.screens.pickers import Prompt
from herne_tui.services import confirm

GLYPHS = "·░▒▓█×+=-"
"""One bar glyph per status (in board order), so the bars read without colour."""
COLOURS = ("grey50", "yellow", "dark_orange", "blue", "green", "red", "magenta", "cyan")


class ReviewScreen(HerneScreen):
    """What moved since the last review, what is overdue or stale, progress per topic.

    | Key | Action |
    | :- | :- |
    | r | mark as reviewed now (the next review starts here) |
    | [ / ] | fewer / more weeks without change count as stale |
    | s | save the weekly report to a file (.md, .html or .txt) |
    | b / z | confirm / reject the first status change waiting for your party (issue 14) |
    """

    BINDINGS = [
        Binding("r", "mark", "Gesehen", id="review.mark"),
        Binding(
            "left_square_bracket", "stale(-1)", "Wochen −", key_display="[", id="review.fewer-weeks"
        ),
        Binding(
            "right_square_bracket", "stale(1)", "Wochen +", key_display="]", id="review.more-weeks"
        ),
        Binding("s", "save", "Bericht speichern", id="review.save"),
        Binding("b", "decide(True)", "Bestätigen", id="review.confirm"),
        Binding("z", "decide(False)", "Zurückweisen", id="review.reject"),
    ]
    EDITING = frozenset({"mark", "decide"})
    DEFAULT_CSS = "ReviewScreen Markdown { padding: 0 1; }"

    class Loaded(Message):
        """The review arrived from a worker."""

        def __init__(self, data: review.WeeklyReview, text: str) -> None:
            super().__init__()
            self.data, self.text = data, text

    def __init__(self) -> None:
        super().__init__()
        self.stale_weeks = 4
        self.data: review.WeeklyReview | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Markdown(id="review")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Wochenrückblick"
        self.reload()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def reload(self) -> None:
        """Build the review in a worker."""
        data = review.weekly_review(self.herne.db, stale_weeks=self.stale_weeks)
        self.post_message(self.Loaded(data, build.render_weekly(data, "md")))

    def on_review_screen_loaded(self, message: Loaded) -> None:
        self.data = message.data
        since = message.data.since.astimezone().strftime("%d.%m.%Y %H:%M")
        source = {"mark": "letzter Rückblick", "default": "7 Tage"}.get(
            message.data.since_source, "gewählt"
        )
        self.sub_title = f"seit {since} ({source}) · ohne Bewegung ab {self.stale_weeks} Wochen"
        self.query_one("#review", Markdown).update(message.text)

    def action_mark(self) -> None:
        """Mark everything up to now as reviewed; the next review starts here."""
        if self.herne.check_writable():
            self._mark()

    def _mark(self) -> None:
        def done(_: object) -> None:
            self.notify("Als gesehen markiert; der nächste Rückblick beginnt jetzt.")
            self.reload()

        app = self.herne
        self.write(lambda: review.mark_reviewed(app.db, user=app.user), done)

    def action_decide(self, yes: bool) -> None:
        """Confirm (or reject) the oldest status change waiting for another partner: the
        list "Warten auf Bestätigung" shows it first."""
        if not self.herne.check_writable():
            return
        app = self.herne

        def done(p: Proposal) -> None:
            what = "bestätigt" if yes else "zurückgewiesen"
            self.notify(f"Vorschlag {p.id} ({p.measure_id} → {p.new}) {what}.")
            self.reload()

        decide = confirm.confirm if yes else confirm.reject
        self.write(lambda: decide(app.db, user=app.user), done, severity="warning")

    def action_stale(self, delta: int) -> None:
        """Change how many weeks without change count as stale."""
        self.stale_weeks = max(1, self.stale_weeks + delta)
        self.reload()

    def action_save(self) -> None:
        """Save the weekly report; the file name's extension picks the format."""
        default = str(Path.home() / f"wochenbericht-{date.today():%Y-%m-%d}.md")

        def done(path: str | None) -> None:
            if path:
                self.herne.save_report("weekly", path, stale_weeks=self.stale_weeks)

        self.herne.push_screen(
            Prompt("Wochenbericht speichern als (.md, .html oder .txt)", default), done
        )

    def data_changed(self) -> None:
        """Someone committed a change: rebuild the review."""
        self.reload()


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

    def on_progress_screen_loaded(self, message: Loaded) -> None:
        data = message.data
        term = data.term
        if term.start and term.end:
            self.query_one("#term", Static).update(
                f"Wahlperiode {term.start:%d.%m.%Y} – {term.end:%d.%m.%Y}: noch "
                f"{term.days_left} Tage ({term.share_elapsed:.0%} der Zeit vergangen)"
            )
        self.query_one("#elapsed", ProgressBar).update(progress=round(term.share_elapsed * 100))
        width = max(20, min(60, self.size.width - 40))
        out = Text()
        legend = Text("Legende: ")
        for i, s in enumerate(data.statuses):
            legend.append(f"{GLYPHS[i % len(GLYPHS)]} {s.label}  ", style=COLOURS[i % 8])
        out.append_text(legend)
        out.append("\n\n")
        for row in (*data.topics, data.overall):
            done = sum(c.count for c in row.counts if c.done)
            name = row.name if row is not data.overall else "Gesamt"
            out.append(f"{name[:28]:<28} ")
            out.append_text(bar(row.counts, width))
            out.append(f" {done:>3}/{row.total:<3} erledigt\n")
        self.query_one("#bars", Static).update(out)

    def data_changed(self) -> None:
        """Someone committed a change: redraw."""
        self.reload()
