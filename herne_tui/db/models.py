"""SQLModel tables. Only the core (store, services, seeding, queries) imports this module.

Every row a user can edit carries ``version``: a change made against an older version is
refused (optimistic concurrency). ``seed_base`` keeps the values the seed last wrote into
the user-editable fields, so a re-seed can tell a user's edit from an untouched default.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, DateTime, Index, String, TypeDecorator
from sqlalchemy import text as sql_text
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
    origin: str = Field(
        default="", sa_column=Column(String, nullable=False, server_default=sql_text("''"))
    )
    """Issue 14: whose programme the measure came from (a partner, ``gemeinsam``, or "")."""


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
    intern: str = Field(
        default="", sa_column=Column(String, nullable=False, server_default=sql_text("''"))
    )
    """Issue 14: the party the note is internal to (shown only to its users); "" = shared."""


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


# RIS mirror (issue 13) ---------------------------------------------------------------------
# A copy of one council body's OParl data. Each mirrored object keeps its cleaned JSON in
# ``raw`` and the columns the queries need; references between them are OParl URLs without
# foreign keys (real servers reference objects they never list). A sync replaces rows only
# inside one write transaction (``ris.mirror.apply_snapshot``), so the mirror is always one
# complete sync's state.
class RisSourceRow(SQLModel, table=True):
    """Where the mirror comes from and how far it is synced (one row, ``id`` 1)."""

    __tablename__ = "ris_source"
    id: int = Field(default=1, primary_key=True)
    url: str
    system_url: str = ""
    body_url: str = ""
    body_name: str = ""
    oparl_version: str = ""
    lists: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    last_sync: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    last_full_sync: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    last_requests: int = 0
    last_objects: int = 0


class RisOrganizationRow(SQLModel, table=True):
    """An OParl Organization (council, committee, faction)."""

    __tablename__ = "ris_organization"
    url: str = Field(primary_key=True)
    name: str = ""
    short_name: str = ""
    organization_type: str = ""
    classification: str = ""
    raw: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RisPersonRow(SQLModel, table=True):
    """An OParl Person."""

    __tablename__ = "ris_person"
    url: str = Field(primary_key=True)
    name: str = ""
    raw: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RisMembershipRow(SQLModel, table=True):
    """An OParl Membership of a person in an organization."""

    __tablename__ = "ris_membership"
    url: str = Field(primary_key=True)
    person_url: str = Field(default="", index=True)
    organization_url: str = Field(default="", index=True)
    role: str = ""
    raw: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RisMeetingRow(SQLModel, table=True):
    """An OParl Meeting."""

    __tablename__ = "ris_meeting"
    url: str = Field(primary_key=True)
    name: str = ""
    start: datetime | None = Field(default=None, sa_column=Column(UtcDateTime, index=True))
    end: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    cancelled: bool = False
    meeting_state: str = ""
    organization_urls: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    web: str = ""
    raw: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RisAgendaItemRow(SQLModel, table=True):
    """An OParl AgendaItem of a meeting."""

    __tablename__ = "ris_agenda_item"
    url: str = Field(primary_key=True)
    meeting_url: str = Field(default="", index=True)
    number: str = ""
    order: int | None = None
    name: str = ""
    public: bool | None = None
    consultation_url: str = Field(default="", index=True)
    result: str = ""
    resolution_text: str = ""
    web: str = ""
    raw: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RisPaperRow(SQLModel, table=True):
    """An OParl Paper (Vorlage, Antrag); ``deleted`` keeps a linked paper deleted upstream."""

    __tablename__ = "ris_paper"
    url: str = Field(primary_key=True)
    reference: str = Field(default="", index=True)
    name: str = ""
    paper_date: date | None = None
    paper_type: str = ""
    web: str = ""
    deleted: bool = False
    raw: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RisConsultationRow(SQLModel, table=True):
    """An OParl Consultation: a paper on a meeting's agenda in a committee's role."""

    __tablename__ = "ris_consultation"
    url: str = Field(primary_key=True)
    paper_url: str = Field(default="", index=True)
    meeting_url: str = Field(default="", index=True)
    agenda_item_url: str = ""
    organization_urls: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    role: str = ""
    authoritative: bool | None = None
    raw: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RisFileRow(SQLModel, table=True):
    """An OParl File's metadata (never its contents); ``parent_url`` is where it was embedded."""

    __tablename__ = "ris_file"
    url: str = Field(primary_key=True)
    parent_url: str = Field(default="", index=True)
    name: str = ""
    file_name: str = ""
    mime_type: str = ""
    access_url: str = ""
    raw: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RisLinkRow(SQLModel, table=True):
    """A measure (``measure:ID``) or coalition paper (``paper:N``) linked to a RIS paper.

    ``state`` is ``linked`` (a user made it), ``suggested`` (text similarity after a sync) or
    ``rejected`` (not suggested again). ``reference`` and ``name`` keep the paper's last known
    values, and ``deleted_upstream`` says the RIS deleted it ("im RIS gelöscht").
    """

    __tablename__ = "ris_link"
    __table_args__ = (Index("ix_ris_link_subject_paper", "subject", "paper_url", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(index=True)
    paper_url: str = Field(index=True)
    reference: str = ""
    name: str = ""
    state: str = "linked"
    score: float = 0.0
    deleted_upstream: bool = False
    created_by: str = ""
    created_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    version: int = 1


# -- issue 14: users, roles and proposals ---------------------------------------------------
# Once a user exists, every write is checked against the writer's role (services.access);
# a status change that needs the other partners' confirmation waits as a proposal.
class UserRow(SQLModel, table=True):
    """A herne-tui user: partner (party) and role ``lesen``, ``bearbeiten`` or ``koordination``."""

    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL
    name: str = Field(primary_key=True)
    partner: str = ""
    role: str = "lesen"
    created_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    version: int = 1


class ProposalRow(SQLModel, table=True):
    """A change that waits for another partner's confirmation (e.g. a status to "done").

    ``entity``/``entity_id``/``field`` name what would change, ``old``/``new`` are JSON text
    as in the history. ``source`` says where it came from: empty for a user's own change, or
    a URL (e.g. the OParl council resolution a status change is proposed from). ``state``
    is ``offen``, ``bestaetigt`` or ``abgelehnt``.
    """

    __tablename__ = "proposal"
    id: int | None = Field(default=None, primary_key=True)
    entity: str = "measure"
    entity_id: str = Field(index=True)
    field: str = "status"
    old: str = "null"
    new: str = "null"
    proposed_by: str = ""
    party: str = ""
    proposed_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    source: str = ""
    comment: str = ""
    state: str = Field(default="offen", index=True)
    decided_by: str = ""
    decided_party: str = ""
    decided_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    txn: str = ""
    version: int = 1
