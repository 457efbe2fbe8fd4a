"""Rights on PostgreSQL (issue 14, item 5): the server, not herne-tui, enforces the roles.

Each herne-tui user is one PostgreSQL role, named by ``role_name`` (``herne_`` + the name's
ASCII letters and digits in lower case + ``_`` + 8 hex digits of the name's MD5; e.g. „Anna
Müller“ → ``herne_anna_m_ller_ba117730``). The same function exists on the server
(``herne_role_name``), so the policy finds the user behind ``current_user`` without a second
list. A person logs in with their own role (the URL's user), never with a shared one: then
even ``psql`` on that login sees what herne-tui would show that person.

``setup`` switches it on for one database (idempotent; run by the tables' owner, who needs
CREATEROLE): the helper functions, row-level security on ``note`` with one policy (shared
notes for everyone, internal notes only for the party the role's user belongs to), a role
per user (NOLOGIN; the administrator gives a password) and the grants per role: ``lesen``
reads, ``bearbeiten`` also writes (not the user list, committees, posts, seats),
``koordination`` writes everything but the user list. The user list itself (and so every
user's party) only the owner changes; ``services.users`` calls ``sync_user`` in the same
transaction as the change, once ``setup`` ran. The owner is not subject to the policy (no
FORCE): migrations, backups (``pg_dump``) and ``forget`` need every row.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from herne_tui.db.models import Base
from herne_tui.domain.text import for_terminal
from herne_tui.errors import NotAllowed

PREFIX = "herne_"
SLUG_MAX = 40
_ASCII = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
POLICY = "herne_party_notes"

NOT_FOR_EDITORS = ("app_user", "committee", "post", "seat")
"""Tables a ``bearbeiten`` role may read but not change (``koordination``: only app_user)."""


def role_name(user: str) -> str:
    """The PostgreSQL role of the herne-tui user ``user`` (the same as SQL's
    ``herne_role_name``): at most 55 characters of ``[a-z0-9_]``."""
    slug = re.sub(f"[^{_ASCII}]+", "_", user).lower().strip("_")[:SLUG_MAX].rstrip("_")
    digest = hashlib.md5(user.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{PREFIX}{slug + '_' if slug else ''}{digest}"


def _functions(schema: str) -> list[str]:
    """The SQL of the helper functions (invoker's rights; every name schema-qualified)."""
    return [
        f"""CREATE OR REPLACE FUNCTION {schema}.herne_role_name(who text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT '{PREFIX}' || CASE WHEN s = '' THEN '' ELSE s || '_' END
         || left(md5(convert_to(who, 'UTF8')), 8)
  FROM (SELECT rtrim(left(btrim(lower(regexp_replace(who, '[^{_ASCII}]+', '_', 'g')),
                                '_'), {SLUG_MAX}), '_') AS s) AS slug
$$""",
        f"""CREATE OR REPLACE FUNCTION {schema}.herne_party() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT u.partner FROM {schema}.app_user AS u
  WHERE {schema}.herne_role_name(u.name) = current_user AND u.partner <> ''
  LIMIT 1
$$""",
    ]


def _policy(schema: str) -> list[str]:
    """Row-level security on ``note``: shared notes (``intern = ''``) for every role that may
    read the table, internal notes only for the roles of that party's users."""
    check = f"(intern = '' OR intern = (SELECT {schema}.herne_party()))"
    return [
        f"ALTER TABLE {schema}.note ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY} ON {schema}.note",
        f"CREATE POLICY {POLICY} ON {schema}.note USING {check} WITH CHECK {check}",
    ]


@dataclass(frozen=True)
class Status:
    """What the server says about rights in this database."""

    enabled: bool
    """``setup`` ran: row-level security is on for ``note``."""
    manager: bool
    """The connected role may manage roles and grants here (owns ``note``, CREATEROLE)."""
    role: str
    """The connected role (``current_user``)."""
    owner: bool = False
    """The connected role owns ``note`` (or is a superuser): the policy does not apply."""


def status(conn: Connection | Session) -> Status:
    """Whether rights are switched on, and whether the connected role may manage them."""
    row = conn.execute(
        text(
            "SELECT c.relrowsecurity, "
            "       (r.rolsuper OR (r.rolcreaterole AND pg_has_role(c.relowner, 'USAGE'))), "
            "       current_user, (r.rolsuper OR pg_has_role(c.relowner, 'USAGE')) "
            "FROM pg_class AS c, pg_roles AS r "
            "WHERE c.oid = to_regclass(quote_ident(current_schema()) || '.note') "
            "AND r.rolname = current_user"
        )
    ).one_or_none()
    if row is None:
        return Status(False, False, "")
    return Status(bool(row[0]), bool(row[1]), str(row[2]), bool(row[3]))


def _with_literal(conn: Connection, template: str, value: str) -> None:
    """Run ``template`` with ``{}`` replaced by ``value`` as a string literal quoted by the
    driver (user text: no bind-parameter or percent parsing on the way)."""
    from psycopg import sql

    raw = conn.connection.driver_connection
    raw.execute(sql.SQL(template).format(sql.Literal(value)))  # type: ignore[union-attr]


def _tables(conn: Connection, schema: str) -> list[str]:
    names = [t.name for t in Base.metadata.sorted_tables]
    found = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
    ).scalars()
    have = set(found)
    return [f"{schema}.{n}" for n in names if n in have]


