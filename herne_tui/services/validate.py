"""Validators of the values a user types: each returns the clean value or raises InvalidInput
naming the field. A field validator takes ``(value, label)``; the few that need the database
take the session too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import MeasureRow, StatusRow
from herne_tui.domain import objects as d
from herne_tui.domain.limits import LINE_MAX, TEXT_MAX, too_long
from herne_tui.errors import InvalidInput

Validator = Callable[[Any, str], Any]
"""A field validator: ``(value, label) -> clean value``."""


def text(value: Any, field: str, limit: int = LINE_MAX) -> str:
    """One line collapsed to single spaces; text with line breaks only stripped; at most
    ``limit`` characters (a name, a title: ``LINE_MAX``)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: Text erwartet")
    clean = " ".join(value.split()) if "\n" not in value else value.strip()
    why = too_long(clean, limit)
    if why:
        raise InvalidInput(f"{field}: {why}")
    return clean


def long_text(value: Any, field: str) -> str:
    """A paragraph (a paper's body, a reason, a decision): at most ``TEXT_MAX`` characters."""
    return text(value, field, TEXT_MAX)


def day(value: Any, field: str) -> date | None:
    """A date (``date``, ``datetime`` or typed text); empty means none."""
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


def choice(options: tuple[str, ...], allow_empty: bool = True) -> Validator:
    """A validator accepting one of ``options`` (and the empty text if ``allow_empty``)."""

    def check(value: Any, field: str) -> str:
        value = text(value, field)
        if value == "" and allow_empty:
            return ""
        if value not in options:
            raise InvalidInput(
                f"{field}: „{value}“ ist nicht erlaubt (erlaubt: {', '.join(options)})"
            )
        return value

    return check


def boolean(value: Any, field: str) -> bool:
    """Yes or no, also as German or English text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("ja", "yes", "true", "1", "j"):
        return True
    if isinstance(value, str) and value.lower() in ("nein", "no", "false", "0", "n", ""):
        return False
    raise InvalidInput(f"{field}: ja oder nein erwartet")


def people(value: Any, field: str) -> dict[str, str]:
    """A mapping party → name; parties without a name are dropped."""
    if not isinstance(value, dict):
        raise InvalidInput(f"{field}: Zuordnung Partei → Name erwartet")
    return {str(k): text(v, field) for k, v in value.items() if text(v, field)}


def position(value: Any, field: str = "Position") -> str:
    """A partner's position on a paper (zustimmen, ablehnen, enthalten, offen)."""
    if value not in d.POSITIONS:
        raise InvalidInput(f"Position „{value}“ gibt es nicht ({', '.join(d.POSITIONS)})")
    return str(value)


def known_status(session: Session, key: str) -> str:
    """A status key that exists in the status table."""
    if session.get(StatusRow, key) is None:
        known = ", ".join(
            s.key for s in session.scalars(select(StatusRow).order_by(StatusRow.order))
        )
        raise InvalidInput(f"Status „{key}“ gibt es nicht (bekannt: {known})")
    return key


# -- papers -----------------------------------------------------------------------------------
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
"""The fields of a paper a user may set."""

_PAPER_DATES = {
    "meeting_date": "Sitzung",
    "filing_deadline": "Einreichfrist",
    "proposal_sent": "Vorschlag an Partner",
}


def measure_ids(session: Session, value: Any) -> list[str]:
    """Measure ids (a list, or text separated by commas or spaces), each of which must exist."""
    ids = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    ids = [i.strip().upper() for i in ids if i.strip()]
    for mid in ids:
        if session.get(MeasureRow, mid) is None:
            raise InvalidInput(f"Maßnahme „{mid}“ gibt es nicht")
    return ids


def _paper_field(session: Session, field: str, value: Any) -> Any:
    if field not in PAPER_FIELDS:
        raise InvalidInput(f"Papier: Feld „{field}“ ist nicht änderbar")
    if field in _PAPER_DATES:
        return day(value, _PAPER_DATES[field])
    if field in ("legally_required", "harmful_to_defer"):
        return bool(value)
    if field == "measure_ids":
        return measure_ids(session, value)
    return long_text(value, field) if field == "body" else text(value, field)


def paper_changes(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """A paper's field values, checked one by one and then together (kind, title, body)."""
    clean = {field: _paper_field(session, field, value) for field, value in values.items()}
    if "kind" in clean and clean["kind"] not in d.PAPER_KINDS:
        raise InvalidInput(
            f"Art „{clean['kind']}“ gibt es nicht (erlaubt: {', '.join(d.PAPER_KINDS)})"
        )
    if "title" in clean and not clean["title"]:
        raise InvalidInput("Titel fehlt")
    if "body" in clean and not clean["body"]:
        raise InvalidInput("Gremium fehlt (Rat, ein Ausschuss oder eine Bezirksvertretung)")
    return clean
