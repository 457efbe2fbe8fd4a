"""Motions and council papers, the partners' positions, and dissent before the
Koordinierungsgruppe: one service function per intent, each recorded in the history."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from herne_tui.db.models import DissentRow, MeasureRow, PaperRow, PositionRow, RuleRow
from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.domain import procedures
from herne_tui.errors import Conflict, InvalidInput, NotFound
from herne_tui.services.edits import _date, _text, new_txn, record
from herne_tui.services.queries import partners_of, read_meta

PAPER_FIELDS = (
    "title",
    "kind",
    "body",
    "meeting_date",
    "filing_deadline",
    "proposal_sent",
    "number",
    "measure_ids",
    "legally_required",
    "harmful_to_defer",
    "proposer",
)


def _partners(session: Session) -> tuple[str, ...]:
    return partners_of(read_meta(session))


def _param(session: Session, rule: str, name: str, default):
    row = session.get(RuleRow, rule)
    return (row.params or {}).get(name, default) if row else default


def _clean_paper(session: Session, values: dict) -> dict:
    clean = {}
    for field, value in values.items():
        if field not in PAPER_FIELDS:
            raise InvalidInput(f"Papier: Feld „{field}“ ist nicht änderbar")
        if field in ("meeting_date", "filing_deadline", "proposal_sent"):
            clean[field] = _date(
                value,
                {
                    "meeting_date": "Sitzung",
                    "filing_deadline": "Einreichfrist",
                    "proposal_sent": "Vorschlag an Partner",
                }[field],
            )
        elif field in ("legally_required", "harmful_to_defer"):
            clean[field] = bool(value)
        elif field == "measure_ids":
            ids = value.replace(",", " ").split() if isinstance(value, str) else list(value)
            ids = [i.strip().upper() for i in ids if i.strip()]
            for mid in ids:
                if session.get(MeasureRow, mid) is None:
                    raise InvalidInput(f"Maßnahme „{mid}“ gibt es nicht")
            clean[field] = ids
        else:
            clean[field] = _text(value, field)
    if "kind" in clean and clean["kind"] not in d.PAPER_KINDS:
        raise InvalidInput(
            f"Art „{clean['kind']}“ gibt es nicht (erlaubt: {', '.join(d.PAPER_KINDS)})"
        )
    if "title" in clean and not clean["title"]:
        raise InvalidInput("Titel fehlt")
    if "body" in clean and not clean["body"]:
        raise InvalidInput("Gremium fehlt (Rat, ein Ausschuss oder eine Bezirksvertretung)")
    return clean


def to_paper(session: Session, row: PaperRow, today: date) -> d.Paper:
    """A paper row with positions, consensus, partner deadline and verdict."""
    partners = _partners(session)
    rows = {
        p.party: p for p in session.exec(select(PositionRow).where(PositionRow.paper_id == row.id))
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
        id=row.id,
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
        clean = _clean_paper(session, values)
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
        clean = _clean_paper(session, changes)
        row = _paper(session, paper_id)
        if expected_version is not None and row.version != expected_version:
            raise Conflict(
                f"Papier {paper_id} wurde inzwischen geändert; nichts gespeichert",
                entity="paper",
                entity_id=str(paper_id),
                version=row.version,
                theirs={f: getattr(row, f) for f in clean},
                mine=clean,
            )
        at, txn, changed = db.now(), new_txn(), False
        for field, value in clean.items():
            old = getattr(row, field)
            if old == value:
                continue
            setattr(row, field, value)
            record(
                session,
                at=at,
                user=user,
                action="edit",
                entity="paper",
                entity_id=str(paper_id),
                field=field,
                old=old,
                new=value,
                txn=txn,
            )
            changed = True
        if changed:
            row.version += 1
            session.add(row)
        return to_paper(session, row, at.astimezone().date())

    return db.write(run)


def _paper(session: Session, paper_id: int) -> PaperRow:
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
        if position not in d.POSITIONS:
            raise InvalidInput(f"Position „{position}“ gibt es nicht ({', '.join(d.POSITIONS)})")

    def run(session: Session) -> d.Paper:
        paper = _paper(session, paper_id)
        partners = _partners(session)
        rows = {}
        for party in positions:
            if party not in partners:
                raise InvalidInput(
                    f"„{party}“ ist keine Partei der Vereinbarung ({', '.join(partners)})"
                )
            key = f"{paper.id}:{party}"
            row = rows[party] = session.get(PositionRow, key)
            current = row.version if row else 0
            expected = (expected_versions or {}).get(party)
            if expected is not None and current != expected:
                raise Conflict(
                    f"Position {party} zu Papier {paper.id} wurde inzwischen "
                    "geändert; nichts gespeichert",
                    entity="position",
                    entity_id=key,
                    version=current,
                    theirs={"position": row.position if row else "offen"},
                    mine={"position": positions[party]},
                )
        at, txn = db.now(), new_txn()
        for party, position in positions.items():
            row = rows[party]
            old = row.position if row else "offen"
            if old == position:
                continue
            if row is None:
                row = PositionRow(
                    key=f"{paper.id}:{party}", paper_id=paper.id, party=party, version=0
                )
            row.position = position
            row.version += 1
            session.add(row)
            record(
                session,
                at=at,
                user=user,
                action="edit",
                entity="position",
                entity_id=row.key,
                field="position",
                old=old,
                new=position,
                txn=txn,
            )
        session.flush()
        return to_paper(session, paper, at.astimezone().date())

    return db.write(run)


def list_papers(db: Database) -> tuple[d.Paper, ...]:
    """Every paper, soonest meeting first."""

    def run(session: Session):
        today = db.now().astimezone().date()
        rows = session.exec(select(PaperRow)).all()
        rows.sort(key=lambda r: (r.meeting_date or date.max, r.id))
        return tuple(to_paper(session, r, today) for r in rows)

    return db.read(run)


def _subject_label(session: Session, subject: str) -> str:
    kind, _, ref = subject.partition(":")
    if kind == "measure":
        row = session.get(MeasureRow, ref)
        return f"{ref} – {row.title}" if row else ref
    if kind == "paper":
        row = session.get(PaperRow, int(ref)) if ref.isdigit() else None
        return f"Papier {ref} – {row.title}" if row else f"Papier {ref}"
    return subject


def to_dissent(session: Session, row: DissentRow) -> d.Dissent:
    """A dissent row as a domain object."""
    return d.Dissent(
        id=row.id,
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
    reason = (reason or "").strip()
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
    if decision not in procedures.DECISIONS:
        raise InvalidInput(
            f"Entscheidung „{decision}“ gibt es nicht ({', '.join(procedures.DECISIONS)})"
        )
    if decision == "dissens-festgestellt" and not (procedure or "").strip():
        raise InvalidInput("Bei festgestelltem Dissens das Verfahren für den Einzelfall angeben")
    if decision == "einstimmig" and not (outcome or "").strip():
        raise InvalidInput("Ergebnis des einstimmigen Beschlusses fehlt")
    when = _date(decided_on, "Datum")
    if when is None:
        raise InvalidInput("Datum der Entscheidung fehlt")

    def run(session: Session) -> d.Dissent:
        row = session.get(DissentRow, int(dissent_id))
        if row is None:
            raise NotFound(f"Dissens „{dissent_id}“ gibt es nicht")
        if expected_version is not None and row.version != expected_version:
            raise Conflict(
                f"Dissens {dissent_id} wurde inzwischen geändert",
                entity="dissent",
                entity_id=str(dissent_id),
                version=row.version,
                theirs={"decision": row.decision},
                mine={"decision": decision},
            )
        limit = int(
            _param(
                session, "koordinierungsgruppe", "max_per_party", procedures.DEFAULT_MAX_PER_PARTY
            )
        )
        people = procedures.check_participants(participants, _partners(session), limit)
        if not any(people.values()):
            raise InvalidInput("Teilnehmende der Koordinierungsgruppe fehlen")
        values = {
            "state": "entschieden",
            "decision": decision,
            "outcome": (outcome or "").strip(),
            "procedure": (procedure or "").strip(),
            "decided_on": when,
            "participants": people,
        }
        at, txn = db.now(), new_txn()
        for field, value in values.items():
            old = getattr(row, field)
            if old != value:
                record(
                    session,
                    at=at,
                    user=user,
                    action="decision",
                    entity="dissent",
                    entity_id=str(row.id),
                    field=field,
                    old=old,
                    new=value,
                    txn=txn,
                )
                setattr(row, field, value)
        row.version += 1
        session.add(row)
        return to_dissent(session, row)

    return db.write(run)


def list_dissents(db: Database, *, open_only: bool = False) -> tuple[d.Dissent, ...]:
    """Dissents, oldest first (the Koordinierungsgruppe's agenda with ``open_only``)."""

    def run(session: Session):
        q = select(DissentRow).order_by(DissentRow.raised_at, DissentRow.id)
        if open_only:
            q = q.where(DissentRow.state == "offen")
        return tuple(to_dissent(session, r) for r in session.exec(q))

    return db.read(run)
