"""Read side: turn rows into plain domain objects. Never hands an ORM row to a caller."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import overload

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from herne_tui.db.models import (
    CommitteeRow,
    HistoryRow,
    HoldingRow,
    MeasureRow,
    MetaEntry,
    NominationRuleRow,
    NoteRow,
    PostRow,
    ProposalRow,
    RepeatRow,
    RuleRow,
    SeatRow,
    StatusRow,
    TopicRow,
)
from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.domain import search
from herne_tui.errors import NotFound


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: datetime | None) -> datetime | None:
    """Stored datetimes are naive UTC; hand them out as aware UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def stored_id(value: int | None) -> int:
    """The id of a row read from the database (the database gave it one when it was added)."""
    if value is None:
        raise ValueError("a row without id was not read from the database")
    return value


def utc(value: datetime) -> datetime:
    """Any datetime as aware UTC (a naive one is taken to be UTC already)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def measure_subject(measure_id: str) -> str:
    """The note subject string of a measure."""
    return f"measure:{measure_id}"


# -- converters -------------------------------------------------------------------------------
def to_measure(
    row: MeasureRow, *, note_count: int = 0, notes=(), repeats=(), notes_text: str | None = None
) -> d.Measure:
    """A measure row (plus its notes and repeats) as a domain object."""
    return d.Measure(
        id=row.id,
        topic=row.topic_key,
        title=row.title,
        text=row.text,
        status=row.status_key,
        position=row.position,
        paragraph=row.paragraph,
        subitems=tuple(row.subitems or ()),
        targets=tuple(d.Target(t["label"], t["value"], t.get("unit", "")) for t in row.targets),
        related=tuple(row.related or ()),
        duplicates=tuple(d.Place(r.topic_key, r.paragraph) for r in repeats),
        responsible=row.responsible,
        lead=row.lead,
        due=row.due,
        version=row.version,
        note_count=note_count or len(notes),
        notes=tuple(d.Note(n.id, n.author, aware(n.at), n.text, n.intern) for n in notes),
        origin=getattr(row, "origin", "") or "",
        notes_text=notes_text,
    )


def to_committee(row: CommitteeRow) -> d.Committee:
    """A committee row as a domain object."""
    return d.Committee(
        key=row.key,
        name=row.name,
        change=row.change,
        change_note=row.change_note,
        change_state=row.change_state,
        chair=row.chair,
        chair_party=row.chair_party,
        spokespeople=tuple(sorted(row.spokespeople.items())),
        chair_role=row.chair_role,
        measure=row.measure_id,
        new_name=row.new_name,
        section=row.section,
        source=row.source,
        version=row.version,
    )


def to_post(row: PostRow) -> d.Post:
    """A post row as a domain object."""
    return d.Post(
        key=row.key,
        title=row.title,
        kind=row.kind,
        body=row.body,
        district=row.district,
        right=row.right,
        holder=row.holder,
        holder_party=row.holder_party,
        state=row.state,
        state_date=row.state_date,
        tender_required=row.tender_required,
        tender_date=row.tender_date,
        vote_date=row.vote_date,
        section=row.section,
        source=row.source,
        version=row.version,
    )


def seat_right(seat_key: str, holding_key: str, rules: list[NominationRuleRow]) -> str:
    """The party holding the nomination right: seat rule, else holding rule, else default."""
    for rule in rules:
        if rule.seat_key == seat_key:
            return rule.party
    for rule in rules:
        if rule.holding_key == holding_key and not rule.seat_key:
            return rule.party
    return next((r.party for r in rules if r.is_default), "")


def to_seat(row: SeatRow, right: str) -> d.Seat:
    """A seat row with its derived right as a domain object."""
    return d.Seat(
        key=row.key,
        holding=row.holding_key,
        title=row.title,
        right=right,
        nominee=row.nominee,
        nominee_party=row.nominee_party,
        tender_done=row.tender_done,
        tender_date=row.tender_date,
        state=row.state,
        state_date=row.state_date,
        staffing=row.staffing,
        to_create=row.to_create,
        section=row.section,
        source=row.source,
        version=row.version,
    )


def decode(value: str):
    """A history value (JSON text) back to a Python value."""
    return json.loads(value) if value else None


def to_history(row: HistoryRow) -> d.HistoryEntry:
    """A history row as a domain object."""
    return d.HistoryEntry(
        id=stored_id(row.id),
        at=aware(row.at),
        user=row.user,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        field=row.field,
        old=decode(row.old),
        new=decode(row.new),
        source=row.source,
        comment=row.comment,
        txn=row.txn,
    )


# -- session-level reads (used inside transactions too) -----------------------------------------
def read_meta(session: Session) -> dict:
    """The agreement's metadata and other facts stored in ``meta``."""
    out = {}
    for entry in session.scalars(select(MetaEntry)):
        try:
            out[entry.key] = json.loads(entry.value)
        except ValueError:
            out[entry.key] = entry.value
    return out


