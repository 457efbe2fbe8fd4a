"""Merging a validated seed into the database (``herne-tui seed``), in one transaction.

The agreement's own data (texts, titles, topics, rules, rights) always follows the seed. The
fields users edit (status, responsible, lead, due; holders and nominees) follow a three-way
merge: ``seed_base`` remembers what the seed last wrote; a field still equal to it takes the
new seed value, a field the user changed keeps the user's value. Seeding twice changes
nothing. Additions are recorded in the history as the seed's, dated at the signing date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import (
    Base,
    CommitteeRow,
    HoldingRow,
    MeasureRow,
    MetaEntry,
    NominationRuleRow,
    NoteRow,
    PostRow,
    RepeatRow,
    RuleRow,
    SeatRow,
    StatusRow,
    TopicRow,
)
from herne_tui.db.store import Database
from herne_tui.seeding.load import LoadedSeed, Seed
from herne_tui.services.edits import encode, new_txn, record
from herne_tui.services.queries import measure_subject, utc

SEED_USER = "seed"
"""The author of everything the seed writes."""


@dataclass
class SeedReport:
    """What a seed run added, updated and kept (user values that won over the seed)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: counts of added, updated and kept entries."""
        return (
            f"{len(self.added)} hinzugefügt, {len(self.updated)} aktualisiert, "
            f"{len(self.kept)} Nutzerwerte behalten"
        )


# Which fields are the agreement's (seed wins) and which are the users' (3-way merge).
_USER_FIELDS = {
    MeasureRow: {
        "status": "status_key",
        "responsible": "responsible",
        "lead": "lead",
        "due": "due",
        "origin": "origin",
    },
    CommitteeRow: {
        "change_state": "change_state",
        "chair": "chair",
        "chair_party": "chair_party",
        "spokespeople": "spokespeople",
    },
    PostRow: {
        "holder": "holder",
        "holder_party": "holder_party",
        "state": "state",
        "state_date": "state_date",
        "tender_date": "tender_date",
        "vote_date": "vote_date",
    },
    SeatRow: {
        "nominee": "nominee",
        "nominee_party": "nominee_party",
        "tender_done": "tender_done",
        "tender_date": "tender_date",
        "state": "state",
        "state_date": "state_date",
    },
}
_ADDED_LATER = {"origin": ""}
"""User fields newer than some databases' ``seed_base``: there, the base is the column's
default (a user who changed it differs from it, and keeps the change)."""
_USER_ROWS = (MeasureRow, CommitteeRow, PostRow, SeatRow)
_UserRow = MeasureRow | CommitteeRow | PostRow | SeatRow
"""The tables with user fields, each carrying ``version`` and ``seed_base``."""
_ENTITY = {
    MeasureRow: "measure",
    CommitteeRow: "committee",
    PostRow: "post",
    SeatRow: "seat",
    HoldingRow: "holding",
    TopicRow: "topic",
    StatusRow: "status",
    RuleRow: "rule",
}


class _Merger:
    def __init__(self, session: Session, seed: Seed, now: datetime, report: SeedReport):
        self.s = session
        self.seed = seed
        self.now = now
        self.report = report
        self.txn = new_txn()
        self.signed = datetime.combine(seed.meta.signed, time(0, 0), tzinfo=UTC)

    def _log(self, **kw) -> None:
        record(self.s, user=SEED_USER, action="seed", txn=self.txn, **kw)

    def upsert(
        self,
        model: type[Base],
        key: str,
        own: dict[str, Any],
        user: dict[str, Any] | None = None,
    ) -> None:
        """Insert or merge one row: ``own`` = agreement fields, ``user`` = user fields."""
        row = self.s.get(model, key)
        user = user or {}
        if row is None:
            self._insert(model, key, own, user)
            return
        entity = _ENTITY[model]
        changed = self._merge_own(row, entity, key, own)
        if isinstance(row, _USER_ROWS):
            changed = self._merge_user(row, entity, key, user) or changed
        if changed:
            self.s.add(row)
            self.report.updated.append(f"{entity} {key}")

    def _insert(
        self, model: type[Base], key: str, own: dict[str, Any], user: dict[str, Any]
    ) -> None:
        entity = _ENTITY[model]
        columns = _USER_FIELDS.get(model, {})
        values = dict(own)
        for f, v in user.items():
            values[columns[f]] = v
        if columns:
            values["seed_base"] = {f: encode(v) for f, v in user.items()}
        self.s.add(model(**values))
        self._log(at=self.signed, entity=entity, entity_id=key, field="*", new=user or None)
        self.report.added.append(f"{entity} {key}")

    def _merge_own(self, row: Base, entity: str, key: str, own: dict[str, Any]) -> bool:
        """The agreement's fields always follow the seed; True when one changed."""
        changed = False
        for column, value in own.items():
            if getattr(row, column) != value:
                self._log(
                    at=self.now,
                    entity=entity,
                    entity_id=key,
                    field=column,
                    old=getattr(row, column),
                    new=value,
                )
                setattr(row, column, value)
                changed = True
        return changed

    def _merge_user(self, row: _UserRow, entity: str, key: str, user: dict[str, Any]) -> bool:
        """Three-way merge of the users' fields against ``seed_base``; True when one changed."""
        columns = _USER_FIELDS[type(row)]
        base = dict(row.seed_base or {})
        changed = False
        for f, value in user.items():
            column = columns[f]
            current = getattr(row, column)
            if f not in base and f in _ADDED_LATER:
                base[f] = encode(_ADDED_LATER[f])
            if encode(current) == encode(value):
                base[f] = encode(value)
            elif f in base and encode(current) == base[f]:
                # untouched by users since the last seed: the new seed value applies
                self._log(
                    at=self.now, entity=entity, entity_id=key, field=f, old=current, new=value
                )
                setattr(row, column, value)
                row.version += 1
                base[f] = encode(value)
                changed = True
            else:
                self.report.kept.append(f"{entity} {key}: {f}")
        if base != (row.seed_base or {}):
            row.seed_base = base
            changed = True
        return changed

    def run(self) -> None:
        """Merge the whole seed; parents are flushed before the rows that refer to them."""
        self._meta()
        self._vocabulary()
        self.s.flush()
        self._measures()
        self._committees()
        self._posts()
        self._holdings()
        self.s.flush()
        self._seats()
        self._nomination_rules()

    def _vocabulary(self) -> None:
        """Topics, statuses and rules."""
        seed = self.seed
        for t in seed.topics:
            self.upsert(TopicRow, t.key, {"key": t.key, "name": t.name, "order": t.order})
        for st in seed.statuses:
            self.upsert(
                StatusRow,
                st.key,
                {"key": st.key, "label": st.label, "order": st.order, "done": st.done},
            )
        for i, r in enumerate(seed.rules, start=1):
            self.upsert(
                RuleRow,
                r.key,
                {
                    "key": r.key,
                    "position": i,
                    "section": r.section,
                    "summary": r.summary,
                    "text": r.text,
                    "params": dict(r.params),
                },
            )

    def _committees(self) -> None:
        seed = self.seed
        for i, c in enumerate(seed.committees, start=1):
            self.upsert(
                CommitteeRow,
                c.key,
                {
                    "key": c.key,
                    "position": i,
                    "name": c.name,
                    "change": c.change,
                    "change_note": c.change_note,
                    "chair_role": c.chair_role,
                    "measure_id": c.measure,
                    "new_name": c.new_name,
                    "split_from": c.split_from,
                    "split_into": list(c.split_into),
                    "section": c.section,
                    "source": c.source,
                },
                {
                    "change_state": c.change_state,
                    "chair": c.chair,
                    "chair_party": c.chair_party,
                    "spokespeople": dict(c.spokespeople),
                },
            )

    def _posts(self) -> None:
        seed = self.seed
        for i, p in enumerate(seed.posts, start=1):
            self.upsert(
                PostRow,
                p.key,
                {
                    "key": p.key,
                    "position": i,
                    "title": p.title,
                    "kind": p.kind,
                    "body": p.body,
                    "district": p.district,
                    "right": p.right,
                    "tender_required": p.tender_required,
                    "section": p.section,
                    "source": p.source,
                },
                {
                    "holder": p.holder,
                    "holder_party": p.holder_party,
                    "state": p.state,
                    "state_date": p.state_date,
                    "tender_date": p.tender_date,
                    "vote_date": p.vote_date,
                },
            )

    def _holdings(self) -> None:
        seed = self.seed
        for i, h in enumerate(seed.holdings, start=1):
            self.upsert(
                HoldingRow,
                h.key,
                {
                    "key": h.key,
                    "position": i,
                    "name": h.name,
                    "note": h.note,
                    "linked": list(h.linked),
                    "section": h.section,
                    "source": h.source,
                },
            )

    def _seats(self) -> None:
        for i, seat in enumerate(self.seed.seats, start=1):
            self.upsert(
                SeatRow,
                seat.key,
                {
                    "key": seat.key,
                    "holding_key": seat.holding,
                    "position": i,
                    "title": seat.title,
                    "staffing": seat.staffing,
                    "to_create": seat.to_create,
                    "section": seat.section,
                    "source": seat.source,
                },
                {
                    "nominee": seat.nominee,
                    "nominee_party": seat.nominee_party,
                    "tender_done": seat.tender_done,
                    "tender_date": seat.tender_date,
                    "state": seat.state,
                    "state_date": seat.state_date,
                },
            )

    def _meta(self) -> None:
        meta = self.seed.meta.stored()
        values = {"agreement": meta, "seed_format": self.seed.format}
        for key, value in values.items():
            entry = self.s.get(MetaEntry, key)
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
            if entry is None:
                self.s.add(MetaEntry(key=key, value=text))
                self.report.added.append(f"meta {key}")
            elif entry.value != text:
                entry.value = text
                self.s.add(entry)
                self.report.updated.append(f"meta {key}")

    def _measures(self) -> None:
        seed = self.seed
        first_status = min(seed.statuses, key=lambda s: s.order).key
        topic_order = {t.key: t.order for t in seed.topics}
        ordered = sorted(seed.measures, key=lambda m: (topic_order[m.topic], m.paragraph))
        for position, m in enumerate(ordered, start=1):
            self.upsert(
                MeasureRow,
                m.id,
                {
                    "id": m.id,
                    "topic_key": m.topic,
                    "position": position,
                    "paragraph": m.paragraph,
                    "title": m.title,
                    "text": m.text,
                    "subitems": list(m.subitems),
                    "related": list(m.related),
                    "targets": [t.model_dump() for t in m.targets],
                },
                {
                    "status": m.status or first_status,
                    "responsible": m.responsible,
                    "lead": m.lead,
                    "due": m.due,
                    "origin": m.origin,
                },
            )
        self.s.flush()
        self._notes()
        self._repeats()

    def _notes(self) -> None:
        """Notes the seed brings and the database lacks (matched by author, time, text)."""
        seed = self.seed
        for m in seed.measures:
            existing = {
                (n.author, utc(n.at), n.text)
                for n in self.s.scalars(
                    select(NoteRow).where(NoteRow.subject == measure_subject(m.id))
                )
            }
            for note in m.notes:
                at = utc(note.at)
                if (note.author, at, note.text) in existing:
                    continue
                self.s.add(
                    NoteRow(
                        subject=measure_subject(m.id), author=note.author, at=at, text=note.text
                    )
                )
                record(
                    self.s,
                    at=note.at,
                    user=note.author,
                    action="note",
                    entity="measure",
                    entity_id=m.id,
                    field="note",
                    new=note.text,
                    txn=self.txn,
                    comment="aus Seed",
                )
                self.report.added.append(f"note {m.id}")

    def _repeats(self) -> None:
        """Repeats are replaced as a whole when they differ from the seed's."""
        seed = self.seed
        wanted = sorted((r.of, r.topic, r.paragraph, r.text) for r in seed.repeats)
        have = sorted(
            (r.of_measure, r.topic_key, r.paragraph, r.text)
            for r in self.s.scalars(select(RepeatRow))
        )
        if wanted != have:
            for row in self.s.scalars(select(RepeatRow)):
                self.s.delete(row)
            self.s.flush()
            for rep in seed.repeats:
                self.s.add(
                    RepeatRow(
                        of_measure=rep.of,
                        topic_key=rep.topic,
                        paragraph=rep.paragraph,
                        text=rep.text,
                    )
                )
            (self.report.updated if have else self.report.added).append("repeats")

    def _nomination_rules(self) -> None:
        wanted = [
            (r.party, r.holding, r.seat, r.default, r.section, r.source)
            for r in self.seed.nomination_rules
        ]
        rows = list(self.s.scalars(select(NominationRuleRow).order_by(NominationRuleRow.id)))
        have = [
            (r.party, r.holding_key, r.seat_key, r.is_default, r.section, r.source) for r in rows
        ]
        if wanted == have:
            return
        for r in rows:
            self.s.delete(r)
        self.s.flush()
        for party, holding, seat, default, section, source in wanted:
            self.s.add(
                NominationRuleRow(
                    party=party,
                    holding_key=holding,
                    seat_key=seat,
                    is_default=default,
                    section=section,
                    source=source,
                )
            )
        (self.report.updated if have else self.report.added).append("nomination_rules")


def seed_database(db: Database, loaded: LoadedSeed) -> SeedReport:
    """Merge a validated seed into the database in one transaction; report what happened."""
    report = SeedReport()

    def run(session: Session) -> SeedReport:
        _Merger(session, loaded.seed, db.now(), report).run()
        return report

    return db.write(run)
