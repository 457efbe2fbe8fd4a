"""A seed skeleton from an agreement's plain text or Markdown (``herne-tui seed new``).

Only the policy part becomes topics and measures: the part of the table of contents that
lists the most sections (or the one named with ``part``). Each section it lists is a topic,
in that order, found in the text by its heading (compared without case, markup and extra
spaces). A section whose heading is missing from the text is still found: its paragraphs
stand between the neighbouring sections' headings, and it starts at the widest gap of blank
lines there (where the heading would have been).

Inside a topic every paragraph (lines between blank lines) is one measure with its text
verbatim (only whitespace joined); a bullet list (``-``, ``*``, ``•``) belongs to the
paragraph before it as its sub-items. A paragraph that repeats an earlier one word for word is
recorded as a repeat of that measure. Ids are ``KEY-NN`` per topic, counting measures only;
paragraph numbers count every paragraph. Titles are left empty, which ``check`` reports as
"Titel fehlt" until the user fills them in (``skeleton`` writes the files).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from herne_tui.errors import InvalidInput

BULLET = re.compile(r"^\s*[-*•]\s+")
HEADING = re.compile(r"^\s*#+\s*")
TOC_TITLE = re.compile(r"^(inhalt|inhaltsverzeichnis|inhaltsübersicht)$")
TOC_PAGE = re.compile(r"[\s.…·]*\d+\s*$")
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|\*\*|__|\[|\]\([^)]*\)")
TERM = re.compile(r"(?:19|20)(\d\d)\s*[-–/]\s*(?:19|20)(\d\d)")


SMALL_WORDS = frozenset({"und", "der", "die", "das", "des", "für", "von", "im", "in", "mit"})


def _plain(text: str) -> str:
    """A line without markup, bullet and heading marks, its spaces collapsed."""
    text = MARKUP.sub("", text)
    text = HEADING.sub("", text)
    text = BULLET.sub("", text)
    return " ".join(text.split())


def _same(a: str, b: str) -> bool:
    return _plain(a).casefold() == _plain(b).casefold()


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Paragraph:
    """One paragraph of the text: its verbatim text, sub-items, the blank lines before it."""

    text: str
    subitems: list[str] = field(default_factory=list)
    gap: int = 0
    line: int = 0


@dataclass
class Topic:
    """A section of the policy part: its name (as in the contents), key and paragraphs."""

    name: str
    key: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    heading_found: bool = True


@dataclass
class Draft:
    """What ``seed new`` found in the text."""

    name: str
    title: str
    part: str
    topics: list[Topic]
    term: tuple[int, int] | None = None
    intro: list[Paragraph] = field(default_factory=list)
    """Paragraphs of the part before its first section (no measures: an introduction)."""

    def notes(self) -> list[str]:
        """Lines for the user: what was guessed and should be checked."""
        out = [
            f"Zeile {p.line}: Absatz vor dem ersten Abschnitt, nicht übernommen: „{p.text[:50]}…“"
            for p in self.intro
        ]
        for t in self.topics:
            if not t.heading_found:
                first = t.paragraphs[0].text[:50] if t.paragraphs else "—"
                out.append(
                    f"„{t.name}“: keine Überschrift im Text; aus dem Inhaltsverzeichnis und "
                    f"dem größten Abstand geschätzt (beginnt mit „{first}…“) – bitte prüfen"
                )
            if not t.paragraphs:
                out.append(f"„{t.name}“: keine Absätze gefunden – bitte prüfen")
        return out


# -- the table of contents -------------------------------------------------------------------
def _toc(lines: list[str]) -> tuple[int, int, list[tuple[str, list[str]]]]:
    """(first line, end line, [(part, [sections])]) of the table of contents."""
    start = next(
        (i for i, line in enumerate(lines) if TOC_TITLE.match(_plain(line).casefold())), None
    )
    if start is None:
        raise InvalidInput(
            "kein Inhaltsverzeichnis gefunden (eine Zeile „Inhalt“ mit den Teilen und "
            "Abschnitten darunter): bitte im Text ergänzen"
        )
    parts: list[tuple[str, list[str]]] = []
    end = start + 1
    for i in range(start + 1, len(lines)):
        raw = lines[i]
        if not raw.strip():
            if parts and not _toc_like(lines[i + 1 :]):  # a blank line ends the contents
                break
            continue
        if HEADING.match(raw):  # the body begins
            break
        name = _plain(TOC_PAGE.sub("", MARKUP.sub("", raw)))
        if not name:
            continue
        if BULLET.match(raw) or raw[:1].isspace():
            if not parts:
                parts.append(("", []))
            parts[-1][1].append(name)
        else:
            parts.append((name, []))
        end = i + 1
    return start, end, parts


def _toc_like(rest: list[str]) -> bool:
    """Whether the next non-blank line still looks like an entry of the contents."""
    line = next((r for r in rest if r.strip()), "")
    return bool(BULLET.match(line) or TOC_PAGE.search(MARKUP.sub("", line)))


def _content_part(
    parts: list[tuple[str, list[str]]], wanted: str | None
) -> tuple[str, list[str], str | None]:
    """The policy part (by name, else the one listing the most sections) and the next part."""
    if wanted is not None:
        found = [i for i, (name, _) in enumerate(parts) if _same(name, wanted)]
        if not found:
            known = ", ".join(f"„{n}“" for n, _ in parts if n)
            raise InvalidInput(f"--part: „{wanted}“ steht nicht im Inhaltsverzeichnis ({known})")
        index = found[0]
    else:
        index = max(range(len(parts)), key=lambda i: len(parts[i][1]), default=0)
    if not parts or not parts[index][1]:
        raise InvalidInput(
            "im Inhaltsverzeichnis stehen keine Abschnitte unter einem Teil "
            "(Zeilen mit „•“, „-“ oder eingerückt): bitte ergänzen"
        )
    following = parts[index + 1][0] if index + 1 < len(parts) else None
    return parts[index][0], parts[index][1], following


# -- the body --------------------------------------------------------------------------------
def _is_heading(line: str, names: list[str]) -> bool:
    return bool(HEADING.match(line)) or any(_same(line, n) for n in names if n)


def _body(lines: list[str], after: int, part: str, following: str | None) -> tuple[int, int]:
    """The line range of the policy part in the text (after the table of contents)."""
    start = next(
        (i for i in range(after, len(lines)) if _same(lines[i], part)),
        None,
    )
    if start is None:
        raise InvalidInput(f"die Überschrift des Teils „{part}“ fehlt im Text")
    end = len(lines)
    if following:
        end = next(
            (i for i in range(start + 1, len(lines)) if _same(lines[i], following)), len(lines)
        )
    return start + 1, end


def _blocks(lines: list[str], first: int, end: int, sections: list[str]):
    """Yield ("heading", index into sections, line) and ("block", [lines], gap, line)."""
    gap = 0
    block: list[str] = []
    block_gap = block_line = 0
    for i in range(first, end):
        line = lines[i]
        if not line.strip():
            if block:
                yield ("block", block, block_gap, block_line)
                block = []
                gap = 0
            gap += 1
            continue
        if _is_heading(line, sections):
            if block:
                yield ("block", block, block_gap, block_line)
                block = []
            match = [k for k, s in enumerate(sections) if _same(line, s)]
            yield ("heading", match[0] if match else None, i + 1)
            gap = 0
            continue
        if not block:
            block_gap, block_line = gap, i + 1
        block.append(line)
    if block:
        yield ("block", block, block_gap, block_line)


def _paragraph(block: list[str]) -> tuple[list[str], list[str]]:
    """The text lines and the bullets of one block (a wrapped bullet continues indented)."""
    text: list[str] = []
    bullets: list[str] = []
    for raw in block:
        if BULLET.match(raw):
            bullets.append(BULLET.sub("", raw))
        elif bullets and raw[:1].isspace():
            bullets[-1] += " " + raw.strip()
        else:
            text.append(raw.strip())
    return text, bullets


def _segments(
    lines: list[str], first: int, end: int, sections: list[str]
) -> list[tuple[int | None, list[Paragraph]]]:
    """The paragraphs after each found heading (None: before the first one)."""
    segments: list[tuple[int | None, list[Paragraph]]] = [(None, [])]
    for item in _blocks(lines, first, end, sections):
        if item[0] == "heading":
            if item[1] is not None:
                segments.append((item[1], []))
            continue
        _, block, gap, line = item
        text, bullets = _paragraph(block)
        current = segments[-1][1]
        if text:
            current.append(Paragraph(_norm(" ".join(text)), [_norm(b) for b in bullets], gap, line))
        elif current:  # a list on its own continues the paragraph before it
            current[-1].subitems.extend(_norm(b) for b in bullets)
        else:
            current.append(Paragraph(_norm(bullets[0]), [_norm(b) for b in bullets[1:]], gap, line))
    return segments


def _split(paragraphs: list[Paragraph], parts: int) -> list[list[Paragraph]]:
    """``paragraphs`` cut into ``parts`` runs at the widest gaps of blank lines."""
    if parts <= 1:
        return [paragraphs]
    candidates = sorted(range(1, len(paragraphs)), key=lambda i: (-paragraphs[i].gap, i))
    cuts = sorted(candidates[: parts - 1])
    runs, last = [], 0
    for cut in cuts:
        runs.append(paragraphs[last:cut])
        last = cut
    runs.append(paragraphs[last:])
    while len(runs) < parts:
        runs.append([])
    return runs


def _assign(sections: list[str], segments) -> tuple[list[Topic], list[Paragraph]]:
    """Every section of the contents with its paragraphs, missing headings included; and the
    paragraphs before the first section's heading that belong to no section."""
    topics = [Topic(name, heading_found=False) for name in sections]
    found = [(index, paragraphs) for index, paragraphs in segments if index is not None]
    anchors = [index for index, _ in found]
    if len(set(anchors)) != len(anchors) or anchors != sorted(anchors):
        raise InvalidInput(
            "die Überschriften im Text stehen nicht in der Reihenfolge des "
            "Inhaltsverzeichnisses (oder kommen doppelt vor): bitte prüfen"
        )
    before = segments[0][1]
    first_anchor = anchors[0] if anchors else len(sections)
    if first_anchor:  # the sections before the first heading found have lost theirs
        for k, run in enumerate(_split(before, first_anchor)):
            topics[k].paragraphs = run
        before = []
    for n, (index, paragraphs) in enumerate(found):
        following = anchors[n + 1] if n + 1 < len(anchors) else len(sections)
        topics[index].heading_found = True
        for k, run in enumerate(_split(paragraphs, following - index)):
            topics[index + k].paragraphs = run
    return topics, before


