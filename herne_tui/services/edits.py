"""Write side: one function per user intent, used alike by the app, the CLI and the tests.

Every function runs one short write transaction that changes the rows *and* appends the
history entries, so a change is never visible without its record. Edits to versioned rows
take ``expected_version``: when someone else saved first, ``Conflict`` is raised with their
values and ours, and nothing is written.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from herne_tui.db.models import (
    CommitteeRow,
    HistoryRow,
    MeasureRow,
    MetaEntry,
    NoteRow,
    PostRow,
    SeatRow,
    StatusRow,
)
from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.domain.objects import FIELD_LABELS
from herne_tui.errors import Conflict, HerneError, InvalidInput, NotFound
from herne_tui.services.queries import (
    measure_subject,
    read_holdings,
    read_measure,
    to_committee,
    to_post,
    utc,
)

NOTE_MAX = 20_000


def _iso(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def encode(value: Any) -> str:
    """A value as JSON text for the history (dates as ISO strings, also inside dicts)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_iso)


def new_txn() -> str:
    """A fresh id grouping the history entries of one change."""
    return uuid.uuid4().hex[:16]


def record(
    session: Session,
    *,
    at: datetime,
    user: str,
    action: str,
    entity: str,
    entity_id: str,
    field: str = "",
    old: Any = None,
    new: Any = None,
    txn: str = "",
    source: str = "",
    comment: str = "",
    reverts: str = "",
) -> None:
    """Append one history entry in the caller's transaction."""
    session.add(
        HistoryRow(
            at=utc(at),
            user=user,
            action=action,
            entity=entity,
            entity_id=entity_id,
            field=field,
            old=encode(old),
            new=encode(new),
            txn=txn,
            source=source,
            comment=comment,
            reverts=reverts,
        )
    )


# -- field validation -------------------------------------------------------------------------
def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: Text erwartet")
    return " ".join(value.split()) if "\n" not in value else value.strip()


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return d.parse_date(value)
        except d.DateError as exc:
            raise InvalidInput(f"{field}: {exc}") from None
    raise InvalidInput(f"{field}: Datum erwartet")


def _choice(options: tuple[str, ...], allow_empty: bool = True) -> Callable:
    def check(value: Any, field: str) -> str:
        value = _text(value, field)
        if value == "" and allow_empty:
            return ""
        if value not in options:
            raise InvalidInput(
                f"{field}: „{value}“ ist nicht erlaubt (erlaubt: {', '.join(options)})"
            )
        return value

    return check


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("ja", "yes", "true", "1", "j"):
        return True
    if isinstance(value, str) and value.lower() in ("nein", "no", "false", "0", "n", ""):
        return False
    raise InvalidInput(f"{field}: ja oder nein erwartet")


