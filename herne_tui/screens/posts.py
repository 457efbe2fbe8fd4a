"""Panel 3: Bürgermeister and the four Bezirksvertretungen."""

from __future__ import annotations

from textual.binding import Binding

from herne_tui.domain.objects import POST_STATES, Post, format_date
from herne_tui.screens.edit_form import FormField
from herne_tui.screens.panel import PanelScreen, flag
from herne_tui.services import edits, queries


def post_problems(p: Post) -> list[str]:
    """A holder whose party contradicts the agreed right; an appointment without tender."""
    out = []
    if p.holder_party and p.holder_party != p.right:
        out.append(f"Partei {p.holder_party}, Vorschlagsrecht hat {p.right}")
    if p.tender_required and p.state in ("nominiert", "gewählt") and not p.tender_date:
        out.append("ohne externe Ausschreibung")
    return out


class PostsScreen(PanelScreen):
    """Each mayor and district post: the right, the holder, the state and its date."""

    BINDINGS = [Binding("n", "edit", "Nominieren", id="posts.nominate")]

    PANEL_TITLE = "Bürgermeister & Bezirke"
    SCREEN = "posts"
    INTRO = "Posten mit Vorschlagsrecht: Bürgermeister und Bezirke."
    COLUMNS: tuple[str, ...] = (
        "Posten",
        "Gremium",
        "Recht",
        "Inhaber/in",
        "Partei",
        "Stand",
        "Datum",
        "Prüfung",
    )
    KINDS: tuple[str, ...] = ("buergermeister", "bezirk")

    def fetch(self, db):
        posts = [p for p in queries.list_posts(db) if p.kind in self.KINDS]
        return posts, {"partners": queries.partners(db)}

    def row(self, p: Post) -> tuple:
        return (
            p.title,
            p.district or p.body,
            p.right,
            p.holder or "—",
            p.holder_party or "—",
            p.state,
            format_date(p.state_date) or "—",
            flag(post_problems(p)),
        )

    def label_of(self, p: Post) -> str:
        return f"{p.title} {p.district}".strip()

    def problems(self, p: Post) -> list[str]:
        return post_problems(p)

    def form(self, p: Post):
        return (
            f"{self.label_of(p)} – Vorschlagsrecht {p.right}",
            [
                FormField("holder", "Inhaber/in", "text", p.holder),
                FormField("holder_party", "Partei", "choice", p.holder_party, self.parties()),
                FormField("state", "Stand", "choice", p.state, POST_STATES),
                FormField("state_date", "Datum (TT.MM.JJJJ)", "date", p.state_date),
            ],
        )

    def save(self, db, p: Post, changes: dict, version: int) -> None:
        edits.update_post(
            db, key=p.key, changes=changes, user=self.herne.user, expected_version=version
        )
