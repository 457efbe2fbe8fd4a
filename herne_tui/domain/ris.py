"""The council information system's meetings and papers as plain objects (from the mirror)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    """One agenda item of a meeting, with the paper behind it (if any) and its result."""

    url: str
    number: str
    name: str
    paper_url: str
    paper_reference: str
    paper_name: str
    result: str
    resolution_text: str = ""


@dataclass(frozen=True, slots=True)
class Meeting:
    """A mirrored meeting with its committees and agenda."""

    url: str
    name: str
    start: datetime | None
    organizations: tuple[str, ...]
    agenda: tuple[AgendaEntry, ...]
    cancelled: bool = False
    web: str = ""
    end: datetime | None = None
    location: str = ""
    """The room and address as one line, when the server embeds the Location object."""
    date_only: bool = False
    """The server gave only a date (``start`` is that day's local midnight): no time known."""


@dataclass(frozen=True, slots=True)
class Consultation:
    """A step of a paper's path through the committees."""

    meeting_url: str
    meeting: str
    start: datetime | None
    organizations: tuple[str, ...]
    role: str
    authoritative: bool | None
    result: str


@dataclass(frozen=True, slots=True)
class Paper:
    """A mirrored paper (Vorlage, Antrag) with its consultations and links."""

    url: str
    reference: str
    name: str
    date: date | None
    paper_type: str
    consultations: tuple[Consultation, ...]
    measures: tuple[str, ...]
    motions: tuple[int, ...]
    deleted: bool
    web: str = ""
    originators: tuple[str, ...] = ()
    """Who brought the paper in (organizations and people); filled by ``paper_detail``."""
    resolutions: tuple[str, ...] = ()
    """Resolution texts of its agenda items; filled by ``paper_detail``."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested link between a measure and a new paper (accept with ``ris link``)."""

    measure_id: str
    measure_title: str
    paper_url: str
    reference: str
    name: str
    score: float


@dataclass(frozen=True, slots=True)
class StatusProposal:
    """A linked paper's authoritative result and the status it proposes for the measure."""

    measure_id: str
    measure_title: str
    status: str
    proposed: str
    proposed_label: str
    paper_url: str
    reference: str
    decided: str
    """German line: "Beschlossen am 10.12.2026 im Rat der Stadt: unverändert beschlossen"."""
    paper_name: str = ""


@dataclass(frozen=True, slots=True)
class LinkedPaper:
    """A RIS paper linked to a measure or motion, with its authoritative decision if any."""

    url: str
    reference: str
    name: str
    deleted: bool
    decided: str
    """"Beschlossen am … im …: …" once an authoritative result is known, else empty."""
