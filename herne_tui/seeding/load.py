"""Reading and validating a seed (a TOML file, or a folder of them) without a database.

Validation happens on pydantic models (the table mappings do not validate), then across
entries (unknown topic, duplicate id, repeats pointing nowhere, ...). Every problem is
reported as ``file:line: message`` so an editor can jump to it.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from herne_tui.domain.limits import limit_for, too_long
from herne_tui.domain.objects import (
    CHANGE_STATES,
    JOINT_LEAD,
    POST_STATES,
    SEAT_STATES,
    leads_of,
)
from herne_tui.errors import SeedProblems

SEED_FORMAT = 1
TITLE_MAX = 60
ID_PATTERN = re.compile(r"^([A-Z]{2,5})-(\d{2,3})$")
STATUS_KEY = re.compile(r"[A-Za-z0-9_-]+")
"""What a status key may hold: it is typed on the command line (``set --status``) and names
the board's columns."""


def _texts(value: Any) -> list[str]:
    """Every string in a field's value (also inside lists and tables)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _texts(item)]
    return []


class _Strict(BaseModel):
    """Unknown fields are errors and values are not coerced; every text is bounded as the
    app bounds what users type (``domain.limits``), so a seed cannot bring more."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*")
    @classmethod
    def _bounded(cls, value: Any, info: ValidationInfo) -> Any:
        limit = limit_for(info.field_name or "")
        for text in _texts(value):
            why = too_long(text, limit)
            if why:
                raise PydanticCustomError("too_long", why)
        return value


class SeedPartner(_Strict):
    """A partner given as a table: short name (the key), optional full name and colour."""

    short: str
    name: str = ""
    colour: str = ""


class SeedScreen(_Strict):
    """A screen's own title and introductory text (verbatim from the agreement)."""

    title: str = ""
    intro: str = ""


class SeedMeta(_Strict):
    """The agreement itself: name, partners, term and signing; optional screen texts."""

    name: str
    title: str = ""
    city: str = ""
    partners: list[str | SeedPartner]
    term_start: date
    term_end: date
    signed: date
    signed_place: str = ""
    signatories: list[str] = []
    screens: dict[str, SeedScreen] = {}
    confirm_any_status: bool = False

    @property
    def partner_keys(self) -> list[str]:
        """The partners' short names, whichever form the seed uses."""
        return [p if isinstance(p, str) else p.short for p in self.partners]

    def stored(self) -> dict[str, Any]:
        """The metadata as stored in ``meta["agreement"]``: partners as short names (as
        schema 1 stored them), the tables in ``partner_details``; new optional fields only
        when the seed sets them, so an unchanged seed stores the same text as before."""
        out = self.model_dump(mode="json")
        out["partners"] = self.partner_keys
        details = [
            p.model_dump() if isinstance(p, SeedPartner) else {"short": p} for p in self.partners
        ]
        if any(not isinstance(p, str) for p in self.partners):
            out["partner_details"] = details
        for key in ("screens", "confirm_any_status"):
            if not out.get(key):
                out.pop(key, None)
        return out


SCREENS = ("dezernat", "holdings", "posts", "committees", "papers", "coordination")
"""Screens whose title and intro a seed may set under ``[meta.screens.<name>]``."""


class SeedTopic(_Strict):
    """A topic (chapter) of the agreement."""

    key: str
    name: str
    order: int


class SeedStatus(_Strict):
    """A status a measure can be in; ``done`` marks the finished ones."""

    key: str
    label: str
    order: int
    done: bool = False


class SeedRule(_Strict):
    """A rule of the agreement, with optional parameters."""

    key: str
    section: str = ""
    summary: str = ""
    text: str = ""
    params: dict[str, Any] = {}


class SeedTarget(_Strict):
    """A measurable target of a measure."""

    label: str
    value: int | float
    unit: str = ""


class SeedNote(_Strict):
    """A note on a measure, as the seed brings it."""

    author: str
    at: datetime
    text: str


class SeedMeasure(_Strict):
    """A measure of the agreement; status, responsible, lead, due and origin are the users'."""

    id: str
    topic: str
    paragraph: int
    title: str
    text: str
    subitems: list[str] = []
    related: list[str] = []
    targets: list[SeedTarget] = []
    status: str | None = None
    responsible: str = ""
    lead: str = ""
    due: date | None = None
    origin: str = ""
    """Whose programme the measure came from: a partner or ``gemeinsam`` (issue 14)."""
    notes: list[SeedNote] = []


