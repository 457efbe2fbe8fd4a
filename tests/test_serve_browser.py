"""End to end in a real browser: ``herne-tui serve`` in headless Chromium, a key moves a card.

The page renders the terminal with xterm.js; textual-serve keeps its terminal object private,
so an init script catches it as it is built (the first ``fitAddon`` assigned to an object
that has a ``terminal``) and the test reads the screen from xterm's buffer.

Needs Debian's chromium (``/usr/bin/chromium``) and Playwright's Python package (pointed at
that browser; ``playwright install`` is never used). Without them the test is skipped with
the reason, unless ``HERNE_TUI_REQUIRE_BROWSER=1`` (CI): then it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest
from helpers import free_port, wait_until

from herne_tui.db.schema import open_database
from herne_tui.services import queries

CHROMIUM = os.environ.get("HERNE_TUI_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "fitAddon",
                          {value, writable: true, configurable: true, enumerable: true});
    if (this.terminal && this.terminal.buffer) { window.__herneTerminal = this.terminal; }
  },
});
"""

READ_SCREEN = """() => {
  const t = window.__herneTerminal;
  if (!t) { return null; }
  const b = t.buffer.active, lines = [];
  for (let i = 0; i < t.rows; i++) {
    const line = b.getLine(b.viewportY + i);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}"""


def browser_missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]')"
    return None


@pytest.fixture
def browser_ready():
    reason = browser_missing()
    if reason:
        if os.environ.get("HERNE_TUI_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(
                f"browser required (HERNE_TUI_REQUIRE_BROWSER=1) but {reason}", pytrace=False
            )
        pytest.skip(f"no browser: {reason}")


@contextmanager
def served(db_path, *extra: str, headers: dict | None = None, env: dict | None = None):
    """``herne-tui serve`` on a free localhost port; yields its URL, stops it afterwards
    (``headers``: what a request needs to be answered, e.g. the proxy's secret)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "herne_tui",
            "serve",
            "--db",
            str(db_path),
            "--port",
            str(port),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}/"

    def answers() -> bool:
        assert proc.poll() is None, proc.stdout.read()
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_until(answers, interval=0.2, what=f"serve to answer on {url}")
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()


@contextmanager
def chromium(tmp_path, headers: dict | None = None):
    """A page in headless Debian Chromium with a fresh profile, off the network."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 800},
            extra_http_headers=headers,
        )
        try:
            # only this machine: the page's web font and anything else outside fail at once
            context.route(
                re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort()
            )
            page = context.pages[0] if context.pages else context.new_page()
            page.add_init_script(CATCH_TERMINAL)
            yield page
        finally:
            context.close()


def wait_for_screen(page, pattern: str) -> str:
    """The terminal's text once it matches ``pattern`` (a regular expression)."""
    seen: list[str | None] = [None]

    def matching() -> str | None:
        seen[0] = screen = page.evaluate(READ_SCREEN)
        return screen if screen and re.search(pattern, screen) else None

    return wait_until(matching, interval=0.1, what=lambda: f"on screen: {pattern!r}\n{seen[0]}")


def wait_for_status(url: str, measure: str, status: str):
    """The measure once the database shows it in ``status``."""
    db = open_database(url)
    try:

        def saved():
            m = queries.get_measure(db, measure)
            return m if m.status == status else None

        def shown() -> str:
            return f"{measure} in status {status}, is {queries.get_measure(db, measure).status}"

        return wait_until(saved, interval=0.1, what=shown)
    finally:
        db.dispose()


@pytest.mark.both_backends
def test_a_key_in_the_browser_moves_a_card_in_the_database(browser_ready, db, tmp_path):
    started = time.monotonic()
    with served(db.url, "--user", "browser") as url, chromium(tmp_path) as page:
        page.goto(url, wait_until="domcontentloaded")
        screen = wait_for_screen(page, r"ARB-01")
        assert "Offen (140)" in screen  # the board, not an error
        page.click("#terminal")
        page.keyboard.press("L")  # the focused first card, ARB-01: Offen → In Vorbereitung
        moved = wait_for_status(db.url, "ARB-01", "vorbereitung")
        assert moved.version == 2
        wait_for_screen(page, r"In Vorbereitung \(1\)")
        last = queries.history(db, entity="measure", entity_id="ARB-01")[-1]
        assert (last.user, last.field, last.new) == ("browser", "status", "vorbereitung")
    engine = "sqlite" if db.is_sqlite else "postgresql"
    print(
        f"\nbrowser ({engine}): served, loaded, moved ARB-01 and saw it saved in "
        f"{time.monotonic() - started:.1f} s"
    )


