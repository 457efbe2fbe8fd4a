"""Write side: one function per user intent, used alike by the app, the CLI and the tests.

Every function runs one short write transaction that changes the rows *and* appends the
history entries, so a change is never visible without its record. Edits to versioned rows
take ``expected_version``: when someone else saved first, ``Conflict`` is raised with their
values and ours, and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import (
    Base,
    CommitteeRow,
    HistoryRow,
    MeasureRow,
    MetaEntry,
    NoteRow,
    PostRow,
    SeatRow,
)
from herne_tui.db.store import Database
from herne_tui.domain import limits
from herne_tui.domain import objects as d
from herne_tui.domain.objects import FIELD_LABELS
from herne_tui.errors import Conflict, HerneError, InvalidInput, NotFound
from herne_tui.services import access, proposals, validate
from herne_tui.services.journal import encode, new_txn, record
from herne_tui.services.queries import (
    NOTES_PAGE,
    measure_subject,
    read_holdings,
    read_measure,
    read_meta,
    to_committee,
    to_post,
    utc,
    viewer_party,
)
from herne_tui.services.validate import Validator

NOTE_MAX = limits.NOTE_MAX


# the journal (encode, new_txn, record) lives in services.journal; re-exported here


# -- what can be edited ----------------------------------------------------------------------
ChangeValidator = Callable[[Session, "Entity", dict[str, Any]], dict[str, Any]]
RowLoader = Callable[[Session, "Entity", str], Any]
StaleMessage = Callable[["Entity", str, Any, int], str]


def validate_fields(session: Session, entity: Entity, changes: dict[str, Any]) -> dict[str, Any]:
    """Each change checked by its field's validator (the default of ``Entity.validate``)."""
    clean = {}
    for field, value in changes.items():
        if field not in entity.fields:
            raise InvalidInput(f"{entity.label}: Feld „{field}“ ist nicht änderbar")
        clean[field] = entity.fields[field][1](value, FIELD_LABELS.get(field, field))
    return clean


def load_row(session: Session, entity: Entity, key: str) -> Any:
    """The row with primary key ``key``, locked for the update (the default of ``Entity.load``)."""
    primary = sa_inspect(entity.model).primary_key[0]
    row = session.scalars(select(entity.model).where(primary == key).with_for_update()).first()
    if row is None:
        raise NotFound(f"{entity.label} „{key}“ gibt es nicht")
    return row


def stale_message(entity: Entity, key: str, row: Any, expected: int) -> str:
    """The standard conflict message, naming both versions (the default of ``Entity.stale``)."""
    return (
        f"{entity.label} {key} wurde inzwischen geändert (Version {row.version}, "
        f"Ihre Fassung: {expected}); nichts gespeichert"
    )


@dataclass(frozen=True)
class Entity:
    """How a kind of editable row is found, which fields a user may change, and how.

    The hooks have defaults that fit a plain row; a kind with other needs overrides one:
    ``validate`` checks the whole change set (with the session, e.g. linked measures),
    ``load`` finds the row (it may return a new, not yet added row that is saved only when a
    field changes), ``stale`` words the conflict message, ``names_editor`` says whether the
    conflict names who saved last, ``strict_version`` refuses a stale version even when no
    field is to change, ``conflict_fields`` limits what the conflict shows as theirs and mine,
    ``always_new_version`` counts every apply as a new version (a decision that repeats the
    last one is still a new decision), and ``read`` turns the row into the domain object an
    update returns.
    """

    name: str
    label: str
    model: type[Base]
    fields: dict[str, tuple[str, Validator]]  # domain field -> (column, validator)
    validate: ChangeValidator = validate_fields
    load: RowLoader = load_row
    stale: StaleMessage = stale_message
    names_editor: bool = True
    strict_version: bool = False
    conflict_fields: tuple[str, ...] | None = None
    always_new_version: bool = False
    read: Callable[[Session, str], Any] | None = None


def _measure_changes(session: Session, entity: Entity, changes: dict[str, Any]) -> dict[str, Any]:
    clean = validate_fields(session, entity, changes)
    if "status" in clean:
        validate.known_status(session, clean["status"])
    for field in ("lead", "origin"):
        if clean.get(field):
            leads = d.agreement_of(read_meta(session)).leads
            clean[field] = validate.choice(leads)(clean[field], FIELD_LABELS[field])
    return clean


