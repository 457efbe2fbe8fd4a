"""The history journal: every change a user makes is recorded here, in the caller's
transaction, after the writer's role was checked (issue 14). ``services.edits`` re-exports
these; modules below ``edits`` (``proposals``) use them directly."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from herne_tui.db.models import HistoryRow
from herne_tui.services import access
from herne_tui.services.queries import utc


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
    """Append one history entry in the caller's transaction.

    Every change a user makes is recorded here, so this is where the user's role is checked
    (issue 14): a refusal raises ``NotAllowed`` and the caller's transaction is rolled back.
    """
    if action not in ("seed", "forget"):  # forget checks the user before replacing the name
        access.authorize(
            session,
            user,
            _kind(action, entity),
            party=entity_id.partition(":")[2] if entity == "position" else "",
            key=entity_id,
        )
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


def _kind(action: str, entity: str) -> str:
    """The kind of change ``services.access`` checks, from a history entry's action/entity."""
    if action == "note":
        return "note"
    if entity == "dissent" and action == "dissent":
        return "dissent-raise"
    return entity