@contextmanager
def reverse_proxy(port: int, upstream: str, add: dict[str, str]):
    """A minimal nginx stand-in on 127.0.0.1:``port``: forwards HTTP and WebSockets to
    ``upstream``, setting the ``add`` headers on each (browsers cannot add headers to a
    WebSocket, only a proxy can)."""
    import asyncio
    import threading

    import aiohttp
    from aiohttp import web

    hop = {"host", "connection", "upgrade", "content-length", "transfer-encoding"}
    hop |= {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions"}
    hop |= {h.lower() for h in add}

    async def forward(request: web.Request) -> web.StreamResponse:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in hop} | add
        target = upstream.rstrip("/") + request.path_qs
        async with aiohttp.ClientSession() as session:
            if request.headers.get("Upgrade", "").lower() != "websocket":
                async with session.get(target, headers=headers) as answer:
                    body = await answer.read()
                    kind = answer.headers.get("Content-Type", "text/plain").split(";")[0]
                    return web.Response(body=body, status=answer.status, content_type=kind)
            try:
                up = await session.ws_connect(target.replace("http", "ws", 1), headers=headers)
            except aiohttp.WSServerHandshakeError as exc:
                return web.Response(status=exc.status, text="refused upstream")
            down = web.WebSocketResponse()
            await down.prepare(request)

            async def pump(src, dst):
                async for msg in src:
                    if msg.type == aiohttp.WSMsgType.TEXT:
                        await dst.send_str(msg.data)
                    elif msg.type == aiohttp.WSMsgType.BINARY:
                        await dst.send_bytes(msg.data)
                await dst.close()

            await asyncio.gather(pump(up, down), pump(down, up), return_exceptions=True)
            return down

    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def test_the_proxy_header_names_who_changes(browser_ready, db, db_path, tmp_path):
    secret = "geheim-nur-der-proxy-kennt-es"
    proxy = {"X-Remote-User": "carla", "X-Herne-Proxy-Secret": secret}
    front = free_port()
    options = ("--user-header", "X-Remote-User", "--proxy-secret", secret)
    public = ("--public-url", f"http://127.0.0.1:{front}")
    with (
        served(db_path, *options, *public, headers=proxy) as direct,
        reverse_proxy(front, direct, proxy) as url,
        chromium(tmp_path) as page,
    ):
        page.goto(url, wait_until="domcontentloaded")
        wait_for_screen(page, r"ARB-01")
        page.click("#terminal")
        page.keyboard.press("L")
        wait_for_status(str(db_path), "ARB-01", "vorbereitung")
        # the same browser straight at the port, naming itself: refused (no secret)
        page.goto(direct, wait_until="domcontentloaded")
        assert "X-Herne-Proxy-Secret" in page.content()
    last = queries.history(db, entity="measure", entity_id="ARB-01")[-1]
    assert last.user == "carla"


FOREIGN_PAGE = """<!doctype html><title>fremd</title><script>
window.__herneResult = "pending";
const ws = new WebSocket("WS_URL");
ws.onopen = () => {
  window.__herneResult = "open";
  ws.send(JSON.stringify(["stdin", "L"]));  // would move the focused card
};
const refused = () => {
  if (window.__herneResult === "pending") { window.__herneResult = "refused"; }
};
ws.onerror = refused;
ws.onclose = refused;
</script>"""


def test_a_page_on_another_origin_cannot_open_the_websocket(browser_ready, db, db_path, tmp_path):
    from pytest_httpserver import HTTPServer

    foreign = HTTPServer(host="127.0.0.1", port=free_port())  # another port: another origin
    foreign.start()
    try:
        with served(db_path, "--user", "opfer") as url, chromium(tmp_path) as page:
            ws_url = url.replace("http://", "ws://") + "ws?width=80&height=24"
            foreign.expect_request("/").respond_with_data(
                FOREIGN_PAGE.replace("WS_URL", ws_url), content_type="text/html"
            )
            page.goto(foreign.url_for("/"), wait_until="domcontentloaded")
            result = wait_until(
                lambda: (r := page.evaluate("window.__herneResult")) != "pending" and r,
                interval=0.1,
                what="the foreign page's WebSocket to open or fail",
            )
            assert result == "refused"
            # the page's own origin still works in the same browser
            page.goto(url, wait_until="domcontentloaded")
            wait_for_screen(page, r"ARB-01")
    finally:
        foreign.stop()
    assert queries.get_measure(db, "ARB-01").status == "offen"
    assert not [e for e in queries.history(db) if e.user == "opfer"]
