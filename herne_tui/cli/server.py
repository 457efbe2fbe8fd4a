"""``serve``: the app in a browser (see herne_tui.web.serve)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from herne_tui.cli.common import EPILOG, Command, add_common, open_db, user_name

if TYPE_CHECKING:
    from herne_tui.cli.common import Subparsers


def add_serve(sub: Subparsers) -> None:
    """The ``serve`` parser."""
    p = sub.add_parser(
        "serve",
        help="die App im Browser anbieten (textual-serve); ohne "
        "Anmeldung: nur hinter einem Proxy mit Anmeldung freigeben",
        epilog=EPILOG,
    )
    add_common(p, user=True)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="Adresse, an die der Server bindet (Standard 127.0.0.1: nur lokal)",
    )
    p.add_argument("--port", type=int, default=8000, help="Port (Standard 8000)")
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="Adresse, unter der Browser die Seite aufrufen (hinter einem Proxy, "
        "z. B. https://herne.example.org)",
    )
    p.add_argument(
        "--user-header",
        metavar="KOPF",
        help="Nutzername jeder Sitzung aus diesem HTTP-Kopf des Proxys (z. B. "
        "X-Remote-User); nur wenn der Proxy ihn setzt und Fremdwerte entfernt",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    """``serve``: check the port and the database once, then serve until Ctrl+C."""
    from herne_tui.web.serve import check_port, serve

    check_port(args.host, args.port)  # before touching the database: a clear line first
    from herne_tui.services.queries import agreement

    db = open_db(args, read_only=args.read_only)  # create, upgrade or refuse once, up front
    url = db.url
    title = agreement(db).name or "herne-tui"
    db.dispose()
    return serve(
        url,
        host=args.host,
        port=args.port,
        user=user_name(args),
        read_only=args.read_only,
        public_url=args.public_url,
        user_header=args.user_header,
        title=title,
    )


COMMANDS = {"serve": Command(add_serve, cmd_serve)}
