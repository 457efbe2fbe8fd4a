"""Panel 2: the committees (Ausschüsse) the agreement changes."""

from __future__ import annotations

from herne_tui.domain.objects import CHANGE_STATES, Committee
from herne_tui.screens.edit_form import FormField
from herne_tui.screens.panel import PanelScreen
from herne_tui.services import edits, queries

CHANGE_LABELS = {
    "neu": "neu",
    "aufgeteilt": "wird aufgeteilt",
    "erweitert": "erweitert",
    "umbenannt": "Umbenennung",
    "unveraendert": "unverändert",
}


class CommitteesScreen(PanelScreen):
    """Committees with the agreed change and its state, chair, chair's party, spokespeople."""

    PANEL_TITLE = "Ausschüsse"
    SCREEN = "committees"
    INTRO = "Vereinbarte Änderungen an Ausschüssen."
    COLUMNS = ("Ausschuss", "Änderung", "Stand", "Vorsitz", "Partei", "Sprecher", "Maßnahme")

    def fetch(self, db):
        return list(queries.list_committees(db)), {"partners": queries.partners(db)}

    def row(self, c: Committee) -> tuple:
        role = f" ({c.chair_role})" if c.chair_role else ""
        speakers = ", ".join(f"{party}: {name}" for party, name in c.spokespeople) or "—"
        return (
            c.name,
            CHANGE_LABELS.get(c.change, c.change),
            c.change_state,
            (c.chair or "—") + role,
            c.chair_party or "—",
            speakers,
            c.measure or "",
        )

    def label_of(self, c: Committee) -> str:
        return c.name

    def form(self, c: Committee):
        speakers = dict(c.spokespeople)
        fields = [
            FormField(
                "change_state", "Stand der Änderung", "choice", c.change_state, CHANGE_STATES
            ),
            FormField(
                "chair", f"Vorsitz{' – ' + c.chair_role if c.chair_role else ''}", "text", c.chair
            ),
            FormField(
                "chair_party", "Partei des Vorsitzes", "choice", c.chair_party, self.parties()
            ),
        ]
        for party in self.parties()[1:]:
            fields.append(
                FormField(
                    f"speaker_{party}", f"Sprecher/in {party}", "text", speakers.get(party, "")
                )
            )
        return f"{c.name}\n{c.change_note}", fields

    def save(self, db, c: Committee, changes: dict, version: int) -> None:
        speakers = {
            k.removeprefix("speaker_"): changes.pop(k)
            for k in list(changes)
            if k.startswith("speaker_")
        }
        if speakers:
            merged = dict(c.spokespeople)
            merged.update(speakers)
            changes["spokespeople"] = {k: v for k, v in merged.items() if v}
        edits.update_committee(
            db, key=c.key, changes=changes, user=self.herne.user, expected_version=version
        )
