"""Rights on PostgreSQL (issue 14, item 5): the server enforces the roles, not herne-tui.

After ``users pg-setup`` every herne-tui user is a PostgreSQL role; a person who logs in with
their own role gets another party's internal notes neither through herne-tui nor with plain
SQL, and a ``lesen`` role cannot change a row. Roles are cluster-wide: every test names its
users with a fresh suffix and drops their roles afterwards, so parallel workers and reruns
never meet.
"""

from __future__ import annotations

import uuid

import pytest
from helpers import run_cli, wait_until
from sqlalchemy.engine import make_url

from herne_tui.db.pgrights import role_name
from herne_tui.db.schema import open_database
from herne_tui.errors import NotAllowed
from herne_tui.services import edits, queries, users

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[test]')")

SECRET = "Nur für die SPD: Rückzugslinie beim Haushalt"
SHARED = "Gemeinsam: Termin mit dem Kämmerer"
PASSWORD = "geheim-Pw-1"


class Coalition:
    """A fresh seeded database on the test server with users of two parties."""

    def __init__(self, server, url: str):
        self.server, self.url = server, url
        tag = uuid.uuid4().hex[:8]
        self.anna, self.bert, self.carl = f"anna-{tag}", f"Bert Müller {tag}", f"carl-{tag}"
        self.roles = [role_name(n) for n in (self.anna, self.bert, self.carl)]

    def login_url(self, user: str) -> str:
        return (
            make_url(self.url)
            .set(username=role_name(user), password=PASSWORD)
            .render_as_string(hide_password=False)
        )

    def conninfo(self, user: str) -> str:
        return make_url(self.login_url(user)).set(drivername="postgresql").render_as_string(False)

    def cli(self, *args: str, url: str | None = None, user: str | None = None, **kw):
        return run_cli(*args, "--db", url or self.url, "--user", user or self.anna, **kw)

    def sessions_of_users(self) -> list:
        """Backends still logged in as one of the users' roles (a closed connection's backend
        may take a moment to exit; the owner may not terminate it, so DROP DATABASE waits)."""
        return self.server.admin.execute(
            "SELECT usename, state FROM pg_stat_activity WHERE usename = ANY(%s)", (self.roles,)
        ).fetchall()

    def drop(self) -> None:
        try:
            wait_until(lambda: not self.sessions_of_users(), what=self.sessions_of_users)
            self.server.drop(self.url)  # first the database (its grants go with it)
        finally:
            for role in self.roles:
                self.server.admin.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.fixture
def coalition(pg_server):
    url = pg_server.fresh()
    c = Coalition(pg_server, url)
    try:
        yield c
    finally:
        c.drop()


def ok(result) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result.stdout


def one_line(result) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def set_up(c: Coalition) -> None:
    """Anna coordinates for the SPD, Bert (CDU) only reads, Carl (CDU) edits; rights on and
    everyone may log in."""
    ok(c.cli("users", "add", c.anna, "--partner", "SPD", "--role", "koordination"))
    ok(c.cli("users", "add", c.bert, "--partner", "CDU", "--role", "lesen"))
    out = ok(c.cli("users", "pg-setup"))
    assert role_name(c.bert) in out and "interne Notizen geschützt" in out
    added = ok(c.cli("users", "add", c.carl, "--partner", "CDU", "--role", "bearbeiten"))
    assert f"PostgreSQL-Rolle {role_name(c.carl)} angelegt" in added  # after setup: at once
    for name in (c.anna, c.bert, c.carl):
        ok(c.cli("users", "pg-login", name, "--password-stdin", input=PASSWORD + "\n"))


def notes_seen_by(c: Coalition, user: str) -> list[tuple[str, str]]:
    with psycopg.connect(c.conninfo(user)) as conn:
        return [tuple(r) for r in conn.execute("SELECT text, intern FROM note").fetchall()]