def _read_committee(session: Session, key: str) -> d.Committee:
    return to_committee(session.get_one(CommitteeRow, key))


def _read_post(session: Session, key: str) -> d.Post:
    return to_post(session.get_one(PostRow, key))


def _read_seat(session: Session, key: str) -> d.Seat:
    return next(s for h in read_holdings(session) for s in h.seats if s.key == key)


ENTITIES: dict[str, Entity] = {
    "measure": Entity(
        "measure",
        "Maßnahme",
        MeasureRow,
        {
            "status": ("status_key", validate.text),  # must exist: checked by _measure_changes
            "responsible": ("responsible", validate.text),
            "lead": ("lead", validate.text),  # a partner or gemeinsam: see _measure_changes
            "due": ("due", validate.day),
            "origin": ("origin", validate.text),  # a partner or gemeinsam: see _measure_changes
        },
        validate=_measure_changes,
        read=lambda session, key: read_measure(session, key, notes_limit=NOTES_PAGE),
    ),
    "committee": Entity(
        "committee",
        "Ausschuss",
        CommitteeRow,
        {
            "change_state": ("change_state", validate.choice(d.CHANGE_STATES, allow_empty=False)),
            "chair": ("chair", validate.text),
            "chair_party": ("chair_party", validate.text),
            "spokespeople": ("spokespeople", validate.people),
        },
        read=_read_committee,
    ),
    "post": Entity(
        "post",
        "Posten",
        PostRow,
        {
            "holder": ("holder", validate.text),
            "holder_party": ("holder_party", validate.text),
            "state": ("state", validate.choice(d.POST_STATES, allow_empty=False)),
            "state_date": ("state_date", validate.day),
            "tender_date": ("tender_date", validate.day),
            "vote_date": ("vote_date", validate.day),
        },
        read=_read_post,
    ),
    "seat": Entity(
        "seat",
        "Sitz",
        SeatRow,
        {
            "nominee": ("nominee", validate.text),
            "nominee_party": ("nominee_party", validate.text),
            "tender_done": ("tender_done", validate.boolean),
            "tender_date": ("tender_date", validate.day),
            "state": ("state", validate.choice(d.SEAT_STATES, allow_empty=False)),
            "state_date": ("state_date", validate.day),
        },
        read=_read_seat,
    ),
}
"""The rows of the board and the panels: replayed by the history, undoable. Papers and
positions describe themselves in ``services.papers`` and pass their ``Entity`` directly."""


def _last_editor(session: Session, entity: str, key: str) -> str:
    return (
        session.scalars(
            select(HistoryRow.user)
            .where(HistoryRow.entity == entity, HistoryRow.entity_id == key)
            .order_by(HistoryRow.id.desc())
        ).first()
        or ""
    )


def _check_version(
    session: Session, spec: Entity, key: str, row: Any, expected: int | None, clean: dict
) -> None:
    # only field changes can conflict (a note saved alone never does), unless the kind is strict
    if expected is None or row.version == expected or not (clean or spec.strict_version):
        return
    shown = [f for f in clean if spec.conflict_fields is None or f in spec.conflict_fields]
    raise Conflict(
        spec.stale(spec, key, row, expected),
        entity=spec.name,
        entity_id=key,
        version=row.version,
        theirs={f: getattr(row, spec.fields[f][0]) for f in shown},
        mine={f: clean[f] for f in shown},
        changed_by=_last_editor(session, spec.name, key) if spec.names_editor else "",
    )


