"""One sync's data, read completely into memory before anything is written.

``fetch_snapshot`` finds the body (from a System or Body URL), reads every list the body
names (page by page; later syncs only with ``modified_since``), splits embedded objects out of
their parents with their back-references (a meeting's agenda items, a paper's consultations
and files, a person's memberships: in OParl 1.1 as in 1.0), and fetches referenced objects no
list contained. The result, a ``Snapshot``, is applied by ``mirror.apply_snapshot`` in one
transaction; a sync that fails before that leaves the mirror as it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from herne_tui.ris import shapes
from herne_tui.ris.client import KEEP, Client, Problems, RisError

OVERLAP = timedelta(hours=1)
"""How far before the last complete sync a later one asks (``modified_since``): covers clock
skew between us and the server, and changes saved while the last sync ran."""

MAX_REFERENCE_FETCHES = 500
"""Referenced objects no list contained that one sync fetches one by one, at most."""

LISTS: tuple[str, ...] = ("organization", "person", "meeting", "paper", "membership")
LISTS += ("agendaItem", "consultation", "file")
"""The Body's lists in reading order (the last four exist in OParl 1.1 only)."""

EMBEDDED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "person": (("membership", "membership", "person"),),
    "meeting": (
        ("agendaItem", "agendaItem", "meeting"),
        ("invitation", "file", ""),
        ("resultsProtocol", "file", ""),
        ("verbatimProtocol", "file", ""),
        ("auxiliaryFile", "file", ""),
    ),
    "agendaItem": (("resolutionFile", "file", ""), ("auxiliaryFile", "file", "")),
    "paper": (
        ("consultation", "consultation", "paper"),
        ("mainFile", "file", ""),
        ("auxiliaryFile", "file", ""),
    ),
}
"""Parent kind → (key, child kind, the child's back-reference to its parent)."""

MANY = {"agendaItem", "auxiliaryFile", "membership", "consultation"}
"""Embedded keys that hold arrays (the others hold one object)."""

REFERENCES = (
    ("consultation", "paper", "paper"),
    ("consultation", "meeting", "meeting"),
    ("agendaItem", "consultation", "consultation"),
    ("meeting", "organization", "organization"),
    ("consultation", "organization", "organization"),
)
"""(kind, key, referenced kind) the queries follow: a missing target is fetched by itself."""

Progress = Callable[[str, int, int | None, int], None]
"""Called after each page: list name, pages read, pages announced (or None), objects so far."""


@dataclass(frozen=True)
class Stored:
    """What the mirror remembers of the last sync (``ris_source``)."""

    url: str
    body_url: str
    last_sync: datetime | None


@dataclass
class Snapshot:
    """Everything one sync read: rows per kind, deleted URLs, embedded children per parent."""

    source_url: str
    system_url: str
    body_url: str
    body_name: str
    version: str
    lists: dict[str, str]
    full: bool
    started: datetime
    since: datetime | None
    rows: dict[str, dict[str, dict]] = field(default_factory=lambda: defaultdict(dict))
    deleted: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    children: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    requests: int = 0
    problems: Problems = field(default_factory=Problems)

    @property
    def count(self) -> int:
        """Objects read (deleted ones included)."""
        return sum(len(r) for r in self.rows.values()) + sum(len(d) for d in self.deleted.values())