def read_labels(session: Session) -> tuple[tuple[d.Topic, ...], tuple[d.Status, ...]]:
    """Topics and statuses in order (cheap: what screens need for labels)."""
    topics = tuple(
        d.Topic(t.key, t.name, t.order)
        for t in session.scalars(select(TopicRow).order_by(TopicRow.order))
    )
    statuses = tuple(
        d.Status(s.key, s.label, s.order, s.done)
        for s in session.scalars(select(StatusRow).order_by(StatusRow.order))
    )
    return topics, statuses


def shared_notes(session: Session, subjects) -> dict[str, list[str]]:
    """The texts of the shared notes (never the internal ones) of the measures ``subjects``
    selects, by subject, oldest first: what the board counts and searches."""
    out: dict[str, list[str]] = defaultdict(list)
    for subject, text in session.execute(
        select(NoteRow.subject, NoteRow.text)
        .where(subjects, NoteRow.intern == "")
        .order_by(NoteRow.id)
    ):
        out[subject].append(text)
    return out


def board_measure(row: MeasureRow, shared: Sequence[str], repeats) -> d.Measure:
    """A measure as the board holds it: the shared notes' count and folded text, no notes."""
    return to_measure(
        row, note_count=len(shared), repeats=repeats, notes_text=search.notes_text(shared)
    )


def read_board(session: Session) -> d.Board:
    """Topics, statuses and every measure (note counts and searchable text of the shared
    notes, no note objects) in board order."""
    topics, statuses = read_labels(session)
    shared = shared_notes(session, NoteRow.subject.like("measure:%"))
    repeats = defaultdict(list)
    for r in session.scalars(select(RepeatRow).order_by(RepeatRow.id)):
        repeats[r.of_measure].append(r)
    measures = tuple(
        board_measure(m, shared.get(measure_subject(m.id), ()), repeats[m.id])
        for m in session.scalars(select(MeasureRow).order_by(MeasureRow.position))
    )
    newest = session.scalars(select(func.max(HistoryRow.id))).one() or 0
    return d.Board(
        topics=topics,
        statuses=statuses,
        measures=with_pending(session, measures),
        meta=read_meta(session),
        history_id=newest,
    )


def read_cards(session: Session, ids: Iterable[str]) -> dict[str, d.Measure]:
    """The given measures as the board shows them (note counts, no note texts), by id; an id
    that is not in the database (any more) is missing from the result."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    shared = shared_notes(session, NoteRow.subject.in_([measure_subject(i) for i in wanted]))
    repeats = defaultdict(list)
    for r in session.scalars(
        select(RepeatRow).where(RepeatRow.of_measure.in_(wanted)).order_by(RepeatRow.id)
    ):
        repeats[r.of_measure].append(r)
    found = tuple(
        board_measure(m, shared.get(measure_subject(m.id), ()), repeats[m.id])
        for m in session.scalars(select(MeasureRow).where(MeasureRow.id.in_(wanted)))
    )
    return {m.id: m for m in with_pending(session, found)}


def with_pending(session: Session, measures: tuple[d.Measure, ...]) -> tuple[d.Measure, ...]:
    """The measures with their status proposals waiting for confirmation (issue 14)."""
    waiting = {
        p.entity_id: p
        for p in session.scalars(
            select(ProposalRow).where(ProposalRow.entity == "measure", ProposalRow.state == "offen")
        )
    }
    if not waiting:
        return measures
    partners = partners_of(read_meta(session))
    out = []
    for m in measures:
        p = waiting.get(m.id)
        if p is not None:
            others = tuple(x for x in partners if x != p.party)
            m = replace(m, pending=json.loads(p.new), confirm_by=others)
        out.append(m)
    return tuple(out)


NOTES_PAGE = 50
"""Notes the measure view shows at first (the newest), and how many more each "Ältere
Notizen laden" adds: a measure with 100,000 notes opens as fast as one with ten."""


