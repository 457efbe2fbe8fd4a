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


def cmd_users(args: argparse.Namespace) -> int:
    """``users list|add|set|remove``."""
    from herne_tui.services import users

    db = open_db(args, read_only=args.users_command == "list" or args.read_only)
    me = user_name(args)
    if args.users_command == "list":
        found = users.list_users(db)
        if args.format == "json":
            rows = [{"name": u.name, "partner": u.partner, "role": u.role} for u in found]
            print(for_serialized(json.dumps(rows, ensure_ascii=False, indent=2)))
        elif not found:
            print("Keine Nutzerliste: jede Person darf alles ändern (herne-tui users add …)")
        for u in found if args.format == "table" else ():
            print(f"{for_terminal(u.name, one_line=True):<24} {u.partner:<10} {u.role}")
        return 0
    if args.users_command == "add":
        u = users.add_user(db, name=args.name, partner=args.partner, role=args.role, user=me)
        print(f"Nutzer {for_terminal(u.name, one_line=True)} eingetragen ({u.partner}, {u.role})")
    elif args.users_command == "set":
        u = users.set_user(db, name=args.name, partner=args.partner, role=args.role, user=me)
        print(f"Nutzer {for_terminal(u.name, one_line=True)}: {u.partner}, {u.role}")
    else:
        users.remove_user(db, name=args.name, user=me)
        print(f"Nutzer {for_terminal(args.name, one_line=True)} ausgetragen")
    return 0


COMMANDS = {"users": Command(add_users, cmd_users)}
