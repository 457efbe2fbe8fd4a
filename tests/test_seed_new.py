"""``herne-tui seed new FOLDER --from-text FILE`` (issue 14 item 2): a seed skeleton from an
agreement's text, tried on seed/README.md's worked example and on the HERNE 2030 text."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from helpers import AGREEMENT, REPO, run_cli


def _example() -> str:
    """The worked example's agreement, as seed/README.md shows it."""
    readme = (REPO / "seed" / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Worked example") :]
    return re.search(r"```markdown\n(.*?)```", section, re.S).group(1)


def _toml(folder: Path, name: str) -> dict:
    return tomllib.loads((folder / name).read_text(encoding="utf-8"))


def test_the_worked_example_becomes_a_seed_a_new_user_can_finish(tmp_path):
    source = tmp_path / "beispielstadt.md"
    source.write_text(_example(), encoding="utf-8")
    folder = tmp_path / "beispielstadt"
    made = run_cli("seed", "new", str(folder), "--from-text", str(source))
    assert made.returncode == 0, made.stderr
    assert "3 Themen" in made.stdout and "6 Maßnahmen, 1 Wiederholung" in made.stdout
    assert "„Bildung“: keine Überschrift im Text" in made.stderr
    assert "Jede Grundschule" in made.stderr

    agreement = _toml(folder, "agreement.toml")
    assert agreement["meta"]["name"] == "ZUKUNFT BEISPIELSTADT"
    assert [(t["key"], t["name"]) for t in agreement["topics"]] == [
        ("KLI", "Klima und Energie"),
        ("VER", "Verkehr"),
        ("BIL", "Bildung"),
    ]
    assert agreement["meta"]["term_start"].year == 2025
    assert agreement["meta"]["term_end"].year == 2030
    measures = _toml(folder, "measures.toml")
    got = [
        (m["id"], m["paragraph"], m["text"], m.get("subitems", [])) for m in measures["measures"]
    ]
    assert got == [
        ("KLI-01", 1, "Alle städtischen Dächer erhalten bis 2030 Photovoltaik.", []),
        (
            "KLI-02",
            2,
            "Die Stadtwerke bieten einen Ökostromtarif an:",
            ["für Privathaushalte,", "für kleine Betriebe."],
        ),
        ("KLI-03", 3, "Wir prüfen jede Ratsvorlage auf ihre Klimawirkung.", []),
        ("VER-01", 1, "Der Busverkehr fährt im Takt von 15 Minuten.", []),
        ("BIL-01", 1, "Jede Grundschule bekommt einen sicheren Radweg.", []),
        ("BIL-02", 2, "Die Schulbibliotheken öffnen auch nachmittags.", []),
    ]
    assert [m["title"] for m in measures["measures"]] == [""] * 6
    assert measures["repeats"] == [
        {
            "of": "KLI-03",
            "topic": "VER",
            "paragraph": 2,
            "text": "Wir prüfen jede Ratsvorlage auf ihre Klimawirkung.",
        }
    ]
    # preamble and coordination are not measures
    assert "vertrauensvoll" not in (folder / "measures.toml").read_text(encoding="utf-8")
    assert "gemeinsam ab" not in (folder / "measures.toml").read_text(encoding="utf-8")

    checked = run_cli("check", str(folder))
    assert checked.returncode == 2
    missing = [line for line in checked.stdout.splitlines() if "Titel fehlt" in line]
    assert [re.search(r": (\w+-\d+): Titel fehlt", line)[1] for line in missing] == [
        m[0] for m in got
    ]
    assert "mindestens zwei Partner angeben" in checked.stdout
    assert len(checked.stdout.splitlines()) == 7

    # the user fills in the partners and the titles, then uses it
    text = (folder / "agreement.toml").read_text(encoding="utf-8")
    text = re.sub(r"partners = \[\].*", 'partners = ["GRÜNE", "FDP", "BfB"]', text)
    (folder / "agreement.toml").write_text(text, encoding="utf-8")
    text = (folder / "measures.toml").read_text(encoding="utf-8")
    for n in range(6):
        text = text.replace('title = ""  # Titel fehlt', f'title = "Vorhaben {n + 1}"', 1)
    (folder / "measures.toml").write_text(text, encoding="utf-8")
    ok = run_cli("check", str(folder))
    assert ok.returncode == 0, ok.stdout
    db = str(tmp_path / "beispielstadt.db")
    seeded = run_cli("seed", "--db", db, "--from", str(folder))
    assert seeded.returncode == 0, seeded.stderr
    listed = json.loads(run_cli("list", "--db", db, "--format", "json").stdout)
    assert [m["id"] for m in listed] == [m[0] for m in got]
    shown = run_cli("show", "VER-01", "--db", db).stdout
    assert "Busverkehr" in shown


def test_a_folder_that_is_not_empty_or_a_text_without_contents_is_one_line(tmp_path):
    source = tmp_path / "a.md"
    source.write_text(_example(), encoding="utf-8")
    taken = tmp_path / "voll"
    taken.mkdir()
    (taken / "x.toml").write_text("", encoding="utf-8")
    for args, words in (
        ([str(taken), "--from-text", str(source)], "nicht leer"),
        ([str(tmp_path / "neu"), "--from-text", str(tmp_path / "fehlt.md")], "fehlt.md"),
        ([str(tmp_path / "neu"), "--from-text", str(source), "--part", "Anhang"], "Anhang"),
    ):
        result = run_cli("seed", "new", *args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and words in lines[0], result.stderr
    plain = tmp_path / "ohne.txt"
    plain.write_text("Wir bauen Radwege.\n\nWir pflanzen Bäume.\n", encoding="utf-8")
    result = run_cli("seed", "new", str(tmp_path / "neu"), "--from-text", str(plain))
    assert result.returncode == 2 and "Inhaltsverzeichnis" in result.stderr
    assert not (tmp_path / "neu").exists()


@pytest.mark.skipif(
    not AGREEMENT.exists(),
    reason=f"agreement text {AGREEMENT} not present (it ships beside the repo only in dev/CI)",
)
def test_seed_new_on_herne_2030_reproduces_the_bundled_seed(tmp_path, bundled_seed):
    folder = tmp_path / "herne"
    made = run_cli("seed", "new", str(folder), "--from-text", str(AGREEMENT))
    assert made.returncode == 0, made.stderr
    assert "„Umwelt“: keine Überschrift im Text" in made.stderr  # found all the same
    seed = bundled_seed.seed
    agreement = _toml(folder, "agreement.toml")
    drafted = _toml(folder, "measures.toml")

    # the same topics, in the same order (keys are proposals: map them by position)
    topics = sorted(seed.topics, key=lambda t: t.order)
    assert [t["name"] for t in agreement["topics"]] == [t.name for t in topics]
    key = {t["key"]: b.key for t, b in zip(agreement["topics"], topics, strict=True)}
    assert sum(k == v for k, v in key.items()) >= 12  # all but "Kinder, Jugend und Familie"
    assert agreement["meta"]["name"] == seed.meta.name
    assert agreement["meta"]["title"] == seed.meta.title

    def ours(entry: dict) -> str:
        topic, number = entry["id"].rsplit("-", 1)
        return f"{key[topic]}-{number}"

    # the same measures: ids, places, verbatim paragraphs and bullets
    assert [
        (ours(m), key[m["topic"]], m["paragraph"], m["text"], m.get("subitems", []))
        for m in drafted["measures"]
    ] == [(m.id, m.topic, m.paragraph, m.text, list(m.subitems)) for m in seed.measures]
    # the same repeats
    assert [
        (
            key[r["of"].rsplit("-", 1)[0]] + "-" + r["of"].rsplit("-", 1)[1],
            key[r["topic"]],
            r["paragraph"],
            r["text"],
        )
        for r in drafted["repeats"]
    ] == [(r.of, r.topic, r.paragraph, r.text) for r in seed.repeats]
    # and check asks for every title
    checked = run_cli("check", str(folder))
    assert checked.stdout.count("Titel fehlt") == len(seed.measures) == 140