def read_measure(
    session: Session, measure_id: str, party: str = "", notes_limit: int | None = None
) -> d.Measure:
    """One measure with its shared notes (and those internal to ``party``, when given): all,
    oldest first, or the newest ``notes_limit`` of them (``note_count`` counts every visible
    one); and its repeats. NotFound for an unknown id. Other parties' internal notes never
    leave."""
    row = session.get(MeasureRow, measure_id)
    if row is None:
        raise NotFound(
            f"Maßnahme „{measure_id}“ gibt es nicht (z. B. ARB-01; `herne-tui list` zeigt alle)"
        )
    visible = (
        NoteRow.subject == measure_subject(measure_id),
        NoteRow.intern.in_({"", party}),
    )
    if notes_limit is None:
        notes = list(
            session.scalars(select(NoteRow).where(*visible).order_by(NoteRow.at, NoteRow.id))
        )
        total = len(notes)
    else:
        # the most recently added (the subject index serves id order without sorting), shown
        # oldest first like all notes
        newest = select(NoteRow).where(*visible).order_by(NoteRow.id.desc())
        notes = sorted(session.scalars(newest.limit(notes_limit)), key=lambda n: (n.at, n.id))
        total = session.scalars(select(func.count()).select_from(NoteRow).where(*visible)).one()
    repeats = session.scalars(
        select(RepeatRow).where(RepeatRow.of_measure == measure_id).order_by(RepeatRow.id)
    ).all()
    measure = to_measure(row, note_count=total, notes=notes, repeats=repeats)
    return with_pending(session, (measure,))[0]


def read_holdings(session: Session) -> tuple[d.Holding, ...]:
    """Every holding with its seats and their derived nomination rights."""
    rules = list(session.scalars(select(NominationRuleRow).order_by(NominationRuleRow.id)))
    seats = defaultdict(list)
    for s in session.scalars(select(SeatRow).order_by(SeatRow.position)):
        seats[s.holding_key].append(to_seat(s, seat_right(s.key, s.holding_key, rules)))
    return tuple(
        d.Holding(
            key=h.key,
            name=h.name,
            note=h.note,
            linked=tuple(h.linked),
            section=h.section,
            source=h.source,
            seats=tuple(seats[h.key]),
            version=h.version,
        )
        for h in session.scalars(select(HoldingRow).order_by(HoldingRow.position))
    )


# -- public reads -----------------------------------------------------------------------------
def load_board(db: Database) -> d.Board:
    """The board's data in one short read transaction."""
    return db.read(read_board)


def cards(db: Database, ids: Iterable[str]) -> dict[str, d.Measure]:
    """Some measures as the board shows them, by id, in one short read (see ``read_cards``)."""
    return db.read(lambda s: read_cards(s, ids))


def measure_ids(db: Database) -> frozenset[str]:
    """Every measure's id (what a line of a report may name, e.g. to open it)."""
    return db.read(lambda s: frozenset(s.scalars(select(MeasureRow.id)).all()))


def labels(db: Database) -> tuple[tuple[d.Topic, ...], tuple[d.Status, ...]]:
    """Topics and statuses, without the measures."""
    return db.read(read_labels)


def get_measure(
    db: Database, measure_id: str, user: str = "", *, notes_limit: int | None = None
) -> d.Measure:
    """One measure with notes (with ``user``: also those internal to the user's party; all,
    or the newest ``notes_limit``); NotFound for an unknown id."""
    return db.read(lambda s: read_measure(s, measure_id, viewer_party(s, user), notes_limit))


def viewer_party(session: Session, user: str) -> str:
    """The party whose internal notes ``user`` may read ("" for none: no user list, unknown
    user, or no user given)."""
    if not user:
        return ""
    from herne_tui.services.access import access_in

    a = access_in(session, user)
    return a.partner if a.known else ""


def list_committees(db: Database) -> tuple[d.Committee, ...]:
    """Every committee in agreement order."""
    return db.read(
        lambda s: tuple(
            to_committee(c) for c in s.scalars(select(CommitteeRow).order_by(CommitteeRow.position))
        )
    )


def list_posts(db: Database) -> tuple[d.Post, ...]:
    """Every post (mayors, districts, Dezernat) in agreement order."""
    return db.read(
        lambda s: tuple(to_post(p) for p in s.scalars(select(PostRow).order_by(PostRow.position)))
    )


