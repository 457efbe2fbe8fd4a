"""Measures and coalition motions linked to RIS papers: by hand, by suggestion, and what a
linked paper's authoritative result proposes for the measure's status.

A link's subject is ``measure:ID`` or ``paper:N`` (a motion of the papers panel). Linking and
unlinking are recorded in the history (action ``link``/``unlink``, field ``ris_paper``, the
paper's URL as source). Suggestions come from word overlap between new papers and measures,
and are only a list: a user links (``ris link``) or rejects (``ris reject``) each.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import MeasureRow, PaperRow, RisLinkRow, RisPaperRow
from herne_tui.db.store import Database
from herne_tui.errors import InvalidInput, NotFound
from herne_tui.services.edits import new_txn, record
from herne_tui.services.queries import read_meta

SUGGEST_MIN = 0.22
"""Least similarity (cosine of word sets) for a suggestion."""
SUGGEST_PER_PAPER = 3

_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = """aber alle allen auch auf aus beim bereits beschluss beschlussvorlage bzgl dass dazu
    dem den der des die dies diese diesem diesen dieser durch eine einem einen einer eines
    für gegen hier ihre insbesondere jahr kann können mehr mit nach neue neuen nicht noch
    oder sich sie sind sollen soll sowie über unter verwaltung vom von vor werden wird
    wollen zum zur zwischen antrag anfrage vorlage mitteilung"""
STOPWORDS = frozenset(_STOP.split())


def words(text: str) -> set[str]:
    """The content words of a text, lower case, with the commonest endings cut."""
    out = set()
    for w in _WORD.findall(text.lower()):
        if w in STOPWORDS:
            continue
        for end in ("ungen", "ung", "en", "er", "es", "e", "n", "s"):
            if len(w) - len(end) >= 5 and w.endswith(end):
                w = w[: -len(end)]
                break
        out.add(w)
    return out


def similar(
    papers: Iterable[tuple[str, str]], measures: Iterable[tuple[str, str]]
) -> list[tuple[str, str, float]]:
    """(paper URL, measure id, score) for each paper's best matching measures."""
    index: dict[str, set[str]] = defaultdict(set)
    sizes = {}
    for mid, text in measures:
        ws = words(text)
        sizes[mid] = len(ws)
        for w in ws:
            index[w].add(mid)
    out: list[tuple[str, str, float]] = []
    for url, text in papers:
        ws = words(text)
        shared: dict[str, int] = defaultdict(int)
        for w in ws:
            for mid in index.get(w, ()):
                shared[mid] += 1
        scored = [
            (n / math.sqrt(len(ws) * sizes[mid]), mid)
            for mid, n in shared.items()
            if n >= 2 and sizes[mid]
        ]
        scored.sort(reverse=True)
        out.extend(
            (url, mid, round(s, 3)) for s, mid in scored[:SUGGEST_PER_PAPER] if s >= SUGGEST_MIN
        )
    return out


def suggest_for(session: Session, paper_urls: list[str]) -> int:
    """Suggest links for new papers (dated from the agreement's signing on); in the sync's
    transaction. Returns how many suggestions were added."""
    signed = str(read_meta(session).get("agreement", {}).get("signed", ""))
    papers = []
    for part in range(0, len(paper_urls), 500):
        for row in session.scalars(
            select(RisPaperRow).where(RisPaperRow.url.in_(paper_urls[part : part + 500]))
        ):
            if signed and row.paper_date and row.paper_date.isoformat() < signed:
                continue
            papers.append(row)
    if not papers:
        return 0
    measures = [
        (m.id, f"{m.title} {m.title} {m.text}") for m in session.scalars(select(MeasureRow))
    ]
    found = similar(((p.url, p.name) for p in papers), measures)
    taken = {(r.subject, r.paper_url) for r in session.scalars(select(RisLinkRow))}
    by_url = {p.url: p for p in papers}
    added = 0
    for url, mid, score in found:
        subject = f"measure:{mid}"
        if (subject, url) in taken:
            continue
        paper = by_url[url]
        session.add(
            RisLinkRow(
                subject=subject,
                paper_url=url,
                reference=paper.reference,
                name=paper.name,
                state="suggested",
                score=score,
            )
        )
        added += 1
    return added


# -- linking by hand --------------------------------------------------------------------------
def _subject(session: Session, given: str) -> tuple[str, str, str]:
    """``(subject, history entity, entity id)`` for a measure id or ``paper:N``."""
    text = given.strip()
    if text.lower().startswith("paper:"):
        number = text.partition(":")[2]
        if not number.isdigit() or session.get(PaperRow, int(number)) is None:
            raise NotFound(f"Papier „{number}“ gibt es nicht (paper:NR wie im Papiere-Panel)")
        return f"paper:{int(number)}", "paper", str(int(number))
    measure = session.get(MeasureRow, text) or session.get(MeasureRow, text.upper())
    if measure is None:
        raise NotFound(f"Maßnahme „{text}“ gibt es nicht")
    return f"measure:{measure.id}", "measure", measure.id


