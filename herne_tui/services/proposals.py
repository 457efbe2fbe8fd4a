"""Status proposals waiting for another partner's confirmation (issue 14): what needs it,
storing one, reading them. Confirming and rejecting are in ``services.confirm``."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import MeasureRow, ProposalRow, StatusRow
from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.errors import InvalidInput, NotFound
from herne_tui.services import access
from herne_tui.services.journal import new_txn, record
from herne_tui.services.queries import partners_of, read_meta, utc

OPEN = "offen"


def needs_confirmation(session: Session, status: str) -> bool:
    """True when a change to ``status`` must wait for another partner (users exist, and the
    status counts as done or the seed wants every status change confirmed)."""
    if not access.users_exist(session):
        return False
    if d.agreement_of(read_meta(session)).confirm_any_status:
        return True
    row = session.get(StatusRow, status)
    return bool(row is not None and row.done)


def open_proposal(session: Session, measure_id: str) -> ProposalRow | None:
    """The measure's proposal waiting for confirmation, if any."""
    return session.scalars(
        select(ProposalRow).where(
            ProposalRow.entity == "measure",
            ProposalRow.entity_id == measure_id,
            ProposalRow.state == OPEN,
        )
    ).first()


def propose_status(
    session: Session,
    *,
    measure_id: str,
    status: str,
    user: str,
    at: datetime,
    source: str = "",
    comment: str = "",
    txn: str = "",
) -> ProposalRow:
    """Store a status change as a proposal (in the caller's transaction) and record it."""
    row = session.get(MeasureRow, measure_id)
    if row is None:
        raise NotFound(f"Maßnahme „{measure_id}“ gibt es nicht")
    waiting = open_proposal(session, measure_id)
    if waiting is not None:
        raise InvalidInput(
            f"{measure_id}: Vorschlag {waiting.id} wartet noch auf Bestätigung; erst "
            "bestätigen oder zurückweisen lassen"
        )
    party = access.access_in(session, user).partner
    proposal = ProposalRow(
        entity_id=measure_id,
        old=json.dumps(row.status_key),
        new=json.dumps(status),
        proposed_by=user,
        party=party,
        proposed_at=utc(at),
        source=source,
        comment=comment,
        txn=txn or new_txn(),
    )
    session.add(proposal)
    session.flush()
    record(
        session, at=at, user=user, action="propose", entity="measure", entity_id=measure_id,
        field="proposal", old=row.status_key, new={"id": proposal.id, "status": status},
        txn=proposal.txn, source=source, comment=comment,
    )  # fmt: skip
    return proposal


def to_proposal(session: Session, row: ProposalRow) -> d.Proposal:
    """A proposal row as a domain object, with the partners who may confirm it."""
    partners = partners_of(read_meta(session))
    old, new = json.loads(row.old), json.loads(row.new)
    return d.Proposal(
        id=row.id or 0,
        measure_id=row.entity_id,
        old=old,
        new=new,
        proposed_by=row.proposed_by,
        party=row.party,
        proposed_at=row.proposed_at,
        source=row.source,
        state=row.state,
        confirm_by=tuple(p for p in partners if p != row.party),
        old_label=_label(session, old),
        new_label=_label(session, new),
    )


def _label(session: Session, status: str) -> str:
    row = session.get(StatusRow, status)
    return row.label if row is not None else status


def waiting(db: Database) -> tuple[d.Proposal, ...]:
    """Every proposal waiting for confirmation, oldest first."""

    def run(session: Session) -> tuple[d.Proposal, ...]:
        rows = session.scalars(
            select(ProposalRow)
            .where(ProposalRow.state == OPEN)
            .order_by(ProposalRow.proposed_at, ProposalRow.id)
        )
        return tuple(to_proposal(session, r) for r in rows)

    return db.read(run)
