"""Domain objects' own rules: overdue, the filter's search text, seat problems, safe text."""

from __future__ import annotations

from datetime import date

from herne_tui.domain.objects import Access, Agreement, Measure, Seat, agreement_of
from herne_tui.domain.text import for_csv, for_markdown, for_serialized, for_terminal

DONE = frozenset({"umgesetzt"})


def seat(**kw) -> Seat:
    values = dict(
        key="s",
        holding="WFG",
        title="Geschäftsführung",
        right="CDU",
        nominee="",
        nominee_party="",
        tender_done=False,
        tender_date=None,
        state="offen",
        state_date=None,
        staffing=True,
        to_create=False,
        section="",
        source="",
        version=1,
    )
    values.update(kw)
    return Seat(**values)


def test_overdue_is_strictly_after_the_due_day_and_never_when_done():
    m = Measure("A-01", "A", "t", "x", "offen", 1, 1, due=date(2026, 3, 2))
    assert not m.is_overdue(date(2026, 3, 2), DONE)  # due today is not overdue yet
    assert m.is_overdue(date(2026, 3, 3), DONE)
    done = Measure("A-01", "A", "t", "x", "umgesetzt", 1, 1, due=date(2026, 1, 1))
    assert not done.is_overdue(date(2026, 3, 3), DONE)
    assert not Measure("A-01", "A", "t", "x", "offen", 1, 1).is_overdue(date(2030, 1, 1), DONE)


def test_the_search_text_holds_id_title_text_and_subitems_in_any_case():
    m = Measure("ARB-01", "ARB", "Titel Eins", "Der TEXT", "offen", 1, 1, subitems=("Punkt A",))
    hay = m.haystack()
    for word in ("arb-01", "titel eins", "der text", "punkt a"):
        assert word in hay
    assert "eins\nder" in hay  # fields are kept apart, so a search never spans two of them
    assert "einsder" not in hay


def test_seat_problems_in_the_users_words():
    assert seat().problems() == ()
    assert seat(nominee_party="SPD").problems() == ("Vorschlag SPD, Recht liegt bei CDU",)
    assert seat(nominee_party="CDU").problems() == ()
    assert seat(nominee_party="SPD", right="").problems() == ()
    assert seat(nominee="X").problems() == ("ohne externe Ausschreibung besetzt",)
    assert seat(state="besetzt").problems() == ("ohne externe Ausschreibung besetzt",)
    assert seat(state="nominiert").problems() == ("ohne externe Ausschreibung besetzt",)
    assert seat(state="ausgeschrieben").problems() == ()
    assert seat(state="besetzt", tender_done=True).problems() == ()
    assert seat(state="besetzt", staffing=False).problems() == ()
    assert seat(nominee="X", nominee_party="SPD").problems() == (
        "Vorschlag SPD, Recht liegt bei CDU",
        "ohne externe Ausschreibung besetzt",
    )


def test_terminal_text_shows_controls_as_symbols():
    assert for_terminal("a\x1b[31mb") == "a␛[31mb"
    assert for_terminal("a\nb\tc") == "a\nb\tc"
    assert for_terminal("a\nb\tc", one_line=True) == "a␊b␉c"
    assert for_terminal("\x00\x7f\x85\u202e") == "␀␡<85><U+202E>"
    assert for_terminal("\u2066x\u2069") == "<U+2066>x<U+2069>"
    assert for_terminal("ok ß 🙂") == "ok ß 🙂"


def test_markdown_text_is_literal():
    assert for_markdown("*fett* [x](y) <b>&") == "\\*fett\\* \\[x\\](y) \\<b\\>\\&"
    assert for_markdown("# Titel\n> Zitat\n- Punkt\n+ p\n= s") == (
        "\\# Titel\n\\> Zitat\n\\- Punkt\n\\+ p\n\\= s"
    )
    assert for_markdown("12. Punkt\n  3) x") == "12\\. Punkt\n  3\\) x"
    assert for_markdown("a - b # c 1. d") == "a - b # c 1. d"  # only at a line's start
    assert for_markdown("x\x1b") == "x␛"
    assert for_markdown("`a`|b~c!d_e\\") == "\\`a\\`\\|b\\~c\\!d\\_e\\\\"


