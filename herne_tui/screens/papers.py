"""Panel 8: motions and council papers with positions, consensus and partner deadlines."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import work
from textual.binding import Binding

from herne_tui.domain.objects import PAPER_KINDS, POSITIONS, Paper, format_date
from herne_tui.domain.procedures import CONSENSUS_LABELS
from herne_tui.screens.base import guarded
from herne_tui.screens.edit_form import FormField
from herne_tui.screens.panel import PanelScreen, flag
from herne_tui.screens.pickers import Prompt
from herne_tui.services import papers, queries

BODY_HINT = "Gremium (Rat, Ausschuss für …, Bezirksvertretung …)"


def paper_fields(p: Paper | None, council: str = "") -> list[FormField]:
    """The fields of the add/edit form of a paper."""
    return [
        FormField("title", "Titel", "text", p.title if p else ""),
        FormField(
            "kind",
            "Art",
            "choice",
            p.kind if p else "gemeinsamer-antrag",
            tuple(PAPER_KINDS),
            PAPER_KINDS,
        ),
        FormField("body", BODY_HINT, "text", p.body if p else council),
        FormField("meeting_date", "Sitzung am (TT.MM.JJJJ)", "date", p.meeting_date if p else None),
        FormField(
            "filing_deadline",
            "Einreichfrist (TT.MM.JJJJ)",
            "date",
            p.filing_deadline if p else None,
        ),
        FormField(
            "proposal_sent",
            "Vorschlag an Partner gesendet am (TT.MM.JJJJ)",
            "date",
            p.proposal_sent if p else None,
        ),
        FormField(
            "number", "Drucksachen-Nr. (Ratsinformationssystem)", "text", p.number if p else ""
        ),
        FormField(
            "measure_ids",
            "Maßnahmen (IDs, z. B. SCH-02 KJF-02)",
            "text",
            " ".join(p.measure_ids) if p else "",
        ),
        FormField(
            "legally_required",
            "rechtlich verpflichtend zu beraten",
            "bool",
            p.legally_required if p else False,
        ),
        FormField(
            "harmful_to_defer",
            "Zurückstellen verursacht finanziellen Schaden",
            "bool",
            p.harmful_to_defer if p else False,
        ),
    ]


def paper_problems(p: Paper) -> list[str]:
    """What the user must act on: a missed partner deadline, a deferral."""
    out = []
    if p.partner_overdue:
        out.append(f"Vorschlag an Partner war bis {format_date(p.partner_deadline)} fällig")
    if p.verdict == "zurückstellen":
        out.append("kein Konsens zur Sitzung: zurückstellen")
    return out


class PapersScreen(PanelScreen):
    """Anträge und Vorlagen: add in a few keys, record positions, raise a dissent.

    | Key | Action |
    | :- | :- |
    | a | add a motion or paper |
    | enter / e | edit it |
    | p | record the partners' positions |
    | x | report a dissent (to the Koordinierungsgruppe) |
    | r | open the RIS paper whose reference is this paper's number |
    """

    BINDINGS = [
        Binding("a", "add", "Neu", id="papers.add"),
        Binding("p", "positions", "Positionen", id="papers.positions"),
        Binding("x", "dissent", "Dissens melden", id="papers.dissent"),
        Binding("r", "ris_paper", "RIS-Vorlage", show=False, id="papers.ris-paper"),
    ]
    EDITING = PanelScreen.EDITING | {"add", "positions", "dissent"}
    PANEL_TITLE = "Anträge & Vorlagen"
    SCREEN = "papers"
    INTRO_RULES = ("joint-motion-lead", "defer-without-consensus")
    INTRO = "Anträge und Vorlagen mit den Positionen der Partner."
    KEYS = "a: neu, p: Positionen, x: Dissens"
    COLUMNS = (
        "Nr.",
        "Titel",
        "Art",
        "Gremium",
        "Sitzung",
        "Einreichfrist",
        "An Partner bis",
        "Positionen",
        "Einigung",
        "Empfehlung",
        "Prüfung",
    )

    def fetch(self, db):
        city = queries.agreement(db).city
        return list(papers.list_papers(db)), {
            "partners": queries.partners(db),
            "council": f"Rat der Stadt {city}" if city else "",
        }

    def key_of(self, p: Paper) -> str:
        return str(p.id)

    def label_of(self, p: Paper) -> str:
        return p.label

    def row(self, p: Paper) -> tuple:
        deadline = format_date(p.partner_deadline) or "—"
        positions = ", ".join(f"{party}: {pos}" for party, pos, _ in p.positions)
        return (
            p.number or str(p.id),
            p.title,
            p.kind_label,
            p.body,
            format_date(p.meeting_date) or "—",
            format_date(p.filing_deadline) or "—",
            Text(deadline, style="bold red") if p.partner_overdue else deadline,
            positions,
            CONSENSUS_LABELS.get(p.consensus, p.consensus),
            p.verdict,
            flag(paper_problems(p)),
        )

    def problems(self, p: Paper) -> list[str]:
        return paper_problems(p)

    def form(self, p: Paper):
        return f"{self.label_of(p)} bearbeiten", paper_fields(p)

    def save(self, db, p: Paper, changes: dict, version: int) -> None:
        papers.update_paper(
            db, paper_id=p.id, changes=changes, user=self.herne.user, expected_version=version
        )

    def action_add(self) -> None:
        """Add a motion or council paper."""
        if self.herne.check_writable():
            self.edit_item(
                None,
                lambda _: (
                    "Neuer Antrag / neue Vorlage",
                    paper_fields(None, self.context.get("council", "")),
                ),
                self._add,
                self._added,
            )

    def _add(self, db, _: None, values: dict) -> Paper:
        base = {f.name: f.value for f in paper_fields(None, self.context.get("council", ""))}
        base.update(values)
        return papers.add_paper(db, values=base, user=self.herne.user)

    def _added(self, paper: Paper) -> None:
        extra = ""
        if paper.partner_deadline:
            extra = f" – Vorschlag an den Partner bis {format_date(paper.partner_deadline)}"
        self.notify(f"{self.label_of(paper)} angelegt{extra}.")

    def action_positions(self) -> None:
        """Record each partner's position on the paper under the cursor."""
        p = self.current()
        if p is None or not self.herne.check_writable():
            return
        self.edit_item(
            p,
            self._position_form,
            self._positions,
            lambda paper: self.notify(
                f"Positionen gespeichert: {CONSENSUS_LABELS.get(paper.consensus, paper.consensus)}"
                f" – {paper.verdict}"
            ),
        )

    def _position_form(self, p: Paper) -> tuple[str, list[FormField]]:
        fields = [
            FormField(f"pos_{party}", f"Position {party}", "choice", pos, POSITIONS)
            for party, pos, _ in p.positions
        ]
        return f"Positionen zu „{p.title}“", fields

    def _positions(self, db, p: Paper, changes: dict) -> Paper:
        versions = {party: version for party, _, version in p.positions}
        positions = {key.removeprefix("pos_"): value for key, value in changes.items()}
        return papers.set_positions(
            db,
            paper_id=p.id,
            positions=positions,
            user=self.herne.user,
            expected_versions={party: versions[party] for party in positions},
        )

    def action_ris_paper(self) -> None:
        """Open the mirrored RIS paper this motion's number names (or the one linked to it)."""
        p = self.current()
        if p is not None:
            self._find_ris_paper(p)

    @work(thread=True, exclusive=True, group="ris")
    @guarded
    def _find_ris_paper(self, p: Paper) -> None:
        from herne_tui.ris import queries as ris_queries  # the mirror, only when asked

        app = self.herne
        found = [x for x in ris_queries.papers(app.db) if p.id in x.motions]
        if found:
            app.call_from_thread(app.open_ris_paper, found[0].url)
        else:
            app.call_from_thread(
                self.notify,
                f"Keine RIS-Vorlage zu „{p.number or p.title}“ im Spiegel "
                "(Nummer wie im RIS eintragen, RIS abgleichen).",
            )

    def action_dissent(self) -> None:
        """Report a dissent on this paper to the Koordinierungsgruppe."""
        p = self.current()
        if p is None or not self.herne.check_writable():
            return
        self.herne.push_screen(
            Prompt(f"Dissens zu „{p.title}“ – Begründung"),
            lambda reason: self.raise_dissent(f"paper:{p.id}", reason) if reason else None,
        )

    def today(self) -> date:
        """Today by the database's clock."""
        return self.herne.db.now().astimezone().date()