def find_paper(session: Session, reference: str) -> RisPaperRow:
    """The mirrored paper with this reference (Drucksachennummer) or URL."""
    text = reference.strip()
    rows = session.scalars(
        select(RisPaperRow).where((RisPaperRow.reference == text) | (RisPaperRow.url == text))
    ).all()
    if not rows:
        raise NotFound(
            f"Vorlage „{text}“ ist nicht im RIS-Spiegel (erst herne-tui ris sync, "
            "dann die Nummer wie im RIS angeben)"
        )
    if len(rows) > 1:
        raise InvalidInput(f"Vorlage „{text}“ gibt es {len(rows)}-mal: die URL angeben")
    return rows[0]


def link(db: Database, *, subject: str, reference: str, user: str) -> str:
    """Link a measure or motion to a mirrored paper (a suggestion becomes a link)."""

    def run(session: Session) -> str:
        key, entity, entity_id = _subject(session, subject)
        paper = find_paper(session, reference)
        row = session.scalars(
            select(RisLinkRow).where(RisLinkRow.subject == key, RisLinkRow.paper_url == paper.url)
        ).first()
        if row is not None and row.state == "linked":
            raise InvalidInput(
                f"{entity_id} ist schon mit {paper.reference or paper.url} verknüpft"
            )
        at = db.now()
        row = row or RisLinkRow(subject=key, paper_url=paper.url)
        row.state, row.reference, row.name = "linked", paper.reference, paper.name
        row.deleted_upstream, row.created_by, row.created_at = paper.deleted, user, at
        session.add(row)
        record(
            session,
            at=at,
            user=user,
            action="link",
            entity=entity,
            entity_id=entity_id,
            field="ris_paper",
            new=paper.reference or paper.url,
            source=paper.url,
            txn=new_txn(),
        )
        return f"{entity_id} ↔ {paper.reference or paper.url} {paper.name}".strip()

    return db.write(run)


def _linked_row(session: Session, key: str, reference: str) -> RisLinkRow | None:
    text = reference.strip()
    for row in session.scalars(select(RisLinkRow).where(RisLinkRow.subject == key)):
        if text in (row.reference, row.paper_url):
            return row
    return None


def unlink(db: Database, *, subject: str, reference: str, user: str) -> str:
    """Remove a link (also one to a paper deleted upstream)."""

    def run(session: Session) -> str:
        key, entity, entity_id = _subject(session, subject)
        row = _linked_row(session, key, reference)
        if row is None or row.state != "linked":
            raise NotFound(f"{entity_id} ist nicht mit „{reference.strip()}“ verknüpft")
        session.delete(row)
        record(
            session,
            at=db.now(),
            user=user,
            action="unlink",
            entity=entity,
            entity_id=entity_id,
            field="ris_paper",
            old=row.reference or row.paper_url,
            source=row.paper_url,
            txn=new_txn(),
        )
        session.flush()
        _drop_deleted_paper(session, row.paper_url)
        return f"{entity_id} ↮ {row.reference or row.paper_url}"

    return db.write(run)


def _drop_deleted_paper(session: Session, url: str) -> None:
    """A paper deleted upstream is kept only while something links to it."""
    paper = session.get(RisPaperRow, url)
    still = session.scalars(
        select(RisLinkRow).where(RisLinkRow.paper_url == url, RisLinkRow.state == "linked")
    ).first()
    if paper is not None and paper.deleted and still is None:
        session.delete(paper)


def reject(db: Database, *, subject: str, reference: str, user: str) -> str:
    """Reject a suggestion: it is not suggested again."""

    def run(session: Session) -> str:
        key, entity, entity_id = _subject(session, subject)
        row = _linked_row(session, key, reference)
        if row is None or row.state != "suggested":
            raise NotFound(f"kein Vorschlag {entity_id} ↔ „{reference.strip()}“")
        row.state = "rejected"
        session.add(row)
        record(
            session,
            at=db.now(),
            user=user,
            action="reject",
            entity=entity,
            entity_id=entity_id,
            field="ris_paper",
            old=row.reference or row.paper_url,
            source=row.paper_url,
            txn=new_txn(),
        )
        return f"Vorschlag {entity_id} ↔ {row.reference or row.paper_url} abgelehnt"

    return db.write(run)
