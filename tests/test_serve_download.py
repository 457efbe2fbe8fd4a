"""In a served browser tab: the page asks nobody but the server, and a saved report becomes a
download in the browser instead of a file on the server (issue 16 item 7)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from test_serve_browser import browser_ready, chromium, served, wait_for_screen  # noqa: F401


def test_the_page_requests_nothing_outside_the_server(browser_ready, db, db_path, tmp_path):  # noqa: F811
    requests: list[str] = []
    sockets: list[str] = []
    with served(db_path, "--user", "browser") as url, chromium(tmp_path) as page:
        page.on("request", lambda request: requests.append(request.url))
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.goto(url, wait_until="load")
        wait_for_screen(page, r"ARB-01")
        page.wait_for_load_state("networkidle")
    server = urlsplit(url).netloc
    assert requests and sockets
    outside = [r for r in requests + sockets if urlsplit(r).netloc != server]
    assert outside == [], outside
    assert any(r.endswith(".ttf") for r in requests)  # the font, from the server itself


def test_saving_a_report_gives_the_browser_a_download(browser_ready, db, db_path, tmp_path):  # noqa: F811
    home = tmp_path / "server-home"
    home.mkdir()
    with (
        served(db_path, "--user", "browser", env={"HOME": str(home)}) as url,
        chromium(tmp_path) as page,
    ):
        page.goto(url, wait_until="domcontentloaded")
        wait_for_screen(page, r"ARB-01")
        page.click("#terminal")
        page.keyboard.press("w")
        wait_for_screen(page, r"Statusänderungen")
        page.keyboard.press("s")
        prompt = wait_for_screen(page, r"als Download")
        assert str(home) not in prompt  # the server's folders are not offered
        with page.expect_download(timeout=30_000) as caught:
            page.keyboard.press("Enter")
        download = caught.value
        name = download.suggested_filename
        text = Path(download.path()).read_text(encoding="utf-8")
        wait_for_screen(page, r"Download angeboten")
    assert name.startswith("wochenbericht-") and name.endswith(".md")
    assert text.startswith("# Wochenrückblick") and "## Statusänderungen" in text
    assert list(home.rglob("*.md")) == []  # nothing written on the server