def test_the_other_partys_role_cannot_read_an_internal_note_even_with_plain_sql(coalition):
    c = coalition
    set_up(c)
    # Anna writes through herne-tui with her own login: an internal and a shared note
    ok(c.cli("set", "ARB-01", "--note", SECRET, "--intern", url=c.login_url(c.anna)))
    ok(c.cli("set", "ARB-01", "--note", SHARED, url=c.login_url(c.anna)))

    assert (SECRET, "SPD") in notes_seen_by(c, c.anna)
    for other in (c.bert, c.carl):
        seen = notes_seen_by(c, other)
        assert (SHARED, "") in seen
        assert all(intern != "SPD" for _, intern in seen) and SECRET not in str(seen)
    # the owner (who runs migrations and backups) still has every row
    with psycopg.connect(pgtools_conninfo(c.url)) as conn:
        assert conn.execute("SELECT count(*) FROM note WHERE intern = 'SPD'").fetchone() == (1,)

    # herne-tui run with Bert's login shows the shared note, never Anna's internal one, also
    # when it claims to be Anna: the server, not herne-tui's filter, keeps it out
    for claimed in (c.bert, c.anna):
        shown = ok(c.cli("show", "ARB-01", url=c.login_url(c.bert), user=claimed))
        assert SHARED in shown and SECRET not in shown
    assert SECRET in ok(c.cli("show", "ARB-01", url=c.login_url(c.anna)))