def _people(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        raise InvalidInput(f"{field}: Zuordnung Partei → Name erwartet")
    return {str(k): _text(v, field) for k, v in value.items() if _text(v, field)}


@dataclass(frozen=True)
class Entity:
    """How a kind of editable row is found, which fields a user may change, and how."""

    name: str
    label: str
    model: type
    fields: dict[str, tuple[str, Callable]]  # domain field -> (column, validator)


ENTITIES: dict[str, Entity] = {
    "measure": Entity(
        "measure",
        "Maßnahme",
        MeasureRow,
        {
            "status": ("status_key", _text),  # checked against the status table below
            "responsible": ("responsible", _text),
            "lead": ("lead", _choice(d.LEADS)),
            "due": ("due", _date),
        },
    ),
    "committee": Entity(
        "committee",
        "Ausschuss",
        CommitteeRow,
        {
            "change_state": ("change_state", _choice(d.CHANGE_STATES, allow_empty=False)),
            "chair": ("chair", _text),
            "chair_party": ("chair_party", _text),
            "spokespeople": ("spokespeople", _people),
        },
    ),
    "post": Entity(
        "post",
        "Posten",
        PostRow,
        {
            "holder": ("holder", _text),
            "holder_party": ("holder_party", _text),
            "state": ("state", _choice(d.POST_STATES, allow_empty=False)),
            "state_date": ("state_date", _date),
            "tender_date": ("tender_date", _date),
            "vote_date": ("vote_date", _date),
        },
    ),
    "seat": Entity(
        "seat",
        "Sitz",
        SeatRow,
        {
            "nominee": ("nominee", _text),
            "nominee_party": ("nominee_party", _text),
            "tender_done": ("tender_done", _bool),
            "tender_date": ("tender_date", _date),
            "state": ("state", _choice(d.SEAT_STATES, allow_empty=False)),
            "state_date": ("state_date", _date),
        },
    ),
}

"""German labels of editable fields, for messages and the history screen."""


def _get_row(session: Session, entity: Entity, key: str, *, lock: bool = False):
    query = select(entity.model).where(
        entity.model.__table__.primary_key.columns.values()[0] == key
    )
    if lock:
        query = query.with_for_update()
    row = session.exec(query).first()
    if row is None:
        raise NotFound(f"{entity.label} „{key}“ gibt es nicht")
    return row


def _last_editor(session: Session, entity: str, key: str) -> str:
    return (
        session.exec(
            select(HistoryRow.user)
            .where(HistoryRow.entity == entity, HistoryRow.entity_id == key)
            .order_by(HistoryRow.id.desc())
        ).first()
        or ""
    )


def _validate(session: Session, entity: Entity, changes: dict) -> dict:
    clean = {}
    for field, value in changes.items():
        if field not in entity.fields:
            raise InvalidInput(f"{entity.label}: Feld „{field}“ ist nicht änderbar")
        clean[field] = entity.fields[field][1](value, FIELD_LABELS.get(field, field))
    if entity.name == "measure" and "status" in clean:
        if session.get(StatusRow, clean["status"]) is None:
            known = ", ".join(
                s.key for s in session.exec(select(StatusRow).order_by(StatusRow.order))
            )
            raise InvalidInput(f"Status „{clean['status']}“ gibt es nicht (bekannt: {known})")
    return clean


def apply_changes(
    session: Session,
    *,
    entity: str,
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
    """Validate and apply field changes to one row with history; return the changed fields."""
    spec = ENTITIES[entity]
    clean = _validate(session, spec, changes)
    row = _get_row(session, spec, key, lock=True)
    # only field changes can conflict; a note saved alone never does
    if clean and expected_version is not None and row.version != expected_version:
        theirs = {f: getattr(row, spec.fields[f][0]) for f in clean}
        raise Conflict(
            f"{spec.label} {key} wurde inzwischen geändert (Version {row.version}, "
            f"Ihre Fassung: {expected_version}); nichts gespeichert",
            entity=entity,
            entity_id=key,
            version=row.version,
            theirs=theirs,
            mine=clean,
            changed_by=_last_editor(session, entity, key),
        )
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
            entity=entity,
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
    if changed:
        row.version += 1
        if hasattr(row, "updated_at"):
            row.updated_at = utc(at)
        session.add(row)
    return changed


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
) -> d.Measure:
    """Change status, responsible, lead and/or due date of a measure, and optionally
    append a note, all in one transaction."""
    body = _note_text(note) if note is not None else None

    def run(session: Session) -> d.Measure:
        at = db.now()
        apply_changes(
            session,
            entity="measure",
            key=measure_id,
            changes=changes,
            user=user,
            at=at,
            expected_version=expected_version,
            source=source,
            comment=comment,
        )
        if body:
            _append_note(session, measure_id=measure_id, text=body, user=user, at=at, source=source)
        session.flush()
        return read_measure(session, measure_id)

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
    session: Session, *, measure_id: str, text: str, user: str, at: datetime, source: str = ""
) -> None:
    if session.get(MeasureRow, measure_id) is None:
        raise NotFound(f"Maßnahme „{measure_id}“ gibt es nicht")
    session.add(NoteRow(subject=measure_subject(measure_id), author=user, at=utc(at), text=text))
    record(
        session,
        at=at,
        user=user,
        action="note",
        entity="measure",
        entity_id=measure_id,
        field="note",
        new=text,
        txn=new_txn(),
        source=source,
    )