def _schema(conn: Connection) -> str:
    return str(conn.execute(text("SELECT quote_ident(current_schema())")).scalar())


def _grant(conn: Connection, schema: str, role: str, level: str) -> None:
    """The role's grants for herne-tui role ``level`` (``lesen``, ``bearbeiten``, ...)."""
    tables = _tables(conn, schema)
    all_tables = ", ".join(tables)
    for statement in (
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"REVOKE ALL ON {all_tables} FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"GRANT SELECT ON {all_tables} TO {role}",
    ):
        conn.execute(text(statement))
    if level not in ("bearbeiten", "koordination"):
        return
    closed = {f"{schema}.{n}" for n in NOT_FOR_EDITORS if level == "bearbeiten"}
    closed.add(f"{schema}.app_user")
    open_ = ", ".join(t for t in tables if t not in closed)
    conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {open_} TO {role}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"))


def _ensure_role(conn: Connection, role: str, user: str) -> bool:
    """Create the role (NOLOGIN) unless it exists; True when it was created."""
    if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
        return False
    conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
    shown = for_terminal(user, one_line=True)
    _with_literal(conn, f"COMMENT ON ROLE {role} IS {{}}", f"herne-tui: Nutzer {shown}")
    return True


def _revoke_and_drop(conn: Connection, schema: str, role: str) -> bool:
    """Take the role's rights in this database away and drop it; False when it is kept
    because it still has rights elsewhere (the same name in another database)."""
    if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
        return True
    tables = ", ".join(_tables(conn, schema))
    conn.execute(text(f"REVOKE ALL ON {tables} FROM {role}"))
    conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}"))
    conn.execute(text(f"REVOKE ALL ON SCHEMA {schema} FROM {role}"))
    nested = conn.begin_nested()
    try:
        conn.execute(text(f"DROP ROLE {role}"))
    except Exception as exc:
        if getattr(getattr(exc, "orig", None), "sqlstate", None) != "2BP01":
            raise
        nested.rollback()
        return False
    nested.commit()
    return True


def _refuse(found: Status) -> None:
    raise NotAllowed(
        f"PostgreSQL-Rechte sind eingeschaltet: Nutzer ändert nur der Eigentümer der "
        f"Datenbank mit CREATEROLE (angemeldet als {found.role}); nichts gespeichert"
    )