class SeedRepeat(_Strict):
    """A measure repeated word for word under another topic."""

    of: str
    topic: str
    paragraph: int
    text: str


class SeedCommittee(_Strict):
    """A committee of the council and how the agreement changes it."""

    key: str
    name: str
    change: Literal["neu", "aufgeteilt", "erweitert", "umbenannt", "unveraendert"] = "unveraendert"
    change_note: str = ""
    chair_role: str = ""
    measure: str = ""
    new_name: str = ""
    split_from: str = ""
    split_into: list[str] = []
    section: str = ""
    source: str = ""
    change_state: str = "offen"
    chair: str = ""
    chair_party: str = ""
    spokespeople: dict[str, str] = {}


class SeedPost(_Strict):
    """A post (mayor, district, department) and which partner fills it."""

    key: str
    title: str
    kind: Literal["buergermeister", "bezirk", "dezernat"]
    body: str = ""
    district: str = ""
    right: str
    tender_required: bool = False
    section: str = ""
    source: str = ""
    holder: str = ""
    holder_party: str = ""
    state: str = "offen"
    state_date: date | None = None
    tender_date: date | None = None
    vote_date: date | None = None


class SeedHolding(_Strict):
    """A municipal holding (Beteiligung)."""

    key: str
    name: str
    note: str = ""
    linked: list[str] = []
    section: str = ""
    source: str = ""


class SeedSeat(_Strict):
    """A seat in a holding's body and its nominee."""

    key: str
    holding: str
    title: str
    staffing: bool = True
    to_create: bool = False
    section: str = ""
    source: str = ""
    nominee: str = ""
    nominee_party: str = ""
    tender_done: bool = False
    tender_date: date | None = None
    state: str = "offen"
    state_date: date | None = None


class SeedNominationRule(_Strict):
    """Which party nominates for a holding or seat (or by default)."""

    party: str
    holding: str = ""
    seat: str = ""
    default: bool = False
    section: str = ""
    source: str = ""


class Seed(_Strict):
    """A whole seed after merging its files."""

    format: int
    meta: SeedMeta
    topics: list[SeedTopic]
    statuses: list[SeedStatus]
    rules: list[SeedRule] = []
    measures: list[SeedMeasure] = []
    repeats: list[SeedRepeat] = []
    committees: list[SeedCommittee] = []
    posts: list[SeedPost] = []
    holdings: list[SeedHolding] = []
    seats: list[SeedSeat] = []
    nomination_rules: list[SeedNominationRule] = []


# -- line numbers ----------------------------------------------------------------------------
_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


@dataclass
class _Lines:
    """Where each entry and key of one TOML file stands (1-based lines)."""

    path: str
    tables: dict[str, int] = field(default_factory=dict)
    entries: dict[str, list[dict[str, int]]] = field(default_factory=dict)
    top: dict[str, int] = field(default_factory=dict)
    subs: dict[tuple[int, str], dict[str, int]] = field(default_factory=dict)
    """Entries of an array inside an entry (``[[measures.notes]]``), by (entry, "notes[i]")."""

    @classmethod
    def scan(cls, path: str, text: str) -> _Lines:
        out = cls(path)
        current: dict[str, int] = out.top
        in_multiline = None
        parent: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            if m := _ARRAY_HEADER.match(line):
                name = m.group(1)
                head, _, sub = name.partition(".")
                if sub and head in out.entries and "." not in sub:  # [[measures.notes]]
                    count = sum(1 for k in parent if k.startswith(f"{sub}["))
                    current = {"": number}
                    parent[f"{sub}[{count}]"] = number
                    out.subs[(id(parent), f"{sub}[{count}]")] = current
                    continue
                current = {"": number}
                parent = current
                out.entries.setdefault(name, []).append(current)
                out.tables.setdefault(name, number)
                continue
            if m := _TABLE_HEADER.match(line):
                name = m.group(1)
                head = name.split(".")[0]
                if head in out.entries and "." in name:
                    current.setdefault(name.split(".", 1)[1], number)  # sub-table of entry
                else:
                    current = {"": number}
                    out.tables.setdefault(name, number)
                    out.entries.setdefault(name, []).append(current)
                continue
            if m := _KEY.match(line):
                current.setdefault(m.group(1), number)
                if (line.count('"""') % 2 == 1) or (line.count("'''") % 2 == 1):
                    in_multiline = '"""' if '"""' in line else "'''"
        return out

    def line_of(self, loc: tuple) -> int:
        """Best line for a pydantic-style location like ('measures', 3, 'title')."""
        if not loc:
            return 1
        name = str(loc[0])
        if name in self.top and len(loc) == 1:
            return self.top[name]
        entries = self.entries.get(name)
        if not entries:
            return self.top.get(name, 1)
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
        if name in ("meta",):
            index, rest = 0, loc[1:]
        else:
            rest = loc[2:] if len(loc) > 1 and isinstance(loc[1], int) else loc[1:]
        entry = entries[min(index, len(entries) - 1)]
        if len(rest) > 1 and isinstance(rest[1], int):
            sub = self.subs.get((id(entry), f"{rest[0]}[{rest[1]}]"))
            if sub is not None:
                return sub.get(str(rest[2]), sub[""]) if len(rest) > 2 else sub[""]
        if rest and str(rest[0]) in entry:
            return entry[str(rest[0])]
        return entry[""]


