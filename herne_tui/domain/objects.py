"""Plain domain objects handed from the core to the CLI and the screens.

Nothing here imports the ORM or Textual: screens and reports only ever see these frozen
dataclasses, never a database row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from herne_tui.domain.search import fold

JOINT_LEAD = "gemeinsam"
"""The lead value for a measure the partners lead together."""

POST_STATES = ("offen", "nominiert", "gewählt")
"""States of a mayor, deputy or Dezernat post."""

SEAT_STATES = ("offen", "ausgeschrieben", "nominiert", "besetzt")
"""States of a seat or position in a holding."""

CHANGE_STATES = ("offen", "beschlossen", "umgesetzt")
"""States of an agreed committee change."""


class DateError(ValueError):
    """A date the user typed could not be read."""


_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\s*$")


MIN_YEAR = 1900
MAX_YEAR = 2200
"""The years a typed date may have (absurd years are refused, not computed with)."""


DATE_FORMS = "TT.MM.JJJJ, TT.MM.JJ, T.M.JJ oder JJJJ-MM-TT"
"""The ways a date may be typed, as a German hint (every form ``parse_date`` reads)."""


def parse_date(text: str) -> date:
    """Read a date written as ``2026-03-31``, ``31.03.2026``, ``31.03.26`` or ``31.3.26``.

    Two-digit years mean 2000-2099; raise DateError otherwise.
    """
    if m := _ISO.match(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _DE.match(text):
        d, mo, y = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            y += 2000
    else:
        raise DateError(f"Datum „{text}“ nicht lesbar: bitte {DATE_FORMS} angeben")
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise DateError(f"Datum „{text}“: das Jahr muss zwischen {MIN_YEAR} und {MAX_YEAR} liegen")
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateError(f"Datum „{text}“ gibt es nicht: bitte ein gültiges Datum angeben") from None


def format_date(value: date | None) -> str:
    """German date (``31.03.2026``), or an empty string for no date."""
    return value.strftime("%d.%m.%Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    """German date and time (``31.03.2026 14:05``)."""
    return value.strftime("%d.%m.%Y %H:%M") if value else ""


@dataclass(frozen=True, slots=True)
class Partner:
    """A party of the agreement: short name (the key everywhere), full name, colour."""

    short: str
    name: str = ""
    colour: str = ""

    @property
    def label(self) -> str:
        """The full name when the seed gives one, else the short name."""
        return self.name or self.short


@dataclass(frozen=True, slots=True)
class Agreement:
    """The agreement's own facts from the seed: names, partners, term, screen texts."""

    name: str = ""
    title: str = ""
    city: str = ""
    partners: tuple[Partner, ...] = ()
    term_start: date | None = None
    term_end: date | None = None
    signed: date | None = None
    screens: dict = field(default_factory=dict, hash=False, compare=True)
    confirm_any_status: bool = False

    @property
    def shorts(self) -> tuple[str, ...]:
        """The partners' short names, in the seed's order."""
        return tuple(p.short for p in self.partners)

    @property
    def leads(self) -> tuple[str, ...]:
        """Allowed values of a measure's lead: each partner, or all together."""
        return leads_of(self.shorts)

    def screen_text(self, screen: str, key: str, default: str = "") -> str:
        """A screen's title or intro from the seed (``[meta.screens.<screen>]``)."""
        value = (self.screens.get(screen) or {}).get(key, "")
        return str(value) if value else default