def apply_changes(
    session: Session,
    *,
    entity: str | Entity,
    key: str,
    changes: dict,
    user: str,
    at: datetime,
    expected_version: int | None = None,
    source: str = "",
    comment: str = "",
    action: str = "edit",
    txn: str | None = None,
    reverts: str = "",
) -> list[str]:
    """Validate and apply field changes to one row with history; return the changed fields.

    ``entity`` is a name in ``ENTITIES`` or an ``Entity`` description.
    """
    spec = ENTITIES[entity] if isinstance(entity, str) else entity
    validate.long_text(source, "Quelle")  # bounded like every text (the history keeps them)
    validate.long_text(comment, "Kommentar")
    clean = spec.validate(session, spec, changes)
    row = spec.load(session, spec, key)
    _check_version(session, spec, key, row, expected_version, clean)
    txn = txn or new_txn()
    changed = []
    for field, value in clean.items():
        column = spec.fields[field][0]
        old = getattr(row, column)
        if old == value:
            continue
        setattr(row, column, dict(value) if isinstance(value, dict) else value)
        record(
            session,
            at=at,
            user=user,
            action=action,
            entity=spec.name,
            entity_id=key,
            field=field,
            old=old,
            new=value,
            txn=txn,
            source=source,
            comment=comment,
            reverts=reverts,
        )
        changed.append(field)
    if changed or spec.always_new_version:
        row.version += 1
        if hasattr(row, "updated_at"):
            row.updated_at = utc(at)
        session.add(row)
    return changed


@dataclass(frozen=True)
class Change:
    """One row's part of a batch: which row, the field changes, the version they were made on."""

    entity: str | Entity
    key: str
    changes: dict[str, Any]
    expected_version: int | None = None


def apply_batch(
    session: Session,
    *,
    changes: list[Change],
    user: str,
    at: datetime,
    source: str = "",
    comment: str = "",
    action: str = "edit",
    txn: str | None = None,
) -> list[list[str]]:
    """Apply several rows' changes as one change (one txn id); all or nothing.

    Any refusal (invalid value, missing row, conflict) propagates, and the caller's
    transaction (``Database.write``) is then rolled back with what was applied before it.
    Returns the changed fields of each ``Change``, in order.
    """
    txn = txn or new_txn()
    return [
        apply_changes(
            session,
            entity=c.entity,
            key=c.key,
            changes=c.changes,
            user=user,
            at=at,
            expected_version=c.expected_version,
            source=source,
            comment=comment,
            action=action,
            txn=txn,
        )
        for c in changes
    ]


# -- intents ----------------------------------------------------------------------------------
def update_measure(
    db: Database,
    *,
    measure_id: str,
    changes: dict,
    user: str,
    expected_version: int | None = None,
    source: str = "",
    comment: str = "",
    note: str | None = None,
    intern: bool = False,
) -> d.Measure:
    """Change status, responsible, lead and/or due date of a measure, and optionally
    append a note (``intern``: only for the writer's party), all in one transaction."""
    body = _note_text(note) if note is not None else None

    def run(session: Session) -> d.Measure:
        at = db.now()
        rest = _propose_if_needed(session, measure_id, changes, user, at, source, comment)
        apply_changes(
            session,
            entity="measure",
            key=measure_id,
            changes=rest,
            user=user,
            at=at,
            expected_version=expected_version,
            source=source,
            comment=comment,
        )
        if body:
            _append_note(
                session,
                measure_id=measure_id,
                text=body,
                user=user,
                at=at,
                source=source,
                comment=comment,
                intern=intern,
            )
        session.flush()
        return read_measure(session, measure_id, viewer_party(session, user), NOTES_PAGE)

    return db.write(run)


def _propose_if_needed(
    session: Session,
    measure_id: str,
    changes: dict,
    user: str,
    at: datetime,
    source: str,
    comment: str,
) -> dict:
    """The changes to apply now: a status change that needs another partner's confirmation
    (issue 14) becomes a proposal instead."""
    status = changes.get("status")
    if not isinstance(status, str) or not proposals.needs_confirmation(session, status):
        return changes
    validate.known_status(session, status)
    row = session.get(MeasureRow, measure_id)
    if row is None or row.status_key == status:
        return changes
    proposals.propose_status(
        session,
        measure_id=measure_id,
        status=status,
        user=user,
        at=at,
        source=source,
        comment=comment,
    )
    return {k: v for k, v in changes.items() if k != "status"}


