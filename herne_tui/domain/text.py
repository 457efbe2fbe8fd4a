"""Text that users typed, made safe where it leaves for a terminal, Markdown or a spreadsheet.

Several people of different parties share one database, so every stored text (a note, a
name, a title from a seed) is data that must never act on the reader's terminal or document.
Stored text is never altered; these functions are applied at the boundary, one per target:

- ``for_terminal``: control characters (C0 except newline/tab, DEL, C1 — and with them every
  ESC/CSI/OSC sequence) and the bidirectional overrides become visible symbols, e.g.
  ``\\x1b]52;…`` → ``␛]52;…``.
- ``for_markdown``: additionally escapes HTML and Markdown syntax, so a note renders as the
  words typed, never as a tag, link or image.
- ``for_serialized``: JSON or TOML text keeps every character, but DEL, C1 and the
  bidirectional overrides (which both formats allow raw inside strings) become ``\\uXXXX``
  escapes, so ``cat export.json`` cannot act on a terminal and a parser reads the exact text.
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


# Inline syntax: emphasis, code, links and images, HTML tags and entities, tables, strikethrough.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&!|~])")
# Block syntax only counts at the start of a line: headings, quotes, lists, rules, setext.
_MD_LINE_START = re.compile(r"^([ \t]*)([#>+=-]|\d+(?=[.)]))", re.MULTILINE)


def for_markdown(text: str) -> str:
    """``text`` as literal Markdown: no HTML, link, image, emphasis or heading survives."""
    escaped = _MD_INLINE.sub(r"\\\1", for_terminal(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), escaped)


def _escape_start(start: str) -> str:
    # "12." must become "12\." (a backslash before a digit is not an escape).
    return start + "\\" if start[0].isdigit() else "\\" + start


_SERIALIZED_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def for_serialized(document: str) -> str:
    """A JSON or TOML document (as ``json.dumps``/``tomli_w`` write it) with the characters
    both formats leave raw in strings (DEL, C1, bidi overrides) written as ``\\uXXXX``.

    The serialisers already escape C0; these characters can only occur inside strings, where
    ``\\uXXXX`` means the same character, so the data round-trips exactly."""
    return _SERIALIZED_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def for_csv(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return for_terminal(text)
