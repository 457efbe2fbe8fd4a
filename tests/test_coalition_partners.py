"""Any coalition, any number of partners (issue 14, item 1): a three-party agreement written
for the tests (``tests/seeds/dreier``) drives every CLI command and the app, and nothing of
the bundled agreement's partners or city appears where this one has none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import run_cli

from herne_tui.db.schema import open_database
from herne_tui.seeding.apply import seed_database
from herne_tui.seeding.load import load_seed
from herne_tui.services import edits, papers, queries

DREIER = Path(__file__).parent / "seeds" / "dreier"
FOREIGN = re.compile(r"SPD|CDU|Herne|HERNE")
"""What belongs to the bundled agreement and must not leak into another one."""
NOW = {"HERNE_TUI_NOW": "2027-03-02T10:00:00+00:00"}


@pytest.fixture
def dreier(tmp_path, clock):
    """A database seeded with the three-party agreement."""
    database = open_database(str(tmp_path / "dreier.db"), clock=clock)
    seed_database(database, load_seed(DREIER))
    yield database
    database.dispose()


def cli(*args: str, ok: bool = True):
    result = run_cli(*args, env=NOW)
    if ok:
        assert result.returncode == 0, (args, result.stderr)
    return result


def no_foreign(label: str, text: str) -> None:
    found = FOREIGN.findall(text)
    assert not found, f"{label}: {sorted(set(found))} in output"


def test_old_partner_list_still_loads_and_the_new_form_keeps_names_and_colours(dreier):
    herne = load_seed().seed  # the bundled seed: partners = ["SPD", "CDU"]
    assert herne.meta.partner_keys == ["SPD", "CDU"]
    assert herne.meta.stored()["partners"] == ["SPD", "CDU"]
    assert "partner_details" not in herne.meta.stored()
    a = queries.agreement(dreier)
    assert a.name == "WALDSTADT GEMEINSAM 2031"
    assert a.shorts == ("GRÜNE", "FDP", "VOLT")
    assert a.leads == ("GRÜNE", "FDP", "VOLT", "gemeinsam")
    assert [p.colour for p in a.partners] == ["#1AA037", "#FFED00", "#502379"]
    assert a.partners[1].label == "Freie Demokraten Waldstadt"


def test_check_refuses_a_group_size_for_an_unknown_party(tmp_path):
    seed = tmp_path / "s"
    seed.mkdir()
    for f in DREIER.iterdir():
        (seed / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    text = (seed / "agreement.toml").read_text(encoding="utf-8")
    text = text.replace("FDP = 3, VOLT = 3 }", "FDP = 3, PIRATEN = 3 }")
    (seed / "agreement.toml").write_text(text, encoding="utf-8")
    result = cli("check", str(seed), ok=False)
    assert result.returncode == 2
    said = result.stdout + result.stderr
    assert "agreement.toml:70: „PIRATEN“ ist keine Partei der Vereinbarung" in said


def test_every_cli_command_on_a_three_party_agreement(tmp_path):
    db = str(tmp_path / "w.db")
    outputs: dict[str, str] = {}

    def run(label: str, *args: str, ok: bool = True) -> str:
        result = cli(*args, ok=ok)
        outputs[label] = result.stdout + result.stderr
        return result.stdout

    assert "in Ordnung" in run("check", "check", str(DREIER))
    run("seed", "seed", "--db", db, "--from", str(DREIER))
    run("lead", "set", "--db", db, "--user", "ada", "KLI-02", "--lead", "GRÜNE")
    run(
        "lead2",
        "set",
        "--db",
        db,
        "--user",
        "vera",
        "BIL-02",
        "--lead",
        "VOLT",
        "--status",
        "arbeit",
        "--note",
        "Ausschreibung läuft",
    )
    refused = cli("set", "--db", db, "--user", "ada", "KLI-02", "--lead", "SPD", ok=False)
    assert refused.returncode == 2
    assert "erlaubt: GRÜNE, FDP, VOLT, gemeinsam" in refused.stderr
    assert "GRÜNE" in run("show", "show", "--db", db, "KLI-02")
    listed = run("list", "list", "--db", db, "--status", "arbeit")
    assert "BIL-02" in listed and "KLI-01" not in listed
    assert "VER-01" in run("list-topic", "list", "--db", db, "--topic", "VER")
    # nominations, a dissent and the Koordinierungsgruppe's decision, through the services
    database = open_database(db)
    try:
        seat = next(
            s for h in queries.list_holdings(database) for s in h.seats if s.key == "sww-gf"
        )
        assert seat.right == "FDP"
        edits.update_seat(
            database,
            key="wbg-gf",
            changes={"nominee": "Nina N", "nominee_party": "FDP"},
            user="felix",
        )
        paper = papers.add_paper(
            database,
            values={
                "title": "Baumschutzsatzung",
                "kind": "gemeinsamer-antrag",
                "body": "Rat der Stadt Waldstadt",
                "meeting_date": "2027-03-20",
                "filing_deadline": "2027-03-12",
            },
            user="ada",
        )
        dissent = papers.raise_dissent(
            database, subject=f"paper:{paper.id}", reason="Kosten", user="felix", party="FDP"
        )
        papers.decide_dissent(
            database,
            dissent_id=dissent.id,
            decision="einstimmig",
            outcome="Satzung mit Härtefallregel",
            participants={"GRÜNE": ["A1", "A2", "A3", "A4"], "FDP": ["F1"], "VOLT": ["V1"]},
            decided_on="2027-03-02",
            user="ada",
        )
    finally:
        database.dispose()
    violations = run("check-db", "check", "--db", db, ok=False)
    assert "wbg-gf" in violations or "Geschäftsführung" in violations
    assert "Recht liegt bei VOLT" in violations or "VOLT" in violations
    for kind in ("weekly", "annual", "midterm", "minutes"):
        for fmt in ("text", "md", "html"):
            run(f"{kind}.{fmt}", "report", "--db", db, kind, "--format", fmt)
    assert outputs["weekly.md"].startswith("# Wochenrückblick WALDSTADT GEMEINSAM 2031")
    assert "Satzung mit Härtefallregel" in outputs["minutes.md"]
    for fmt in ("toml", "json", "csv"):
        run(f"export.{fmt}", "export", "--db", db, "--format", fmt)
    run("history", "history", "--db", db)
    assert len(outputs) >= 20
    for label, text in outputs.items():
        no_foreign(label, text)


def test_group_size_per_party_comes_from_the_seed(dreier):
    paper = papers.add_paper(
        dreier,
        values={"title": "T", "kind": "vorlage", "body": "Rat", "meeting_date": "2027-04-01"},
        user="ada",
    )
    dissent = papers.raise_dissent(dreier, subject=f"paper:{paper.id}", reason="r", user="a")
    from herne_tui.errors import InvalidInput

    with pytest.raises(InvalidInput, match="höchstens 3 für FDP"):
        papers.decide_dissent(
            dreier,
            dissent_id=dissent.id,
            decision="einstimmig",
            outcome="o",
            participants={"GRÜNE": ["A1", "A2", "A3", "A4"], "FDP": ["F1", "F2", "F3", "F4"]},
            decided_on="2027-03-02",
            user="ada",
        )


async def test_app_shows_the_agreement_its_partners_and_its_own_screen_texts(dreier):
    from pilot import settle, started, table_rows, until
    from textual.widgets import Header, Static

    async with started(dreier, user="ada", size=(160, 40)) as (app, pilot):
        await until(pilot, lambda: app.title == "WALDSTADT GEMEINSAM 2031", what="the title")
        header = app.screen.query_one(Header)
        assert "GRÜNE · FDP · VOLT" in header.screen_sub_title
        await pilot.press("f")  # the lead filter offers this agreement's partners
        await pilot.pause()
        select = app.screen.query_one("#lead")
        values = [v for _, v in select._options]
        assert {"GRÜNE", "FDP", "VOLT", "gemeinsam"} <= set(values)
        assert not {"SPD", "CDU"} & set(values)
        select.value = "VOLT"
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = [m.id for v in app.screen.shown.values() for m in v]
        assert shown == ["VER-01"]
        await pilot.press("4")
        await settle(pilot)
        assert app.screen.title.startswith("Beigeordnete")
        intro = str(app.screen.query_one("#intro", Static).render())
        assert "die FDP hat das erste Wort" in intro
        assert "Beigeordnete für Klima und Mobilität" in " ".join(table_rows(app.screen)[0])
        await pilot.press("5")
        await settle(pilot)
        intro = str(app.screen.query_one("#intro", Static).render())
        assert intro.startswith("Führungsposten werden öffentlich ausgeschrieben.")
        no_foreign("holdings", intro + " ".join(" ".join(r) for r in table_rows(app.screen)))


def test_reports_give_the_share_implemented_per_origin(dreier):
    from herne_tui.errors import InvalidInput
    from herne_tui.reports import build

    assert "Herkunft" not in build.build_report(dreier, "annual", "md")  # none set yet
    for mid, origin in (("KLI-01", "GRÜNE"), ("BIL-01", "FDP"), ("VER-01", "FDP")):
        edits.update_measure(dreier, measure_id=mid, changes={"origin": origin}, user="ada")
    with pytest.raises(InvalidInput, match="erlaubt: GRÜNE, FDP, VOLT, gemeinsam"):
        edits.update_measure(dreier, measure_id="KLI-02", changes={"origin": "SPD"}, user="a")
    for kind in ("annual", "midterm"):
        text = build.build_report(dreier, kind, "md")
        assert "| FDP | 2 | 1 | 50 % |" in text, kind
        assert "| GRÜNE | 1 | 0 | 0 % |" in text, kind
    assert queries.get_measure(dreier, "BIL-01").origin == "FDP"