def update_measures(
    db: Database,
    *,
    changes: dict[str, dict[str, Any]],
    user: str,
    versions: dict[str, int] | None = None,
    source: str = "",
    comment: str = "",
) -> list[d.Measure]:
    """A bulk edit: the same kind of change on several measures, one transaction, one txn id.

    All or nothing: a measure someone else changed since ``versions`` raises ``Conflict``
    naming it, and nothing is saved (a council resolution implementing several measures is
    recorded as one decision or not at all). Undone as one by ``undo_last``.
    """
    if not changes:
        raise HerneError("Keine Maßnahmen markiert")
    versions = versions or {}

    def run(session: Session) -> list[d.Measure]:
        at = db.now()
        now = {  # status changes that need another partner's confirmation wait (issue 14)
            mid: _propose_if_needed(session, mid, fields, user, at, source, comment)
            for mid, fields in changes.items()
        }
        apply_batch(
            session,
            changes=[
                Change("measure", mid, fields, versions.get(mid)) for mid, fields in now.items()
            ],
            user=user,
            at=at,
            source=source,
            comment=comment,
        )
        session.flush()
        party = viewer_party(session, user)
        return [read_measure(session, mid, party, NOTES_PAGE) for mid in changes]

    return db.write(run)


def move_measure(
    db: Database, *, measure_id: str, status: str, user: str, expected_version: int | None = None
) -> d.Measure:
    """Move a card to another status column."""
    return update_measure(
        db,
        measure_id=measure_id,
        changes={"status": status},
        user=user,
        expected_version=expected_version,
    )


def _note_text(text: str | None) -> str:
    body = (text or "").strip()
    if not body:
        raise InvalidInput("Notiz ist leer: nichts gespeichert")
    if len(body) > NOTE_MAX:
        raise InvalidInput(f"Notiz ist zu lang ({len(body)} Zeichen, höchstens {NOTE_MAX})")
    return body


def _append_note(
    session: Session,
    *,
    measure_id: str,
    text: str,
    user: str,
    at: datetime,
    source: str = "",
    comment: str = "",
    intern: bool = False,
) -> None:
    if session.get(MeasureRow, measure_id) is None:
        raise NotFound(f"Maßnahme „{measure_id}“ gibt es nicht")
    party = _intern_party(session, user) if intern else ""
    session.add(
        NoteRow(
            subject=measure_subject(measure_id), author=user, at=utc(at), text=text, intern=party
        )
    )
    # an internal note's text stays in its row: the history (read by everyone) only says
    # that one was written, and for which party
    record(
        session,
        at=at,
        user=user,
        action="note",
        entity="measure",
        entity_id=measure_id,
        field="note_intern" if party else "note",
        new=party or text,
        txn=new_txn(),
        source=source,
        comment=comment,
    )


def _intern_party(session: Session, user: str) -> str:
    a = access.access_in(session, user)
    if not a.managed:
        raise InvalidInput(
            "Interne Notizen gibt es erst mit einer Nutzerliste (herne-tui users add): "
            "ohne sie ist keine Partei bekannt; nichts gespeichert"
        )
    if not a.partner:
        raise InvalidInput(f"„{user}“ hat keine Partei: keine interne Notiz möglich")
    return a.partner


def add_note(
    db: Database,
    *,
    measure_id: str,
    text: str,
    user: str,
    source: str = "",
    intern: bool = False,
) -> d.Measure:
    """Append a note to a measure (never replaces; never conflicts); ``intern``: only the
    writer's party sees it."""
    body = _note_text(text)

    def run(session: Session) -> d.Measure:
        _append_note(
            session,
            measure_id=measure_id,
            text=body,
            user=user,
            at=db.now(),
            source=source,
            intern=intern,
        )
        session.flush()
        return read_measure(session, measure_id, viewer_party(session, user), NOTES_PAGE)

    return db.write(run)


def update_entity(
    db: Database,
    *,
    entity: str,
    key: str,
    changes: dict,
    user: str,
    expected_version: int | None = None,
    source: str = "",
    comment: str = "",
) -> Any:
    """Change fields of one row of ``ENTITIES`` in one transaction; return it as a domain object."""
    spec = ENTITIES[entity]
    if spec.read is None:
        raise ValueError(f"{entity} has no domain reader")
    read = spec.read

    def run(session: Session) -> Any:
        apply_changes(
            session,
            entity=spec,
            key=key,
            changes=changes,
            user=user,
            at=db.now(),
            expected_version=expected_version,
            source=source,
            comment=comment,
        )
        session.flush()
        return read(session, key)

    return db.write(run)


def update_committee(
    db: Database, *, key: str, changes: dict, user: str, expected_version: int | None = None
) -> d.Committee:
    """Change a committee's state, chair, chair's party or spokespeople."""
    committee: d.Committee = update_entity(
        db,
        entity="committee",
        key=key,
        changes=changes,
        user=user,
        expected_version=expected_version,
    )
    return committee


