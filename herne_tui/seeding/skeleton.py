"""The files ``herne-tui seed new`` writes: ``agreement.toml`` and ``measures.toml`` of a
drafted seed (``draft``), in the seed format's writing style (seed/README.md): one key per
line, basic strings, a blank line between blocks, every title empty and marked."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from herne_tui.domain.text import for_serialized
from herne_tui.errors import InvalidInput
from herne_tui.seeding.draft import Draft, entries

DEFAULT_STATUSES = (
    ("offen", "Offen", False),
    ("vorbereitung", "In Vorbereitung", False),
    ("beratung", "In Beratung", False),
    ("umsetzung", "In Umsetzung", False),
    ("umgesetzt", "Umgesetzt", True),
    ("zurueckgestellt", "Zurückgestellt", False),
)
"""The board's columns a new seed starts with (the user may rename or add)."""


def _s(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL, C1, bidi as \\u escapes)."""
    return for_serialized(json.dumps(value, ensure_ascii=False))


def render_agreement(draft: Draft, today: date) -> str:
    """``agreement.toml`` of the skeleton."""
    start, end = draft.term or (today.year, today.year + 5)
    out = [
        f"# {draft.name}: the agreement itself (written by `herne-tui seed new`).",
        "# Check the dates and partners; format: see seed/README.md.",
        "",
        "format = 1",
        "",
        "[meta]",
        f"name = {_s(draft.name)}",
        f"title = {_s(draft.title)}",
        'partners = []  # die Partner eintragen, z. B. ["A", "B"]',
        f"term_start = {start:04d}-01-01  # bitte prüfen: der erste Tag der Wahlperiode",
        f"term_end = {end:04d}-12-31  # bitte prüfen: der letzte Tag der Wahlperiode",
        f"signed = {start:04d}-01-01  # bitte prüfen: das Datum der Unterschrift",
        "",
        f"# ---- Topic areas of „{draft.part}“ in the order of the table of contents ----",
    ]
    for order, t in enumerate(draft.topics, start=1):
        out += ["", "[[topics]]", f"key = {_s(t.key)}", f"name = {_s(t.name)}", f"order = {order}"]
    out += ["", "# ---- The board's columns ----"]
    for order, (key, label, done) in enumerate(DEFAULT_STATUSES, start=1):
        out += [
            "",
            "[[statuses]]",
            f"key = {_s(key)}",
            f"label = {_s(label)}",
            f"order = {order}",
            f"done = {'true' if done else 'false'}",
        ]
    return "\n".join(out) + "\n"


def render_measures(draft: Draft) -> str:
    """``measures.toml`` of the skeleton: every title empty, marked „Titel fehlt“."""
    names = {t.key: t.name for t in draft.topics}
    out = [
        f"# {draft.name}: measures of „{draft.part}“ (written by `herne-tui seed new`).",
        "# One [[measures]] block per paragraph; `text` and `subitems` are verbatim.",
        "# Every `title` is empty: write a short title (at most 60 characters) for each;",
        "# `herne-tui check` reports „Titel fehlt“ until every title is filled in.",
    ]
    all_entries = entries(draft)
    topic = None
    for e in (e for e in all_entries if e.id is not None):
        if e.topic != topic:
            topic = e.topic
            out += ["", f"# ---- {e.topic}: {names[e.topic]} ----"]
        out += [
            "",
            "[[measures]]",
            f"id = {_s(e.id or '')}",
            f"topic = {_s(e.topic)}",
            f"paragraph = {e.paragraph}",
            'title = ""  # Titel fehlt',
            f"text = {_s(e.text)}",
        ]
        if e.subitems:
            out += ["subitems = [", *(f"  {_s(s)}," for s in e.subitems), "]"]
    repeats = [e for e in all_entries if e.id is None]
    if repeats:
        out += ["", "# ---- Paragraphs the agreement repeats word for word ----"]
    for e in repeats:
        out += [
            "",
            "[[repeats]]",
            f"of = {_s(e.of or '')}",
            f"topic = {_s(e.topic)}",
            f"paragraph = {e.paragraph}",
            f"text = {_s(e.text)}",
        ]
    return "\n".join(out) + "\n"


def write_skeleton(draft: Draft, folder: Path, today: date) -> list[Path]:
    """Write ``agreement.toml`` and ``measures.toml`` into a new or empty ``folder``."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InvalidInput(f"{folder} gibt es schon und ist nicht leer: einen neuen Ordner angeben")
    if not folder.parent.is_dir():
        raise InvalidInput(f"Ordner {folder.parent} gibt es nicht: bitte erst anlegen")
    from herne_tui.files import atomic_write

    folder.mkdir(exist_ok=True)
    return [
        atomic_write(folder / "agreement.toml", render_agreement(draft, today)),
        atomic_write(folder / "measures.toml", render_measures(draft)),
    ]