@dataclass
class LoadedSeed:
    """A validated seed and where it came from."""

    seed: Seed
    origin: str


def bundled_seed_dir() -> Path:
    """The folder of the seed shipped inside the package (``seed/`` in a source checkout)."""
    try:
        spec = importlib.util.find_spec("herne_tui.seed")
    except ModuleNotFoundError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parents[2] / "seed"


def _read_files(path: Path) -> tuple[dict, dict[str, _Lines], dict[str, str], list[str]]:
    """Parse one file or every *.toml in a folder; return merged data and line maps."""
    problems: list[str] = []
    if path.is_dir():
        files = sorted(p for p in path.glob("*.toml"))
        if not files:
            return {}, {}, {}, [f"{path}:1: keine *.toml-Dateien in diesem Ordner"]
    elif path.exists():
        files = [path]
    else:
        return {}, {}, {}, [f"{path}:1: Datei oder Ordner nicht gefunden"]
    merged: dict = {}
    owner: dict[str, str] = {}
    lines: dict[str, _Lines] = {}
    for file in files:
        name = str(file)
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{name}:1: keine UTF-8-Datei ({exc.reason})")
            continue
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            problems.append(f"{name}:{m.group(1) if m else 1}: TOML-Syntaxfehler: {msg}")
            continue
        except RecursionError:
            problems.append(f"{name}:1: zu tief verschachtelt: bitte flacher schreiben")
            continue
        lines[name] = _Lines.scan(name, text)
        for key, value in data.items():
            if key in merged:
                where = lines[name].line_of((key,))
                problems.append(f"{name}:{where}: „{key}“ steht schon in {owner[key]}")
                continue
            merged[key] = value
            owner[key] = name
    return merged, lines, owner, problems


def _loc_line(
    loc: tuple, lines: dict[str, _Lines], owner: dict[str, str], fallback: str
) -> tuple[str, int]:
    key = str(loc[0]) if loc else ""
    name = owner.get(key, fallback)
    table = lines.get(name)
    return name, (table.line_of(loc) if table else 1)


_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "date", "datetime", "list", "dict"})


def _model_names() -> set[str]:
    names, todo = set(), [_Strict]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def _is_tag(part: object, models: set[str]) -> bool:
    """A union member's name pydantic puts into a location (``str``, ``SeedPartner``,
    ``function-after[…]``): never a key the user wrote."""
    return isinstance(part, str) and (part in _TYPE_TAGS or part in models or "[" in part)


def _user_loc(err: ErrorDetails, models: set[str]) -> tuple:
    """The error's location as the user wrote it: union members' names left out (the key of
    an unknown field, always last, is kept as written)."""
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden" and loc:
        return tuple(p for p in loc[:-1] if not _is_tag(p, models)) + loc[-1:]
    return tuple(p for p in loc if not _is_tag(p, models))


