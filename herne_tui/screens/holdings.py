"""Panel 5: the holdings (Beteiligungen), their seats and nomination rights."""

from __future__ import annotations

from textual.binding import Binding

from herne_tui.domain.objects import SEAT_STATES, Seat, format_date
from herne_tui.screens.edit_form import FormField
from herne_tui.screens.panel import PanelScreen, flag
from herne_tui.services import edits, queries


class HoldingsScreen(PanelScreen):
    """Each seat of each holding: derived right, nominee and party, tender, state, flags."""

    BINDINGS = [Binding("n", "edit", "Nominieren", id="holdings.nominate")]

    PANEL_TITLE = "Beteiligungen"
    SCREEN = "holdings"
    INTRO_RULES = ("external-tender",)
    INTRO = "Sitze der Beteiligungen und wer sie vorschlägt."
    COLUMNS = (
        "Beteiligung",
        "Sitz / Position",
        "Recht",
        "Vorschlag",
        "Partei",
        "Ausgeschrieben",
        "Stand",
        "Prüfung",
    )

    def fetch(self, db):
        holdings = queries.list_holdings(db)
        seats = [s for h in holdings for s in h.seats]
        names = {h.key: h.name for h in holdings}
        return seats, {"names": names, "partners": queries.partners(db)}

    def row(self, s: Seat) -> tuple:
        title = s.title + (" (neu einzurichten)" if s.to_create else "")
        tender = ("ja " + format_date(s.tender_date)).strip() if s.tender_done else "nein"
        return (
            s.holding,
            title,
            s.right,
            s.nominee or "—",
            s.nominee_party or "—",
            tender,
            s.state,
            flag(s.problems()),
        )

    def label_of(self, s: Seat) -> str:
        return f"{s.holding} – {s.title}"

    def problems(self, s: Seat) -> list[str]:
        return list(s.problems())

    def form(self, s: Seat):
        name = self.context.get("names", {}).get(s.holding, s.holding)
        return (
            f"{name} – {s.title} (Vorschlagsrecht {s.right})",
            [
                FormField("nominee", "Vorschlag (Name)", "text", s.nominee),
                FormField(
                    "nominee_party",
                    "Partei des Vorschlags",
                    "choice",
                    s.nominee_party,
                    self.parties(),
                ),
                FormField("tender_done", "externe Ausschreibung erfolgt", "bool", s.tender_done),
                FormField("tender_date", "Ausschreibung am (TT.MM.JJJJ)", "date", s.tender_date),
                FormField("state", "Stand", "choice", s.state, SEAT_STATES),
                FormField("state_date", "Datum des Stands (TT.MM.JJJJ)", "date", s.state_date),
            ],
        )

    def save(self, db, s: Seat, changes: dict, version: int) -> None:
        edits.update_seat(
            db, key=s.key, changes=changes, user=self.herne.user, expected_version=version
        )
