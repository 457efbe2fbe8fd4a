"""``seed new`` built in this process (``test_seed_new`` runs the CLI): the skeleton drafted from
seed/README.md's worked example and from the HERNE 2030 text, checked by ``load_seed``."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from helpers import AGREEMENT
from test_seed_new import _example

from herne_tui.errors import InvalidInput, SeedProblems
from herne_tui.seeding import draft as drafting
from herne_tui.seeding.load import load_seed
from herne_tui.seeding.skeleton import write_skeleton

TODAY = date(2026, 3, 2)


def _toml(folder: Path, name: str) -> dict:
    return tomllib.loads((folder / name).read_text(encoding="utf-8"))


def _problems(folder: Path) -> list[str]:
    with pytest.raises(SeedProblems) as refused:
        load_seed(folder)
    return refused.value.problems


def test_the_worked_example_drafts_topics_measures_and_a_repeat(tmp_path):
    draft = drafting.read_agreement(_example())
    assert draft.name == "ZUKUNFT BEISPIELSTADT" and draft.term == (2025, 2030)
    assert [(t.key, t.name) for t in draft.topics] == [
        ("KLI", "Klima und Energie"),
        ("VER", "Verkehr"),
        ("BIL", "Bildung"),
    ]
    notes = draft.notes()
    assert any("„Bildung“: keine Überschrift im Text" in n for n in notes)
    assert any("Jede Grundschule" in n for n in notes)
    found = drafting.entries(draft)
    assert [(e.id, e.topic, e.paragraph, e.of) for e in found] == [
        ("KLI-01", "KLI", 1, None),
        ("KLI-02", "KLI", 2, None),
        ("KLI-03", "KLI", 3, None),
        ("VER-01", "VER", 1, None),
        (None, "VER", 2, "KLI-03"),
        ("BIL-01", "BIL", 1, None),
        ("BIL-02", "BIL", 2, None),
    ]
    assert found[1].subitems == ("für Privathaushalte,", "für kleine Betriebe.")

    folder = tmp_path / "beispielstadt"
    written = write_skeleton(draft, folder, TODAY)
    assert sorted(p.name for p in written) == ["agreement.toml", "measures.toml"]
    agreement = _toml(folder, "agreement.toml")
    assert agreement["meta"]["name"] == "ZUKUNFT BEISPIELSTADT"
    assert agreement["meta"]["term_start"].year == 2025
    assert agreement["meta"]["term_end"].year == 2030
    assert [(t["key"], t["name"]) for t in agreement["topics"]] == [
        ("KLI", "Klima und Energie"),
        ("VER", "Verkehr"),
        ("BIL", "Bildung"),
    ]
    measures = _toml(folder, "measures.toml")
    assert [
        (m["id"], m["topic"], m["paragraph"], m["text"], m.get("subitems", []), m["title"])
        for m in measures["measures"]
    ] == [
        ("KLI-01", "KLI", 1, "Alle städtischen Dächer erhalten bis 2030 Photovoltaik.", [], ""),
        (
            "KLI-02",
            "KLI",
            2,
            "Die Stadtwerke bieten einen Ökostromtarif an:",
            ["für Privathaushalte,", "für kleine Betriebe."],
            "",
        ),
        ("KLI-03", "KLI", 3, "Wir prüfen jede Ratsvorlage auf ihre Klimawirkung.", [], ""),
        ("VER-01", "VER", 1, "Der Busverkehr fährt im Takt von 15 Minuten.", [], ""),
        ("BIL-01", "BIL", 1, "Jede Grundschule bekommt einen sicheren Radweg.", [], ""),
        ("BIL-02", "BIL", 2, "Die Schulbibliotheken öffnen auch nachmittags.", [], ""),
    ]
    assert measures["repeats"] == [
        {
            "of": "KLI-03",
            "topic": "VER",
            "paragraph": 2,
            "text": "Wir prüfen jede Ratsvorlage auf ihre Klimawirkung.",
        }
    ]
    text = (folder / "measures.toml").read_text(encoding="utf-8")
    assert "vertrauensvoll" not in text and "gemeinsam ab" not in text
    problems = _problems(folder)
    missing = [p.split(": ")[1] for p in problems if ": Titel fehlt" in p]
    assert missing == [m["id"] for m in measures["measures"]]
    assert all(p.startswith(f"{folder / 'measures.toml'}:") for p in problems if "Titel" in p)
    assert any("mindestens zwei Partner angeben" in p for p in problems)


def test_a_text_without_contents_or_an_unknown_part_is_one_line():
    with pytest.raises(InvalidInput, match="Inhaltsverzeichnis"):
        drafting.read_agreement("Wir bauen Radwege.\n\nWir pflanzen Bäume.\n")
    with pytest.raises(InvalidInput, match="Anhang"):
        drafting.read_agreement(_example(), part="Anhang")


def test_a_folder_that_is_not_empty_is_refused(tmp_path):
    (tmp_path / "x.toml").write_text("", encoding="utf-8")
    with pytest.raises(InvalidInput, match="nicht leer"):
        write_skeleton(drafting.read_agreement(_example()), tmp_path, TODAY)
    assert [p.name for p in tmp_path.iterdir()] == ["x.toml"]


def test_keys_are_three_letters_of_the_first_real_word_and_unique():
    keys = drafting.propose_keys(["Klima und Energie", "Kultur", "Kinder und Jugend", "Verkehr"])
    assert len(set(keys)) == 4 and keys[0] == "KLI" and keys[3] == "VER"
    assert all(len(k) == 3 and k.isupper() for k in keys)
    assert drafting.propose_keys(["Die Umwelt"]) == ["UMW"]


@pytest.mark.skipif(not AGREEMENT.exists(), reason=f"agreement text {AGREEMENT} not present")
def test_herne_2030_reproduces_the_bundled_seed(tmp_path, bundled_seed):
    draft = drafting.read_agreement(AGREEMENT.read_text(encoding="utf-8"))
    seed = bundled_seed.seed
    topics = sorted(seed.topics, key=lambda t: t.order)
    assert [t.name for t in draft.topics] == [t.name for t in topics]
    key = {t.key: b.key for t, b in zip(draft.topics, topics, strict=True)}
    assert sum(k == v for k, v in key.items()) >= 12
    assert draft.name == seed.meta.name and draft.title == seed.meta.title

    def ours(mid: str) -> str:
        topic, number = mid.rsplit("-", 1)
        return f"{key[topic]}-{number}"

    found = drafting.entries(draft)
    assert [
        (ours(e.id), key[e.topic], e.paragraph, e.text, list(e.subitems))
        for e in found
        if e.id is not None
    ] == [(m.id, m.topic, m.paragraph, m.text, list(m.subitems)) for m in seed.measures]
    assert [(ours(e.of), key[e.topic], e.paragraph, e.text) for e in found if e.id is None] == [
        (r.of, r.topic, r.paragraph, r.text) for r in seed.repeats
    ]
    folder = tmp_path / "herne"
    write_skeleton(draft, folder, TODAY)
    assert sum(": Titel fehlt" in p for p in _problems(folder)) == 140


def _variant() -> str:
    """The worked example with a paragraph before the first section and a section that starts
    with a list."""
    text = _example().replace(
        "## Klima und Energie", "Ein Satz vorweg, der keinem Thema gehört.\n\n## Klima und Energie"
    )
    return text.replace(
        "## Verkehr\n\n",
        "## Verkehr\n\n- Nachtbusse fahren stündlich,\n- auch am Wochenende.\n\n",
    )


def test_a_paragraph_before_the_first_section_is_named_and_a_leading_list_is_a_measure():
    draft = drafting.read_agreement(_variant())
    line = _variant().splitlines().index("Ein Satz vorweg, der keinem Thema gehört.") + 1
    assert [p.text for p in draft.intro] == ["Ein Satz vorweg, der keinem Thema gehört."]
    assert draft.notes()[0] == (
        f"Zeile {line}: Absatz vor dem ersten Abschnitt, nicht übernommen: „Ein Satz vorweg, "
        "der keinem Thema gehört.…“"
    )
    verkehr = draft.topics[1]
    assert [(p.text, p.subitems) for p in verkehr.paragraphs][:2] == [
        ("Nachtbusse fahren stündlich,", ["auch am Wochenende."]),
        ("Der Busverkehr fährt im Takt von 15 Minuten.", []),
    ]
    assert [len(t.paragraphs) for t in draft.topics] == [3, 3, 2]


def test_without_a_title_or_a_term_the_skeleton_says_so_and_starts_today(tmp_path):
    lines = _example().splitlines()
    draft = drafting.read_agreement("\n".join(lines[4:]))  # from "# Inhalt" on
    assert (draft.name, draft.title, draft.term) == ("Vereinbarung", "", None)
    folder = tmp_path / "neu"
    folder.mkdir()  # an empty folder is fine
    write_skeleton(draft, folder, TODAY)
    text = (folder / "agreement.toml").read_text(encoding="utf-8")
    meta = tomllib.loads(text)["meta"]
    assert (meta["term_start"], meta["term_end"]) == (date(2026, 1, 1), date(2031, 12, 31))
    assert meta["signed"] == date(2026, 1, 1)
    with pytest.raises(InvalidInput) as missing:
        write_skeleton(draft, tmp_path / "fehlt" / "neu", TODAY)
    assert str(missing.value) == f"Ordner {tmp_path / 'fehlt'} gibt es nicht: bitte erst anlegen"


def test_the_skeleton_files_explain_themselves(tmp_path):
    write_skeleton(drafting.read_agreement(_example()), tmp_path / "s", TODAY)
    agreement = (tmp_path / "s" / "agreement.toml").read_text(encoding="utf-8")
    assert agreement.splitlines()[:2] == [
        "# ZUKUNFT BEISPIELSTADT: the agreement itself (written by `herne-tui seed new`).",
        "# Check the dates and partners; format: see seed/README.md.",
    ]
    assert "\n# ---- The board's columns ----\n" in agreement
    assert "# ---- Topic areas of „Inhaltliche Vereinbarungen“ in the order of the table of" in (
        agreement
    )
    statuses = tomllib.loads(agreement)["statuses"]
    assert [(s["key"], s["done"]) for s in statuses if s["done"]] == [("umgesetzt", True)]
    assert len(statuses) == 6 and [s["order"] for s in statuses] == [1, 2, 3, 4, 5, 6]
    measures = (tmp_path / "s" / "measures.toml").read_text(encoding="utf-8")
    assert measures.splitlines()[:4] == [
        "# ZUKUNFT BEISPIELSTADT: measures of „Inhaltliche Vereinbarungen“ (written by "
        "`herne-tui seed new`).",
        "# One [[measures]] block per paragraph; `text` and `subitems` are verbatim.",
        "# Every `title` is empty: write a short title (at most 60 characters) for each;",
        "# `herne-tui check` reports „Titel fehlt“ until every title is filled in.",
    ]
    assert '  "für Privathaushalte,",' in measures  # umlauts as they are, not \\u escapes
    assert "\n# ---- Paragraphs the agreement repeats word for word ----\n" in measures


def test_many_topics_with_one_name_still_get_letter_keys():
    keys = drafting.propose_keys(["Ab"] * 29)
    assert keys[:3] == ["AB", "ABA", "ABB"] and keys[26:] == ["ABZ", "ABAA", "ABBB"]
    assert len(set(keys)) == 29 and all(k.isalpha() and k.isupper() for k in keys)