def _field_words(loc: tuple) -> str:
    """``„subitems“ (Eintrag 2)`` for ('measures', 1, 'subitems', 1): the key path inside the
    entry, and the position in a list the user wrote (the line says which entry)."""
    parts = loc[2:] if len(loc) > 1 and isinstance(loc[1], int) else loc[1:]
    names = ".".join(str(p) for p in parts if not isinstance(p, int)) or str(loc[-1] if loc else "")
    indexes = [p for p in parts if isinstance(p, int)]
    return f"„{names}“" + (f" (Eintrag {indexes[-1] + 1})" if indexes else "")


def _expected(kind: str) -> tuple[str, str] | None:
    return next(((noun, ex) for prefix, noun, ex in _TYPE_HINTS if kind.startswith(prefix)), None)


def _describe(
    err: ErrorDetails, loc: tuple, alternatives: list[tuple[str, str] | None] | None = None
) -> str:
    """One German problem for one pydantic error (``alternatives``: what the other members
    of a union expected at the same place)."""
    field = _field_words(loc)
    kind = err["type"]
    if kind == "missing":
        return f"Pflichtfeld {field} fehlt"
    if kind == "extra_forbidden":
        return f"unbekanntes Feld {field}"
    if kind == "too_long":  # our own German message (domain.limits)
        return f"{field}: {err['msg']}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
        return f"{field}: „{err['input']}“ ist keiner von {', '.join(allowed)}"
    hints = [h for h in (alternatives or [_expected(kind)]) if h is not None]
    if not hints:
        return f"{field} hat einen ungültigen Wert"
    nouns = " oder ".join(dict.fromkeys(noun for noun, _ in hints))
    examples = "".join(dict.fromkeys(ex for _, ex in hints))
    return f"{field} hat den falschen Typ ({nouns} erwartet{examples})"


def _problems(exc: ValidationError, where: Callable[[tuple], tuple[str, int]]) -> list[str]:
    """Every validation error as ``file:line: message``; the members of a union that failed at
    the same place become one line ("Text oder Tabelle erwartet"), and a member whose error
    lies deeper (the user wrote a table) wins over the others' type errors."""
    models = _model_names()
    errors = [(err, _user_loc(err, models)) for err in exc.errors()]
    deeper = {loc[:n] for _, loc in errors for n in range(len(loc))}
    grouped: dict[tuple, list[ErrorDetails]] = {}
    for err, loc in errors:
        from_union = len(loc) < len(err["loc"])
        if from_union and loc in deeper and err["type"] != "extra_forbidden":
            continue
        grouped.setdefault(loc, []).append(err)
    problems = []
    for loc, errs in grouped.items():
        name, line = where(loc)
        if len(loc) == 1 and errs[0]["type"] == "missing":
            problems.append(f"{name}:1: Abschnitt „{loc[0]}“ fehlt")
            continue
        types = [_expected(e["type"]) for e in errs] if len(errs) > 1 else None
        if types is not None and all(types):
            problems.append(f"{name}:{line}: {_describe(errs[0], loc, types)}")
        else:
            problems += [f"{name}:{line}: {_describe(e, loc)}" for e in errs]
    return problems


_TYPE_HINTS = (  # pydantic's error type prefix → what was expected, an example
    ("int", "Ganzzahl", ""),
    ("float", "Zahl", ""),
    ("string", "Text", ""),
    ("datetime", "Zeitpunkt", ", z. B. 2026-03-31T10:00:00Z"),
    ("date", "Datum", ", z. B. 2026-03-31 ohne Anführungszeichen"),
    ("bool", "true oder false", ""),
    ("list", "Liste", ""),
    ("dict", "Tabelle", ""),
    ("model", "Tabelle", ""),
)


def load_seed(path: str | Path | None = None) -> LoadedSeed:
    """Read and validate a seed; raise SeedProblems listing every ``file:line: message``."""
    base = Path(path) if path else bundled_seed_dir()
    data, lines, owner, problems = _read_files(base)
    first = next(iter(lines), str(base))
    if problems and not data:
        raise SeedProblems(problems)
    try:
        seed = Seed.model_validate(data)
    except ValidationError as exc:
        problems += _problems(exc, lambda loc: _loc_line(loc, lines, owner, first))
        raise SeedProblems(problems) from None

    def where(loc: tuple) -> str:
        name, line = _loc_line(loc, lines, owner, first)
        return f"{name}:{line}"

    problems += _cross_check(seed, where)
    if problems:
        raise SeedProblems(problems)
    return LoadedSeed(seed=seed, origin=str(base))


