"""Motions and council papers, the partners' positions, and dissent before the
Koordinierungsgruppe: one service function per intent, each recorded in the history."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import DissentRow, MeasureRow, PaperRow, PositionRow, RuleRow
from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.domain import procedures
from herne_tui.errors import InvalidInput, NotFound
from herne_tui.services import validate
from herne_tui.services.edits import Change, Entity, apply_batch, apply_changes, new_txn, record
from herne_tui.services.queries import partners_of, read_meta, stored_id

PAPER_FIELDS = validate.PAPER_FIELDS


def _partners(session: Session) -> tuple[str, ...]:
    return partners_of(read_meta(session))


def _param(session: Session, rule: str, name: str, default: Any) -> Any:
    row = session.get(RuleRow, rule)
    return (row.params or {}).get(name, default) if row else default


# -- papers and positions as editable rows (their edits go through edits.apply_changes) -----
def _paper_changes(session: Session, entity: Entity, changes: dict[str, Any]) -> dict[str, Any]:
    return validate.paper_changes(session, changes)


def _load_paper(session: Session, entity: Entity, key: str) -> PaperRow:
    return _paper(session, key)


def _paper_stale(entity: Entity, key: str, row: Any, expected: int) -> str:
    return f"{d.paper_label(row.title, row.number)} wurde inzwischen geändert; nichts gespeichert"


PAPER = Entity(
    "paper",
    "Papier",
    PaperRow,
    {field: (field, validate.text) for field in PAPER_FIELDS},  # validated by _paper_changes
    validate=_paper_changes,
    load=_load_paper,
    stale=_paper_stale,
    names_editor=False,
    strict_version=True,
)
"""A paper's fields; a stale version is refused even when nothing is to change."""


def _load_position(session: Session, entity: Entity, key: str) -> PositionRow:
    paper_id, _, party = key.partition(":")
    partners = _partners(session)
    if party not in partners:
        raise InvalidInput(f"„{party}“ ist keine Partei der Vereinbarung ({', '.join(partners)})")
    row = session.get(PositionRow, key)
    # a partner without a row is "offen" at version 0; the row is added once it changes
    return row or PositionRow(
        key=key, paper_id=int(paper_id), party=party, position="offen", version=0
    )


def _position_stale(entity: Entity, key: str, row: Any, expected: int) -> str:
    return f"Position {row.party} zu diesem Papier wurde inzwischen geändert; nichts gespeichert"


POSITION = Entity(
    "position",
    "Position",
    PositionRow,
    {"position": ("position", validate.position)},
    load=_load_position,
    stale=_position_stale,
    names_editor=False,
)
"""One partner's position on a paper, keyed ``<paper id>:<party>``."""


def to_paper(session: Session, row: PaperRow, today: date) -> d.Paper:
    """A paper row with positions, consensus, partner deadline and verdict."""
    partners = _partners(session)
    rows = {
        p.party: p
        for p in session.scalars(select(PositionRow).where(PositionRow.paper_id == row.id))
    }
    positions = {p: rows[p].position if p in rows else "offen" for p in partners}
    state = procedures.consensus(positions, partners)
    lead = int(_param(session, "joint-motion-lead", "lead_days", procedures.DEFAULT_LEAD_DAYS))
    deadline = (
        procedures.partner_deadline(row.filing_deadline, lead)
        if row.kind == "gemeinsamer-antrag"
        else None
    )
    return d.Paper(
        id=stored_id(row.id),
        title=row.title,
        kind=row.kind,
        body=row.body,
        meeting_date=row.meeting_date,
        filing_deadline=row.filing_deadline,
        proposal_sent=row.proposal_sent,
        number=row.number,
        measure_ids=tuple(row.measure_ids),
        legally_required=row.legally_required,
        harmful_to_defer=row.harmful_to_defer,
        proposer=row.proposer,
        positions=tuple((p, positions[p], rows[p].version if p in rows else 0) for p in partners),
        version=row.version,
        partner_deadline=deadline,
        consensus=state,
        verdict=procedures.verdict(
            state,
            positions,
            meeting_date=row.meeting_date,
            today=today,
            legally_required=row.legally_required,
            harmful_to_defer=row.harmful_to_defer,
        ),
        partner_overdue=bool(deadline and today > deadline and not row.proposal_sent),
    )