def list_holdings(db: Database) -> tuple[d.Holding, ...]:
    """Every holding with seats and derived rights."""
    return db.read(read_holdings)


def list_rules(db: Database) -> tuple[d.Rule, ...]:
    """Every rule of the agreement."""
    return db.read(
        lambda s: tuple(
            d.Rule(r.key, r.section, r.summary, r.text, dict(r.params))
            for r in s.scalars(select(RuleRow).order_by(RuleRow.position))
        )
    )


def partners_of(meta: dict) -> tuple[str, ...]:
    """The agreement's partners from the stored metadata."""
    return tuple(meta.get("agreement", {}).get("partners", ()))


def partners(db: Database) -> tuple[str, ...]:
    """The parties of the agreement (their short names, in the seed's order)."""
    return partners_of(get_meta(db))


def internal_notes(
    db: Database, *, party: str, since: datetime, until: datetime
) -> tuple[tuple[str, d.Note], ...]:
    """The notes internal to ``party`` written in ``[since, until]``, as (measure id, note)."""

    def run(session: Session):
        rows = session.scalars(
            select(NoteRow)
            .where(NoteRow.intern == party, NoteRow.at >= utc(since), NoteRow.at <= utc(until))
            .order_by(NoteRow.at, NoteRow.id)
        )
        return tuple(
            (
                n.subject.partition(":")[2],
                d.Note(n.id or 0, n.author, aware(n.at), n.text, n.intern),
            )
            for n in rows
        )

    return db.read(run)


def internal_note_count(db: Database) -> int:
    """How many notes are internal to a party (issue 14; exports and shared reports leave
    them out and say so)."""
    return db.read(
        lambda s: s.scalars(
            select(func.count()).select_from(NoteRow).where(NoteRow.intern != "")
        ).one()
    )


def user_access(db: Database, user: str) -> d.Access:
    """What ``user`` may do (issue 14: everything while the database has no users)."""
    from herne_tui.services.access import access_in

    return db.read(lambda s: access_in(s, user))


def agreement(db: Database) -> d.Agreement:
    """The agreement's own facts (name, partners with names and colours, term, screen texts)."""
    return d.agreement_of(get_meta(db))


def get_meta(db: Database) -> dict:
    """The agreement's metadata (name, partners, term, signing date, ...)."""
    return db.read(read_meta)


def history(
    db: Database,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    since: date | datetime | None = None,
    user: str | None = None,
    until: date | datetime | None = None,
    limit: int | None = None,
    newest_first: bool = False,
    by_id: bool = False,
) -> tuple[d.HistoryEntry, ...]:
    """History entries, oldest first (or newest first), filtered as asked; ``by_id`` orders
    by commit order instead of time, which the indexes serve without sorting (fast for the
    last few of a measure with 100,000 entries)."""

    def run(session: Session):
        q = select(HistoryRow)
        if entity:
            q = q.where(HistoryRow.entity == entity)
        if entity_id:
            q = q.where(HistoryRow.entity_id == entity_id)
        if user:
            q = q.where(HistoryRow.user == user)
        if since is not None:
            q = q.where(HistoryRow.at >= _as_dt(since))
        if until is not None:
            q = q.where(HistoryRow.at < _as_dt(until))
        if by_id:
            order: tuple = (HistoryRow.id.desc(),) if newest_first else (HistoryRow.id,)
        elif newest_first:
            order = (HistoryRow.at.desc(), HistoryRow.id.desc())
        else:
            order = (HistoryRow.at, HistoryRow.id)
        q = q.order_by(*order)
        if limit:
            q = q.limit(limit)
        return tuple(to_history(r) for r in session.scalars(q))

    return db.read(run)


def _as_dt(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return utc(value)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def last_changes(db: Database) -> dict[str, datetime]:
    """When each measure last changed (its ``updated_at``; measures never edited are absent)."""

    def run(session: Session) -> dict[str, datetime]:
        q = select(MeasureRow.id, MeasureRow.updated_at).where(MeasureRow.updated_at.isnot(None))
        return {mid: aware(at) for mid, at in session.execute(q) if at is not None}

    return db.read(run)


def is_seeded(db: Database) -> bool:
    """True when the database holds at least one measure or topic."""
    return db.read(lambda s: s.scalars(select(TopicRow).limit(1)).first() is not None)
