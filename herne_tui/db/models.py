"""The tables, as SQLAlchemy dataclass mappings (no pydantic: importing them is cheap).

Only the core (store, services, seeding, queries) imports this module.

Every row a user can edit carries ``version``: a change made against an older version is
refused (optimistic concurrency). ``seed_base`` keeps the values the seed last wrote into
the user-editable fields, so a re-seed can tell a user's edit from an untouched default.
"""

# mypy: disable-error-code="misc"
# (mypy does not read ``kw_only`` from the base class's keywords, so it takes required fields after
# defaulted ones for an error; the rows are built with keyword arguments only.)

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, String, TypeDecorator
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase, kw_only=True, eq=False):
    """The base of every table: rows are dataclasses (keyword arguments, defaults applied at
    construction) compared by identity, as the session's identity map expects."""


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


class MetaEntry(Base):
    """Key/value facts about the database: schema version, agreement meta, review mark."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(default="")


class TopicRow(Base):
    """A topic area of the agreement."""

    __tablename__ = "topic"
    key: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    order: Mapped[int]


class StatusRow(Base):
    """One status of the workflow; a column of the board."""

    __tablename__ = "status"
    key: Mapped[str] = mapped_column(primary_key=True)
    label: Mapped[str]
    order: Mapped[int]
    done: Mapped[bool] = mapped_column(default=False)


class MeasureRow(Base):
    """One measure of the agreement with its tracked state."""

    __tablename__ = "measure"
    id: Mapped[str] = mapped_column(primary_key=True)
    topic_key: Mapped[str] = mapped_column(ForeignKey("topic.key"), index=True)
    position: Mapped[int] = mapped_column(index=True)
    paragraph: Mapped[int]
    title: Mapped[str]
    text: Mapped[str]
    subitems: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default_factory=list)
    targets: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default_factory=list)
    related: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default_factory=list)
    status_key: Mapped[str] = mapped_column(ForeignKey("status.key"), index=True)
    responsible: Mapped[str] = mapped_column(default="")
    lead: Mapped[str] = mapped_column(default="")
    due: Mapped[date | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(default=1)
    seed_base: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    origin: Mapped[str] = mapped_column(
        String, nullable=False, server_default=sql_text("''"), default=""
    )
    """Issue 14: whose programme the measure came from (a partner, ``gemeinsam``, or "")."""


class RepeatRow(Base):
    """A paragraph the agreement repeats word for word; kept as provenance of its measure."""

    __tablename__ = "repeat"
    id: Mapped[int | None] = mapped_column(default=None, primary_key=True, nullable=False)
    of_measure: Mapped[str] = mapped_column(ForeignKey("measure.id"), index=True)
    topic_key: Mapped[str]
    paragraph: Mapped[int]
    text: Mapped[str]


class NoteRow(Base):
    """A note appended to something (``subject`` like ``measure:ARB-01``); never edited."""

    __tablename__ = "note"
    id: Mapped[int | None] = mapped_column(default=None, primary_key=True, nullable=False)
    subject: Mapped[str] = mapped_column(index=True)
    author: Mapped[str]
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    text: Mapped[str]
    intern: Mapped[str] = mapped_column(
        String, nullable=False, server_default=sql_text("''"), default=""
    )
    """Issue 14: the party the note is internal to (shown only to its users); "" = shared."""


class CommitteeRow(Base):
    """A council committee touched by the agreement."""

    __tablename__ = "committee"
    key: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str]
    change: Mapped[str] = mapped_column(default="")
    change_note: Mapped[str] = mapped_column(default="")
    change_state: Mapped[str] = mapped_column(default="offen")
    chair: Mapped[str] = mapped_column(default="")
    chair_party: Mapped[str] = mapped_column(default="")
    spokespeople: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)
    chair_role: Mapped[str] = mapped_column(default="")
    measure_id: Mapped[str] = mapped_column(default="")
    new_name: Mapped[str] = mapped_column(default="")
    split_from: Mapped[str] = mapped_column(default="")
    split_into: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default_factory=list)
    section: Mapped[str] = mapped_column(default="")
    source: Mapped[str] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)
    seed_base: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class PostRow(Base):
    """A post with a nomination right: Bürgermeister, Bezirk posts, Dezernat III."""

    __tablename__ = "post"
    key: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str]
    kind: Mapped[str]
    body: Mapped[str] = mapped_column(default="")
    district: Mapped[str] = mapped_column(default="")
    right: Mapped[str] = mapped_column(default="")
    holder: Mapped[str] = mapped_column(default="")
    holder_party: Mapped[str] = mapped_column(default="")
    state: Mapped[str] = mapped_column(default="offen")
    state_date: Mapped[date | None] = mapped_column(default=None)
    tender_required: Mapped[bool] = mapped_column(default=False)
    tender_date: Mapped[date | None] = mapped_column(default=None)
    vote_date: Mapped[date | None] = mapped_column(default=None)
    section: Mapped[str] = mapped_column(default="")
    source: Mapped[str] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)
    seed_base: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class HoldingRow(Base):
    """A company the city holds shares in (Beteiligung)."""

    __tablename__ = "holding"
    key: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str]
    note: Mapped[str] = mapped_column(default="")
    linked: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default_factory=list)
    section: Mapped[str] = mapped_column(default="")
    source: Mapped[str] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)


class SeatRow(Base):
    """A seat or position of a holding; its nomination right comes from the rules."""

    __tablename__ = "seat"
    key: Mapped[str] = mapped_column(primary_key=True)
    holding_key: Mapped[str] = mapped_column(ForeignKey("holding.key"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str]
    staffing: Mapped[bool] = mapped_column(default=True)
    to_create: Mapped[bool] = mapped_column(default=False)
    nominee: Mapped[str] = mapped_column(default="")
    nominee_party: Mapped[str] = mapped_column(default="")
    tender_done: Mapped[bool] = mapped_column(default=False)
    tender_date: Mapped[date | None] = mapped_column(default=None)
    state: Mapped[str] = mapped_column(default="offen")
    state_date: Mapped[date | None] = mapped_column(default=None)
    section: Mapped[str] = mapped_column(default="")
    source: Mapped[str] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)
    seed_base: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class NominationRuleRow(Base):
    """Who nominates for a holding or seat; one default rule covers everything else."""

    __tablename__ = "nomination_rule"
    id: Mapped[int | None] = mapped_column(default=None, primary_key=True, nullable=False)
    party: Mapped[str]
    holding_key: Mapped[str] = mapped_column(default="")
    seat_key: Mapped[str] = mapped_column(default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    section: Mapped[str] = mapped_column(default="")
    source: Mapped[str] = mapped_column(default="")


class RuleRow(Base):
    """A rule of the agreement with optional machine parameters."""

    __tablename__ = "rule"
    key: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    section: Mapped[str] = mapped_column(default="")
    summary: Mapped[str] = mapped_column(default="")
    text: Mapped[str] = mapped_column(default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class HistoryRow(Base):
    """Append-only record of every change; written in the same transaction as the change."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_entity", "entity", "entity_id"),)
    id: Mapped[int | None] = mapped_column(default=None, primary_key=True, nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    user: Mapped[str] = mapped_column(index=True)
    action: Mapped[str]
    entity: Mapped[str]
    entity_id: Mapped[str]
    field: Mapped[str] = mapped_column(default="")
    old: Mapped[str] = mapped_column(default="null")
    new: Mapped[str] = mapped_column(default="null")
    source: Mapped[str] = mapped_column(default="")
    comment: Mapped[str] = mapped_column(default="")
    txn: Mapped[str] = mapped_column(default="", index=True)
    reverts: Mapped[str] = mapped_column(default="")


class PaperRow(Base):
    """A motion or council paper (Antrag, Vorlage, Anfrage) the coalition handles."""

    __tablename__ = "paper"
    id: Mapped[int | None] = mapped_column(default=None, primary_key=True, nullable=False)
    title: Mapped[str]
    kind: Mapped[str]
    body: Mapped[str]
    meeting_date: Mapped[date | None] = mapped_column(default=None)
    filing_deadline: Mapped[date | None] = mapped_column(default=None)
    proposal_sent: Mapped[date | None] = mapped_column(default=None)
    number: Mapped[str] = mapped_column(default="")
    measure_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default_factory=list)
    legally_required: Mapped[bool] = mapped_column(default=False)
    harmful_to_defer: Mapped[bool] = mapped_column(default=False)
    proposer: Mapped[str] = mapped_column(default="")
    created_by: Mapped[str] = mapped_column(default="")
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    version: Mapped[int] = mapped_column(default=1)