class Reader:
    """Turns the JSON a server sends into a snapshot's rows (one instance per sync)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snap = snapshot
        self.problems = snapshot.problems
        self.objects: dict[str, dict[str, dict]] = defaultdict(dict)

    def ingest(self, kind: str, item: Any, parent: str = "") -> str:
        """Take one object (or a reference) of ``kind``; return its URL ("" if none)."""
        if isinstance(item, str):
            return item
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            self.problems.note("no-id", parent or self.snap.body_url, kind)
            return ""
        url = item["id"]
        kind = shapes.TYPE_KIND.get(shapes.type_name(item), kind)
        if item.get("deleted") is True or item.get("deleted") == "true":
            self.snap.deleted[kind].add(url)
            return url
        obj = shapes.clean(item, self.problems)
        for key, child_kind, backref in EMBEDDED.get(kind, ()):
            if key in obj:
                obj[key] = self._children(obj, key, child_kind, backref)
        if kind == "file" and parent:
            obj.setdefault("_parent", parent)
        self.objects[kind][url] = {**self.objects[kind].get(url, {}), **obj}
        return url

    def _children(self, obj: dict, key: str, kind: str, backref: str) -> Any:
        url = obj["id"]
        where = f"{shapes.type_name(obj) or 'Objekt'}.{key}"
        if key in MANY:
            values = shapes.as_list(obj[key], url, where, self.problems)
        else:
            values = obj[key] if isinstance(obj[key], list) else [obj[key]]
            if isinstance(obj[key], list):
                self.problems.note("not-object", url, where)
        ids = []
        for child in values:
            if isinstance(child, dict) and backref and not shapes.ref(child.get(backref)):
                child = {**child, backref: url}
            ids.append(self.ingest(kind, child, parent=url))
        ids = [i for i in ids if i]
        if backref:
            self.children_of(kind, url).update(ids)
        return ids if key in MANY else (ids[0] if ids else None)

    def children_of(self, kind: str, parent: str) -> set[str]:
        """The set of ``kind`` children embedded in ``parent`` (created on first use)."""
        return self.snap.children.setdefault((kind, parent), set())

    def finish(self) -> None:
        """Turn the objects into rows; a deleted object is no row."""
        for kind, objects in self.objects.items():
            gone = self.snap.deleted.get(kind, set())
            for url, obj in objects.items():
                if url not in gone:
                    self.snap.rows[kind][url] = shapes.columns(kind, obj, self.problems)


class Fetcher:
    """Reads one body's data through a ``Client`` into a ``Snapshot``."""

    def __init__(self, client: Client, *, known: set[str], progress: Progress | None = None):
        self.client = client
        self.known = known
        self.progress = progress or (lambda *_: None)

    def object(self, url: str) -> dict:
        """One object; a list where one object belongs gives the element with that id."""
        value = self.client.get(url)
        if isinstance(value, dict) and isinstance(value.get("data"), list):
            value = value["data"]
        if isinstance(value, list):
            self.client.problems.note("not-object", url, "Antwort")
            found = [v for v in value if isinstance(v, dict) and v.get("id") == url]
            objects = found or [v for v in value if isinstance(v, dict)]
            value = objects[0] if objects else None
        if not isinstance(value, dict):
            raise RisError(f"{url}: kein OParl-Objekt; {KEEP}")
        return value

    def body(self, url: str) -> tuple[str, dict]:
        """The system's URL (or "") and the body behind a System or Body URL."""
        obj = self.object(url)
        kind = shapes.type_name(obj)
        if kind == "Body":
            return shapes.ref(obj.get("system")), obj
        if kind != "System":
            shown = obj.get("type") or "ohne type"
            raise RisError(f"{url}: weder OParl-System noch -Body („{shown}“); {KEEP}")
        bodies = obj.get("body")
        items: list = []
        if isinstance(bodies, str):
            for data, _ in self.client.pages(bodies):
                items.extend(data)
        else:
            items = shapes.as_list(bodies, url, "System.body", self.client.problems)
        if not items:
            raise RisError(f"{url}: das System nennt keine Körperschaft (body); {KEEP}")
        if len(items) > 1:
            self.client.problems.note("bodies", url, str(len(items)))
        first = items[0]
        return obj.get("id", url), self.object(first) if isinstance(first, str) else first

    def run(self, url: str, *, stored: Stored | None, started: datetime, full: bool) -> Snapshot:
        """Read the body and its lists (changes since the last sync unless ``full``)."""
        full = full or stored is None or stored.url != url or stored.last_sync is None
        if not full and stored is not None and stored.body_url:
            system_url, body = "", self.object(stored.body_url)
        else:
            system_url, body = self.body(url)
        since = None if full or stored is None or stored.last_sync is None else stored.last_sync
        since = since - OVERLAP if since else None
        lists = {k: body[k] for k in LISTS if isinstance(body.get(k), str) and body[k]}
        snap = Snapshot(
            source_url=url,
            system_url=system_url,
            body_url=str(body.get("id") or url),
            body_name=shapes.text(body.get("name")) or shapes.text(body.get("shortName")),
            version=shapes.version_of(body),
            lists=lists,
            full=full,
            started=started,
            since=since,
            problems=self.client.problems,
        )
        reader = Reader(snap)
        params = {"modified_since": since.isoformat(timespec="seconds")} if since else None
        for kind, list_url in lists.items():
            self._read_list(reader, kind, list_url, params)
        self._fetch_references(reader)
        reader.finish()
        snap.requests = self.client.requests
        return snap

    def _read_list(self, reader: Reader, kind: str, url: str, params: dict | None) -> None:
        for pages, (data, total) in enumerate(self.client.pages(url, params), start=1):
            for item in data:
                reader.ingest(kind, item)
            self.progress(kind, pages, total, sum(len(o) for o in reader.objects.values()))

    def _missing(self, reader: Reader) -> list[tuple[str, str]]:
        have = {u for objs in reader.objects.values() for u in objs} | self.known
        have |= {u for gone in reader.snap.deleted.values() for u in gone}
        wanted: dict[str, str] = {}
        for kind, key, target in REFERENCES:
            for obj in list(reader.objects.get(kind, {}).values()):
                value = obj.get(key)
                refs = value if isinstance(value, list) else [value]
                for r in refs:
                    if isinstance(r, str) and r and r not in have:
                        wanted.setdefault(r, target)
        return list(wanted.items())

    def _fetch_references(self, reader: Reader) -> None:
        """Fetch referenced objects that no list held; an unfetchable one stays a URL."""
        missing = self._missing(reader)
        if len(missing) > MAX_REFERENCE_FETCHES:
            self.client.problems.note("too-many-refs", missing[0][0], str(MAX_REFERENCE_FETCHES))
        for url, kind in missing[:MAX_REFERENCE_FETCHES]:
            try:
                reader.ingest(kind, self.object(url))
            except RisError:
                self.client.problems.note("unfetchable", url, kind)
