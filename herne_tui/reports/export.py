"""Exports of the current state: TOML (a valid seed), JSON, CSV and a spreadsheet (``sheet``).

Deterministic: the same state gives byte-identical output (no timestamps, stable order,
sorted keys). A TOML export seeded into a fresh database exports identically again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime

import tomli_w
from sqlalchemy import select
from sqlalchemy.orm import Session

from herne_tui.db.models import (
    CommitteeRow,
    HoldingRow,
    MeasureRow,
    NominationRuleRow,
    NoteRow,
    PostRow,
    RepeatRow,
    RuleRow,
    SeatRow,
)
from herne_tui.db.store import Database
from herne_tui.domain.text import for_serialized
from herne_tui.reports.sheet import render_csv, render_xlsx
from herne_tui.seeding.load import SEED_FORMAT
from herne_tui.services.history import cutoff, replayed
from herne_tui.services.queries import aware, read_board, read_holdings, read_meta

FORMATS = ("toml", "json", "csv")
"""The text formats; ``xlsx`` (bytes) is ``export_xlsx``."""
_META_DATES = ("term_start", "term_end", "signed")


def _drop_empty(values: dict, keep: tuple[str, ...] = ()) -> dict:
    """Leave out None (TOML has no null) and empty optional values, for a tidy seed."""
    return {
        k: v
        for k, v in values.items()
        if k in keep or (v is not None and v != "" and v != [] and v != {})
    }


def snapshot(session: Session) -> dict:
    """The whole state as plain data in seed layout (dates as date objects)."""
    meta = dict(read_meta(session).get("agreement", {}))
    for key in _META_DATES:
        if isinstance(meta.get(key), str):
            meta[key] = date.fromisoformat(meta[key])
    board = read_board(session)
    notes = defaultdict(list)
    for n in session.scalars(
        select(NoteRow)
        .where(NoteRow.subject.like("measure:%"), NoteRow.intern == "")  # never internal
        .order_by(NoteRow.at, NoteRow.id)
    ):
        notes[n.subject.split(":", 1)[1]].append(
            {"author": n.author, "at": aware(n.at), "text": n.text}
        )
    rows = {m.id: m for m in session.scalars(select(MeasureRow))}
    measures = []
    for m in board.measures:
        measures.append(
            _drop_empty(
                {
                    "id": m.id,
                    "topic": m.topic,
                    "paragraph": m.paragraph,
                    "title": m.title,
                    "text": m.text,
                    "subitems": list(m.subitems),
                    "related": list(m.related),
                    "targets": [dict(t) for t in rows[m.id].targets],
                    "status": m.status,
                    "responsible": m.responsible,
                    "lead": m.lead,
                    "due": m.due,
                    "origin": m.origin,
                    "notes": notes.get(m.id, []),
                }
            )
        )
    repeats = [
        {"of": r.of_measure, "topic": r.topic_key, "paragraph": r.paragraph, "text": r.text}
        for r in session.scalars(select(RepeatRow).order_by(RepeatRow.id))
    ]
    committees = [
        _drop_empty(
            {
                "key": c.key,
                "name": c.name,
                "change": c.change,
                "change_note": c.change_note,
                "chair_role": c.chair_role,
                "measure": c.measure_id,
                "new_name": c.new_name,
                "split_from": c.split_from,
                "split_into": list(c.split_into),
                "section": c.section,
                "source": c.source,
                "change_state": c.change_state,
                "chair": c.chair,
                "chair_party": c.chair_party,
                "spokespeople": dict(sorted(c.spokespeople.items())),
            }
        )
        for c in session.scalars(select(CommitteeRow).order_by(CommitteeRow.position))
    ]
    posts = [
        _drop_empty(
            {
                "key": p.key,
                "title": p.title,
                "kind": p.kind,
                "body": p.body,
                "district": p.district,
                "right": p.right,
                "tender_required": p.tender_required,
                "section": p.section,
                "source": p.source,
                "holder": p.holder,
                "holder_party": p.holder_party,
                "state": p.state,
                "state_date": p.state_date,
                "tender_date": p.tender_date,
                "vote_date": p.vote_date,
            }
        )
        for p in session.scalars(select(PostRow).order_by(PostRow.position))
    ]
    holdings = [
        _drop_empty(
            {
                "key": h.key,
                "name": h.name,
                "note": h.note,
                "linked": list(h.linked),
                "section": h.section,
                "source": h.source,
            }
        )
        for h in session.scalars(select(HoldingRow).order_by(HoldingRow.position))
    ]
    seats = [
        _drop_empty(
            {
                "key": s.key,
                "holding": s.holding_key,
                "title": s.title,
                "staffing": s.staffing,
                "to_create": s.to_create,
                "section": s.section,
                "source": s.source,
                "nominee": s.nominee,
                "nominee_party": s.nominee_party,
                "tender_done": s.tender_done,
                "tender_date": s.tender_date,
                "state": s.state,
                "state_date": s.state_date,
            }
        )
        for s in session.scalars(select(SeatRow).order_by(SeatRow.position))
    ]
    rules = [
        _drop_empty(
            {
                "key": r.key,
                "section": r.section,
                "summary": r.summary,
                "text": r.text,
                "params": dict(r.params),
            }
        )
        for r in session.scalars(select(RuleRow).order_by(RuleRow.position))
    ]
    nomination_rules = [
        _drop_empty(
            {
                "party": r.party,
                "holding": r.holding_key,
                "seat": r.seat_key,
                "default": r.is_default,
                "section": r.section,
                "source": r.source,
            }
        )
        for r in session.scalars(select(NominationRuleRow).order_by(NominationRuleRow.id))
    ]
    return {
        "format": SEED_FORMAT,
        "meta": _drop_empty(meta),
        "topics": [{"key": t.key, "name": t.name, "order": t.order} for t in board.topics],
        "statuses": [
            {"key": s.key, "label": s.label, "order": s.order, "done": s.done}
            for s in board.statuses
        ],
        "rules": rules,
        "measures": measures,
        "repeats": repeats,
        "committees": committees,
        "posts": posts,
        "holdings": holdings,
        "seats": seats,
        "nomination_rules": nomination_rules,
    }


def to_json_data(data: dict, holdings) -> dict:
    """The JSON export's shape: seed layout plus derived fields for scripts."""
    by_measure = defaultdict(list)
    for r in data["repeats"]:
        by_measure[r["of"]].append({"topic": r["topic"], "paragraph": r["paragraph"]})
    measures = []
    for m in data["measures"]:
        measures.append(
            {
                "id": m["id"],
                "topic": m["topic"],
                "status": m["status"],
                "title": m["title"],
                "text": m["text"],
                "paragraph": m["paragraph"],
                "subitems": m.get("subitems", []),
                "targets": m.get("targets", []),
                "duplicates": by_measure.get(m["id"], []),
                "related": m.get("related", []),
                "responsible": m.get("responsible", ""),
                "lead": m.get("lead", ""),
                "due": m.get("due"),
                "notes": m.get("notes", []),
            }
        )
    rights = {s.key: s.right for h in holdings for s in h.seats}
    holdings_out = []
    for h in data["holdings"]:
        seats = [
            dict(s, right=rights.get(s["key"], ""))
            for s in data["seats"]
            if s["holding"] == h["key"]
        ]
        holdings_out.append(dict(h, seats=seats))
    return {
        "meta": data["meta"],
        "topics": data["topics"],
        "statuses": data["statuses"],
        "measures": measures,
        "committees": data["committees"],
        "posts": data["posts"],
        "holdings": holdings_out,
        "rules": data["rules"] + [dict(r, kind="nomination") for r in data["nomination_rules"]],
        "repeats": data["repeats"],
    }


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def render(data: dict, fmt: str, holdings=(), *, excel: bool = False) -> str:
    """Render a snapshot as toml, json or csv text (``excel``: CSV for German spreadsheets)."""
    if fmt == "toml":
        return for_serialized(tomli_w.dumps(data, multiline_strings=False))
    if fmt == "json":
        return (
            for_serialized(
                json.dumps(
                    to_json_data(data, holdings),
                    ensure_ascii=False,
                    indent=2,
                    sort_keys=True,
                    default=_json_default,
                )
            )
            + "\n"
        )
    if fmt == "csv":
        return render_csv(data, excel=excel)
    raise ValueError(f"unknown format {fmt}")


