"""Text that users typed, made safe where it leaves for a terminal, Markdown or a spreadsheet.

Several people of different parties share one database, so every stored text (a note, a
name, a title from a seed) is data that must never act on the reader's terminal or document.
Stored text is never altered; these functions are applied at the boundary, one per target:

- ``for_terminal``: control characters (C0 except newline/tab, DEL, C1 — and with them every
  ESC/CSI/OSC sequence) and the bidirectional overrides become visible symbols, e.g.
  ``\\x1b]52;…`` → ``␛]52;…``.
- ``for_markdown``: additionally escapes HTML and Markdown syntax, so a note renders as the
  words typed, never as a tag, link or image.
- ``for_csv``: additionally neutralises a leading ``= + - @ TAB CR`` (formula injection, as
  OWASP's "CSV Injection" guidance describes) with a leading apostrophe.
"""

from __future__ import annotations

import re

_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}  # ␀ … ␟
_PICTURES[0x1B] = "␛"
_PICTURES[0x7F] = "␡"
_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code in _PICTURES:
        return _PICTURES[code]
    if code in _BIDI:
        return f"<U+{code:04X}>"
    return f"<{code:02X}>"  # C1: no control picture exists


def for_terminal(text: str, *, one_line: bool = False) -> str:
    """``text`` with every control character shown as a visible symbol (newline and tab kept
    unless ``one_line``)."""
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return pattern.sub(_visible, text)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


def for_markdown(text: str) -> str:
    """``text`` as literal Markdown: no HTML, link, image or emphasis survives."""
    return _MD_SPECIAL.sub(r"\\\1", for_terminal(text))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def for_csv(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return for_terminal(text)
