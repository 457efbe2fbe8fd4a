"""``herne-tui serve``: the app in a browser through textual-serve.

textual-serve runs one command per browser session (tab) and connects the page's terminal
(xterm.js) to it over a websocket. The command is this installed herne-tui itself
(``python -m herne_tui app --db … --user …``), so every tab is one ordinary app process on the
same database, with the same locks, versions and live refresh as a terminal session.

There is no login: whoever reaches the port gets a full editing session. The server binds to
localhost by default and belongs behind an authenticating reverse proxy (README, "In the
browser"). A database password is handed to the sessions as ``PGPASSWORD`` in their
environment, never on their command line.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import socket
import sys
from collections.abc import Callable

from herne_tui.db.store import is_postgres, url_without_password
from herne_tui.errors import InvalidInput

USER_MAX = 80


def is_loopback(host: str) -> bool:
    """True when ``host`` is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(url: str, *, user: str | None, read_only: bool = False) -> tuple[str, dict]:
    """The shell command one browser session runs, and environment variables it needs."""
    env: dict[str, str] = {}
    if is_postgres(url):
        url, password = url_without_password(url)
        if password:
            env["PGPASSWORD"] = password
    args = [sys.executable, "-m", "herne_tui", "app", "--db", url]
    if user:
        args += ["--user", user]
    if read_only:
        args.append("--read-only")
    return shlex.join(args), env


def clean_user(value: str | None) -> str | None:
    """A user name taken from a proxy header: trimmed, printable, at most 80 characters."""
    if value is None:
        return None
    text = "".join(ch for ch in value if ch.isprintable()).strip()[:USER_MAX]
    return text or None


def check_port(host: str, port: int) -> None:
    """InvalidInput (one line) when the address cannot be bound (port taken, unknown host)."""
    if not 0 < port < 65536:
        raise InvalidInput(f"--port: {port} ist kein gültiger Port (1–65535)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise InvalidInput(
            f"--host: „{host}“ ist kein bekannter Rechnername oder keine Adresse dieses Rechners"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise InvalidInput(
                f"{host}:{port} ist nicht verfügbar ({exc.strerror}): anderen "
                "--port wählen oder den anderen Dienst beenden"
            ) from None


def serve(
    url: str,
    *,
    host: str,
    port: int,
    user: str,
    read_only: bool = False,
    public_url: str | None = None,
    user_header: str | None = None,
    say: Callable[[str], None] = print,
    title: str = "herne-tui",
) -> int:
    """Serve the app until Ctrl+C; one app process per browser session."""
    from textual_serve.server import Server

    check_port(host, port)
    command, env = app_command(url, user=user, read_only=read_only)
    os.environ.update(env)  # inherited by every session's process, never on its command line
    shown = f"[{host}]" if ":" in host else host
    address = public_url or f"http://{shown}:{port}"
    server = _server_class(Server)(command, host=host, port=port, title=title, public_url=address)
    server.user_header = user_header
    server.herne_args = (url, read_only)
    say(f"herne-tui im Browser: {address}  (Strg+C beendet)")
    if user_header:
        say(
            f"Jede Browser-Sitzung arbeitet als der Nutzer aus dem Kopf {user_header} (vom "
            "Proxy gesetzt); ohne ihn wird die Sitzung abgelehnt"
        )
    else:
        say(f"Jede Browser-Sitzung arbeitet als „{user}“" + (" (nur lesen)" if read_only else ""))
    if not is_loopback(host):
        say(
            f"WARNUNG: {host} ist von außen erreichbar, und herne-tui serve hat keine "
            "Anmeldung: wer den Port erreicht, kann alles ändern. Nur hinter einem Proxy mit "
            "Anmeldung betreiben (README, „In the browser“) oder --host 127.0.0.1 verwenden"
        )
    if host in ("0.0.0.0", "::") and not public_url:
        say(
            "Hinweis: Browser erreichen 0.0.0.0 nicht; --public-url auf die Adresse setzen, "
            "unter der die Seite aufgerufen wird"
        )
    server.serve()
    return 0


def _server_class(base: type) -> type:
    """textual-serve's Server, taking the user of each session from a proxy header if asked."""

    class HerneServer(base):
        user_header: str | None = None
        herne_args: tuple[str, bool] = ("", False)

        async def on_startup(self, app) -> None:
            pass  # herne-tui prints its own lines (address, user, warnings)

        async def handle_websocket(self, request):
            if not self.user_header:
                return await super().handle_websocket(request)
            from aiohttp import web

            user = clean_user(request.headers.get(self.user_header))
            if user is None:
                sys.stderr.write(
                    f"herne-tui serve: Sitzung abgelehnt, Kopf "
                    f"{self.user_header} fehlt (Proxy prüfen)\n"
                )
                raise web.HTTPForbidden(text=f"{self.user_header} fehlt")
            url, read_only = self.herne_args
            command, _ = app_command(url, user=user, read_only=read_only)
            # A plain server for this one session: textual-serve's own handling, with its command.
            session = base(command, host=self.host, port=self.port, public_url=self.public_url)
            session.download_manager = self.download_manager
            session.debug = self.debug
            return await session.handle_websocket(request)

    return HerneServer


__all__ = ["serve", "app_command", "is_loopback", "check_port", "clean_user"]
