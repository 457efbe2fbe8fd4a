"""The user list (issue 14): add, change, remove users; each change recorded in the history.

Only a coordinator changes the list once it exists (``services.access`` checks it in
``edits.record``). The first user must be a coordinator, and the last coordinator can be
neither removed nor demoted, so the list can always be managed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db import pgrights
from herne_tui.db.models import UserRow
from herne_tui.db.store import Database
from herne_tui.domain import objects as d
from herne_tui.errors import InvalidInput, NotFound
from herne_tui.services import access
from herne_tui.services.edits import new_txn, record
from herne_tui.services.queries import partners_of, read_meta

NAME_MAX = 80


def _clean(session: Session, name: str, partner: str | None, role: str | None) -> tuple:
    clean = " ".join((name or "").split())
    if not clean or len(clean) > NAME_MAX:
        raise InvalidInput(f"Nutzername: 1 bis {NAME_MAX} Zeichen angeben")
    if role is not None and role not in d.ROLES:
        raise InvalidInput(f"Rolle „{role}“ gibt es nicht (erlaubt: {', '.join(d.ROLES)})")
    partners = partners_of(read_meta(session))
    if partner is not None and partner not in partners:
        raise InvalidInput(
            f"Partei „{partner}“ ist keine Partei der Vereinbarung ({', '.join(partners)})"
        )
    return clean, partner, role


def _coordinators(session: Session) -> set[str]:
    rows = session.scalars(select(UserRow.name).where(UserRow.role == "koordination"))
    return set(rows.all())


def add_user(db: Database, *, name: str, partner: str, role: str, user: str) -> d.User:
    """Add a user; the first one must have the role ``koordination``."""

    def run(session: Session) -> d.User:
        pgrights.check_manager(session)
        clean, party, kind = _clean(session, name, partner, role)
        if not access.users_exist(session) and kind != "koordination":
            raise InvalidInput(
                "Der erste Nutzer braucht die Rolle koordination (sonst könnte niemand die "
                "Nutzerliste pflegen)"
            )
        if session.get(UserRow, clean) is not None:
            raise InvalidInput(f"Nutzer „{clean}“ gibt es schon (ändern: herne-tui users set)")
        at = db.now()
        values = {"partner": party, "role": kind}
        record(
            session, at=at, user=user, action="user", entity="user", entity_id=clean,
            field="*", new=values, txn=new_txn(),
        )  # fmt: skip
        row = UserRow(name=clean, partner=party, role=kind, created_at=at)
        session.add(row)
        session.flush()
        pgrights.sync_user(session, clean, kind)  # PostgreSQL with rights: the user's role
        return access.to_user(row)

    return db.write(run)


def set_user(
    db: Database, *, name: str, user: str, partner: str | None = None, role: str | None = None
) -> d.User:
    """Change a user's partner and/or role."""

    def run(session: Session) -> d.User:
        pgrights.check_manager(session)
        clean, party, kind = _clean(session, name, partner, role)
        row = session.get(UserRow, clean)
        if row is None:
            raise NotFound(f"Nutzer „{clean}“ gibt es nicht (herne-tui users list)")
        if kind and kind != "koordination" and _coordinators(session) == {clean}:
            raise InvalidInput(f"„{clean}“ ist die letzte Person mit der Rolle koordination")
        txn, at = new_txn(), db.now()
        for field, value in (("partner", party), ("role", kind)):
            if value is None or getattr(row, field) == value:
                continue
            record(
                session, at=at, user=user, action="user", entity="user", entity_id=clean,
                field=field, old=getattr(row, field), new=value, txn=txn,
            )  # fmt: skip
            setattr(row, field, value)
            row.version += 1
        session.add(row)
        session.flush()
        pgrights.sync_user(session, clean, row.role)
        return access.to_user(row)

    return db.write(run)


def remove_user(db: Database, *, name: str, user: str) -> None:
    """Remove a user (their history stays); never the last coordinator."""

    def run(session: Session) -> None:
        pgrights.check_manager(session)
        clean = " ".join((name or "").split())
        row = session.get(UserRow, clean)
        if row is None:
            raise NotFound(f"Nutzer „{clean}“ gibt es nicht (herne-tui users list)")
        if _coordinators(session) == {clean} and access.users_exist(session):
            others = session.scalars(select(UserRow.name).where(UserRow.name != clean)).first()
            if others is not None:
                raise InvalidInput(
                    f"„{clean}“ ist die letzte Person mit der Rolle koordination; erst eine "
                    "andere Person zur Koordination machen"
                )
        record(
            session, at=db.now(), user=user, action="user", entity="user", entity_id=clean,
            field="*", old={"partner": row.partner, "role": row.role}, new=None, txn=new_txn(),
        )  # fmt: skip
        session.delete(row)
        session.flush()
        pgrights.sync_user(session, clean, None)

    db.write(run)


def setup_rights(db: Database, *, user: str) -> list[tuple[str, str, bool]]:
    """Switch on (or refresh) the server's rights on PostgreSQL: row-level security on the
    notes, a role per user with its grants (``db.pgrights``). Returns (user, role, created)."""
    if not db.is_postgres:
        raise InvalidInput(
            "PostgreSQL-Rechte gibt es nur auf PostgreSQL; auf SQLite sind die Rollen eine "
            "Absprache, die herne-tui einhält (wer die Datei lesen kann, liest alles)"
        )

    def run(session: Session) -> list[tuple[str, str, bool]]:
        access.authorize(session, user, "user")
        rows = session.scalars(select(UserRow).order_by(UserRow.name)).all()
        return pgrights.setup(session, [(r.name, r.role) for r in rows])

    return db.write(run)


def set_login(db: Database, *, name: str, password: str | None, user: str) -> str:
    """Give user ``name``'s PostgreSQL role a password and LOGIN (None: NOLOGIN again)."""
    if not db.is_postgres:
        raise InvalidInput("Anmeldungen pro Nutzer gibt es nur auf PostgreSQL")

    def run(session: Session) -> str:
        access.authorize(session, user, "user")
        clean = " ".join((name or "").split())
        if session.get(UserRow, clean) is None:
            raise NotFound(f"Nutzer „{clean}“ gibt es nicht (herne-tui users list)")
        return pgrights.set_login(session, clean, password)

    return db.write(run)


def rights_on(db: Database) -> bool:
    """True when the PostgreSQL server enforces the roles here (``users pg-setup`` ran)."""
    if not db.is_postgres:
        return False
    return db.read(lambda s: pgrights.status(s).enabled)


def login_user(db: Database) -> str | None:
    """The user whose PostgreSQL role this connection logged in as (rights on), else None."""
    if not db.is_postgres:
        return None
    return db.read(pgrights.user_of_login)


def list_users(db: Database) -> tuple[d.User, ...]:
    """Every user, by name."""
    return db.read(access.list_users)


def access_of(db: Database, user: str) -> d.Access:
    """What ``user`` may do in this database."""
    return db.read(lambda s: access.access_in(s, user))
