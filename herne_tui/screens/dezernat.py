"""Panel 4: the Dezernat (a department head post; the seed names it): right and procedure."""

from __future__ import annotations

from herne_tui.domain.objects import POST_STATES, Post, format_date
from herne_tui.screens.edit_form import FormField
from herne_tui.screens.panel import flag
from herne_tui.screens.posts import PostsScreen, post_problems


class DezernatScreen(PostsScreen):
    """The Dezernat posts: external tender, candidate, council vote, with states and dates."""

    PANEL_TITLE = "Dezernat"
    SCREEN = "dezernat"
    INTRO_RULES = ("external-tender",)
    INTRO = "Vorschlagsrecht und Besetzungsverfahren des Dezernats."
    COLUMNS = (
        "Posten",
        "Recht",
        "Ausschreibung",
        "Kandidat/in",
        "Partei",
        "Ratsbeschluss",
        "Stand",
        "Datum",
        "Prüfung",
    )
    KINDS = ("dezernat",)

    def row(self, p: Post) -> tuple:
        return (
            p.title,
            p.right,
            format_date(p.tender_date) or "offen",
            p.holder or "—",
            p.holder_party or "—",
            format_date(p.vote_date) or "—",
            p.state,
            format_date(p.state_date) or "—",
            flag(post_problems(p)),
        )

    def form(self, p: Post):
        return (
            f"{p.title} – Vorschlagsrecht {p.right}",
            [
                FormField(
                    "tender_date", "Externe Ausschreibung am (TT.MM.JJJJ)", "date", p.tender_date
                ),
                FormField("holder", "Kandidat/in", "text", p.holder),
                FormField(
                    "holder_party",
                    "Partei (vorschlagende)",
                    "choice",
                    p.holder_party,
                    self.parties(),
                ),
                FormField("vote_date", "Ratsbeschluss am (TT.MM.JJJJ)", "date", p.vote_date),
                FormField("state", "Stand", "choice", p.state, POST_STATES),
                FormField("state_date", "Datum des Stands (TT.MM.JJJJ)", "date", p.state_date),
            ],
        )
