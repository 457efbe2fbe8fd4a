"""Folded search: what people type finds what the agreement says (issue 16 item 3)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from herne_tui.domain.search import fold, spans


def test_german_transliterations_and_accents_fold_alike() -> None:
    assert fold("Südpool") == fold("Suedpool") == "suedpool"
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("Öffentlicher Raum") == "oeffentlicher raum"
    assert fold("Café") == "cafe"


def test_spans_point_into_the_original_text() -> None:
    text = "Die Straße am Südpool, die Strasse am Suedpool"
    found = [text[a:b] for a, b in spans(text, "strasse")]
    assert found == ["Straße", "Strasse"]
    assert [text[a:b] for a, b in spans(text, "Südpool")] == ["Südpool", "Suedpool"]
    assert spans(text, "   ") == []
    assert spans(text, "Bahnhof") == []


@given(st.text(), st.text(min_size=1))
def test_every_span_folds_to_the_needle(text: str, needle: str) -> None:
    for a, b in spans(text, needle):
        assert 0 <= a < b <= len(text)
        assert fold(needle.strip()) in fold(text[a:b])


def test_board_filter_finds_by_folded_words(db) -> None:  # noqa: ANN001
    from datetime import date

    from herne_tui.domain.boardview import BoardFilter, columns
    from herne_tui.services import queries

    board = queries.load_board(db)
    hits = {
        m.id
        for ms in columns(board, BoardFilter(text="Suedpool"), date(2026, 1, 1)).values()
        for m in ms
    }
    expected = {m.id for m in board.measures if "Südpool" in m.text or "Südpool" in m.title}
    assert expected and hits == expected


@given(st.text())
def test_folding_a_text_equals_folding_each_character(text: str) -> None:
    from herne_tui.domain.search import _fold_char

    assert fold(text) == "".join(_fold_char(c) for c in text)


def test_spans_find_a_needle_at_the_start_and_every_later_one() -> None:
    text = "Rad am Rad, ein Rad"
    assert spans(text, "rad") == [(0, 3), (7, 10), (16, 19)]
    assert spans("Äpfel", "äpfel") == [(0, 5)]
