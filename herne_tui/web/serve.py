"""``herne-tui serve``: the app in a browser through textual-serve.

textual-serve runs one command per browser session (tab) and connects the page's terminal
(xterm.js) to it over a websocket. The command is this installed herne-tui itself
(``python -m herne_tui app --db … --user …``), so every tab is one ordinary app process on the
same database, with the same locks, versions and live refresh as a terminal session.

There is no login: whoever reaches the port gets a full editing session. The server binds to
localhost by default and belongs behind an authenticating reverse proxy (README, "In the
browser"). A database password is handed to the sessions as ``PGPASSWORD`` in their
environment, never on their command line.

Safe by default: every request whose ``Origin`` is not the page's own (that of
``--public-url``, else ``http://HOST:PORT``) is refused, so a page on another site open in the
same browser cannot drive a session (cross-site WebSocket hijacking). A user name taken from a
proxy header (``--user-header``) is believed only on requests that also carry the proxy's
shared secret (``--proxy-secret``, sent in ``X-Herne-Proxy-Secret``, compared in constant time).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import shlex
import socket
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from herne_tui.db.store import is_postgres, sqlite_path, url_without_password
from herne_tui.errors import InvalidInput

USER_MAX = 80
TEMPLATES = Path(__file__).resolve().parent / "templates"
"""herne-tui's own ``app_index.html`` for textual-serve (no web font from outside)."""

PROXY_SECRET_HEADER = "X-Herne-Proxy-Secret"
"""The header in which the proxy sends the shared secret (``--proxy-secret``)."""

ENV_PROXY_SECRET = "HERNE_TUI_PROXY_SECRET"
"""The environment variable ``--proxy-secret`` defaults to (keeps it out of ``ps``)."""

SECRET_MIN = 16
"""The shortest shared secret accepted: anything shorter is guessable."""

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def origin_of(url: str) -> str | None:
    """The origin ``scheme://host[:port]`` of a URL, lower case, default port left out;
    None when the URL has no scheme and host (``null``, garbage)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    shown = f"[{host}]" if ":" in host else host
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{shown}"
    return f"{scheme}://{shown}:{port}"


def page_origins(public_url: str | None, host: str, port: int) -> frozenset[str]:
    """The origins the page may be loaded from: that of ``--public-url``, else
    ``http://HOST:PORT`` (on a loopback address also its other loopback names)."""
    if public_url:
        urls: Iterable[str] = [public_url]
    elif is_loopback(host):
        urls = [f"http://{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]", host)]
    else:
        shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
        urls = [f"http://{shown}:{port}"]
    return frozenset(o for o in map(origin_of, urls) if o)


def origin_allowed(origin: str | None, allowed: frozenset[str]) -> bool:
    """True when a request may be served: no ``Origin`` (not sent by a page: curl, a
    top-level navigation) or one of ``allowed``; ``null`` and any other site are refused."""
    if origin is None:
        return True
    return origin_of(origin) in allowed


def secret_matches(sent: str | None, secret: str) -> bool:
    """True when the proxy's header carries the shared secret (constant-time comparison)."""
    if sent is None:
        return False
    return hmac.compare_digest(sent.encode("utf-8", "replace"), secret.encode("utf-8"))


