"""How long a text a user or a seed may give, per field (issue 11: limits on every text field).

One table, used by the services' validators and by seeding, so a seed cannot bring what the
app would refuse (a 10 MB note took 18 s to open). Short fields (names, parties, titles,
sources) fit on a card line; long ones (notes, bodies, reasons, the agreement's text) are
paragraphs.
"""

from __future__ import annotations

NOTE_MAX = 20_000
"""A note on a measure."""

TEXT_MAX = 20_000
"""A paragraph: a paper's body, a dissent's reason, a decision, the agreement's text."""

LINE_MAX = 200
"""A one-line field: a name, a party, a title, a source, a comment."""

USER_MAX = 80
"""The acting user's name (``--user``, a proxy's user header, a note's author)."""

LONG_FIELDS = frozenset(
    {
        "text",
        "body",
        "summary",
        "note",
        "notes",
        "change_note",
        "reason",
        "decision",
        "subitems",
        "comment",
        "source",
        "intro",
    }
)
"""Fields (seed keys and service field names) that hold paragraphs, not one line."""

USER_FIELDS = frozenset({"author", "user", "raised_by"})


def limit_for(field: str) -> int:
    """The most characters ``field`` may hold."""
    if field in USER_FIELDS:
        return USER_MAX
    if field == "note":
        return NOTE_MAX
    return TEXT_MAX if field in LONG_FIELDS else LINE_MAX


def too_long(value: str, limit: int) -> str | None:
    """Why ``value`` is refused (German, without the field's name), or None."""
    if len(value) > limit:
        return f"zu lang ({len(value)} Zeichen, höchstens {limit})"
    return None