def add_paper(db: Database, *, values: dict, user: str) -> d.Paper:
    """Add a motion or council paper (title, kind, body, dates, number, measures)."""

    def run(session: Session) -> d.Paper:
        clean = validate.paper_changes(session, values)
        for required in ("title", "kind", "body"):
            if not clean.get(required):
                raise InvalidInput(f"Papier: „{required}“ fehlt")
        at = db.now()
        row = PaperRow(**clean, created_by=user, created_at=at)
        session.add(row)
        session.flush()
        txn = new_txn()
        record(
            session,
            at=at,
            user=user,
            action="edit",
            entity="paper",
            entity_id=str(row.id),
            field="*",
            new=clean,
            txn=txn,
        )
        return to_paper(session, row, at.astimezone().date())

    return db.write(run)


def update_paper(
    db: Database, *, paper_id: int, changes: dict, user: str, expected_version: int | None = None
) -> d.Paper:
    """Change a paper's fields (refused on a stale version)."""

    def run(session: Session) -> d.Paper:
        at = db.now()
        apply_changes(
            session,
            entity=PAPER,
            key=str(paper_id),
            changes=changes,
            user=user,
            at=at,
            expected_version=expected_version,
        )
        return to_paper(session, _paper(session, paper_id), at.astimezone().date())

    return db.write(run)


def _paper(session: Session, paper_id: int | str) -> PaperRow:
    row = session.get(PaperRow, int(paper_id))
    if row is None:
        raise NotFound(f"Papier „{paper_id}“ gibt es nicht")
    return row


def set_position(
    db: Database,
    *,
    paper_id: int,
    party: str,
    position: str,
    user: str,
    expected_version: int | None = None,
) -> d.Paper:
    """Record one partner's position on a paper (zustimmen/ablehnen/enthalten/offen)."""
    versions = None if expected_version is None else {party: expected_version}
    return set_positions(
        db, paper_id=paper_id, positions={party: position}, user=user, expected_versions=versions
    )


def set_positions(
    db: Database,
    *,
    paper_id: int,
    positions: dict[str, str],
    user: str,
    expected_versions: dict[str, int] | None = None,
) -> d.Paper:
    """Record several partners' positions on a paper at once: all or nothing."""
    for position in positions.values():
        validate.position(position)
    versions = expected_versions or {}

    def run(session: Session) -> d.Paper:
        paper = _paper(session, paper_id)
        at = db.now()
        apply_batch(
            session,
            changes=[
                Change(POSITION, f"{paper.id}:{party}", {"position": position}, versions.get(party))
                for party, position in positions.items()
            ],
            user=user,
            at=at,
        )
        session.flush()
        return to_paper(session, paper, at.astimezone().date())

    return db.write(run)


def list_papers(db: Database) -> tuple[d.Paper, ...]:
    """Every paper, soonest meeting first."""

    def run(session: Session):
        today = db.now().astimezone().date()
        rows = sorted(
            session.scalars(select(PaperRow)).all(),
            key=lambda r: (r.meeting_date or date.max, stored_id(r.id)),
        )
        return tuple(to_paper(session, r, today) for r in rows)

    return db.read(run)


def _subject_label(session: Session, subject: str) -> str:
    kind, _, ref = subject.partition(":")
    if kind == "measure":
        measure = session.get(MeasureRow, ref)
        return f"{ref} – {measure.title}" if measure else ref
    if kind == "paper":
        paper = session.get(PaperRow, int(ref)) if ref.isdigit() else None
        return d.paper_label(paper.title, paper.number) if paper else "Papier (gelöscht)"
    return subject


def to_dissent(session: Session, row: DissentRow) -> d.Dissent:
    """A dissent row as a domain object."""
    return d.Dissent(
        id=stored_id(row.id),
        subject=row.subject,
        subject_label=_subject_label(session, row.subject),
        raised_by=row.raised_by,
        party=row.party,
        reason=row.reason,
        raised_at=row.raised_at,
        state=row.state,
        decision=row.decision,
        outcome=row.outcome,
        procedure=row.procedure,
        decided_on=row.decided_on,
        participants=tuple((p, tuple(n)) for p, n in sorted(row.participants.items())),
        version=row.version,
    )


def raise_dissent(
    db: Database, *, subject: str, reason: str, user: str, party: str = ""
) -> d.Dissent:
    """Put a measure (``measure:ID``) or paper (``paper:N``) on the group's agenda."""
    reason = validate.long_text(reason, "Dissens: Begründung")
    if not reason:
        raise InvalidInput("Dissens: Begründung fehlt")

    def run(session: Session) -> d.Dissent:
        kind, _, ref = subject.partition(":")
        if (
            kind == "measure"
            and session.get(MeasureRow, ref) is None
            or kind == "paper"
            and (not ref.isdigit() or session.get(PaperRow, int(ref)) is None)
            or kind not in ("measure", "paper")
        ):
            raise NotFound(f"„{subject}“ gibt es nicht (measure:ID oder paper:NR)")
        if party and party not in _partners(session):
            raise InvalidInput(f"„{party}“ ist keine Partei der Vereinbarung")
        at = db.now()
        row = DissentRow(subject=subject, raised_by=user, party=party, reason=reason, raised_at=at)
        session.add(row)
        session.flush()
        record(
            session,
            at=at,
            user=user,
            action="dissent",
            entity="dissent",
            entity_id=str(row.id),
            field="*",
            new={"subject": subject, "reason": reason, "party": party},
            txn=new_txn(),
        )
        return to_dissent(session, row)

    return db.write(run)