def leads_of(partners: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The lead choices for these partners: each of them, and ``gemeinsam``."""
    return (*partners, JOINT_LEAD)


def _partner(value: object) -> Partner:
    if isinstance(value, dict):
        return Partner(
            str(value.get("short", "")), str(value.get("name", "")), str(value.get("colour", ""))
        )
    return Partner(str(value))


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def agreement_of(meta: dict) -> Agreement:
    """The agreement from the stored metadata (``meta["agreement"]``, as the seed wrote it)."""
    a = meta.get("agreement") or {}
    details = a.get("partner_details") or a.get("partners") or ()
    return Agreement(
        name=str(a.get("name", "")),
        title=str(a.get("title", "")),
        city=str(a.get("city", "")),
        partners=tuple(_partner(p) for p in details),
        term_start=_day(a.get("term_start")),
        term_end=_day(a.get("term_end")),
        signed=_day(a.get("signed")),
        screens=dict(a.get("screens") or {}),
        confirm_any_status=bool(a.get("confirm_any_status", False)),
    )


ROLES = ("lesen", "bearbeiten", "koordination")
"""A user's roles: read only; edit measures, notes, motions and the own party's positions;
also the Koordinierungsgruppe's decisions, coalition-wide review marks, users and roles."""


@dataclass(frozen=True, slots=True)
class User:
    """A herne-tui user with partner and role."""

    name: str
    partner: str
    role: str
    version: int = 1


@dataclass(frozen=True, slots=True)
class Access:
    """What one user may do: ``managed`` is False while the database has no users (then
    everyone may do everything, as before users existed)."""

    user: str
    managed: bool = False
    known: bool = False
    partner: str = ""
    role: str = ""

    @classmethod
    def of(cls, user: str, *, users_exist: bool, row: tuple[str, str] | None) -> Access:
        """The rule both readers (the ORM's and the quick start's) apply: no user list, everyone
        may do everything; else the user's ``(partner, role)`` row, or none (read only)."""
        if not users_exist:
            return cls(user=user)
        if row is None:
            return cls(user=user, managed=True)
        return cls(user=user, managed=True, known=True, partner=row[0], role=row[1])

    @property
    def can_edit(self) -> bool:
        """May change measures, notes, motions (and the own party's positions)."""
        return not self.managed or self.role in ("bearbeiten", "koordination")

    @property
    def coordinates(self) -> bool:
        """May decide for the Koordinierungsgruppe, mark reviews, manage users."""
        return not self.managed or self.role == "koordination"

    def why_read_only(self) -> str:
        """One German line why this user may not change anything ("" when they may)."""
        if not self.managed or self.can_edit:
            return ""
        if not self.known:
            return (
                f"„{self.user}“ steht nicht in der Nutzerliste: nur lesen (eine Person mit "
                "der Rolle koordination trägt Sie mit herne-tui users add ein)"
            )
        return f"„{self.user}“ hat die Rolle lesen: nur lesen"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A status change waiting for another partner's confirmation (issue 14)."""

    id: int
    measure_id: str
    old: str
    new: str
    proposed_by: str
    party: str
    proposed_at: datetime
    source: str = ""
    state: str = "offen"
    confirm_by: tuple[str, ...] = ()
    old_label: str = ""
    new_label: str = ""
    """The statuses' labels ("Umgesetzt"), for showing; ``old``/``new`` are their keys."""

    @property
    def change(self) -> str:
        """The status change as a user reads it: "Offen → Umgesetzt"."""
        return f"{self.old_label or self.old} → {self.new_label or self.new}"


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic area (Themenfeld) of the agreement's policy part."""

    key: str
    name: str
    order: int


@dataclass(frozen=True, slots=True)
class Status:
    """A column of the board: one step of the status workflow."""

    key: str
    label: str
    order: int
    done: bool


@dataclass(frozen=True, slots=True)
class Note:
    """A note appended to a measure; never edited."""

    id: int
    author: str
    at: datetime
    text: str
    intern: str = ""
    """The party the note is internal to (issue 14); "" = shared with the coalition."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a paragraph stands in the agreement: topic section and paragraph number."""

    topic: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Target:
    """A numeric target the agreement's text states."""

    label: str
    value: float | int
    unit: str


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of the agreement (a card on the board), with its current state."""

    id: str
    topic: str
    title: str
    text: str
    status: str
    position: int
    paragraph: int
    subitems: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    related: tuple[str, ...] = ()
    duplicates: tuple[Place, ...] = ()
    responsible: str = ""
    lead: str = ""
    due: date | None = None
    version: int = 1
    note_count: int = 0
    notes: tuple[Note, ...] = ()
    origin: str = ""
    """Whose programme the measure came from (issue 14): a partner, ``gemeinsam``, or ""."""
    pending: str = ""
    """A proposed status waiting for confirmation (issue 14), "" when none."""
    confirm_by: tuple[str, ...] = ()
    """The partners who may confirm the pending status."""
    notes_text: str | None = None
    """The shared notes' folded text (``search.notes_text``), read with the board for its
    search; internal notes are never in it. None: not read (a save's result; the board keeps
    the text it has)."""

    def is_overdue(self, today: date, done_statuses: frozenset[str]) -> bool:
        """True when the due date has passed and the measure is not done."""
        return self.due is not None and self.due < today and self.status not in done_statuses

    def haystack(self) -> str:
        """Folded text the board's filter searches: id, title, text and sub-items (and
        ``notes_text``, searched beside it)."""
        return fold(f"{self.id}\n{self.title}\n{self.text}\n{' '.join(self.subitems)}")


@dataclass(frozen=True, slots=True)
class Committee:
    """A council committee the agreement changes (Ausschuss)."""

    key: str
    name: str
    change: str
    change_note: str
    change_state: str
    chair: str
    chair_party: str
    spokespeople: tuple[tuple[str, str], ...]
    chair_role: str
    measure: str
    new_name: str
    section: str
    source: str
    version: int


@dataclass(frozen=True, slots=True)
class Post:
    """A mayor, district or Dezernat post with its nomination right and holder."""

    key: str
    title: str
    kind: str
    body: str
    district: str
    right: str
    holder: str
    holder_party: str
    state: str
    state_date: date | None
    tender_required: bool
    tender_date: date | None
    vote_date: date | None
    section: str
    source: str
    version: int


@dataclass(frozen=True, slots=True)
class Seat:
    """A seat or position in a holding; ``right`` is derived from the nomination rules."""

    key: str
    holding: str
    title: str
    right: str
    nominee: str
    nominee_party: str
    tender_done: bool
    tender_date: date | None
    state: str
    state_date: date | None
    staffing: bool
    to_create: bool
    section: str
    source: str
    version: int

    def problems(self) -> tuple[str, ...]:
        """What contradicts the agreement on this seat (party against right, missing tender)."""
        out = []
        if self.nominee_party and self.right and self.nominee_party != self.right:
            out.append(f"Vorschlag {self.nominee_party}, Recht liegt bei {self.right}")
        filled = self.state in ("nominiert", "besetzt") or bool(self.nominee)
        if self.staffing and filled and not self.tender_done:
            out.append("ohne externe Ausschreibung besetzt")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Holding:
    """A company the city holds shares in (Beteiligung) with its seats."""

    key: str
    name: str
    note: str
    linked: tuple[str, ...]
    section: str
    source: str
    seats: tuple[Seat, ...]
    version: int


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of the agreement (coordination, budget reservation, tenders)."""

    key: str
    section: str
    summary: str
    text: str
    params: dict = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One recorded change: who, when, which field, old and new value."""

    id: int
    at: datetime
    user: str
    action: str
    entity: str
    entity_id: str
    field: str
    old: object
    new: object
    source: str
    comment: str
    txn: str


@dataclass(frozen=True, slots=True)
class Board:
    """Everything the board shows, read in one go."""

    topics: tuple[Topic, ...]
    statuses: tuple[Status, ...]
    measures: tuple[Measure, ...]
    meta: dict = field(default_factory=dict, hash=False)
    history_id: int = 0
    """The newest history entry the board includes (0: unknown); changes come after it."""

    @property
    def done_statuses(self) -> frozenset[str]:
        """Keys of the statuses that count as done."""
        return frozenset(s.key for s in self.statuses if s.done)

    def status_keys(self) -> list[str]:
        """Status keys in board order."""
        return [s.key for s in self.statuses]


PAPER_KINDS = {
    "gemeinsamer-antrag": "Gemeinsamer Antrag",
    "eigener-antrag": "Eigener Antrag",
    "vorlage": "Vorlage der Verwaltung",
    "anfrage": "Anfrage",
}
"""Kinds of council papers the coalition handles (key → German label)."""


def measures_count(n: int) -> str:
    """ "1 Maßnahme", "0 Maßnahmen", "12 Maßnahmen"."""
    return f"{n} Maßnahme" if n == 1 else f"{n} Maßnahmen"


def paper_label(title: str, number: str = "") -> str:
    """A paper as users know it: its title and, when it has one, its number
    ("Papier „Mehr Schulsozialarbeit“ (2026/0123)"), never the internal row id."""
    return f"Papier „{title}“" + (f" ({number})" if number else "")


POSITIONS = ("zustimmen", "ablehnen", "enthalten", "offen")
"""A partner's position on a paper before its meeting."""


