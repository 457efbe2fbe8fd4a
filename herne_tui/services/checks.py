"""The agreement's nomination rules applied to the database (``herne-tui check --db``).

- every post and seat: the nominating party matches the agreed right;
- staffing procedures in the holdings and Dezernat III: an external tender is recorded
  before the appointment (not for the honorary mayor posts, which the council elects);
- the Koordinierungsgruppe: at most the agreed number of people per party.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import DissentRow, PostRow, RuleRow
from herne_tui.db.store import Database
from herne_tui.domain import procedures
from herne_tui.domain.objects import Holding, Seat, Violation
from herne_tui.services.queries import read_holdings

FILLED_POST = ("nominiert", "gewählt")
FILLED_SEAT = ("nominiert", "besetzt")


def _post_violations(p: PostRow) -> list[Violation]:
    label = f"{p.title} {p.district}".strip()
    out: list[Violation] = []
    if p.holder_party and p.holder_party != p.right:
        out.append(
            Violation(
                "vorschlagsrecht",
                f"post:{p.key}",
                f"{label}: Partei {p.holder_party}, das Vorschlagsrecht hat {p.right}",
            )
        )
    if not (p.tender_required and (p.state in FILLED_POST or p.vote_date)):
        return out
    if not p.tender_date:
        out.append(
            Violation(
                "externe-ausschreibung",
                f"post:{p.key}",
                f"{label}: besetzt ohne externe Ausschreibung",
            )
        )
    elif p.vote_date and p.tender_date > p.vote_date:
        out.append(
            Violation(
                "externe-ausschreibung",
                f"post:{p.key}",
                f"{label}: Ausschreibung ({p.tender_date:%d.%m.%Y}) nach "
                f"dem Ratsbeschluss ({p.vote_date:%d.%m.%Y})",
            )
        )
    return out


def _tendered_after_filling(s: Seat) -> bool:
    return bool(
        s.staffing
        and s.tender_date
        and s.state_date
        and s.state in FILLED_SEAT
        and s.tender_date > s.state_date
    )


def _seat_violations(h: Holding, s: Seat) -> list[Violation]:
    label = f"{h.key} – {s.title}"
    out: list[Violation] = []
    if s.nominee_party and s.nominee_party != s.right:
        out.append(
            Violation(
                "vorschlagsrecht",
                f"seat:{s.key}",
                f"{label}: Vorschlag {s.nominee_party}, das Vorschlagsrecht hat {s.right}",
            )
        )
    filled = s.state in FILLED_SEAT or bool(s.nominee)
    if s.staffing and filled and not s.tender_done:
        out.append(
            Violation(
                "externe-ausschreibung",
                f"seat:{s.key}",
                f"{label}: besetzt ohne externe Ausschreibung",
            )
        )
    elif _tendered_after_filling(s):
        out.append(
            Violation(
                "externe-ausschreibung",
                f"seat:{s.key}",
                f"{label}: Ausschreibung nach der Besetzung",
            )
        )
    return out


def _group_violations(session: Session) -> list[Violation]:
    rule = session.get(RuleRow, "koordinierungsgruppe")
    limits = (
        (rule.params or {}).get("max_per_party", procedures.DEFAULT_MAX_PER_PARTY)
        if rule
        else procedures.DEFAULT_MAX_PER_PARTY
    )
    return [
        Violation(
            "koordinierungsgruppe",
            f"dissent:{dissent.id}",
            f"Koordinierungsgruppe (Dissens {dissent.id}): {party} mit "
            f"{len(names)} Personen, höchstens {procedures.group_limit(limits, party)}",
        )
        for dissent in session.scalars(select(DissentRow))
        for party, names in (dissent.participants or {}).items()
        if len(names) > procedures.group_limit(limits, party)
    ]


def violations_in(session: Session) -> list[Violation]:
    """Every violation of the nomination rules in one session."""
    out: list[Violation] = []
    for p in session.scalars(select(PostRow).order_by(PostRow.position)):
        out.extend(_post_violations(p))
    for h in read_holdings(session):
        for s in h.seats:
            out.extend(_seat_violations(h, s))
    out.extend(_group_violations(session))
    return out


def nomination_violations(db: Database) -> list[Violation]:
    """Every violation of the agreement's nomination and procedure rules."""
    return db.read(violations_in)
