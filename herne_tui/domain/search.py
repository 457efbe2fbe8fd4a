"""Search that finds what people type: case- and accent-folding, German transliterations.

``fold`` maps a text to the form searches compare: case-folded, ``ä ö ü ß`` written as ``ae oe
ue ss`` (so "Suedpool" finds "Südpool" and "Strasse" finds "Straße"), other accents dropped
("Café" → "cafe"). ``spans`` gives the places of a match in the *original* text, for
highlighting, although folding changes the length of a text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue"}  # ß and ẞ: casefold() gives "ss"


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    low = char.casefold()
    out = []
    for c in low:
        if c in _GERMAN:
            out.append(_GERMAN[c])
            continue
        base = "".join(d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d))
        out.append(base)
    return "".join(out)


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index it came from."""
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return "".join(parts), origin


def fold(text: str) -> str:
    """The form a search compares: ``fold("Südpool-Straße") == "suedpool-strasse"``.

    The same as folding each character (``_fold_char``, which ``spans`` maps), done on the
    whole string with the str methods (C speed: the board folds every note once at start)."""
    if text.isascii():
        return text.lower()
    # three replace() passes: str.translate with multi-character values is far slower
    low = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    if low.isascii():
        return low
    return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))


def notes_text(texts: Iterable[str]) -> str:
    """The folded text of some notes as the board searches it: one note after the other,
    newline-separated (a note's own white space is kept: collapsing it cost more than the
    whole fold at 10,000 measures)."""
    return fold("\n".join(texts))


def spans(text: str, needle: str) -> list[tuple[int, int]]:
    """``(start, end)`` ranges of ``text`` where the folded ``needle`` occurs, not overlapping."""
    folded_needle = fold(needle.strip())
    if not folded_needle:
        return []
    folded, origin = _folded_with_map(text)
    found: list[tuple[int, int]] = []
    at = folded.find(folded_needle)
    while at >= 0:
        end = at + len(folded_needle)
        found.append((origin[at], origin[end - 1] + 1))
        at = folded.find(folded_needle, end)
    return found
