"""One measure: the agreement's text and where it stands, its state, notes and timeline."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    TextArea,
)

from herne_tui.domain.objects import (
    DATE_FORMS,
    DateError,
    HistoryEntry,
    Measure,
    format_date,
    format_datetime,
    parse_date,
)
from herne_tui.domain.ris import LinkedPaper
from herne_tui.ris import proposals
from herne_tui.screens.base import HerneScreen, guarded
from herne_tui.screens.unsaved import DROP, SAVE, KeepsInput, UnsavedDialog
from herne_tui.services import edits, history, queries
from herne_tui.services.queries import NOTES_PAGE
from herne_tui.widgets.shown import cell, plain


def describe_entry(e: HistoryEntry, labels: dict[str, str]) -> str:
    """One German line for a history entry: when, who, what changed."""
    return f"{format_datetime(e.at.astimezone())}  {e.user}: {history.describe(e, labels)}"


TIMELINE = 50
"""History entries the measure view shows (the newest)."""

BOLD = "bold"


class MeasureScreen(KeepsInput, HerneScreen):
    """The measure view: verbatim text, sub-items, targets, repeats; editable state and notes.

    | Key | Action |
    | :- | :- |
    | ctrl+s | save |
    | esc | back (asks when there are unsaved changes) |
    | enter on a related id | open that measure (tab / shift+tab reach the ids) |
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Speichern", id="measure.save"),
        Binding("escape", "back", "Zurück", id="measure.back"),
        Binding("ctrl+t", "toggle_intern", "Intern", id="measure.intern"),
    ]
    EDITING = frozenset({"save", "toggle_intern"})

    DEFAULT_CSS = """
    MeasureScreen #body { padding: 0 1; }
    MeasureScreen .heading { text-style: bold; margin-top: 1; }
    MeasureScreen #text { margin: 1 0; padding: 0 1; border-left: thick $accent; }
    MeasureScreen .row { height: auto; }
    MeasureScreen .row > Vertical { width: 1fr; height: auto; padding-right: 1; }
    MeasureScreen #date-error { color: $error; height: auto; }
    MeasureScreen #related { height: auto; display: none; }
    MeasureScreen #related.-some { display: block; }
    MeasureScreen #related Label { padding: 0 1 0 0; }
    MeasureScreen #related Button { margin-right: 1; }
    MeasureScreen TextArea { height: 4; }
    """

    class Loaded(Message):
        """The measure and its timeline arrived from a worker."""

        def __init__(
            self,
            measure: Measure,
            timeline: tuple[HistoryEntry, ...],
            labels: dict[str, str],
            topics: dict[str, str],
            leads: tuple[str, ...] = (),
        ) -> None:
            super().__init__()
            self.measure = measure
            self.timeline = timeline
            self.labels = labels
            self.topics = topics
            self.leads = leads

    class Saved(Message):
        """This screen saved a measure; the app passes it on to the other screens."""

        def __init__(self, measure: Measure) -> None:
            super().__init__()
            self.measure = measure

    def __init__(self, measure_id: str) -> None:
        super().__init__()
        self.measure_id = measure_id
        self.measure: Measure | None = None
        self.labels: dict[str, str] = {}
        self.topics: dict[str, str] = {}
        self.statuses: list[tuple[Text, str]] = []
        self.leads: list[tuple[Text, str]] = [(Text("—"), "")]
        self.leave_when_saved = False
        """Set by "Speichern" in the dialog of esc: the screen closes once the save is done."""
        self.notes_shown = NOTES_PAGE
        self._paging = False
        """How many of the newest notes are read and shown ("Ältere Notizen laden" adds more)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body"):
            yield Static(id="facts")
            with Horizontal(id="related"):
                yield Label("Verwandt (enter öffnet):")
            yield Static(id="text")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Status")
                    yield Select([("…", "")], id="status", allow_blank=False)
                with Vertical():
                    yield Label("Federführung")
                    yield Select([("—", "")], id="lead", allow_blank=False)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Verantwortlich")
                    yield Input(id="responsible")
                with Vertical():
                    yield Label(f"Fällig ({DATE_FORMS})", id="due-label")
                    yield Input(id="due", placeholder="TT.MM.JJJJ")
                    yield Label("", id="date-error", markup=False)
            yield Label("Neue Notiz (wird mit Name und Zeit angehängt)")
            yield TextArea(id="note", soft_wrap=True, show_line_numbers=False)
            yield Checkbox("intern: nur für die eigene Partei (ctrl+t)", False, id="note-intern")
            yield Static(id="notes")
            yield Static(id="ris")
            yield Button("Ältere Notizen laden", id="older-notes", variant="default")
            yield Static(id="timeline")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.measure_id
        self.load()

    @work(thread=True, exclusive=True, group="load")
    @guarded
    def load(self) -> None:
        """Read the measure, its timeline and the labels in a worker."""
        db = self.herne.db
        measure = queries.get_measure(
            db, self.measure_id, user=self.herne.user, notes_limit=self.notes_shown
        )
        topics, statuses = queries.labels(db)
        timeline = queries.history(
            db,
            entity="measure",
            entity_id=self.measure_id,
            limit=TIMELINE,
            newest_first=True,
            by_id=True,
        )
        self.herne.call_from_thread(
            self._show_ris, proposals.linked_papers(db, f"measure:{self.measure_id}")
        )
        self.post_message(
            self.Loaded(
                measure,
                timeline,
                {s.key: s.label for s in statuses},
                {t.key: t.name for t in topics},
                queries.agreement(db).leads,
            )
        )

    def on_measure_screen_loaded(self, message: Loaded) -> None:
        first = self.measure is None
        dirty = not first and self.is_dirty()
        self.labels, self.topics = message.labels, message.topics
        # choices as Text: a label from the seed is shown as typed, never read as markup
        self.statuses = [(cell(label), key) for key, label in message.labels.items()]
        self.leads = [(Text("—"), ""), *((cell(x), x) for x in message.leads)]
        self._show_read_only(message.measure, message.timeline)
        paging, self._paging = self._paging, False
        if dirty and paging:
            return  # older notes arrived: the form keeps what was typed, nothing else changed
        if dirty:
            self.notify(
                "Diese Maßnahme wurde geändert; Ihre ungespeicherten Eingaben bleiben. "
                "Beim Speichern wird verglichen.",
                severity="warning",
            )
            return
        self.measure = message.measure
        self._fill_form(message.measure)
        if first:  # keys go to the form, not to the app's single-letter shortcuts
            self.query_one("#status", Select).focus()

    def _show_read_only(self, m: Measure, timeline: tuple[HistoryEntry, ...]) -> None:
        self.sub_title = plain(m.title, one_line=True)
        # Built as Content from plain pieces: stored text is never read as markup.
        facts = Content.assemble(
            (m.id, BOLD),
            f" · {plain(m.title)}\nThema: {plain(self.topics.get(m.topic, m.topic))} · "
            f"Inhaltliche Punkte, Absatz {m.paragraph} · "
            f"Status: {plain(self.labels.get(m.status, m.status))} · Version {m.version}",
            *(
                f"\nWortgleich wiederholt: {plain(self.topics.get(place.topic, ''))}, "
                f"Absatz {place.paragraph}"
                for place in m.duplicates
            ),
        )
        self.query_one("#facts", Static).update(facts)
        self._show_related(m.related)
        text: list[str | tuple[str, str]] = [plain(m.text)]
        text += [f"\n  • {plain(item)}" for item in m.subitems]
        for t in m.targets:
            text += ["\n", ("Ziel:", BOLD), f" {plain(t.label)}: {t.value} {plain(t.unit)}"]
        self.query_one("#text", Static).update(Content.assemble(*text))
        notes = (
            "\n".join(
                f"{format_datetime(n.at.astimezone())}  {plain(n.author)}"
                f"{f' (intern {plain(n.intern)})' if n.intern else ''}: {plain(n.text)}"
                for n in m.notes
            )
            or "—"
        )
        older = m.note_count - len(m.notes)
        count = (
            f"{m.note_count}" if not older else f"die neuesten {len(m.notes)} von {m.note_count}"
        )
        self.query_one("#notes", Static).update(
            Content.assemble((f"Notizen ({count})", BOLD), "\n", notes)
        )
        button = self.query_one("#older-notes", Button)
        button.display = older > 0
        button.label = f"Ältere Notizen laden ({min(older, NOTES_PAGE)} von {older} weiteren)"
        lines = [plain(describe_entry(e, self.labels)) for e in timeline]  # newest first
        self.query_one("#timeline", Static).update(
            Content.assemble(("Verlauf", BOLD), "\n", "\n".join(lines[:TIMELINE]) or "—")
        )

    def _show_related(self, related: tuple[str, ...]) -> None:
        """One button per related measure: focus it (tab) and press enter to open it."""
        row = self.query_one("#related", Horizontal)
        shown = tuple(b.name for b in row.query(Button))
        if shown == related:
            return
        row.query(Button).remove()
        row.mount_all(
            Button(Text(plain(r, one_line=True)), name=r, classes="related", compact=True)
            for r in related
        )
        row.set_class(bool(related), "-some")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("related") and event.button.name:
            event.stop()
            self.herne.open_measure(event.button.name)
            return
        if event.button.id == "older-notes":
            event.stop()
            self.notes_shown += NOTES_PAGE
            self._paging = True
            self.load()

    def _show_ris(self, papers: tuple[LinkedPaper, ...]) -> None:
        """The linked RIS papers and their decisions (``herne-tui ris link``)."""
        parts: list[str | tuple[str, str]] = [(f"Ratsinformationssystem ({len(papers)})", BOLD)]
        for p in papers:
            parts.append(f"\n{plain(p.reference or p.url)} {plain(p.name)}")
            if p.deleted:
                parts += [" ", ("(im RIS gelöscht)", "bold red")]
            if p.decided:
                parts.append(f"\n  {plain(p.decided)}")
        self.query_one("#ris", Static).update(Content.assemble(*parts) if papers else "")

    def _fill_form(self, m: Measure) -> None:
        status = self.query_one("#status", Select)
        status.set_options(self.statuses)
        status.value = m.status
        lead = self.query_one("#lead", Select)
        known = [v for _, v in self.leads]
        unknown = [] if m.lead in known else [(cell(m.lead), m.lead)]
        lead.set_options(self.leads + unknown)
        lead.value = m.lead
        self.query_one("#responsible", Input).value = plain(m.responsible, one_line=True)
        self.query_one("#due", Input).value = format_date(m.due)
        self.query_one("#note", TextArea).text = ""
        self.query_one("#note-intern", Checkbox).value = False
        self.query_one("#date-error", Label).update("")

    # -- editing -------------------------------------------------------------------------------
    def form_changes(self) -> dict | None:
        """Changed fields (None when the date does not parse; the message shows inline)."""
        m = self.measure
        if m is None:
            return {}
        error = self.query_one("#date-error", Label)
        raw = self.query_one("#due", Input).value.strip()
        try:
            due = parse_date(raw) if raw else None
        except DateError as exc:
            error.update(plain(str(exc)))
            return None
        error.update("")
        values = {
            "status": self.query_one("#status", Select).value,
            "lead": self.query_one("#lead", Select).value or "",
            "responsible": self.query_one("#responsible", Input).value.strip(),
            "due": due,
        }
        # the responsible as its field shows it (plain): left as it was, it is no change
        responsible = plain(m.responsible, one_line=True)
        current = {"status": m.status, "lead": m.lead, "responsible": responsible, "due": m.due}
        return {k: v for k, v in values.items() if v != current[k]}

    def note_text(self) -> str:
        """The note being typed, stripped."""
        return self.query_one("#note", TextArea).text.strip()

    def is_dirty(self) -> bool:
        """True when the form differs from the saved measure (or a note is typed)."""
        changes = self.form_changes()
        return changes is None or bool(changes) or bool(self.note_text())

    def action_save(self) -> None:
        """Save the changes and the note; a bad date is refused inline."""
        self.leave_when_saved = False
        self.save_input()

    def unsaved_input(self) -> bool:
        """True when the form differs from the saved measure or a note is typed."""
        return self.measure is not None and self.is_dirty()

    def save_input(self) -> bool:
        """Start saving the form and the note; False (with the reason shown) when refused."""
        changes = self.form_changes()
        if changes is None:
            self.notify("Datum nicht lesbar – nichts gespeichert.", severity="error")
            return False
        note = self.note_text()
        if not changes and not note:
            self.notify("Keine Änderungen.")
            return True
        if self.measure is None or not self.herne.check_writable():
            return False
        self._save(changes, note or None, self.measure.version)
        return True

    def action_toggle_intern(self) -> None:
        """The new note only for the own party, or shared (issue 14)."""
        box = self.query_one("#note-intern", Checkbox)
        box.value = not box.value

    def _save(self, changes: dict, note: str | None, version: int) -> None:
        app = self.herne
        intern = self.query_one("#note-intern", Checkbox).value
        self.write(
            lambda: edits.update_measure(
                app.db,
                measure_id=self.measure_id,
                changes=changes,
                user=app.user,
                expected_version=version,
                note=note,
                intern=intern,
            ),
            self._saved,
            retry=lambda c: self._save(c.mine, note, c.version),
            reload=self.load,
        )

    def _saved(self, measure: Measure) -> None:
        self.measure = measure
        self._fill_form(measure)
        self.notify(f"{measure.id} gespeichert (Version {measure.version}).")
        self.post_message(self.Saved(measure))
        if self.leave_when_saved:
            self.dismiss()
            return
        self.load()

    def action_back(self) -> None:
        """Leave; asks first (save, drop, keep editing) when there are unsaved changes."""
        if not self.unsaved_input():
            self.dismiss()
            return

        def answer(choice: str | None) -> None:
            if choice == DROP:
                self.dismiss()
            elif choice == SAVE:
                self.leave_when_saved = self.save_input()

        self.herne.push_screen(
            UnsavedDialog(f"Ungespeicherte Änderungen an {self.measure_id}."), answer
        )

    def data_changed(self) -> None:
        """Someone committed a change: refresh, keeping unsaved input."""
        self.load()