class PositionRow(Base):
    """One partner's position on a paper before the meeting; key ``<paper id>:<party>``."""

    __tablename__ = "position"
    key: Mapped[str] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("paper.id"), index=True)
    party: Mapped[str]
    position: Mapped[str] = mapped_column(default="offen")
    version: Mapped[int] = mapped_column(default=1)


class DissentRow(Base):
    """A dissent on a measure or paper, on the Koordinierungsgruppe's agenda until decided."""

    __tablename__ = "dissent"
    id: Mapped[int | None] = mapped_column(default=None, primary_key=True, nullable=False)
    subject: Mapped[str] = mapped_column(index=True)
    raised_by: Mapped[str]
    party: Mapped[str] = mapped_column(default="")
    reason: Mapped[str]
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    state: Mapped[str] = mapped_column(default="offen")
    decision: Mapped[str] = mapped_column(default="")
    outcome: Mapped[str] = mapped_column(default="")
    procedure: Mapped[str] = mapped_column(default="")
    decided_on: Mapped[date | None] = mapped_column(default=None)
    participants: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)
    version: Mapped[int] = mapped_column(default=1)


# RIS mirror (issue 13) ---------------------------------------------------------------------
# A copy of one council body's OParl data. Each mirrored object keeps its cleaned JSON in
# ``raw`` and the columns the queries need; references between them are OParl URLs without
# foreign keys (real servers reference objects they never list). A sync replaces rows only
# inside one write transaction (``ris.mirror.apply_snapshot``), so the mirror is always one
# complete sync's state.
class RisSourceRow(Base):
    """Where the mirror comes from and how far it is synced (one row, ``id`` 1)."""

    __tablename__ = "ris_source"
    id: Mapped[int] = mapped_column(default=1, primary_key=True)
    url: Mapped[str]
    system_url: Mapped[str] = mapped_column(default="")
    body_url: Mapped[str] = mapped_column(default="")
    body_name: Mapped[str] = mapped_column(default="")
    oparl_version: Mapped[str] = mapped_column(default="")
    lists: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)
    last_sync: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_full_sync: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_requests: Mapped[int] = mapped_column(default=0)
    last_objects: Mapped[int] = mapped_column(default=0)