# -- keys ------------------------------------------------------------------------------------
def _letters(word: str) -> str:
    word = word.replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", word)
    return "".join(c for c in plain if c.isascii() and c.isalpha()).upper()


def propose_keys(names: list[str]) -> list[str]:
    """A unique upper-case key (2–5 letters) per topic name: its first word's first three
    letters, else the initials of its words, else more letters."""
    taken: set[str] = set()
    keys = []
    for name in names:
        raw = [w for w in re.split(r"[\s,/–-]+", name) if _letters(w)] or ["X"]
        big = [_letters(w) for w in raw if w.casefold() not in SMALL_WORDS]
        big = big or [_letters(w) for w in raw]
        first = big[0]
        candidates = [first[:3], "".join(w[0] for w in big)[:5], first[:4], first[:5]]
        candidates += [first[:2] + c for c in first[2:] + "".join(big[1:])]
        key = next(
            (c for c in candidates if 2 <= len(c) <= 5 and c not in taken),
            None,
        )
        n = 0
        while key is None:  # letters only (the id pattern): AA, AB, …
            n += 1
            c = first[:2] + chr(ord("A") + (n - 1) % 26) * (1 + (n - 1) // 26)
            key = c if c not in taken and len(c) <= 5 else None
        taken.add(key)
        keys.append(key)
    return keys


# -- the whole -------------------------------------------------------------------------------
def _title(lines: list[str], toc_start: int) -> tuple[str, str]:
    """The agreement's short name (its first heading or line) and the lines after it."""
    head = [_plain(line) for line in lines[:toc_start] if _plain(line)]
    if not head:
        return "Vereinbarung", ""
    return head[0], " ".join(head[1:])


def read_agreement(text: str, *, part: str | None = None) -> Draft:
    """The topics and paragraphs of an agreement's text (plain text or Markdown)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    toc_start, toc_end, parts = _toc(lines)
    part_name, sections, following = _content_part(parts, part)
    first, end = _body(lines, toc_end, part_name, following)
    topics, intro = _assign(sections, _segments(lines, first, end, sections))
    for topic, key in zip(topics, propose_keys(sections), strict=True):
        topic.key = key
    name, title = _title(lines, toc_start)
    term = TERM.search(title or text)
    years = (2000 + int(term.group(1)), 2000 + int(term.group(2))) if term else None
    return Draft(name=name, title=title, part=part_name, topics=topics, term=years, intro=intro)


@dataclass(frozen=True)
class Entry:
    """A measure or a repeat of the skeleton, in agreement order."""

    topic: str
    paragraph: int
    text: str
    subitems: tuple[str, ...]
    id: str | None  # None for a repeat
    of: str | None  # the measure a repeat repeats


def entries(draft: Draft) -> list[Entry]:
    """Measures (with ids) and word-for-word repeats, in the order of the agreement."""
    first_id: dict[str, str] = {}
    out = []
    for topic in draft.topics:
        number = 0
        for paragraph, p in enumerate(topic.paragraphs, start=1):
            if p.text in first_id:
                out.append(Entry(topic.key, paragraph, p.text, (), None, first_id[p.text]))
                continue
            number += 1
            mid = f"{topic.key}-{number:02d}"
            first_id[p.text] = mid
            out.append(Entry(topic.key, paragraph, p.text, tuple(p.subitems), mid, None))
    return out