def export_text(db: Database, fmt: str, *, excel: bool = False) -> str:
    """The current state exported in one read transaction."""

    def run(session: Session) -> str:
        data = snapshot(session)
        return render(data, fmt, read_holdings(session) if fmt == "json" else (), excel=excel)

    return db.read(run)


def export_xlsx(db: Database, when: date | datetime | None = None) -> bytes:
    """The measures as an ``.xlsx`` workbook: now, or as of ``when`` (a date: its end, UTC)."""

    def run(session: Session) -> dict:
        return snapshot(session) if when is None else export_snapshot(session, cutoff(when))

    return render_xlsx(db.read(run))


# -- export as of a date --------------------------------------------------------------------
def _overlay(item: dict, fields: dict, *, notes: list | None = None) -> dict:
    """An export row with its user fields (always last, in service order) replaced."""
    out = {k: v for k, v in item.items() if k not in fields and k != "notes"}
    for f, v in fields.items():
        out[f] = dict(sorted(v.items())) if isinstance(v, dict) else v
    if notes is not None:
        out["notes"] = notes
    return _drop_empty(out)  # the export's own rule for empty values


def export_snapshot(session: Session, until: datetime) -> dict:
    """The export's seed-layout data, with every user field and note as of ``until``."""
    data = snapshot(session)
    rows, notes = replayed(session, until)
    keys = {
        "measures": ("measure", "id"),
        "committees": ("committee", "key"),
        "posts": ("post", "key"),
        "seats": ("seat", "key"),
    }
    for section, (entity, id_key) in keys.items():
        out = []
        for item in data[section]:
            fields = rows.get((entity, item[id_key]))
            if fields is None:
                continue
            own = None
            if entity == "measure":
                own = [
                    {"author": n.author, "at": n.at, "text": n.text}
                    for n in notes.get(item["id"], ())
                ]
            out.append(_overlay(item, fields, notes=own))
        data[section] = out
    present = {m["id"] for m in data["measures"]}
    data["repeats"] = [r for r in data["repeats"] if r["of"] in present]
    return data


def export_text_as_of(db: Database, when: date | datetime, fmt: str, *, excel: bool = False) -> str:
    """The export (toml, json or csv) of the state as of ``when`` (a date: its end, UTC)."""
    limit = cutoff(when)

    def run(session: Session) -> str:
        data = export_snapshot(session, limit)
        return render(data, fmt, read_holdings(session) if fmt == "json" else (), excel=excel)

    return db.read(run)