class RisOrganizationRow(Base):
    """An OParl Organization (council, committee, faction)."""

    __tablename__ = "ris_organization"
    url: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(default="")
    short_name: Mapped[str] = mapped_column(default="")
    organization_type: Mapped[str] = mapped_column(default="")
    classification: Mapped[str] = mapped_column(default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class RisPersonRow(Base):
    """An OParl Person."""

    __tablename__ = "ris_person"
    url: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class RisMembershipRow(Base):
    """An OParl Membership of a person in an organization."""

    __tablename__ = "ris_membership"
    url: Mapped[str] = mapped_column(primary_key=True)
    person_url: Mapped[str] = mapped_column(default="", index=True)
    organization_url: Mapped[str] = mapped_column(default="", index=True)
    role: Mapped[str] = mapped_column(default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class RisMeetingRow(Base):
    """An OParl Meeting."""

    __tablename__ = "ris_meeting"
    url: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(default="")
    start: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True, default=None)
    end: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    cancelled: Mapped[bool] = mapped_column(default=False)
    meeting_state: Mapped[str] = mapped_column(default="")
    organization_urls: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default_factory=list)
    web: Mapped[str] = mapped_column(default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class RisAgendaItemRow(Base):
    """An OParl AgendaItem of a meeting."""

    __tablename__ = "ris_agenda_item"
    url: Mapped[str] = mapped_column(primary_key=True)
    meeting_url: Mapped[str] = mapped_column(default="", index=True)
    number: Mapped[str] = mapped_column(default="")
    order: Mapped[int | None] = mapped_column(default=None)
    name: Mapped[str] = mapped_column(default="")
    public: Mapped[bool | None] = mapped_column(default=None)
    consultation_url: Mapped[str] = mapped_column(default="", index=True)
    result: Mapped[str] = mapped_column(default="")
    resolution_text: Mapped[str] = mapped_column(default="")
    web: Mapped[str] = mapped_column(default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class RisPaperRow(Base):
    """An OParl Paper (Vorlage, Antrag); ``deleted`` keeps a linked paper deleted upstream."""

    __tablename__ = "ris_paper"
    url: Mapped[str] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(default="", index=True)
    name: Mapped[str] = mapped_column(default="")
    paper_date: Mapped[date | None] = mapped_column(default=None)
    paper_type: Mapped[str] = mapped_column(default="")
    web: Mapped[str] = mapped_column(default="")
    deleted: Mapped[bool] = mapped_column(default=False)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class RisConsultationRow(Base):
    """An OParl Consultation: a paper on a meeting's agenda in a committee's role."""

    __tablename__ = "ris_consultation"
    url: Mapped[str] = mapped_column(primary_key=True)
    paper_url: Mapped[str] = mapped_column(default="", index=True)
    meeting_url: Mapped[str] = mapped_column(default="", index=True)
    agenda_item_url: Mapped[str] = mapped_column(default="")
    organization_urls: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default_factory=list)
    role: Mapped[str] = mapped_column(default="")
    authoritative: Mapped[bool | None] = mapped_column(default=None)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class RisFileRow(Base):
    """An OParl File's metadata (never its contents); ``parent_url`` is where it was embedded."""

    __tablename__ = "ris_file"
    url: Mapped[str] = mapped_column(primary_key=True)
    parent_url: Mapped[str] = mapped_column(default="", index=True)
    name: Mapped[str] = mapped_column(default="")
    file_name: Mapped[str] = mapped_column(default="")
    mime_type: Mapped[str] = mapped_column(default="")
    access_url: Mapped[str] = mapped_column(default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default_factory=dict)


class RisLinkRow(Base):
    """A measure (``measure:ID``) or coalition paper (``paper:N``) linked to a RIS paper.

    ``state`` is ``linked`` (a user made it), ``suggested`` (text similarity after a sync) or
    ``rejected`` (not suggested again). ``reference`` and ``name`` keep the paper's last known
    values, and ``deleted_upstream`` says the RIS deleted it ("im RIS gelöscht").
    """

    __tablename__ = "ris_link"
    __table_args__ = (Index("ix_ris_link_subject_paper", "subject", "paper_url", unique=True),)
    id: Mapped[int | None] = mapped_column(default=None, primary_key=True, nullable=False)
    subject: Mapped[str] = mapped_column(index=True)
    paper_url: Mapped[str] = mapped_column(index=True)
    reference: Mapped[str] = mapped_column(default="")
    name: Mapped[str] = mapped_column(default="")
    state: Mapped[str] = mapped_column(default="linked")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    deleted_upstream: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(default="")
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    version: Mapped[int] = mapped_column(default=1)


# -- issue 14: users, roles and proposals ---------------------------------------------------
# Once a user exists, every write is checked against the writer's role (services.access);
# a status change that needs the other partners' confirmation waits as a proposal.
class UserRow(Base):
    """A herne-tui user: partner (party) and role ``lesen``, ``bearbeiten`` or ``koordination``."""

    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL
    name: Mapped[str] = mapped_column(primary_key=True)
    partner: Mapped[str] = mapped_column(default="")
    role: Mapped[str] = mapped_column(default="lesen")
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    version: Mapped[int] = mapped_column(default=1)


class ProposalRow(Base):
    """A change that waits for another partner's confirmation (e.g. a status to "done").

    ``entity``/``entity_id``/``field`` name what would change, ``old``/``new`` are JSON text
    as in the history. ``source`` says where it came from: empty for a user's own change, or
    a URL (e.g. the OParl council resolution a status change is proposed from). ``state``
    is ``offen``, ``bestaetigt`` or ``abgelehnt``.
    """

    __tablename__ = "proposal"
    id: Mapped[int | None] = mapped_column(default=None, primary_key=True, nullable=False)
    entity: Mapped[str] = mapped_column(default="measure")
    entity_id: Mapped[str] = mapped_column(index=True)
    field: Mapped[str] = mapped_column(default="status")
    old: Mapped[str] = mapped_column(default="null")
    new: Mapped[str] = mapped_column(default="null")
    proposed_by: Mapped[str] = mapped_column(default="")
    party: Mapped[str] = mapped_column(default="")
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    source: Mapped[str] = mapped_column(default="")
    comment: Mapped[str] = mapped_column(default="")
    state: Mapped[str] = mapped_column(default="offen", index=True)
    decided_by: Mapped[str] = mapped_column(default="")
    decided_party: Mapped[str] = mapped_column(default="")
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    txn: Mapped[str] = mapped_column(default="")
    version: Mapped[int] = mapped_column(default=1)