def add_note(db: Database, *, measure_id: str, text: str, user: str, source: str = "") -> d.Measure:
    """Append a note to a measure (never replaces; never conflicts)."""
    body = _note_text(text)

    def run(session: Session) -> d.Measure:
        _append_note(
            session, measure_id=measure_id, text=body, user=user, at=db.now(), source=source
        )
        session.flush()
        return read_measure(session, measure_id)

    return db.write(run)


def update_committee(
    db: Database, *, key: str, changes: dict, user: str, expected_version: int | None = None
) -> d.Committee:
    """Change a committee's state, chair, chair's party or spokespeople."""

    def run(session: Session) -> d.Committee:
        apply_changes(
            session,
            entity="committee",
            key=key,
            changes=changes,
            user=user,
            at=db.now(),
            expected_version=expected_version,
        )
        return to_committee(session.get(CommitteeRow, key))

    return db.write(run)


def update_post(
    db: Database, *, key: str, changes: dict, user: str, expected_version: int | None = None
) -> d.Post:
    """Change a post's holder, party, state or dates."""

    def run(session: Session) -> d.Post:
        apply_changes(
            session,
            entity="post",
            key=key,
            changes=changes,
            user=user,
            at=db.now(),
            expected_version=expected_version,
        )
        return to_post(session.get(PostRow, key))

    return db.write(run)


def update_seat(
    db: Database, *, key: str, changes: dict, user: str, expected_version: int | None = None
) -> d.Seat:
    """Change a holding seat's nominee, party, tender or state."""

    def run(session: Session) -> d.Seat:
        apply_changes(
            session,
            entity="seat",
            key=key,
            changes=changes,
            user=user,
            at=db.now(),
            expected_version=expected_version,
        )
        session.flush()
        return next(s for h in read_holdings(session) for s in h.seats if s.key == key)

    return db.write(run)


def undo_last(db: Database, *, user: str) -> str:
    """Revert the user's own most recent edit that is not yet undone; describe what it did."""

    def run(session: Session) -> str:
        undone = set(
            session.exec(
                select(HistoryRow.reverts).where(
                    HistoryRow.user == user, HistoryRow.action == "undo"
                )
            ).all()
        )
        txn = session.exec(
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
        entries = session.exec(
            select(HistoryRow).where(HistoryRow.txn == txn).order_by(HistoryRow.id)
        ).all()
        first = entries[0]
        spec = ENTITIES[first.entity]
        row = _get_row(session, spec, first.entity_id, lock=True)
        restore = {}
        for e in entries:
            current = encode(getattr(row, spec.fields[e.field][0]))
            if current != e.new:
                raise HerneError(
                    f"Rückgängig nicht möglich: {FIELD_LABELS.get(e.field, e.field)} von "
                    f"{first.entity_id} wurde seitdem geändert"
                )
            value = json.loads(e.old)
            restore[e.field] = value
        apply_changes(
            session,
            entity=first.entity,
            key=first.entity_id,
            changes=restore,
            user=user,
            at=db.now(),
            action="undo",
            reverts=txn,
        )
        what = ", ".join(f"{FIELD_LABELS.get(f, f)} → {v or '—'}" for f, v in restore.items())
        return f"{first.entity_id}: {what}"

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
        record(
            session,
            at=db.now(),
            user=user,
            action="meta",
            entity="meta",
            entity_id=key,
            field=key,
            old=old,
            new=value,
            txn=new_txn(),
        )

    db.write(run)
