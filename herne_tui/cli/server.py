"""``serve``: the app in a browser (see herne_tui.web.serve)."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from herne_tui.cli.common import EPILOG, Command, add_common, open_db, user_name

# the names only (herne_tui.web.serve imports nothing heavy at module level)
ENV_PROXY_SECRET = "HERNE_TUI_PROXY_SECRET"
PROXY_SECRET_HEADER = "X-Herne-Proxy-Secret"
SECRET_MIN = 16

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
        "X-Remote-User); nur zusammen mit --proxy-secret",
    )
    p.add_argument(
        "--proxy-secret",
        metavar="GEHEIMNIS",
        default=os.environ.get(ENV_PROXY_SECRET),
        help=f"Geheimnis (mind. {SECRET_MIN} Zeichen), das der Proxy in jeder Anfrage im Kopf "
        f"{PROXY_SECRET_HEADER} mitschickt; Anfragen ohne es werden abgelehnt (besser: "
        f"${ENV_PROXY_SECRET}, dann steht es nicht in der Prozessliste)",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    """``serve``: check the port and the database once, then serve until Ctrl+C."""
    from herne_tui.web.serve import check_port, check_proxy_options, serve

    # before touching the database: a clear line first
    check_proxy_options(args.user_header, args.proxy_secret)
    check_port(args.host, args.port)
    from herne_tui.services.queries import agreement

    db = open_db(args, read_only=args.read_only)  # upgrade or refuse once, up front (never create)
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
        proxy_secret=args.proxy_secret,
    )


COMMANDS = {"serve": Command(add_serve, cmd_serve)}
