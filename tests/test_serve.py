"""``herne-tui serve``: the command each browser session runs, the bind address, the warnings."""

from __future__ import annotations

import shlex
import socket
import sys

import pytest
from helpers import free_port, run_cli

from herne_tui.cli import main as cli
from herne_tui.web import serve


def test_each_session_runs_this_installed_herne_tui_on_the_same_database(tmp_path):
    command, env = serve.app_command(f"sqlite:///{tmp_path}/mit leerzeichen.db", user="Anna B.")
    assert shlex.split(command) == [
        sys.executable,
        "-m",
        "herne_tui",
        "app",
        "--db",
        f"{tmp_path}/mit leerzeichen.db",  # the file, not the URL: the quick start applies
        "--user",
        "Anna B.",
    ]
    assert env == {}
    command, env = serve.app_command(
        "postgresql+psycopg://herne:geheim@db.local:5432/herne", user="anna", read_only=True
    )
    assert "geheim" not in command  # never visible in ps
    assert shlex.split(command)[-4:] == [
        "postgresql+psycopg://herne@db.local:5432/herne",
        "--user",
        "anna",
        "--read-only",
    ]
    assert env == {"PGPASSWORD": "geheim"}


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("herne.example.org", False),
    ],
)
def test_loopback_addresses(host, loopback):
    assert serve.is_loopback(host) is loopback


def test_user_names_from_a_proxy_header_are_cleaned():
    assert serve.clean_user("  anna\x1b[31m ") == "anna[31m"
    assert serve.clean_user("\t\n") is None and serve.clean_user(None) is None
    assert len(serve.clean_user("x" * 500)) == serve.USER_MAX


def test_a_port_in_use_is_one_line(db_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--db", str(db_path), "--port", str(port))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port} ist nicht verfügbar" in lines[0]
    assert not db_path.exists()  # refused before the database was touched
    bad = run_cli("serve", "--db", str(db_path), "--port", "70000")
    assert bad.returncode == 2 and "kein gültiger Port" in bad.stderr


def test_serve_says_where_and_as_whom_and_warns_off_localhost(db, db_path, monkeypatch, capsys):
    from textual_serve.server import Server

    started = []
    monkeypatch.setattr(Server, "serve", lambda self, debug=False: started.append(self))
    port = free_port()
    assert cli.main(["serve", "--db", str(db_path), "--port", str(port), "--user", "anna"]) == 0
    out = capsys.readouterr().out
    assert f"http://127.0.0.1:{port}" in out and "„anna“" in out and "WARNUNG" not in out
    server = started[0]
    assert server.host == "127.0.0.1" and server.port == port
    assert shlex.split(server.command)[-2:] == ["--user", "anna"]

    assert (
        cli.main(
            [
                "serve",
                "--db",
                str(db_path),
                "--host",
                "0.0.0.0",
                "--port",
                str(free_port()),
                "--public-url",
                "https://herne.example.org",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "WARNUNG" in out and "keine Anmeldung" in out
    assert started[1].public_url == "https://herne.example.org"


async def test_a_session_without_the_proxy_header_is_refused(tmp_path):
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request
    from textual_serve.server import Server

    cls = serve._server_class(Server)
    server = cls("true", host="127.0.0.1", port=free_port())
    server.user_header = "X-Remote-User"
    server.herne_args = (f"sqlite:///{tmp_path}/x.db", False)
    with pytest.raises(web.HTTPForbidden):
        await server.handle_websocket(make_mocked_request("GET", "/ws"))