def _decision_date(decision: str, outcome: str, procedure: str, decided_on: date | str) -> date:
    """Check a decision's parts that need no database; return its date."""
    if decision not in procedures.DECISIONS:
        raise InvalidInput(
            f"Entscheidung „{decision}“ gibt es nicht ({', '.join(procedures.DECISIONS)})"
        )
    if decision == "dissens-festgestellt" and not (procedure or "").strip():
        raise InvalidInput("Bei festgestelltem Dissens das Verfahren für den Einzelfall angeben")
    if decision == "einstimmig" and not (outcome or "").strip():
        raise InvalidInput("Ergebnis des einstimmigen Beschlusses fehlt")
    when = validate.day(decided_on, "Datum")
    if when is None:
        raise InvalidInput("Datum der Entscheidung fehlt")
    return when


def _load_dissent(session: Session, entity: Entity, key: str) -> DissentRow:
    row = session.get(DissentRow, int(key))
    if row is None:
        raise NotFound(f"Dissens „{key}“ gibt es nicht")
    return row


def _dissent_stale(entity: Entity, key: str, row: DissentRow, expected: int) -> str:
    return f"Dissens {key} wurde inzwischen geändert"


def _as_given(session: Session, entity: Entity, changes: dict[str, Any]) -> dict[str, Any]:
    """The decision's values, checked before the write (``_decision_date``, ``_participants``)."""
    return dict(changes)


DISSENT = Entity(
    "dissent",
    "Dissens",
    DissentRow,
    {
        field: (field, validate.text)
        for field in ("state", "decision", "outcome", "procedure", "decided_on", "participants")
    },
    validate=_as_given,
    load=_load_dissent,
    stale=_dissent_stale,
    names_editor=False,
    conflict_fields=("decision",),
    always_new_version=True,
)
"""The Koordinierungsgruppe's decision on a dissent: every decision is a new version."""


def _participants(session: Session, participants: dict[str, list[str]]) -> dict[str, list[str]]:
    limit = _param(
        session, "koordinierungsgruppe", "max_per_party", procedures.DEFAULT_MAX_PER_PARTY
    )
    people = procedures.check_participants(participants, _partners(session), limit)
    if not any(people.values()):
        raise InvalidInput("Teilnehmende der Koordinierungsgruppe fehlen")
    return people


def decide_dissent(
    db: Database,
    *,
    dissent_id: int,
    decision: str,
    outcome: str,
    participants: dict[str, list[str]],
    decided_on: date | str,
    user: str,
    procedure: str = "",
    expected_version: int | None = None,
) -> d.Dissent:
    """Record the Koordinierungsgruppe's decision: unanimous with its outcome, or dissent
    recorded with the procedure agreed for the case; checks the participant limit."""
    when = _decision_date(decision, outcome, procedure, decided_on)
    validate.long_text(outcome, "Ergebnis")
    validate.long_text(procedure, "Verfahren")

    def run(session: Session) -> d.Dissent:
        values = {
            "state": "entschieden",
            "decision": decision,
            "outcome": (outcome or "").strip(),
            "procedure": (procedure or "").strip(),
            "decided_on": when,
            "participants": _participants(session, participants),
        }
        apply_changes(
            session,
            entity=DISSENT,
            key=str(int(dissent_id)),
            changes=values,
            user=user,
            at=db.now(),
            expected_version=expected_version,
            action="decision",
        )
        return to_dissent(session, session.get_one(DissentRow, int(dissent_id)))

    return db.write(run)


def list_dissents(db: Database, *, open_only: bool = False) -> tuple[d.Dissent, ...]:
    """Dissents, oldest first (the Koordinierungsgruppe's agenda with ``open_only``)."""

    def run(session: Session):
        q = select(DissentRow).order_by(DissentRow.raised_at, DissentRow.id)
        if open_only:
            q = q.where(DissentRow.state == "offen")
        return tuple(to_dissent(session, r) for r in session.scalars(q))

    return db.read(run)
