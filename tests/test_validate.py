"""The field validators every write uses: the clean value, or one German line naming the field."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from herne_tui.errors import InvalidInput
from herne_tui.services import edits, papers, validate


def test_text_collapses_one_line_and_keeps_paragraphs():
    assert validate.text("  a   b \t c ", "F") == "a b c"
    assert validate.text("  a  b\n\n c  ", "F") == "a  b\n\n c"
    assert validate.text(None, "F") == ""
    with pytest.raises(InvalidInput, match="^F: Text erwartet$"):
        validate.text(3, "F")


def test_day_in_every_form():
    assert validate.day("31.3.26", "Fällig") == date(2026, 3, 31)
    assert validate.day(date(2026, 3, 1), "Fällig") == date(2026, 3, 1)
    assert validate.day(datetime(2026, 3, 1, 23, 0), "Fällig") == date(2026, 3, 1)
    assert validate.day("", "Fällig") is None and validate.day(None, "Fällig") is None
    with pytest.raises(InvalidInput, match="^Fällig: Datum „morgen“ nicht lesbar"):
        validate.day("morgen", "Fällig")
    with pytest.raises(InvalidInput, match="^Fällig: Datum erwartet$"):
        validate.day(20260301, "Fällig")


def test_choice_names_what_is_allowed():
    lead = validate.choice(("SPD", "CDU"))
    assert lead("  SPD ", "Federführung") == "SPD"
    assert lead("", "Federführung") == ""
    with pytest.raises(
        InvalidInput, match="^Federführung: „FDP“ ist nicht erlaubt \\(erlaubt: SPD, CDU\\)$"
    ):
        lead("FDP", "Federführung")
    strict = validate.choice(("a",), allow_empty=False)
    with pytest.raises(InvalidInput, match="„“ ist nicht erlaubt"):
        strict("", "X")


@pytest.mark.parametrize("yes", [True, "ja", "Ja", "yes", "TRUE", "1", "j", "J"])
def test_boolean_yes(yes):
    assert validate.boolean(yes, "Ausgeschrieben") is True


@pytest.mark.parametrize("no", [False, "nein", "NEIN", "no", "false", "0", "n", "N", ""])
def test_boolean_no(no):
    assert validate.boolean(no, "Ausgeschrieben") is False


@pytest.mark.parametrize("bad", ["vielleicht", None, 1, "2"])
def test_boolean_refuses_anything_else(bad):
    with pytest.raises(InvalidInput, match="^Ausgeschrieben: ja oder nein erwartet$"):
        validate.boolean(bad, "Ausgeschrieben")


def test_people_and_positions():
    assert validate.people({"SPD": "  Anna  A ", "CDU": " "}, "Sprecher") == {"SPD": "Anna A"}
    with pytest.raises(InvalidInput, match="^Sprecher: Zuordnung Partei → Name erwartet$"):
        validate.people(["Anna"], "Sprecher")
    assert validate.position("enthalten") == "enthalten"
    with pytest.raises(
        InvalidInput,
        match="^Position „dafür“ gibt es nicht \\(zustimmen, ablehnen, enthalten, offen\\)$",
    ):
        validate.position("dafür")


def test_unknown_status_lists_the_known_ones_in_board_order(db):
    with pytest.raises(
        InvalidInput,
        match=(
            "^Status „fertig“ gibt es nicht \\(bekannt: offen, vorbereitung, beratung, "
            "umsetzung, umgesetzt, zurueckgestellt\\)$"
        ),
    ):
        edits.move_measure(db, measure_id="ARB-01", status="fertig", user="a")


def test_a_bad_field_value_names_the_field_label(db):
    with pytest.raises(InvalidInput, match="^Fällig: Datum „32.1.26“ gibt es nicht"):
        edits.update_measure(db, measure_id="ARB-01", changes={"due": "32.1.26"}, user="a")
    with pytest.raises(InvalidInput, match="^Federführung: „FDP“ ist nicht erlaubt"):
        edits.update_measure(db, measure_id="ARB-01", changes={"lead": "FDP"}, user="a")


def paper(db, **values):
    base = {"title": "T", "kind": "vorlage", "body": "Rat"}
    base.update(values)
    return papers.add_paper(db, values=base, user="anna")


def test_paper_fields(db):
    p = paper(
        db,
        measure_ids="arb-01, SCH-02  ",
        meeting_date="26.3.26",
        legally_required="x",
        number="  2026/1 ",
    )
    assert p.measure_ids == ("ARB-01", "SCH-02")
    assert p.meeting_date == date(2026, 3, 26)
    assert p.legally_required is True and p.number == "2026/1"
    assert paper(db, measure_ids=["arb-03", " "]).measure_ids == ("ARB-03",)
    with pytest.raises(InvalidInput, match="^Maßnahme „ZZZ-01“ gibt es nicht$"):
        paper(db, measure_ids="ARB-01 zzz-01")
    with pytest.raises(InvalidInput, match="^Einreichfrist: Datum „bald“ nicht lesbar"):
        paper(db, filing_deadline="bald")
    with pytest.raises(InvalidInput, match="^Papier: Feld „farbe“ ist nicht änderbar$"):
        paper(db, farbe="rot")
    with pytest.raises(InvalidInput, match="^Art „brief“ gibt es nicht \\(erlaubt: gemeinsamer"):
        paper(db, kind="brief")
    with pytest.raises(InvalidInput, match="^Titel fehlt$"):
        paper(db, title="  ")
    with pytest.raises(InvalidInput, match="^Gremium fehlt \\(Rat, ein Ausschuss"):
        paper(db, body=" ")