def check_proxy_options(user_header: str | None, proxy_secret: str | None) -> str | None:
    """The shared secret to require, or None; InvalidInput (one line) when ``--user-header``
    comes without it or it is too short."""
    secret = (proxy_secret or "").strip() or None
    if user_header and secret is None:
        raise InvalidInput(
            f"--user-header braucht --proxy-secret (oder {ENV_PROXY_SECRET}): ein Geheimnis, "
            f"das der Proxy im Kopf {PROXY_SECRET_HEADER} mitschickt (README, „In the browser“)"
        )
    if secret is not None and len(secret) < SECRET_MIN:
        raise InvalidInput(
            f"--proxy-secret ist {len(secret)} Zeichen lang, nötig sind mindestens {SECRET_MIN} "
            "(z. B. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return secret


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
    target = url
    path = sqlite_path(url)
    if path is not None and "://" not in str(path):
        # a plain file path, not the URL: each tab then paints from the quick start
        target = str(path.absolute())
    args = [sys.executable, "-m", "herne_tui", "app", "--db", target]
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
    proxy_secret: str | None = None,
    say: Callable[[str], None] = print,
    title: str = "herne-tui",
) -> int:
    """Serve the app until Ctrl+C; one app process per browser session."""
    from textual_serve.server import Server

    secret = check_proxy_options(user_header, proxy_secret)
    check_port(host, port)
    command, env = app_command(url, user=user, read_only=read_only)
    os.environ.update(env)  # inherited by every session's process, never on its command line
    shown = f"[{host}]" if ":" in host else host
    address = public_url or f"http://{shown}:{port}"
    server = _server_class(Server)(
        command,
        host=host,
        port=port,
        title=title,
        public_url=address,
        templates_path=TEMPLATES,  # our page: no external font or script
    )
    server.user_header = user_header
    server.proxy_secret = secret
    server.origins = page_origins(public_url, host, port)
    server.herne_args = (url, read_only)
    say(f"herne-tui im Browser: {address}  (Strg+C beendet)")
    if user_header:
        say(
            f"Jede Browser-Sitzung arbeitet als der Nutzer aus dem Kopf {user_header} (vom "
            f"Proxy gesetzt, zusammen mit dem Geheimnis in {PROXY_SECRET_HEADER}); ohne beides "
            "wird die Anfrage abgelehnt"
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


def refusal(server: Any, headers: Mapping[str, str]) -> str | None:
    """Why ``server`` refuses a request with these headers (a foreign origin, no proxy
    secret), or None."""
    allowed = server.origins or page_origins(None, server.host, server.port)
    origin = headers.get("Origin")
    if not origin_allowed(origin, allowed):
        shown = "".join(ch for ch in origin or "" if ch.isprintable())[:200]
        return f"fremde Herkunft {shown} (erlaubt: {', '.join(sorted(allowed))})"
    secret = server.proxy_secret
    if secret is not None and not secret_matches(headers.get(PROXY_SECRET_HEADER), secret):
        return f"Kopf {PROXY_SECRET_HEADER} fehlt oder stimmt nicht (nicht vom Proxy)"
    return None


def guard(server: Any) -> Callable:
    """aiohttp middleware before every route (page, static files, WebSocket, downloads)."""
    from aiohttp import web

    @web.middleware
    async def check(request, handler):
        why = refusal(server, request.headers)
        if why is not None:
            sys.stderr.write(f"herne-tui serve: Anfrage abgelehnt: {why}\n")
            raise web.HTTPForbidden(text=f"herne-tui: {why}")
        return await handler(request)

    return check


def _server_class(base: type) -> type:
    """textual-serve's Server, taking the user of each session from a proxy header if asked."""

    class HerneServer(base):
        user_header: str | None = None
        proxy_secret: str | None = None
        origins: frozenset[str] = frozenset()
        herne_args: tuple[str, bool] = ("", False)

        async def _make_app(self):
            app = await super()._make_app()
            app.middlewares.append(guard(self))
            return app

        async def on_startup(self, app) -> None:
            pass  # herne-tui prints its own lines (address, user, warnings)

        async def handle_websocket(self, request):
            if not self.user_header:
                return await super().handle_websocket(request)
            from aiohttp import web

            if self.proxy_secret is None or refusal(self, request.headers) is not None:
                raise web.HTTPForbidden(text="herne-tui: nicht vom Proxy")  # never a bare header
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


__all__ = [
    "serve",
    "app_command",
    "is_loopback",
    "check_port",
    "clean_user",
    "check_proxy_options",
    "origin_allowed",
    "origin_of",
    "page_origins",
    "secret_matches",
]