_Where = Callable[[tuple[Any, ...]], str]
"""Turns a pydantic-style location into ``file:line``."""


def _duplicates(
    items: Sequence[BaseModel], attr: str, table: str, where: _Where, label: str
) -> list[str]:
    seen: set[object] = set()
    out = []
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value == "":  # reported as missing, not as a duplicate ("Titel fehlt")
            continue
        if value in seen:
            out.append(f"{where((table, i, attr))}: {label} „{value}“ kommt doppelt vor")
        seen.add(value)
    return out


@dataclass(frozen=True)
class _Known:
    """The keys and ids a seed defines, which its entries may refer to."""

    topics: set[str]
    statuses: set[str]
    ids: set[str]
    partners: set[str]
    leads: set[str]
    committees: set[str]
    holdings: set[str]
    seats: set[str]

    @classmethod
    def of(cls, seed: Seed) -> _Known:
        partners = set(seed.meta.partner_keys)
        return cls(
            topics={t.key for t in seed.topics},
            statuses={s.key for s in seed.statuses},
            ids={m.id for m in seed.measures},
            partners=partners,
            leads=set(leads_of(seed.meta.partner_keys)),
            committees={c.key for c in seed.committees},
            holdings={h.key for h in seed.holdings},
            seats={s.key for s in seed.seats},
        )


def _check_header(seed: Seed, where: _Where) -> list[str]:
    p: list[str] = []
    if seed.format > SEED_FORMAT:
        p.append(
            f"{where(('format',))}: Seed-Format {seed.format} ist neuer als dieses "
            f"herne-tui ({SEED_FORMAT})"
        )
    if seed.meta.term_end < seed.meta.term_start:
        p.append(f"{where(('meta', 'term_end'))}: Ende der Wahlperiode liegt vor ihrem Beginn")
    return p + _check_partners(seed, where)


def _check_partners(seed: Seed, where: _Where) -> list[str]:
    p: list[str] = []
    keys = seed.meta.partner_keys
    if len(keys) < 2:
        p.append(f"{where(('meta', 'partners'))}: mindestens zwei Partner angeben")
    for i, key in enumerate(keys):
        at = where(("meta", "partners", i))
        if not key.strip() or key != key.strip():
            p.append(f"{at}: Kurzname „{key}“ ist leer oder hat Leerzeichen am Rand")
        elif key == JOINT_LEAD:
            p.append(f"{at}: „{JOINT_LEAD}“ ist kein Partnername")
        elif keys.index(key) != i:
            p.append(f"{at}: Partner „{key}“ kommt doppelt vor")
    p += [
        f"{where(('meta', 'screens', name))}: Ansicht „{name}“ unbekannt "
        f"(bekannt: {', '.join(SCREENS)})"
        for name in seed.meta.screens
        if name not in SCREENS
    ]
    return p + _check_group_limits(seed, where)


def _check_group_limits(seed: Seed, where: _Where) -> list[str]:
    keys = seed.meta.partner_keys
    p: list[str] = []
    for i, rule in enumerate(seed.rules):
        limit = rule.params.get("max_per_party") if rule.key == "koordinierungsgruppe" else None
        for party in limit if isinstance(limit, dict) else ():
            if party not in keys:
                p.append(
                    f"{where(('rules', i, 'params', 'max_per_party'))}: „{party}“ ist "
                    f"keine Partei der Vereinbarung ({', '.join(keys)})"
                )
    return p


def _check_unique(seed: Seed, where: _Where) -> list[str]:
    p: list[str] = []
    p += _duplicates(seed.topics, "key", "topics", where, "Themenschlüssel")
    p += _duplicates(seed.statuses, "key", "statuses", where, "Status")
    p += _duplicates(seed.statuses, "order", "statuses", where, "Status-Reihenfolge")
    p += _duplicates(seed.measures, "id", "measures", where, "Maßnahmen-ID")
    p += _duplicates(seed.measures, "title", "measures", where, "Kurztitel")
    p += _duplicates(seed.rules, "key", "rules", where, "Regel")
    tables: tuple[tuple[str, Sequence[BaseModel]], ...] = (
        ("committees", seed.committees),
        ("posts", seed.posts),
        ("holdings", seed.holdings),
        ("seats", seed.seats),
    )
    for table, items in tables:
        p += _duplicates(items, "key", table, where, "Schlüssel")
    return p


