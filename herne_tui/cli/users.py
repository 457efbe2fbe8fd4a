"""``users``: the user list with partner and role (issue 14); coordinators only once it exists."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from herne_tui.cli.common import EPILOG, Command, add_common, open_db, user_name
from herne_tui.domain.objects import ROLES
from herne_tui.domain.text import for_serialized, for_terminal

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers

ROLE_HELP = "lesen (nur ansehen), bearbeiten (Maßnahmen, Notizen, Anträge, eigene Positionen), " \
    "koordination (auch Koordinierungsgruppe, Durchsicht, Nutzer)"  # fmt: skip


def add_users(sub: Subparsers) -> None:
    """The ``users`` parser and its sub-commands."""
    p = sub.add_parser(
        "users",
        help="Nutzer mit Partei und Rolle (ohne Nutzerliste darf jeder alles)",
        epilog=EPILOG,
    )
    own = p.add_subparsers(dest="users_command", metavar="BEFEHL", required=True)
    ls = own.add_parser("list", help="Nutzer auflisten")
    add_common(ls, user=True)
    ls.add_argument("--format", choices=("table", "json"), default="table")
    for name, text in (("add", "Nutzer eintragen"), ("set", "Partei oder Rolle ändern")):
        q = own.add_parser(name, help=text)
        add_common(q, user=True)
        q.add_argument("name", metavar="NAME")
        q.add_argument("--partner", metavar="PARTEI", required=name == "add")
        q.add_argument("--role", choices=ROLES, required=name == "add", help=ROLE_HELP)
    r = own.add_parser("remove", help="Nutzer austragen (die Historie bleibt)")
    add_common(r, user=True)
    r.add_argument("name", metavar="NAME")
    s = own.add_parser(
        "pg-setup",
        help="PostgreSQL: Rechte vom Server durchsetzen lassen (Zeilenschutz für interne "
        "Notizen, eine Rolle pro Nutzer; wiederholbar)",
        epilog="Als Eigentümer der Datenbank mit CREATEROLE ausführen. Danach legen users "
        "add/set/remove die PostgreSQL-Rollen selbst an, ändern und löschen sie.",
    )
    add_common(s, user=True)
    g = own.add_parser(
        "pg-login",
        help="PostgreSQL: der Rolle eines Nutzers ein Passwort geben (Anmeldung erlauben)",
        epilog="Das Passwort wird abgefragt (oder mit --password-stdin gelesen) und "
        "verschlüsselt an den Server geschickt; es erscheint in keiner Historie.",
    )
    add_common(g, user=True)
    g.add_argument("name", metavar="NAME")
    g.add_argument(
        "--password-stdin", action="store_true", help="Passwort aus der Standardeingabe lesen"
    )
    g.add_argument("--off", action="store_true", help="Anmeldung wieder sperren (NOLOGIN)")


def cmd_users(args: argparse.Namespace) -> int:
    """``users list|add|set|remove``."""
    from herne_tui.services import users

    db = open_db(args, read_only=args.users_command == "list" or args.read_only)
    me = user_name(args)
    if args.users_command == "list":
        return _list(db, args.format)
    if args.users_command in ("pg-setup", "pg-login"):
        return _pg(db, args, me)
    if args.users_command == "add":
        u = users.add_user(db, name=args.name, partner=args.partner, role=args.role, user=me)
        print(f"Nutzer {for_terminal(u.name, one_line=True)} eingetragen ({u.partner}, {u.role})")
        if users.rights_on(db):
            from herne_tui.db.pgrights import role_name

            print(
                f"PostgreSQL-Rolle {role_name(u.name)} angelegt (ohne Anmeldung; Passwort: "
                "herne-tui users pg-login NAME)"
            )
    elif args.users_command == "set":
        u = users.set_user(db, name=args.name, partner=args.partner, role=args.role, user=me)
        print(f"Nutzer {for_terminal(u.name, one_line=True)}: {u.partner}, {u.role}")
    else:
        users.remove_user(db, name=args.name, user=me)
        print(f"Nutzer {for_terminal(args.name, one_line=True)} ausgetragen")
    return 0


def _list(db, form: str) -> int:
    from herne_tui.db.pgrights import role_name
    from herne_tui.services import users

    found = users.list_users(db)
    enforced = users.rights_on(db)
    if form == "json":
        rows = [
            {"name": u.name, "partner": u.partner, "role": u.role}
            | ({"pg_role": role_name(u.name)} if enforced else {})
            for u in found
        ]
        print(for_serialized(json.dumps(rows, ensure_ascii=False, indent=2)))
        return 0
    if not found:
        print("Keine Nutzerliste: jede Person darf alles ändern (herne-tui users add …)")
    for u in found:
        pg = f" {role_name(u.name)}" if enforced else ""
        print(f"{for_terminal(u.name, one_line=True):<24} {u.partner:<10} {u.role:<12}{pg}")
    if enforced:
        print("PostgreSQL setzt die Rollen durch; Anmeldung als die Rolle in der letzten Spalte")
    return 0


def _pg(db, args: argparse.Namespace, me: str) -> int:
    import getpass
    import sys

    from herne_tui.errors import InvalidInput
    from herne_tui.services import users

    if args.users_command == "pg-setup":
        done = users.setup_rights(db, user=me)
        print(f"PostgreSQL-Rechte eingeschaltet: {len(done)} Nutzer, interne Notizen geschützt")
        for name, role, created in done:
            state = "angelegt" if created else "vorhanden"
            print(f"  {for_terminal(name, one_line=True):<24} {role} ({state})")
        print("Anmelden lassen: herne-tui users pg-login NAME (setzt ein Passwort)")
        return 0
    password = None
    if not args.off:
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("Neues Passwort: ")
        if not password:
            raise InvalidInput("leeres Passwort: nichts geändert")
    role = users.set_login(db, name=args.name, password=password, user=me)
    shown = for_terminal(args.name, one_line=True)
    if password is None:
        print(f"Anmeldung für {shown} gesperrt (Rolle {role}, NOLOGIN)")
    else:
        print(f"{shown} meldet sich jetzt als PostgreSQL-Rolle {role} an (mit dem Passwort)")
    return 0


COMMANDS = {"users": Command(add_users, cmd_users)}