@dataclass(frozen=True, slots=True)
class Paper:
    """A motion or council paper with the partners' positions and what follows from them."""

    id: int
    title: str
    kind: str
    body: str
    meeting_date: date | None
    filing_deadline: date | None
    proposal_sent: date | None
    number: str
    measure_ids: tuple[str, ...]
    legally_required: bool
    harmful_to_defer: bool
    proposer: str
    positions: tuple[tuple[str, str, int], ...]  # (party, position, version)
    version: int
    partner_deadline: date | None = None
    consensus: str = "offen"
    verdict: str = ""
    partner_overdue: bool = False

    @property
    def kind_label(self) -> str:
        """German label of the paper's kind."""
        return PAPER_KINDS.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        """Title and number, as everywhere a paper is named."""
        return paper_label(self.title, self.number)


@dataclass(frozen=True, slots=True)
class Dissent:
    """A dissent on a measure or paper and, once decided, the Koordinierungsgruppe's decision."""

    id: int
    subject: str
    subject_label: str
    raised_by: str
    party: str
    reason: str
    raised_at: datetime
    state: str
    decision: str
    outcome: str
    procedure: str
    decided_on: date | None
    participants: tuple[tuple[str, tuple[str, ...]], ...]
    version: int


@dataclass(frozen=True, slots=True)
class Deadline:
    """One dated item on the deadlines list."""

    when: date
    kind: str
    label: str
    ref: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class Violation:
    """A nomination rule or procedure the data contradicts."""

    rule: str
    ref: str
    message: str


FIELD_LABELS = {
    "status": "Status",
    "responsible": "Verantwortlich",
    "lead": "Federführung",
    "origin": "Herkunft",
    "proposal": "Vorschlag",
    "due": "Fällig",
    "change_state": "Stand",
    "chair": "Vorsitz",
    "chair_party": "Partei Vorsitz",
    "spokespeople": "Sprecher",
    "holder": "Inhaber",
    "holder_party": "Partei",
    "state": "Stand",
    "state_date": "Datum",
    "tender_date": "Ausschreibung",
    "vote_date": "Ratsbeschluss",
    "nominee": "Vorschlag",
    "nominee_party": "Partei",
    "tender_done": "Ausgeschrieben",
    "note": "Notiz",
    "ris_paper": "RIS-Vorlage",
}
"""German labels of the user fields (history, conflicts, reports)."""
