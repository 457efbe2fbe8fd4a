"""Reading OParl objects as real servers send them: the type, missing values, lists that are
objects, dates that are date-times, and the mirror's columns of each kind of object.

Every lenient reading notes the problem once (``client.Problems``) and keeps what it can: the
text in ``raw``, the URL of a reference, or an empty column.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from herne_tui.ris.client import Problems

KINDS = (
    "organization",
    "person",
    "membership",
    "meeting",
    "agendaItem",
    "paper",
    "consultation",
    "file",
)
"""The kinds of object the mirror holds, named as OParl's Body names their lists."""

TYPE_KIND = {k[0].upper() + k[1:]: k for k in KINDS}
"""OParl type name (``AgendaItem``) → kind (``agendaItem``)."""

MISSING = {"", "n/a", "na", "n. a.", "-", "--", "null", "none", "keine angabe"}
"""Texts servers send for "no value" (compared lower-case, stripped)."""

LOCAL = ZoneInfo("Europe/Berlin")
"""OParl is German: a date-time without offset is read as German local time."""

_VERSION = re.compile(r"schema\.oparl\.org/(1\.\d)/")


def type_name(obj: Any) -> str:
    """``Paper`` for ``https://schema.oparl.org/1.1/Paper``; empty when there is none."""
    value = obj.get("type") if isinstance(obj, dict) else None
    return value.rstrip("/").rsplit("/", 1)[-1] if isinstance(value, str) else ""


def version_of(obj: Any) -> str:
    """The OParl version (``1.0``, ``1.1``) an object's type URL names; ``1.0`` if unknown."""
    value = obj.get("type") if isinstance(obj, dict) else None
    found = _VERSION.search(value) if isinstance(value, str) else None
    return found.group(1) if found else "1.0"


def clean(obj: dict, problems: Problems) -> dict:
    """The object without the placeholder texts servers send for missing values."""
    url = str(obj.get("id", ""))
    out = {}
    for key, value in obj.items():
        if isinstance(value, str) and value.strip().lower() in MISSING:
            problems.note("missing", url, f"{type_name(obj) or 'Objekt'}.{key}")
            continue
        out[key] = value
    return out


def as_list(value: Any, url: str, where: str, problems: Problems) -> list:
    """A value the specification says is an array: one object or URL becomes a list of one."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    problems.note("not-list", url, where)
    return [value]


def text(value: Any) -> str:
    """A text field (numbers as text, anything else empty)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def urls(value: Any, url: str, where: str, problems: Problems) -> list[str]:
    """A list of references (URLs); embedded objects stand for their id."""
    out = []
    for item in as_list(value, url, where, problems):
        ref = item.get("id") if isinstance(item, dict) else item
        if isinstance(ref, str) and ref:
            out.append(ref)
    return out


def ref(value: Any) -> str:
    """One reference: a URL, or an embedded object's id; a list's first element."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def boolean(value: Any) -> bool | None:
    """A boolean field; ``"true"``/``"false"`` texts too."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def integer(value: Any) -> int | None:
    """An integer field; digits as text too."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def date_time(value: Any, url: str, where: str, problems: Problems) -> datetime | None:
    """A ``date-time`` (aware UTC); a bare date is its local midnight, no offset local time."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip().replace("Z", "+00:00")
    try:
        if len(raw) == 10:
            problems.note("date", url, where)
            parsed = datetime.combine(date.fromisoformat(raw), datetime.min.time())
        else:
            parsed = datetime.fromisoformat(raw)
    except ValueError:
        problems.note("date", url, where)
        return None
    if parsed.tzinfo is None:
        if len(raw) != 10:
            problems.note("date", url, where)
        parsed = parsed.replace(tzinfo=LOCAL)
    return parsed.astimezone(UTC)


def day(value: Any, url: str, where: str, problems: Problems) -> date | None:
    """A ``date``; a date-time where a date belongs gives its date."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    problems.note("date", url, where)
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def mime(value: Any, url: str, problems: Problems) -> str:
    """A mimeType as given; one without a ``/`` (e.g. ``docx``) is noted."""
    shown = text(value)
    if shown and "/" not in shown:
        problems.note("mime", url, "File.mimeType")
    return shown


# -- the mirror's columns of each kind --------------------------------------------------------
def columns(kind: str, obj: dict, problems: Problems) -> dict[str, Any]:
    """The mirror row's columns (``url`` and ``raw`` included) of a cleaned object."""
    url = obj["id"]
    out = COLUMNS[kind](obj, url, problems)
    out["url"] = url
    out["raw"] = obj
    return out


def _organization(o: dict, url: str, p: Problems) -> dict:
    return {
        "name": text(o.get("name")),
        "short_name": text(o.get("shortName")),
        "organization_type": text(o.get("organizationType")),
        "classification": text(o.get("classification")),
    }


def _person(o: dict, url: str, p: Problems) -> dict:
    name = text(o.get("name")) or " ".join(
        x for x in (text(o.get("givenName")), text(o.get("familyName"))) if x
    )
    return {"name": name}


def _membership(o: dict, url: str, p: Problems) -> dict:
    return {
        "person_url": ref(o.get("person")),
        "organization_url": ref(o.get("organization")),
        "role": text(o.get("role")),
    }


def _meeting(o: dict, url: str, p: Problems) -> dict:
    return {
        "name": text(o.get("name")),
        "start": date_time(o.get("start"), url, "Meeting.start", p),
        "end": date_time(o.get("end"), url, "Meeting.end", p),
        "cancelled": bool(boolean(o.get("cancelled"))),
        "meeting_state": text(o.get("meetingState")),
        "organization_urls": urls(o.get("organization"), url, "Meeting.organization", p),
        "web": text(o.get("web")),
    }


def _agenda_item(o: dict, url: str, p: Problems) -> dict:
    return {
        "meeting_url": ref(o.get("meeting")),
        "number": text(o.get("number")),
        "order": integer(o.get("order")),
        "name": text(o.get("name")),
        "public": boolean(o.get("public")),
        "consultation_url": ref(o.get("consultation")),
        "result": text(o.get("result")),
        "resolution_text": text(o.get("resolutionText")),
        "web": text(o.get("web")),
    }


def _paper(o: dict, url: str, p: Problems) -> dict:
    return {
        "reference": text(o.get("reference")),
        "name": text(o.get("name")),
        "paper_date": day(o.get("date"), url, "Paper.date", p),
        "paper_type": text(o.get("paperType")),
        "web": text(o.get("web")),
        "deleted": False,
    }


def _consultation(o: dict, url: str, p: Problems) -> dict:
    return {
        "paper_url": ref(o.get("paper")),
        "meeting_url": ref(o.get("meeting")),
        "agenda_item_url": ref(o.get("agendaItem")),
        "organization_urls": urls(o.get("organization"), url, "Consultation.organization", p),
        "role": text(o.get("role")),
        "authoritative": boolean(o.get("authoritative")),
    }


def _file(o: dict, url: str, p: Problems) -> dict:
    day(o.get("date"), url, "File.date", p)  # only checked: the raw JSON keeps it
    return {
        "parent_url": text(o.get("_parent")),
        "name": text(o.get("name")),
        "file_name": text(o.get("fileName")),
        "mime_type": mime(o.get("mimeType"), url, p),
        "access_url": text(o.get("accessUrl")),
    }


COLUMNS = {
    "organization": _organization,
    "person": _person,
    "membership": _membership,
    "meeting": _meeting,
    "agendaItem": _agenda_item,
    "paper": _paper,
    "consultation": _consultation,
    "file": _file,
}