def _check_statuses(seed: Seed, where: _Where) -> list[str]:
    p = [
        f"{where(('statuses', i, 'key'))}: Status-Schlüssel „{s.key}“: nur Buchstaben a–z und A–Z, "
        "Ziffern, _ und - (z. B. in_arbeit; die Bezeichnung steht in label)"
        for i, s in enumerate(seed.statuses)
        if not STATUS_KEY.fullmatch(s.key)
    ]
    if seed.statuses and not any(s.done for s in seed.statuses):
        p.append(f"{where(('statuses', 0, 'done'))}: kein Status zählt als erledigt (done = true)")
    return p


def _check_measure_id(m: SeedMeasure, at: tuple[Any, ...], where: _Where) -> list[str]:
    if not (match := ID_PATTERN.match(m.id)):
        return [f"{where(at + ('id',))}: ID „{m.id}“ hat nicht die Form THEMA-NN"]
    if match.group(1) != m.topic:
        return [f"{where(at + ('id',))}: ID „{m.id}“ passt nicht zum Thema „{m.topic}“"]
    return []


def _check_measure_texts(m: SeedMeasure, at: tuple[Any, ...], where: _Where) -> list[str]:
    p: list[str] = []
    if not m.title.strip():
        p.append(
            f"{where(at + ('title',))}: {m.id}: Titel fehlt – einen kurzen Titel "
            f"(höchstens {TITLE_MAX} Zeichen) eintragen"
        )
    if len(m.title) > TITLE_MAX:
        p.append(
            f"{where(at + ('title',))}: Kurztitel hat {len(m.title)} Zeichen "
            f"(höchstens {TITLE_MAX})"
        )
    if not m.text.strip():
        p.append(f"{where(at + ('text',))}: Text ist leer")
    return p


def _check_measure_related(
    m: SeedMeasure, at: tuple[Any, ...], where: _Where, known: _Known
) -> list[str]:
    p: list[str] = []
    for ref in m.related:
        if ref not in known.ids:
            p.append(f"{where(at + ('related',))}: verwandte Maßnahme „{ref}“ gibt es nicht")
        elif ref == m.id:
            p.append(f"{where(at + ('related',))}: „{m.id}“ verweist auf sich selbst")
    return p


def _check_measure(m: SeedMeasure, at: tuple[Any, ...], where: _Where, known: _Known) -> list[str]:
    p = _check_measure_id(m, at, where)
    if m.topic not in known.topics:
        p.append(f"{where(at + ('topic',))}: unbekanntes Thema „{m.topic}“")
    p += _check_measure_texts(m, at, where)
    if m.status is not None and m.status not in known.statuses:
        p.append(f"{where(at + ('status',))}: unbekannter Status „{m.status}“")
    if m.lead and m.lead not in known.leads:
        p.append(
            f"{where(at + ('lead',))}: Federführung „{m.lead}“ ist keiner von "
            f"{', '.join(sorted(known.leads))}"
        )
    if m.origin and m.origin not in known.leads:
        p.append(
            f"{where(at + ('origin',))}: Herkunft „{m.origin}“ ist keiner von "
            f"{', '.join(sorted(known.leads))}"
        )
    return p + _check_measure_related(m, at, where, known)


def _check_measures(seed: Seed, where: _Where, known: _Known) -> list[str]:
    p: list[str] = []
    for i, m in enumerate(seed.measures):
        p += _check_measure(m, ("measures", i), where, known)
    return p


def _check_repeats(seed: Seed, where: _Where, known: _Known) -> list[str]:
    p: list[str] = []
    by_id = {m.id: m for m in seed.measures}
    for i, r in enumerate(seed.repeats):
        at = ("repeats", i)
        if r.of not in by_id:
            p.append(
                f"{where(at + ('of',))}: Wiederholung verweist auf „{r.of}“, das es nicht gibt"
            )
        elif r.text != by_id[r.of].text:
            p.append(f"{where(at + ('text',))}: Text der Wiederholung weicht von „{r.of}“ ab")
        if r.topic not in known.topics:
            p.append(f"{where(at + ('topic',))}: unbekanntes Thema „{r.topic}“")
    return p