def sync_user(session: Session, name: str, level: str | None) -> str | None:
    """Create, re-grant or (``level`` None) drop the role of user ``name`` in the caller's
    transaction, when rights are switched on; returns the role's name (None: not switched
    on, or not PostgreSQL). NotAllowed when the connected role may not manage roles."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return None
    found = status(conn)
    if not found.enabled:
        return None
    if not found.manager:
        _refuse(found)
    schema, role = _schema(conn), role_name(name)
    if level is None:
        _revoke_and_drop(conn, schema, role)
    else:
        _ensure_role(conn, role, name)
        _grant(conn, schema, role, level)
    return role


def check_manager(session: Session) -> None:
    """NotAllowed when rights are on and the connected role may not change the user list
    (called before a change, so a coordinator's own login gets the reason, not a refusal)."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    found = status(conn)
    if found.enabled and not found.manager:
        _refuse(found)


def user_of_login(session: Session) -> str | None:
    """The herne-tui user whose role is ``current_user`` (None: rights off, or no such user)."""
    if not status(session).enabled:
        return None
    rows = session.execute(text("SELECT name FROM app_user")).scalars()
    current = session.execute(text("SELECT current_user")).scalar()
    return next((str(n) for n in rows if role_name(str(n)) == current), None)


def check_owner(session: Session, what: str) -> None:
    """NotAllowed when rights are on and the connected role is subject to the policy: ``what``
    (e.g. ``forget``) must reach every party's internal notes, so only the owner runs it."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    found = status(conn)
    if found.enabled and not found.owner:
        raise NotAllowed(
            f"{what} braucht auf PostgreSQL mit Rechten die Anmeldung des Eigentümers der "
            f"Datenbank (angemeldet als {found.role}, sieht nicht alle internen Notizen); "
            "nichts gespeichert"
        )


def setup(session: Session, users: list[tuple[str, str]]) -> list[tuple[str, str, bool]]:
    """Switch rights on (or bring them up to date): functions, policy, one role per user of
    ``users`` (name, role) with its grants. Returns (user, role name, created) per user."""
    conn = session.connection()
    found = status(conn)
    if not found.manager:
        raise NotAllowed(
            f"PostgreSQL-Rechte einrichten darf nur der Eigentümer der Tabellen mit CREATEROLE "
            f"(angemeldet als {found.role}; z. B. ALTER ROLE {found.role} CREATEROLE)"
        )
    schema = _schema(conn)
    for statement in [*_functions(schema), *_policy(schema)]:
        conn.execute(text(statement))
    done = []
    for name, level in users:
        role = role_name(name)
        created = _ensure_role(conn, role, name)
        _grant(conn, schema, role, level)
        done.append((name, role, created))
    return done


def regrant_all(conn: Connection, users: list[tuple[str, str]]) -> None:
    """After a migration (new tables or columns): the grants again, when rights are on and
    the connected role manages them."""
    if conn.dialect.name != "postgresql" or not users:
        return
    found = status(conn)
    if not (found.enabled and found.manager):
        return
    schema = _schema(conn)
    for name, level in users:
        role = role_name(name)
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            _grant(conn, schema, role, level)


def set_login(session: Session, name: str, password: str | None) -> str:
    """Let user ``name``'s role log in with ``password`` (sent encrypted; None: NOLOGIN)."""
    conn = session.connection()
    found = status(conn)
    if not found.enabled:
        raise NotAllowed(
            "PostgreSQL-Rechte sind hier nicht eingeschaltet: erst herne-tui users pg-setup"
        )
    if not found.manager:
        _refuse(found)
    role = role_name(name)
    if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
        raise NotAllowed(f"die Rolle {role} gibt es nicht: herne-tui users pg-setup ausführen")
    if password is None:
        conn.execute(text(f"ALTER ROLE {role} NOLOGIN"))
        return role
    raw = conn.connection.driver_connection
    secret = raw.pgconn.encrypt_password(  # type: ignore[union-attr]
        password.encode("utf-8"), role.encode(), b"scram-sha-256"
    )
    _with_literal(conn, f"ALTER ROLE {role} LOGIN PASSWORD {{}}", secret.decode("ascii"))
    return role
