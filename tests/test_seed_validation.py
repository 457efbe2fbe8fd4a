"""Seed validation in the process: every problem with its exact ``file:line`` and German text.

(`test_check.py` runs the same checks through the CLI; these see a planted bug in the loader.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from herne_tui.errors import SeedProblems
from herne_tui.seeding.load import load_seed

VALID = (Path(__file__).parent / "seeds_broken" / "_valid.toml.txt").read_text(encoding="utf-8")
# lines of VALID: 28 id = "ARB-01", 31 its title, 35 id = "ARB-02", 38 its title, 39 its text

REPEAT = '\n[[repeats]]\nof = "ARB-01"\ntopic = "ARB"\nparagraph = 3\ntext = "Erster Absatz."\n'
# appended to VALID: line 41 [[repeats]], 42 of, 43 topic, 44 paragraph, 45 text


def problems(tmp_path, text: str) -> list[str]:
    """The problems ``load_seed`` reports for a one-file seed, as ``s.toml:LINE: message``."""
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SeedProblems) as caught:
        load_seed(path)
    return [p.replace(str(path), "s.toml") for p in caught.value.problems]


def second(old: str, new: str) -> str:
    """VALID with ``old`` replaced in the second measure only."""
    head, sep, tail = VALID.partition('id = "ARB-02"')
    return head + (sep + tail).replace(old, new, 1)


def test_the_valid_mini_seed_loads(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(VALID + REPEAT, encoding="utf-8")
    seed = load_seed(path).seed
    assert [m.id for m in seed.measures] == ["ARB-01", "ARB-02"]
    assert [r.of for r in seed.repeats] == ["ARB-01"]


@pytest.mark.parametrize(
    "bad", ["ARB-2", "ARB-0002", "xARB-02", "ARB-02x", "A-02", "ARBEIT-02", "arb-02", "ARB02"]
)
def test_an_id_must_be_topic_dash_number_in_full(tmp_path, bad):
    assert problems(tmp_path, second('id = "ARB-02"', f'id = "{bad}"')) == [
        f"s.toml:35: ID „{bad}“ hat nicht die Form THEMA-NN"
    ]


def test_longer_numbers_and_topics_within_bounds_are_fine(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(second('id = "ARB-02"', 'id = "ARB-102"'), encoding="utf-8")
    assert [m.id for m in load_seed(path).seed.measures] == ["ARB-01", "ARB-102"]


def test_an_id_must_name_its_own_topic(tmp_path):
    assert problems(tmp_path, second('id = "ARB-02"', 'id = "SCH-02"')) == [
        "s.toml:35: ID „SCH-02“ passt nicht zum Thema „ARB“"
    ]


def test_repeated_ids_and_titles_name_the_second_entry(tmp_path):
    text = second('id = "ARB-02"', 'id = "ARB-01"').replace("Zweite Maßnahme", "Erste Maßnahme")
    assert problems(tmp_path, text) == [
        "s.toml:35: Maßnahmen-ID „ARB-01“ kommt doppelt vor",
        "s.toml:38: Kurztitel „Erste Maßnahme“ kommt doppelt vor",
    ]


def test_repeated_vocabulary_keys(tmp_path):
    text = VALID.replace('key = "umgesetzt"', 'key = "offen"').replace("order = 2", "order = 1")
    text += '\n[[topics]]\nkey = "ARB"\nname = "Nochmal"\norder = 2\n'
    assert problems(tmp_path, text) == [
        "s.toml:42: Themenschlüssel „ARB“ kommt doppelt vor",
        "s.toml:22: Status „offen“ kommt doppelt vor",
        "s.toml:24: Status-Reihenfolge „1“ kommt doppelt vor",
    ]


def test_titles_and_texts(tmp_path):
    assert problems(tmp_path, second("Zweite Maßnahme", "   ")) == [
        "s.toml:38: ARB-02: Titel fehlt – einen kurzen Titel (höchstens 60 Zeichen) eintragen"
    ]
    assert problems(tmp_path, second("Zweite Maßnahme", "x" * 61)) == [
        "s.toml:38: Kurztitel hat 61 Zeichen (höchstens 60)"
    ]
    assert problems(tmp_path, second("Zweiter Absatz.", " ")) == ["s.toml:39: Text ist leer"]
    path = tmp_path / "ok.toml"
    path.write_text(second("Zweite Maßnahme", "x" * 60), encoding="utf-8")
    assert load_seed(path).seed.measures[1].title == "x" * 60


def test_state_fields_refer_to_what_the_seed_defines(tmp_path):
    text = second("paragraph = 2\n", 'paragraph = 2\nstatus = "fertig"\nlead = "FDP"\n')
    assert problems(tmp_path, text) == [
        "s.toml:38: unbekannter Status „fertig“",
        "s.toml:39: Federführung „FDP“ ist keiner von CDU, SPD, gemeinsam",
    ]
    good = tmp_path / "good.toml"
    good.write_text(
        second("paragraph = 2\n", 'paragraph = 2\nstatus = "umgesetzt"\nlead = "gemeinsam"\n'),
        encoding="utf-8",
    )
    assert load_seed(good).seed.measures[1].lead == "gemeinsam"


def test_an_origin_is_a_partner_or_gemeinsam(tmp_path):
    text = second("paragraph = 2\n", 'paragraph = 2\nlead = "SPD"\norigin = "FDP"\n')
    assert problems(tmp_path, text) == [
        "s.toml:39: Herkunft „FDP“ ist keiner von CDU, SPD, gemeinsam",
    ]
    good = tmp_path / "good.toml"
    good.write_text(second("paragraph = 2\n", 'paragraph = 2\norigin = "CDU"\n'), encoding="utf-8")
    assert [m.origin for m in load_seed(good).seed.measures] == ["", "CDU"]


def test_related_measures_must_exist_and_not_be_itself(tmp_path):
    text = second("paragraph = 2\n", 'paragraph = 2\nrelated = ["ARB-09", "ARB-02"]\n')
    assert problems(tmp_path, text) == [
        "s.toml:38: verwandte Maßnahme „ARB-09“ gibt es nicht",
        "s.toml:38: „ARB-02“ verweist auf sich selbst",
    ]


def test_unknown_topic_of_a_measure(tmp_path):
    assert problems(tmp_path, second('topic = "ARB"', 'topic = "XYZ"')) == [
        "s.toml:35: ID „ARB-02“ passt nicht zum Thema „XYZ“",
        "s.toml:36: unbekanntes Thema „XYZ“",
    ]


def test_repeats_point_to_a_measure_with_the_same_text(tmp_path):
    assert problems(tmp_path, VALID + REPEAT.replace('of = "ARB-01"', 'of = "ARB-07"')) == [
        "s.toml:42: Wiederholung verweist auf „ARB-07“, das es nicht gibt"
    ]
    assert problems(tmp_path, VALID + REPEAT.replace("Erster Absatz.", "Anders.")) == [
        "s.toml:45: Text der Wiederholung weicht von „ARB-01“ ab"
    ]
    assert problems(tmp_path, VALID + REPEAT.replace('topic = "ARB"', 'topic = "SCH"')) == [
        "s.toml:43: unbekanntes Thema „SCH“"
    ]


def test_header_checks(tmp_path):
    assert problems(tmp_path, VALID.replace("term_end = 2030-10-31", "term_end = 2025-10-31")) == [
        "s.toml:7: Ende der Wahlperiode liegt vor ihrem Beginn"
    ]
    newer = problems(tmp_path, VALID.replace("format = 1", "format = 99"))
    assert newer == ["s.toml:1: Seed-Format 99 ist neuer als dieses herne-tui (1)"]
    assert problems(tmp_path, VALID.replace("done = true", "done = false")) == [
        "s.toml:19: kein Status zählt als erledigt (done = true)"
    ]


def test_every_problem_is_listed_at_once(tmp_path):
    text = second('id = "ARB-02"', 'id = "ARB-2"').replace("Erster Absatz.", " ")
    assert problems(tmp_path, text) == [
        "s.toml:32: Text ist leer",
        "s.toml:35: ID „ARB-2“ hat nicht die Form THEMA-NN",
    ]


def test_shape_errors_name_the_field(tmp_path):
    assert problems(tmp_path, second("paragraph = 2", 'paragraph = "zwei"')) == [
        "s.toml:37: „paragraph“ hat den falschen Typ (Ganzzahl erwartet)"
    ]
    assert problems(tmp_path, second("paragraph = 2\n", 'paragraph = 2\nfarbe = "rot"\n')) == [
        "s.toml:38: unbekanntes Feld „farbe“"
    ]
    assert problems(tmp_path, second('title = "Zweite Maßnahme"\n', "")) == [
        "s.toml:34: Pflichtfeld „title“ fehlt"  # the entry's header
    ]
    assert problems(tmp_path, second("paragraph = 2\n", 'paragraph = 2\ndue = "morgen"\n')) == [
        "s.toml:38: „due“ hat den falschen Typ (Datum erwartet, z. B. 2026-03-31 ohne "
        "Anführungszeichen)"
    ]
    head = VALID.split("[[topics]]")[0].replace('[meta]\nname = "MINI 2030"', "[metax]\nname = 1")
    got = problems(tmp_path, head + "[[topics]]" + VALID.split("[[topics]]", 1)[1])
    # German, also for a whole section (pydantic said "Extra inputs are not permitted")
    assert got == ["s.toml:1: Abschnitt „meta“ fehlt", "s.toml:3: unbekanntes Feld „metax“"]
    assert problems(tmp_path, VALID.replace("format = 1", 'format = "eins"')) == [
        "s.toml:1: „format“ hat den falschen Typ (Ganzzahl erwartet)"
    ]


def test_toml_syntax_errors_name_their_line(tmp_path):
    text = VALID.replace('name = "Arbeit"', 'name = "Arbeit')
    [problem] = problems(tmp_path, text)
    assert problem.startswith("s.toml:12: TOML-Syntaxfehler: ")
    assert "(at line" not in problem


def test_a_folder_without_toml_files_and_a_missing_path(tmp_path):
    (tmp_path / "leer").mkdir()
    with pytest.raises(SeedProblems) as caught:
        load_seed(tmp_path / "leer")
    assert caught.value.problems == [
        f"{tmp_path / 'leer'}:1: keine *.toml-Dateien in diesem Ordner"
    ]
    with pytest.raises(SeedProblems) as caught:
        load_seed(tmp_path / "fehlt.toml")
    assert caught.value.problems == [
        f"{tmp_path / 'fehlt.toml'}:1: Datei oder Ordner nicht gefunden"
    ]


def test_a_folder_with_a_section_in_two_files_names_both(tmp_path):
    folder = tmp_path / "zwei"
    folder.mkdir()
    (folder / "a.toml").write_text(VALID, encoding="utf-8")
    (folder / "b.toml").write_text('[[topics]]\nkey = "SCH"\nname = "Schule"\norder = 2\n')
    with pytest.raises(SeedProblems) as caught:
        load_seed(folder)
    assert caught.value.problems == [
        f"{folder / 'b.toml'}:1: „topics“ steht schon in {folder / 'a.toml'}"
    ]


def test_multiline_strings_do_not_shift_the_lines(tmp_path):
    text = second(
        'text = "Zweiter Absatz."', 'text = """Zweiter\nid = "X"\nAbsatz."""\nrelated = ["ARB-07"]'
    )
    assert problems(tmp_path, text) == ["s.toml:42: verwandte Maßnahme „ARB-07“ gibt es nicht"]


# -- wrong types: German, with the key as written (issue 14 leftovers) -------------------------


def test_wrong_partner_types_name_the_entry_not_pydantics_union_members(tmp_path):
    text = VALID.replace('partners = ["SPD", "CDU"]', "partners = [1, 2]")
    assert problems(tmp_path, text) == [
        "s.toml:5: „partners“ (Eintrag 1) hat den falschen Typ (Text oder Tabelle erwartet)",
        "s.toml:5: „partners“ (Eintrag 2) hat den falschen Typ (Text oder Tabelle erwartet)",
    ]
    table = VALID.replace('partners = ["SPD", "CDU"]', 'partners = [{ short = 1 }, "CDU"]')
    assert problems(tmp_path, table) == [
        "s.toml:5: „partners.short“ (Eintrag 1) hat den falschen Typ (Text erwartet)"
    ]
    extra = VALID.replace('partners = ["SPD", "CDU"]', 'partners = [{ short = "X", Farbe = 1 }]')
    assert problems(tmp_path, extra) == ["s.toml:5: unbekanntes Feld „partners.Farbe“ (Eintrag 1)"]


def test_wrong_measure_types_name_the_key_and_its_line(tmp_path):
    extra = 'targets = [{ label = "Plätze", value = "viele", unit = "" }]\nsubitems = [1]\n'
    assert problems(tmp_path, second("paragraph = 2\n", "paragraph = 2\n" + extra)) == [
        "s.toml:39: „subitems“ (Eintrag 1) hat den falschen Typ (Text erwartet)",
        "s.toml:38: „targets.value“ (Eintrag 1) hat den falschen Typ (Ganzzahl oder Zahl erwartet)",
    ]


def test_a_literal_choice_is_refused_in_german(tmp_path):
    text = VALID + '\n[[committees]]\nkey = "AUS"\nname = "Ausschuss"\nchange = "neuu"\n'
    [line] = problems(tmp_path, text)
    assert line == (
        "s.toml:44: „change“: „neuu“ ist keiner von neu, aufgeteilt, erweitert, umbenannt, "
        "unveraendert"
    )


# a value of each TOML type, written as TOML, and the fields it may be planted in
WRONG = {
    "integer": "7",
    "float": "1.5",
    "bool": "true",
    "date": "2026-03-31",
    "text": '"sieben"',
    "list": "[1, 2]",
    "table": "{ a = 1 }",
}
FIELDS = {  # key in the second measure (line 38 after the insert) → the TOML types it accepts
    "paragraph": {"integer"},
    "title": {"text"},
    "responsible": {"text"},
    "lead": {"text"},
    "origin": {"text"},
    "due": {"date"},
    "subitems": {"list"},
    "related": {"list"},
    "status": {"text"},
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=st.sampled_from(sorted(FIELDS)), kind=st.sampled_from(sorted(WRONG)))
def test_any_wrong_type_is_one_german_line_with_the_key_as_written(tmp_path, field, kind):
    if kind in FIELDS[field]:
        return
    head, sep, tail = VALID.partition('id = "ARB-02"')
    body = (sep + tail).replace(f"\n{field} = ", "\n_old = ")  # the planted key replaces it
    body = body.replace("topic = ", f"{field} = {WRONG[kind]}\ntopic = ", 1)
    text = head + "\n".join(line for line in body.split("\n") if not line.startswith("_old"))
    found = problems(tmp_path, text)
    assert found, (field, kind)
    for line in found:
        assert line.startswith("s.toml:36: "), line  # the planted key's own line
        assert f"„{field}“" in line or "Pflichtfeld" in line, line
        assert not re.search(r"Input should|should be|\.str\b|Seed[A-Z]|\[|type=", line), line


ENGLISH = re.compile(r"Input should|should be|\.str\b|Seed[A-Z]|\[|type=|Field required")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(sorted(set(WRONG) - {"text"})),
    where=st.sampled_from(['partners = [X, "CDU"]', "partners = X", "name = X"]),
)
def test_a_wrong_type_in_meta_is_german_too(tmp_path, kind, where):
    key = where.split(" ")[0]
    line = f"{key} = " + ('["SPD", "CDU"]' if key == "partners" else '"MINI 2030"')
    if where == "partners = X" and kind == "list":
        return  # a list is right there
    text = VALID.replace(line, where.replace("X", WRONG[kind]))
    found = problems(tmp_path, text)
    assert found, (kind, where)
    for problem in found:
        assert problem.startswith(f"s.toml:{4 if key == 'name' else 5}: "), problem
        assert f"„{key}" in problem, problem
        assert not ENGLISH.search(problem), problem


def test_partner_and_committee_problems_name_their_own_line(tmp_path):
    one = problems(tmp_path, VALID.replace('partners = ["SPD", "CDU"]', 'partners = ["SPD"]'))
    assert one == ["s.toml:5: mindestens zwei Partner angeben"]
    committee = (
        '\n[[committees]]\nkey = "k"\nname = "Ausschuss"\nchange = "umbenannt"\n'
        'change_note = "x"\nmeasure = "ARB-99"\nsection = "s"\nsource = "q"\n'
    )  # appended: line 41 [[committees]], 46 measure
    assert problems(tmp_path, VALID + committee) == ["s.toml:46: Maßnahme „ARB-99“ gibt es nicht"]


def test_a_partners_short_name_with_spaces_is_refused_on_its_line(tmp_path):
    text = VALID.replace('partners = ["SPD", "CDU"]', 'partners = [{ short = " SPD" }, "CDU"]')
    assert problems(tmp_path, text) == [
        "s.toml:5: Kurzname „ SPD“ ist leer oder hat Leerzeichen am Rand"
    ]


def test_a_groups_size_for_an_unknown_party_is_refused_on_its_line(tmp_path):
    rule = (
        '\n[[rules]]\nkey = "koordinierungsgruppe"\nsection = "s"\nsummary = "k"\n'
        'text = "t"\n[rules.params]\nmax_per_party = { SPD = 4, FDP = 3 }\n'
    )  # appended: line 41 [[rules]], 46 [rules.params] (the line named), 47 max_per_party
    assert problems(tmp_path, VALID + rule) == [
        "s.toml:46: „FDP“ ist keine Partei der Vereinbarung (SPD, CDU)"
    ]