def _check_committee(
    c: SeedCommittee, at: tuple[Any, ...], where: _Where, known: _Known
) -> list[str]:
    p: list[str] = []
    if c.measure and c.measure not in known.ids:
        p.append(f"{where(at + ('measure',))}: Maßnahme „{c.measure}“ gibt es nicht")
    for ref in ([c.split_from] if c.split_from else []) + c.split_into:
        if ref not in known.committees:
            p.append(
                f"{where(at + ('split_from' if ref == c.split_from else 'split_into',))}"
                f": Ausschuss „{ref}“ gibt es nicht"
            )
    if c.change_state not in CHANGE_STATES:
        p.append(f"{where(at + ('change_state',))}: unbekannter Stand „{c.change_state}“")
    return p


def _check_committees(seed: Seed, where: _Where, known: _Known) -> list[str]:
    p: list[str] = []
    for i, c in enumerate(seed.committees):
        p += _check_committee(c, ("committees", i), where, known)
    return p


def _check_posts(seed: Seed, where: _Where, known: _Known) -> list[str]:
    p: list[str] = []
    for i, post in enumerate(seed.posts):
        at = ("posts", i)
        if known.partners and post.right not in known.partners:
            p.append(f"{where(at + ('right',))}: Partei „{post.right}“ ist kein Partner")
        if post.state not in POST_STATES:
            p.append(f"{where(at + ('state',))}: unbekannter Stand „{post.state}“")
    return p


def _check_holdings(seed: Seed, where: _Where, known: _Known) -> list[str]:
    p: list[str] = []
    for i, h in enumerate(seed.holdings):
        for ref in h.linked:
            if ref not in known.holdings:
                p.append(f"{where(('holdings', i, 'linked'))}: Beteiligung „{ref}“ gibt es nicht")
    return p


def _check_seats(seed: Seed, where: _Where, known: _Known) -> list[str]:
    p: list[str] = []
    for i, s in enumerate(seed.seats):
        if s.holding not in known.holdings:
            p.append(f"{where(('seats', i, 'holding'))}: Beteiligung „{s.holding}“ gibt es nicht")
        if s.state not in SEAT_STATES:
            p.append(f"{where(('seats', i, 'state'))}: unbekannter Stand „{s.state}“")
    return p


def _check_nomination_default(seed: Seed, where: _Where) -> list[str]:
    defaults = [i for i, r in enumerate(seed.nomination_rules) if r.default]
    if not seed.seats or len(defaults) == 1:
        return []
    line = where(("nomination_rules", defaults[1] if len(defaults) > 1 else 0))
    return [
        f"{line}: genau eine Vorschlagsregel muss default = true haben (gefunden: {len(defaults)})"
    ]


def _check_nomination_rules(seed: Seed, where: _Where, known: _Known) -> list[str]:
    p = _check_nomination_default(seed, where)
    for i, r in enumerate(seed.nomination_rules):
        at = ("nomination_rules", i)
        if known.partners and r.party not in known.partners:
            p.append(f"{where(at + ('party',))}: Partei „{r.party}“ ist kein Partner")
        if r.holding and r.holding not in known.holdings:
            p.append(f"{where(at + ('holding',))}: Beteiligung „{r.holding}“ gibt es nicht")
        if r.seat and r.seat not in known.seats:
            p.append(f"{where(at + ('seat',))}: Sitz „{r.seat}“ gibt es nicht")
    return p


def _cross_check(seed: Seed, where: _Where) -> list[str]:
    """Checks across entries: references, uniqueness, lengths, allowed values."""
    known = _Known.of(seed)
    return [
        *_check_header(seed, where),
        *_check_unique(seed, where),
        *_check_statuses(seed, where),
        *_check_measures(seed, where, known),
        *_check_repeats(seed, where, known),
        *_check_committees(seed, where, known),
        *_check_posts(seed, where, known),
        *_check_holdings(seed, where, known),
        *_check_seats(seed, where, known),
        *_check_nomination_rules(seed, where, known),
    ]