def update_post(
    db: Database, *, key: str, changes: dict, user: str, expected_version: int | None = None
) -> d.Post:
    """Change a post's holder, party, state or dates."""
    post: d.Post = update_entity(
        db, entity="post", key=key, changes=changes, user=user, expected_version=expected_version
    )
    return post


def update_seat(
    db: Database, *, key: str, changes: dict, user: str, expected_version: int | None = None
) -> d.Seat:
    """Change a holding seat's nominee, party, tender or state."""
    seat: d.Seat = update_entity(
        db, entity="seat", key=key, changes=changes, user=user, expected_version=expected_version
    )
    return seat


def undo_last(db: Database, *, user: str) -> str:
    """Revert the user's own most recent edit that is not yet undone; describe what it did."""

    def run(session: Session) -> str:
        undone = set(
            session.scalars(
                select(HistoryRow.reverts).where(
                    HistoryRow.user == user, HistoryRow.action == "undo"
                )
            ).all()
        )
        txn = session.scalars(
            select(HistoryRow.txn)
            .where(
                HistoryRow.user == user,
                HistoryRow.action == "edit",
                HistoryRow.entity.in_(ENTITIES),
                HistoryRow.field != "*",
                HistoryRow.txn.not_in(undone or {""}),
            )
            .order_by(HistoryRow.id.desc())
        ).first()
        if not txn:
            raise HerneError("Nichts rückgängig zu machen: keine eigene Änderung gefunden")
        entries = session.scalars(
            select(HistoryRow).where(HistoryRow.txn == txn).order_by(HistoryRow.id)
        ).all()
        restores: dict[tuple[str, str], dict[str, Any]] = {}
        for e in entries:  # a bulk edit touches several rows in one txn: undone together
            restores.setdefault((e.entity, e.entity_id), {})[e.field] = e
        at = db.now()
        described = []
        for (entity, key), fields in restores.items():
            spec = ENTITIES[entity]
            row = spec.load(session, spec, key)
            restore = {}
            for field, e in fields.items():
                if encode(getattr(row, spec.fields[field][0])) != e.new:
                    raise HerneError(
                        f"Rückgängig nicht möglich: {FIELD_LABELS.get(field, field)} von "
                        f"{key} wurde seitdem geändert"
                    )
                restore[field] = json.loads(e.old)
            apply_changes(
                session,
                entity=entity,
                key=key,
                changes=restore,
                user=user,
                at=at,
                action="undo",
                reverts=txn,
            )
            what = ", ".join(f"{FIELD_LABELS.get(f, f)} → {v or '—'}" for f, v in restore.items())
            described.append(f"{key}: {what}")
        if len(described) > 3:
            return f"{len(described)} Maßnahmen: " + "; ".join(described[:3]) + " …"
        return "; ".join(described)

    return db.write(run)


def set_meta(db: Database, *, key: str, value: Any, user: str) -> None:
    """Store a fact in ``meta`` (e.g. the review mark) and record it."""

    def run(session: Session) -> None:
        entry = session.get(MetaEntry, key)
        old = json.loads(entry.value) if entry and entry.value else None
        if entry is None:
            entry = MetaEntry(key=key)
        entry.value = encode(value)
        session.add(entry)
        _record_meta(session, db, key=key, user=user, old=old, new=value)

    db.write(run)


def delete_meta(db: Database, *, key: str, user: str, missing: str) -> None:
    """Remove a fact from ``meta`` and record it; NotFound with ``missing`` if there is none."""

    def run(session: Session) -> None:
        entry = session.get(MetaEntry, key)
        if entry is None:
            raise NotFound(missing)
        old = json.loads(entry.value) if entry.value else None
        session.delete(entry)
        _record_meta(session, db, key=key, user=user, old=old, new=None)

    db.write(run)


def _record_meta(
    session: Session, db: Database, *, key: str, user: str, old: Any, new: Any
) -> None:
    record(
        session,
        at=db.now(),
        user=user,
        action="meta",
        entity="meta",
        entity_id=key,
        field=key,
        old=old,
        new=new,
        txn=new_txn(),
    )
