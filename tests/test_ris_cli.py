"""``herne-tui ris …`` as a user runs it, against our fixture OParl server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from helpers import free_port, run_cli
from oparl_server import FakeRis
from werkzeug import Response


@pytest.fixture
def ris(httpserver) -> FakeRis:
    return FakeRis(httpserver.url_for(""), "1.1").standard().serve(httpserver)


@pytest.fixture
def db_path(db_path):
    """A seeded database file (commands other than ``seed`` create none)."""
    ok(run_cli("seed", "--db", str(db_path)))
    return db_path


def ok(result) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def one_line(result, code: int = 2) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, lines
    return lines[0]


def test_sync_then_meetings_and_papers_as_json(ris, db_path):
    db = str(db_path)
    out = run_cli("ris", "sync", ris.url("system"), "--db", db, "--rate", "1000")
    ok(out)
    assert "RIS abgeglichen (vollständig, OParl 1.1, Beispielstadt): 23 neu" in out.stderr
    meetings = json.loads(ok(run_cli("ris", "meetings", "--db", db, "--format", "json")))
    assert len(meetings) == 3
    council = meetings[-1]
    assert set(council) >= {"id", "name", "start", "organization", "agenda"}
    assert council["id"] == ris.url("meeting/2")
    assert council["start"] == "2026-12-10T16:00:00+01:00"
    assert council["organization"] == ["Rat der Stadt"]
    assert council["agenda"] == [
        {
            "number": "5",
            "name": "Fortschreibung des Klimaschutzkonzepts",
            "paper": "2026/0901",
            "result": "unverändert beschlossen",
        }
    ]
    assert meetings[0]["agenda"][0]["paper"] is None  # "Eröffnung" has no paper
    ok(run_cli("ris", "link", "ARB-01", "2026/0901", "--db", db, "--user", "anna"))
    papers = json.loads(
        ok(run_cli("ris", "papers", "--db", db, "--search", "klimaschutz", "--format", "json"))
    )
    (climate,) = papers
    assert set(climate) >= {
        "id",
        "reference",
        "name",
        "date",
        "paperType",
        "consultations",
        "measures",
        "deleted",
    }
    assert climate["measures"] == ["ARB-01"] and climate["deleted"] is False
    assert climate["consultations"][1] == {
        "meeting": "Sitzung des Rates",
        "organization": ["Rat der Stadt"],
        "role": "beschließend",
        "authoritative": True,
    }
    # filters
    umwelt = json.loads(
        ok(run_cli("ris", "meetings", "--db", db, "--committee", "umwelt", "--format", "json"))
    )
    assert [m["id"] for m in umwelt] == [ris.url("meeting/1")]
    december = json.loads(
        ok(
            run_cli(
                "ris",
                "meetings",
                "--db",
                db,
                "--from",
                "01.12.2026",
                "--to",
                "2026-12-31",
                "--format",
                "json",
            )
        )
    )
    assert [m["id"] for m in december] == [ris.url("meeting/2")]
    table = ok(run_cli("ris", "meetings", "--db", db))
    assert "10.12.2026" in table and "[2026/0901] → unverändert beschlossen" in table


def test_stored_url_env_url_and_deleted_paper_shown(ris, db_path):
    db = str(db_path)
    ok(
        run_cli(
            "ris",
            "sync",
            "--db",
            db,
            "--rate",
            "1000",
            env={"HERNE_TUI_RIS_URL": ris.url("body/1")},
        )
    )
    ok(run_cli("ris", "link", "SCH-01", "2026/0902", "--db", db))
    ris.delete("paper", "2", "2099-01-01T00:00:00+01:00")
    out = run_cli("ris", "sync", "--db", db, "--rate", "1000")  # the stored URL
    ok(out)
    assert "Änderungen" in out.stderr and "im RIS gelöscht" in out.stderr
    assert ris.asked("/body/1/paper")[-1].get("modified_since")
    text = ok(run_cli("ris", "papers", "--db", db, "--search", "2026/0902"))
    assert "[im RIS gelöscht]" in text and "SCH-01" in text
    (gone,) = json.loads(
        ok(run_cli("ris", "papers", "--db", db, "--search", "0902", "--format", "json"))
    )
    assert gone["deleted"] is True and gone["name"].startswith("Mensen")
    history = ok(run_cli("history", "SCH-01", "--db", db))
    assert "verknüpft" in history and "2026/0902" in history


def test_errors_are_one_german_line(ris, db_path):
    db = str(db_path)
    assert "keine RIS-Adresse" in one_line(run_cli("ris", "sync", "--db", db))
    assert "http- oder https-URL" in one_line(run_cli("ris", "sync", "ftp://x", "--db", db))
    nobody = f"http://127.0.0.1:{free_port()}/oparl/system"
    line = one_line(run_cli("ris", "sync", nobody, "--db", db, "--rate", "1000"))
    assert nobody in line and "Verbindung fehlgeschlagen" in line and "4 Versuchen" in line
    ris.override["/oparl/body/1/paper"] = lambda r: Response(
        "<html>Fehler</html>", content_type="text/html"
    )
    line = one_line(run_cli("ris", "sync", ris.url("system"), "--db", db, "--rate", "1000"))
    assert line.startswith("herne-tui: ") and ris.url("body/1/paper") in line
    assert "HTML statt JSON" in line
    assert json.loads(ok(run_cli("ris", "meetings", "--db", db, "--format", "json"))) == []
    assert "nicht im RIS-Spiegel" in one_line(
        run_cli("ris", "link", "ARB-01", "2026/0901", "--db", db)
    )
    assert "gibt es nicht" in one_line(run_cli("ris", "link", "XYZ-99", "2026/0901", "--db", db))


def test_suggestions_listed_and_rejected(ris, db_path):
    db = str(db_path)
    ok(run_cli("ris", "sync", ris.url("system"), "--db", db, "--rate", "1000"))
    text = ok(run_cli("ris", "suggestions", "--db", db))
    assert "SCH-09" in text and "2026/0904" in text
    ok(run_cli("ris", "reject", "SCH-09", "2026/0904", "--db", db))
    data = json.loads(ok(run_cli("ris", "suggestions", "--db", db, "--format", "json")))
    assert ("SCH-09", "2026/0904") not in {(s["measure"], s["paper"]) for s in data["links"]}


def test_a_killed_sync_keeps_the_previous_state_and_the_next_completes(ris, db_path):
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from helpers import wait_until

    db = str(db_path)
    ok(run_cli("ris", "sync", ris.url("system"), "--db", db, "--rate", "1000"))
    ris.paper("2")["name"] = "Mensenkonzept, dritte Fassung"
    ris.paper("2")["modified"] = "2099-01-01T00:00:00+01:00"
    ris.page_size = 1  # many small pages, read slowly: time to kill it half-way
    before = len(ris.asked("/body/1/paper"))
    exe = Path(sys.executable).with_name("herne-tui")
    proc = subprocess.Popen(
        [str(exe), "ris", "sync", "--full", "--db", db, "--rate", "4"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # killed after the page holding the changed paper was read, while the lists go on
        wait_until(
            lambda: any(a.get("page") == "3" for a in ris.asked("/body/1/paper")[before:]),
            what="the sync past the changed paper",
        )
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    (paper,) = json.loads(
        ok(run_cli("ris", "papers", "--db", db, "--search", "0902", "--format", "json"))
    )
    assert paper["name"].startswith("Mensen an Schulen")
    ok(run_cli("ris", "sync", "--db", db, "--rate", "1000"))
    (paper,) = json.loads(
        ok(run_cli("ris", "papers", "--db", db, "--search", "0902", "--format", "json"))
    )
    assert paper["name"] == "Mensenkonzept, dritte Fassung"


def test_server_text_cannot_act_on_the_terminal(ris, db_path):
    db = str(db_path)
    ris.paper("3")["name"] = "Bericht\x1b]52;c;Z2VoZWlt\x07 mit Steuerzeichen"
    ok(run_cli("ris", "sync", ris.url("system"), "--db", db, "--rate", "1000"))
    out = ok(run_cli("ris", "papers", "--db", db, "--search", "0903"))
    assert "\x1b" not in out and "\x07" not in out and "Bericht" in out
    data = ok(run_cli("ris", "papers", "--db", db, "--search", "0903", "--format", "json"))
    assert "\x1b" not in data and json.loads(data)[0]["name"].startswith("Bericht\x1b]52")
