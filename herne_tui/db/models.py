"""SQLModel tables. Only the core (store, services, seeding, queries) imports this module.

Every row a user can edit carries ``version``: a change made against an older version is
refused (optimistic concurrency). ``seed_base`` keeps the values the seed last wrote into
the user-editable fields, so a re-seed can tell a user's edit from an untouched default.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, DateTime, Index, TypeDecorator
from sqlmodel import Field, SQLModel


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as UTC on every engine."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class MetaEntry(SQLModel, table=True):
    """Key/value facts about the database: schema version, agreement meta, review mark."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str = ""


class TopicRow(SQLModel, table=True):
    """A topic area of the agreement."""

    __tablename__ = "topic"
    key: str = Field(primary_key=True)
    name: str
    order: int


class StatusRow(SQLModel, table=True):
    """One status of the workflow; a column of the board."""

    __tablename__ = "status"
    key: str = Field(primary_key=True)
    label: str
    order: int
    done: bool = False


class MeasureRow(SQLModel, table=True):
    """One measure of the agreement with its tracked state."""

    __tablename__ = "measure"
    id: str = Field(primary_key=True)
    topic_key: str = Field(foreign_key="topic.key", index=True)
    position: int = Field(index=True)
    paragraph: int
    title: str
    text: str
    subitems: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    targets: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    related: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status_key: str = Field(foreign_key="status.key", index=True)
    responsible: str = ""
    lead: str = ""
    due: date | None = None
    version: int = 1
    seed_base: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))


class RepeatRow(SQLModel, table=True):
    """A paragraph the agreement repeats word for word; kept as provenance of its measure."""

    __tablename__ = "repeat"
    id: int | None = Field(default=None, primary_key=True)
    of_measure: str = Field(foreign_key="measure.id", index=True)
    topic_key: str
    paragraph: int
    text: str


class NoteRow(SQLModel, table=True):
    """A note appended to something (``subject`` like ``measure:ARB-01``); never edited."""

    __tablename__ = "note"
    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(index=True)
    author: str
    at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    text: str


class CommitteeRow(SQLModel, table=True):
    """A council committee touched by the agreement."""

    __tablename__ = "committee"
    key: str = Field(primary_key=True)
    position: int = 0
    name: str
    change: str = ""
    change_note: str = ""
    change_state: str = "offen"
    chair: str = ""
    chair_party: str = ""
    spokespeople: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    chair_role: str = ""
    measure_id: str = ""
    new_name: str = ""
    split_from: str = ""
    split_into: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    section: str = ""
    source: str = ""
    version: int = 1
    seed_base: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class PostRow(SQLModel, table=True):
    """A post with a nomination right: Bürgermeister, Bezirk posts, Dezernat III."""

    __tablename__ = "post"
    key: str = Field(primary_key=True)
    position: int = 0
    title: str
    kind: str
    body: str = ""
    district: str = ""
    right: str = ""
    holder: str = ""
    holder_party: str = ""
    state: str = "offen"
    state_date: date | None = None
    tender_required: bool = False
    tender_date: date | None = None
    vote_date: date | None = None
    section: str = ""
    source: str = ""
    version: int = 1
    seed_base: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class HoldingRow(SQLModel, table=True):
    """A company the city holds shares in (Beteiligung)."""

    __tablename__ = "holding"
    key: str = Field(primary_key=True)
    position: int = 0
    name: str
    note: str = ""
    linked: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    section: str = ""
    source: str = ""
    version: int = 1


class SeatRow(SQLModel, table=True):
    """A seat or position of a holding; its nomination right comes from the rules."""

    __tablename__ = "seat"
    key: str = Field(primary_key=True)
    holding_key: str = Field(foreign_key="holding.key", index=True)
    position: int = 0
    title: str
    staffing: bool = True
    to_create: bool = False
    nominee: str = ""
    nominee_party: str = ""
    tender_done: bool = False
    tender_date: date | None = None
    state: str = "offen"
    state_date: date | None = None
    section: str = ""
    source: str = ""
    version: int = 1
    seed_base: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class NominationRuleRow(SQLModel, table=True):
    """Who nominates for a holding or seat; one default rule covers everything else."""

    __tablename__ = "nomination_rule"
    id: int | None = Field(default=None, primary_key=True)
    party: str
    holding_key: str = ""
    seat_key: str = ""
    is_default: bool = False
    section: str = ""
    source: str = ""


class RuleRow(SQLModel, table=True):
    """A rule of the agreement with optional machine parameters."""

    __tablename__ = "rule"
    key: str = Field(primary_key=True)
    position: int = 0
    section: str = ""
    summary: str = ""
    text: str = ""
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class HistoryRow(SQLModel, table=True):
    """Append-only record of every change; written in the same transaction as the change."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False, index=True))
    user: str = Field(index=True)
    action: str
    entity: str
    entity_id: str
    field: str = ""
    old: str = "null"
    new: str = "null"
    source: str = ""
    comment: str = ""
    txn: str = Field(default="", index=True)
    reverts: str = ""


class PaperRow(SQLModel, table=True):
    """A motion or council paper (Antrag, Vorlage, Anfrage) the coalition handles."""

    __tablename__ = "paper"
    id: int | None = Field(default=None, primary_key=True)
    title: str
    kind: str
    body: str
    meeting_date: date | None = None
    filing_deadline: date | None = None
    proposal_sent: date | None = None
    number: str = ""
    measure_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    legally_required: bool = False
    harmful_to_defer: bool = False
    proposer: str = ""
    created_by: str = ""
    created_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    version: int = 1


class PositionRow(SQLModel, table=True):
    """One partner's position on a paper before the meeting; key ``<paper id>:<party>``."""

    __tablename__ = "position"
    key: str = Field(primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", index=True)
    party: str
    position: str = "offen"
    version: int = 1


class DissentRow(SQLModel, table=True):
    """A dissent on a measure or paper, on the Koordinierungsgruppe's agenda until decided."""

    __tablename__ = "dissent"
    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(index=True)
    raised_by: str
    party: str = ""
    reason: str
    raised_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    state: str = "offen"
    decision: str = ""
    outcome: str = ""
    procedure: str = ""
    decided_on: date | None = None
    participants: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 1
