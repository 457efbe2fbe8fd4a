"""Who may change what (issue 14): users, their partner and role, checked on every write.

A database without users behaves as before users existed: everyone may do everything. Once
one user exists, ``authorize`` refuses a change the writer's role does not allow; the one
write path (``services.edits``) and every service that adds rows call it, so the app, the
CLI and the tests obey the same rules. On SQLite this is a convention herne-tui keeps (whoever
can read the file can read and change everything); on PostgreSQL, after ``users pg-setup``,
the server enforces it as well (``db.pgrights``: a role per user, row-level security on the
internal notes, grants per role), whatever a client claims as its ``--user``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import UserRow
from herne_tui.domain import objects as d
from herne_tui.errors import NotAllowed

COORDINATION = frozenset({"dissent", "committee", "post", "seat", "user", "meta", "privacy"})
"""Kinds of rows only a coordinator changes: the Koordinierungsgruppe's decisions, the
personnel panels, users, coalition-wide facts such as the review mark."""

EDITING = frozenset({"measure", "note", "paper", "position", "dissent-raise", "proposal"})
"""Kinds of rows a user with the role ``bearbeiten`` changes (positions: own party only)."""


def users_exist(session: Session) -> bool:
    """True once the database has a user list (then roles apply)."""
    return session.scalars(select(UserRow.name).limit(1)).first() is not None


def access_in(session: Session, user: str) -> d.Access:
    """What ``user`` may do, read in the caller's session."""
    if not users_exist(session):
        return d.Access.of(user, users_exist=False, row=None)
    row = session.get(UserRow, user)
    return d.Access.of(user, users_exist=True, row=(row.partner, row.role) if row else None)


def authorize(session: Session, user: str, kind: str, party: str = "", key: str = "") -> d.Access:
    """Raise NotAllowed unless ``user`` may change a row of ``kind`` (``party``: the party a
    position belongs to; ``key``: e.g. the meta key). Returns the user's access."""
    access = access_in(session, user)
    if not access.managed:
        return access
    if not access.can_edit:
        raise NotAllowed(access.why_read_only() + "; nichts gespeichert")
    if kind == "meta" and key == f"review_mark:{user}":  # one's own review mark (issue 16)
        return access
    if kind in COORDINATION and not access.coordinates:
        raise NotAllowed(
            f"„{user}“ hat die Rolle bearbeiten: {_what(kind)} ändert nur die Rolle "
            "koordination; nichts gespeichert"
        )
    if kind == "position" and party and party != access.partner and not access.coordinates:
        raise NotAllowed(
            f"„{user}“ ({access.partner or 'ohne Partei'}) darf nur die Position der eigenen "
            f"Partei eintragen, nicht die von {party}; nichts gespeichert"
        )
    return access


def _what(kind: str) -> str:
    return {
        "dissent": "die Entscheidung der Koordinierungsgruppe",
        "committee": "Ausschüsse",
        "post": "Posten",
        "seat": "Sitze der Beteiligungen",
        "user": "die Nutzerliste",
        "meta": "den gemeinsamen Durchsichtsstand",
        "privacy": "das Entfernen von Namen (forget)",
    }.get(kind, kind)


def to_user(row: UserRow) -> d.User:
    """A user row as a domain object."""
    return d.User(row.name, row.partner, row.role, row.version)


def list_users(session: Session) -> tuple[d.User, ...]:
    """Every user, by name."""
    return tuple(to_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name)))