def test_a_reading_role_cannot_write_and_an_editor_cannot_change_the_user_list(coalition):
    c = coalition
    set_up(c)
    with psycopg.connect(c.conninfo(c.bert)) as conn:
        for sql in (
            "UPDATE note SET text = 'x'",
            "INSERT INTO note (subject, author, at, text, intern) "
            "VALUES ('measure:ARB-01', 'x', now(), 'x', '')",
            "UPDATE measure SET lead = 'SPD'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()
    # Carl (CDU, bearbeiten) may not move himself to the SPD to read its notes
    with psycopg.connect(c.conninfo(c.carl)) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE app_user SET partner = 'SPD'")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nor an SPD note
            conn.execute(
                "INSERT INTO note (subject, author, at, text, intern) "
                "VALUES ('measure:ARB-01', 'carl', now(), 'x', 'SPD')"
            )

    # nor may the coordinator Anna with her own login: only the owner changes the user list
    with (
        psycopg.connect(c.conninfo(c.anna)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("UPDATE app_user SET partner = 'CDU'")

    # herne-tui with Bert's login refuses his write in one German line, and also when he
    # claims to be the coordinator Anna (herne-tui's own check passes; the server's does not)
    for claimed in (c.bert, c.anna):
        line = one_line(
            c.cli("set", "ARB-01", "--status", "beratung", url=c.login_url(c.bert), user=claimed)
        )
        assert "PostgreSQL-Server verweigert die Änderung" in line
        assert role_name(c.bert) in line and "nichts gespeichert" in line
    assert queries.get_measure(open_database(c.url), "ARB-01").status != "beratung"


def test_users_set_and_remove_change_and_drop_the_role(coalition):
    c = coalition
    set_up(c)
    ok(c.cli("users", "set", c.bert, "--role", "bearbeiten"))
    ok(c.cli("set", "ARB-01", "--note", "von Bert", url=c.login_url(c.bert), user=c.bert))
    assert ("von Bert", "") in notes_seen_by(c, c.bert)
    # logged in with his own role and no --user, herne-tui acts as Bert (not the system user)
    plain = run_cli(
        "set", "ARB-01", "--note", "ohne --user", "--db", c.login_url(c.bert),
        env={"HERNE_TUI_USER": ""},
    )  # fmt: skip
    ok(plain)
    db = open_database(c.url)
    try:
        notes = queries.get_measure(db, "ARB-01").notes
    finally:
        db.dispose()
    assert [n.author for n in notes if n.text == "ohne --user"] == [c.bert]

    listed = ok(c.cli("users", "list"))
    assert role_name(c.carl) in listed and "PostgreSQL setzt die Rollen durch" in listed
    # a coordinator logged in with her own role may not manage roles: one line, nothing saved
    line = one_line(c.cli("users", "remove", c.carl, url=c.login_url(c.anna)))
    assert "nur der Eigentümer der Datenbank" in line
    # nor run forget, which must reach every party's internal notes
    line = one_line(c.cli("forget", "Kämmerer", "--yes", url=c.login_url(c.anna)))
    assert "forget braucht" in line and "Eigentümer" in line
    ok(c.cli("users", "remove", c.carl))
    with c.server.admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role_name(c.carl),))
        assert cur.fetchone() is None


def test_a_migration_grants_again(coalition):
    """A table or column a migration adds is granted to the users' roles in the same step."""
    c = coalition
    set_up(c)
    with psycopg.connect(pgtools_conninfo(c.url), autocommit=True) as conn:
        conn.execute(f"REVOKE SELECT ON measure FROM {role_name(c.bert)}")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with (
        psycopg.connect(c.conninfo(c.bert)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("SELECT count(*) FROM measure")
    open_database(c.url).dispose()  # the owner opens it: schema 3 again, grants again
    with psycopg.connect(c.conninfo(c.bert)) as conn:
        assert conn.execute("SELECT count(*) FROM measure").fetchone()[0] > 0


def test_the_servers_role_names_are_herne_tuis(coalition):
    c = coalition
    ok(c.cli("users", "add", c.anna, "--partner", "SPD", "--role", "koordination"))
    ok(c.cli("users", "pg-setup"))
    names = ["Anna Müller", "李小龙", "a:b%c'd\"e", "x" * 90, "__", "İstanbul", "ÄÖÜß", "Ab 12"]
    with psycopg.connect(pgtools_conninfo(c.url)) as conn:
        for name in names:
            (server,) = conn.execute("SELECT herne_role_name(%s)", (name,)).fetchone()
            assert server == role_name(name), name
            assert len(server) <= 63 and server.startswith("herne_")
    assert role_name("Anna Müller") != role_name("Anna Muller")


def test_rights_without_setup_change_nothing(coalition):
    """Without pg-setup, users on PostgreSQL stay herne-tui's convention: no role is made."""
    c = coalition
    ok(c.cli("users", "add", c.anna, "--partner", "SPD", "--role", "koordination"))
    with c.server.admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role_name(c.anna),))
        assert cur.fetchone() is None
    db = open_database(c.url)
    try:
        edits.add_note(db, measure_id="ARB-01", text=SECRET, user=c.anna, intern=True)
        assert not users.rights_on(db)
        with pytest.raises(NotAllowed, match="users pg-setup"):
            users.set_login(db, name=c.anna, password="x", user=c.anna)
    finally:
        db.dispose()


def test_pg_setup_on_sqlite_says_it_is_a_convention_there(db_path, db):
    line = one_line(run_cli("users", "pg-setup", "--db", str(db_path)))
    assert "nur auf PostgreSQL" in line and "Absprache" in line


def pgtools_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def test_the_app_on_the_other_partys_login_never_shows_the_internal_note(coalition):
    """The app with Bert's login, even told it is Anna (SPD), gets no SPD note from the server."""
    from pilot import settle, started, until
    from textual.widgets import Static

    from herne_tui.screens.measure import MeasureScreen

    c = coalition
    set_up(c)
    ok(c.cli("set", "ARB-01", "--note", SECRET, "--intern"))
    ok(c.cli("set", "ARB-01", "--note", SHARED))
    db = open_database(c.login_url(c.bert))
    try:
        async with started(db, user=c.anna, size=(120, 50)) as (app, pilot):
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, MeasureScreen) and app.screen.measure)
            await settle(pilot)
            assert app.screen.measure.id == "ARB-01"
            shown = str(app.screen.query_one("#notes", Static).render())
            assert SHARED in shown and SECRET not in shown
    finally:
        db.dispose()
