"""``serve`` is safe by default: foreign origins are refused, a proxy's user header counts only
with the proxy's shared secret (issue 11, "serve is safe by default")."""

from __future__ import annotations

import sys

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from helpers import free_port, run_cli

from herne_tui.cli import server as cli_server
from herne_tui.web import serve

SECRET = "s3cr3t-des-proxys-0123456789"


def test_origins_are_compared_as_scheme_host_and_port():
    assert serve.origin_of("https://Herne.Example.org:443/pfad?x") == "https://herne.example.org"
    assert serve.origin_of("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert serve.origin_of("null") is None and serve.origin_of("http://") is None
    own = serve.page_origins("https://herne.example.org/", "127.0.0.1", 8000)
    assert own == {"https://herne.example.org"}
    assert serve.origin_allowed("https://herne.example.org", own)
    assert serve.origin_allowed(None, own)  # not sent by a page (curl, a typed address)
    for foreign in (
        "https://evil.example",
        "http://herne.example.org",  # another scheme is another origin
        "https://herne.example.org:8443",
        "https://herne.example.org.evil.example",
        "null",
        "",
    ):
        assert not serve.origin_allowed(foreign, own), foreign
    local = serve.page_origins(None, "127.0.0.1", 8000)
    assert serve.origin_allowed("http://localhost:8000", local)
    assert not serve.origin_allowed("http://localhost:8001", local)  # another local page


def test_the_cli_knows_the_names_serve_uses():
    assert cli_server.ENV_PROXY_SECRET == serve.ENV_PROXY_SECRET
    assert cli_server.PROXY_SECRET_HEADER == serve.PROXY_SECRET_HEADER
    assert cli_server.SECRET_MIN == serve.SECRET_MIN


def test_user_header_without_a_proxy_secret_refuses_to_start(db_path):
    result = run_cli("serve", "--db", str(db_path), "--user-header", "X-Remote-User")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--proxy-secret" in lines[0], result.stderr
    assert "HERNE_TUI_PROXY_SECRET" in lines[0]
    assert not db_path.exists()  # refused before the database was touched
    short = run_cli(
        "serve", "--db", str(db_path), "--user-header", "X-Remote-User", "--proxy-secret", "kurz"
    )
    assert short.returncode == 2 and "mindestens 16" in short.stderr
    from_env = run_cli(
        "serve",
        "--db",
        str(db_path),
        "--user-header",
        "X-Remote-User",
        "--port",
        "70000",
        env={"HERNE_TUI_PROXY_SECRET": SECRET},
    )
    assert "kein gültiger Port" in from_env.stderr  # the secret was taken: the next check speaks


def _server(tmp_path, *, user_header=None, secret=None, public_url=None):
    from textual_serve.server import Server

    port = free_port()
    cls = serve._server_class(Server)
    server = cls("true", host="127.0.0.1", port=port, public_url=public_url)
    server.user_header = user_header
    server.proxy_secret = secret
    server.origins = serve.page_origins(public_url, "127.0.0.1", port)
    server.herne_args = (f"sqlite:///{tmp_path}/x.db", False)
    return server


async def _client(server) -> TestClient:
    client = TestClient(TestServer(await server._make_app(), host="127.0.0.1", port=server.port))
    await client.start_server()
    return client


async def test_http_and_websocket_from_a_foreign_origin_are_refused(tmp_path, capsys):
    server = _server(tmp_path)
    client = await _client(server)
    own = f"http://127.0.0.1:{server.port}"
    try:
        page = await client.get("/", headers={"Origin": "https://evil.example"})
        assert page.status == 403
        assert (await client.get("/", headers={"Origin": own})).status == 200
        assert (await client.get("/")).status == 200  # a typed address sends no Origin
        static = await client.get("/static/js/textual.js", headers={"Origin": "null"})
        assert static.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect("/ws", headers={"Origin": "https://evil.example"})
        assert refused.value.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await client.ws_connect("/ws", headers={"Origin": f"http://127.0.0.1:{free_port()}"})
        ws = await client.ws_connect("/ws", headers={"Origin": own})  # the page's own: opens
        await ws.close()
    finally:
        await client.close()
    err = capsys.readouterr().err
    assert "fremde Herkunft https://evil.example" in err


async def test_the_user_header_counts_only_with_the_proxy_secret(tmp_path):
    origin = "https://herne.example.org"
    server = _server(tmp_path, user_header="X-Remote-User", secret=SECRET, public_url=f"{origin}/")
    client = await _client(server)
    header = serve.PROXY_SECRET_HEADER
    try:
        # a local account reaching the port sends the user header itself: refused
        for sent in ({}, {header: "falsch"}, {header: SECRET[:-1]}, {header: SECRET + "x"}):
            headers = {"Origin": origin, "X-Remote-User": "seed", **sent}
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect("/ws", headers=headers)
            assert refused.value.status == 403, sent
            assert (await client.get("/", headers=headers)).status == 403
        proxied = {header: SECRET, "X-Remote-User": "carla"}
        assert (await client.get("/", headers=proxied)).status == 200
        with pytest.raises(aiohttp.WSServerHandshakeError):  # the proxy's, but a foreign page
            await client.ws_connect("/ws", headers={**proxied, "Origin": "https://evil.example"})
    finally:
        await client.close()


async def test_a_session_without_a_configured_secret_never_takes_the_header(tmp_path):
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    server = _server(tmp_path, user_header="X-Remote-User", secret=None)
    request = make_mocked_request("GET", "/ws", headers={"X-Remote-User": "anna"})
    with pytest.raises(web.HTTPForbidden):
        await server.handle_websocket(request)


def test_serve_itself_refuses_the_header_without_a_secret(db_path):
    from herne_tui.errors import InvalidInput

    with pytest.raises(InvalidInput, match="--proxy-secret"):
        serve.serve(
            f"sqlite:///{db_path}",
            host="127.0.0.1",
            port=free_port(),
            user="anna",
            user_header="X-Remote-User",
        )


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("textual-serve's sessions need a POSIX pty")
