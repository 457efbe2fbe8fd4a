"""Both partners confirm (issue 14, item 6): a status change that needs it waits as a proposal.

Once the database has users, a change of a measure's status to a status that counts as done
(and with ``confirm_any_status`` in the seed, any status change) does not apply at once: it
is stored in ``proposal`` until a user of another partner confirms it (then it applies, with
the confirmer as author) or rejects it (the status stays as it was). Both steps are in the
history. A proposal may come from a council resolution: ``source`` then holds its URL (the
RIS issue's ``set --status … --source URL`` is the same kind of proposal).
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import MeasureRow, ProposalRow
from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.errors import HerneError, NotAllowed, NotFound
from herne_tui.services import access
from herne_tui.services.edits import apply_changes, new_txn, record
from herne_tui.services.proposals import OPEN, to_proposal, waiting
from herne_tui.services.queries import utc


def _decide(db: Database, *, user: str, proposal_id: int | None, confirm: bool) -> d.Proposal:
    def run(session: Session) -> d.Proposal:
        me = access.authorize(session, user, "proposal")
        query = select(ProposalRow).where(ProposalRow.state == OPEN)
        if proposal_id is not None:
            query = query.where(ProposalRow.id == proposal_id)
        elif me.partner:  # the first one this user may decide
            query = query.where(ProposalRow.party != me.partner)
        row = session.scalars(query.order_by(ProposalRow.id).with_for_update()).first()
        if row is None:
            raise NotFound(
                f"Vorschlag {proposal_id} wartet nicht (mehr) auf Bestätigung"
                if proposal_id is not None
                else "Kein Vorschlag wartet auf Ihre Bestätigung"
            )
        if me.managed and (not me.partner or me.partner == row.party):
            raise NotAllowed(
                f"Vorschlag {row.id} kam von {row.party or 'ohne Partei'}: bestätigen oder "
                "zurückweisen kann nur eine andere Partei; nichts gespeichert"
            )
        at, txn = db.now(), new_txn()
        new = json.loads(row.new)
        if confirm:
            measure = session.get(MeasureRow, row.entity_id)
            if measure is None or json.dumps(measure.status_key) != row.old:
                raise HerneError(
                    f"Vorschlag {row.id}: der Status von {row.entity_id} wurde seitdem geändert; "
                    "bitte zurückweisen und neu vorschlagen"
                )
            apply_changes(
                session, entity="measure", key=row.entity_id, changes={"status": new},
                user=user, at=at, source=row.source, txn=txn,
                comment=f"Vorschlag {row.id} von {row.proposed_by} bestätigt",
            )  # fmt: skip
        row.state = "bestaetigt" if confirm else "abgelehnt"
        row.decided_by, row.decided_party, row.decided_at = user, me.partner, utc(at)
        row.version += 1
        session.add(row)
        record(
            session, at=at, user=user, action="confirm" if confirm else "decline",
            entity="measure", entity_id=row.entity_id, field="proposal",
            new={"id": row.id, "status": new}, txn=txn, source=row.source,
        )  # fmt: skip
        session.flush()
        return to_proposal(session, row)

    return db.write(run)


def confirm(db: Database, *, user: str, proposal_id: int | None = None) -> d.Proposal:
    """Confirm a proposal (the given one, or the oldest the user may decide): it applies."""
    return _decide(db, user=user, proposal_id=proposal_id, confirm=True)


def reject(db: Database, *, user: str, proposal_id: int | None = None) -> d.Proposal:
    """Reject a proposal: the measure keeps its status; the rejection is in the history."""
    return _decide(db, user=user, proposal_id=proposal_id, confirm=False)


def in_use(db: Database) -> bool:
    """True when changes can wait for confirmation (the database has users)."""
    return db.read(access.users_exist)


def waiting_lines(db: Database, user: str | None) -> list[str]:
    """One German line per waiting proposal (for the weekly review and the digest)."""
    return [
        f"Vorschlag {p.id}: {p.measure_id} {p.change} ({p.proposed_by}, {p.party or '—'}"
        f"{', aus ' + p.source if p.source else ''}) – Bestätigung: {'/'.join(p.confirm_by)}"
        for p in waiting(db)
    ]
