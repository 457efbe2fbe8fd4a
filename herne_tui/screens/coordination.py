"""Panel 9: the Koordinierungsgruppe's agenda (dissents) and its decisions."""

from __future__ import annotations

from datetime import date

from herne_tui.domain import procedures
from herne_tui.domain.objects import Dissent, format_date, format_datetime
from herne_tui.screens.edit_form import FormField
from herne_tui.screens.panel import PanelScreen
from herne_tui.services import papers, queries


class CoordinationScreen(PanelScreen):
    """Open dissents first; enter records the group's decision (at most 8 per party)."""

    PANEL_TITLE = "Koordinierungsgruppe"
    SCREEN = "coordination"
    INTRO_RULES = ("dissent-decision", "koordinierungsgruppe", "decisions-recorded")
    INTRO = "Bei Dissens entscheidet die Koordinierungsgruppe."
    KEYS = "enter: Entscheidung"
    COLUMNS = (
        "Nr.",
        "Gegenstand",
        "Gemeldet",
        "von",
        "Begründung",
        "Stand",
        "Entscheidung",
        "Teilnehmende",
    )

    def fetch(self, db):
        items = sorted(papers.list_dissents(db), key=lambda x: (x.state != "offen", x.id))
        return items, {"partners": queries.partners(db)}

    def key_of(self, x: Dissent) -> str:
        return str(x.id)

    def label_of(self, x: Dissent) -> str:
        return f"Dissens {x.id}"

    def row(self, x: Dissent) -> tuple:
        decision = procedures.DECISIONS.get(x.decision, "")
        if x.decided_on:
            decision += f" am {format_date(x.decided_on)}: {x.outcome or x.procedure}"
        people = "; ".join(f"{p}: {len(names)}" for p, names in x.participants)
        return (
            str(x.id),
            x.subject_label,
            format_datetime(x.raised_at.astimezone()),
            x.raised_by + (f" ({x.party})" if x.party else ""),
            x.reason,
            x.state,
            decision or "—",
            people or "—",
        )

    def form(self, x: Dissent):
        people = dict(x.participants)
        fields = [
            FormField(
                "decision",
                "Entscheidung",
                "choice",
                x.decision or "einstimmig",
                tuple(procedures.DECISIONS),
                procedures.DECISIONS,
            ),
            FormField("outcome", "Ergebnis (bei einstimmigem Beschluss)", "text", x.outcome),
            FormField(
                "procedure",
                "Verfahren für den Einzelfall (bei festgestelltem Dissens)",
                "text",
                x.procedure,
            ),
            FormField(
                "decided_on",
                "Datum (TT.MM.JJJJ)",
                "date",
                x.decided_on or self.herne.db.now().astimezone().date(),
            ),
        ]
        for party in self.parties()[1:]:
            fields.append(
                FormField(
                    f"people_{party}",
                    f"Teilnehmende {party} (durch Komma getrennt, höchstens 8)",
                    "text",
                    ", ".join(people.get(party, ())),
                )
            )
        return f"Entscheidung zu: {x.subject_label}\nBegründung: {x.reason}", fields

    def action_edit(self) -> None:
        """Record the decision for the dissent under the cursor."""
        item = self.current()
        if item is None or not self.herne.check_writable():
            return
        self.edit_item(
            item,
            self.form,
            self._decide,
            lambda d: self.notify(f"Entscheidung zu Dissens {d.id} protokolliert."),
        )

    def _decide(self, db, item: Dissent, changes: dict) -> Dissent:
        _, fields = self.form(item)
        values = {**{f.name: f.value for f in fields}, **changes}
        participants = {
            k.removeprefix("people_"): [n for n in str(v).split(",") if n.strip()]
            for k, v in values.items()
            if k.startswith("people_")
        }
        return papers.decide_dissent(
            db,
            dissent_id=item.id,
            decision=values["decision"],
            outcome=values["outcome"],
            procedure=values["procedure"],
            decided_on=values["decided_on"] or date.today(),
            participants=participants,
            user=self.herne.user,
            expected_version=item.version,
        )

    def error_field(self, message: str, fields: list[FormField]) -> str:
        """A party named in a refusal points at that party's participants."""
        for party in self.parties()[1:]:
            if f" {party} " in f" {message} ".replace(":", " ").replace(",", " "):
                return f"people_{party}"
        return super().error_field(message, fields)
