"""Saved views: a named set of filters, order and columns, per user, in the database.

A view is stored in ``meta`` under ``view:<user>:<name>`` (one JSON object: ``mode`` board or
table, ``filter`` with the board's filter fields, the board's ``density``, and for the table
``sort``, ``reverse``, ``columns``), written and removed through the recorded write path,
so a view is in the history like every change. The first nine views by name are on F1…F9.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import MetaEntry
from herne_tui.db.store import Database
from herne_tui.errors import InvalidInput
from herne_tui.services.edits import delete_meta, set_meta

PREFIX = "view:"
MAX_NAME = 60
FILTER_FIELDS = ("text", "topic", "lead", "responsible", "overdue_only")
MODES = ("board", "table")


def key_of(user: str, name: str) -> str:
    """The meta key of one user's view."""
    return f"{PREFIX}{user}:{name}"


def check_name(name: str) -> str:
    """A view's name, trimmed; InvalidInput for a blank, over-long or control-laden one."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("Name der Ansicht fehlt")
    if len(clean) > MAX_NAME:
        raise InvalidInput(f"Name der Ansicht: höchstens {MAX_NAME} Zeichen ({len(clean)})")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in clean):
        raise InvalidInput("Name der Ansicht: keine Steuerzeichen")
    return clean


def clean_view(view: dict[str, Any]) -> dict[str, Any]:
    """Only the known parts of a view, with their types (a stored view is data, not code)."""
    mode = view.get("mode") if view.get("mode") in MODES else "board"
    given = view.get("filter")
    raw: dict[str, Any] = given if isinstance(given, dict) else {}
    filt: dict[str, Any] = {f: str(raw.get(f, "") or "") for f in FILTER_FIELDS[:-1]}
    filt["overdue_only"] = bool(raw.get("overdue_only", False))
    out: dict[str, Any] = {"mode": mode, "filter": filt}
    if view.get("density") in ("compact", "normal"):
        out["density"] = view["density"]
    if mode == "table":
        out["sort"] = str(view.get("sort") or "id")
        out["reverse"] = bool(view.get("reverse", False))
        columns = view.get("columns")
        out["columns"] = [str(c) for c in columns] if isinstance(columns, list) else []
    return out


def save_view(db: Database, *, user: str, name: str, view: dict[str, Any]) -> str:
    """Store (or replace) ``user``'s view ``name``; returns the name as stored."""
    clean = check_name(name)
    set_meta(db, key=key_of(user, clean), value=clean_view(view), user=user)
    return clean


def list_views(db: Database, user: str) -> list[tuple[str, dict[str, Any]]]:
    """``user``'s views, sorted by name (F1 is the first)."""
    prefix = f"{PREFIX}{user}:"

    def run(session: Session) -> list[tuple[str, dict[str, Any]]]:
        rows = session.scalars(select(MetaEntry).where(MetaEntry.key.startswith(prefix)))
        out = []
        for row in rows:
            try:
                value = json.loads(row.value)
            except ValueError:
                continue
            if isinstance(value, dict):
                out.append((row.key[len(prefix) :], clean_view(value)))
        return sorted(out, key=lambda item: item[0].casefold())

    return db.read(run)


def delete_view(db: Database, *, user: str, name: str) -> None:
    """Remove ``user``'s view ``name`` (recorded); NotFound if there is none."""
    delete_meta(db, key=key_of(user, name), user=user, missing=f"Ansicht „{name}“ gibt es nicht")