def test_serialized_text_escapes_only_what_formats_leave_raw():
    assert for_serialized('"a\x7fb\x9f\u202ec"') == '"a\\u007fb\\u009f\\u202ec"'
    assert for_serialized('"a\\nß"') == '"a\\nß"'
    assert for_serialized("\u2069") == "\\u2069"


def test_csv_cells_never_start_a_formula():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert for_csv(start + "1+1").startswith("'"), start
    assert for_csv("=SUM(A1)") == "'=SUM(A1)"
    assert for_csv("a=b") == "a=b"
    assert for_csv("\x1b") == "␛"
    assert for_csv("\tx") == "'\tx"  # a tab is kept, after the apostrophe


def test_screen_texts_come_from_the_seed_or_the_default():
    agreement = Agreement(screens={"posts": {"title": "Posten der Stadt", "intro": ""}})
    assert agreement.screen_text("posts", "title", "Posten") == "Posten der Stadt"
    assert agreement.screen_text("posts", "intro", "Wer welchen Posten hat") == (
        "Wer welchen Posten hat"
    )
    assert agreement.screen_text("posts", "footer", "unten") == "unten"
    assert agreement.screen_text("seats", "title", "Sitze") == "Sitze"


def test_why_a_user_may_only_read():
    assert Access(user="x").why_read_only() == ""  # no user list: everyone writes
    assert Access(user="a", managed=True, known=True, role="bearbeiten").why_read_only() == ""
    assert Access(user="k", managed=True, known=True, role="koordination").why_read_only() == ""
    assert Access(user="lea", managed=True, known=True, role="lesen").why_read_only() == (
        "„lea“ hat die Rolle lesen: nur lesen"
    )
    assert Access(user="fremd", managed=True).why_read_only() == (
        "„fremd“ steht nicht in der Nutzerliste: nur lesen (eine Person mit der Rolle "
        "koordination trägt Sie mit herne-tui users add ein)"
    )


def test_the_agreement_as_the_seed_stored_it():
    from herne_tui.domain.objects import Partner, agreement_of

    meta = {
        "agreement": {
            "name": "HERNE 2030",
            "title": "Vereinbarung",
            "city": "Herne",
            "partner_details": [
                {"short": "SPD", "name": "Sozialdemokraten", "colour": "red"},
                {"short": "CDU"},
            ],
            "partners": ["X"],
            "term_start": "2025-11-04",
            "term_end": date(2030, 10, 31),
            "signed": "kein Datum",
            "screens": {"posts": {"title": "Posten"}},
            "confirm_any_status": True,
        }
    }
    a = agreement_of(meta)
    assert (a.name, a.title, a.city) == ("HERNE 2030", "Vereinbarung", "Herne")
    assert a.partners == (Partner("SPD", "Sozialdemokraten", "red"), Partner("CDU", "", ""))
    assert (a.term_start, a.term_end, a.signed) == (date(2025, 11, 4), date(2030, 10, 31), None)
    assert a.screens == {"posts": {"title": "Posten"}} and a.confirm_any_status
    plain = agreement_of({"agreement": {"partners": ["SPD", "CDU"]}})
    assert plain.shorts == ("SPD", "CDU") and plain.name == "" and plain.term_start is None
    assert agreement_of({}) == agreement_of({"agreement": None})


def test_each_field_has_its_limit():
    from herne_tui.domain import limits

    assert limits.limit_for("note") == limits.NOTE_MAX != limits.LINE_MAX
    assert limits.limit_for("title") == limits.LINE_MAX


def test_an_agreement_with_only_a_name_has_empty_fields_not_placeholders():
    a = agreement_of({"agreement": {"name": "X 2030", "partners": [{"name": "Nur Name"}, "B"]}})
    assert (a.name, a.title, a.city, a.confirm_any_status) == ("X 2030", "", "", False)
    assert [(p.short, p.name) for p in a.partners][0] == ("", "Nur Name")
    assert a.partners[1].short == "B"
