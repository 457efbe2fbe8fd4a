"""Exports for spreadsheets (issue 12 item 15): ``--format csv --excel`` and ``--format xlsx``.

Run as a user would (the real ``herne-tui`` command) and read back with ``csv`` and
``openpyxl``; the answer key is the JSON export, a separate code path.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers import run_cli

COLUMNS = ["id", "topic", "status", "title", "responsible", "lead", "due", "notes", "related"]
EXE = [str(Path(sys.executable).with_name("herne-tui"))]
HOSTILE = '=HYPERLINK("http://böse.example","klick")'


@pytest.fixture
def exported(tmp_path):
    """A seeded database with a due date, a note and a responsible that looks like a formula."""
    db = str(tmp_path / "h.db")
    assert run_cli("seed", "--db", db).returncode == 0
    edit = run_cli(
        *("set", "ARB-01", "--db", db, "--responsible", HOSTILE, "--due", "31.03.2027"),
        *("--note", "Rücksprache mit Ämtern", "--lead", "gemeinsam"),
    )
    assert edit.returncode == 0, edit.stderr
    plain = run_cli("export", "--db", db, "--format", "json")
    return db, json.loads(plain.stdout)["measures"]


def test_csv_for_excel_has_a_bom_semicolons_and_umlauts_intact(exported, tmp_path):
    db, measures = exported
    out = tmp_path / "massnahmen.csv"
    result = run_cli("export", "--db", db, "--format", "csv", "--excel", "-o", str(out))
    assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][: len(COLUMNS)] == COLUMNS and rows[0][-1] == "text"
    assert [r[0] for r in rows[1:]] == [m["id"] for m in measures]
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    for m in measures:
        assert by_id[m["id"]]["text"] == m["text"] and by_id[m["id"]]["title"] == m["title"]
    first = by_id["ARB-01"]
    assert first["responsible"] == "'" + HOSTILE  # still neutralised, as in the plain CSV
    assert first["due"] == "2027-03-31" and first["notes"] == "1"
    assert any("ä" in r[3] or "ö" in r[3] or "ü" in r[3] or "ß" in r[3] for r in rows[1:])
    # the same on standard output
    piped = run_cli("export", "--db", db, "--format", "csv", "--excel")
    assert piped.stdout.encode("utf-8") == raw
    # the plain CSV is unchanged: commas, no byte-order mark
    plain = run_cli("export", "--db", db, "--format", "csv").stdout
    assert plain.startswith("id,topic,status,") and "\ufeff" not in plain


def _sheet(path: Path):
    book = openpyxl.load_workbook(path)
    return book.active


def test_xlsx_is_a_spreadsheet_with_text_cells_and_a_bold_header(exported, tmp_path):
    db, measures = exported
    out = tmp_path / "massnahmen.xlsx"
    result = run_cli("export", "--db", db, "--format", "xlsx", "-o", str(out))
    assert result.returncode == 0, result.stderr
    sheet = _sheet(out)
    header = [c.value for c in sheet[1]]
    assert header[: len(COLUMNS)] == COLUMNS and header[-1] == "text"
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [m["id"] for m in measures]
    for r, m in zip(rows, measures, strict=True):
        assert r[3].value == m["title"] and r[-1].value == m["text"]
    first = {name: cell for name, cell in zip(header, rows[0], strict=True)}
    # user text is a string cell, verbatim, never a formula
    assert first["responsible"].value == HOSTILE and first["responsible"].data_type == "s"
    assert not [c.coordinate for r in sheet.iter_rows() for c in r if c.data_type == "f"]
    assert first["due"].value.date().isoformat() == "2027-03-31"
    assert first["notes"].value == 1
    widths = {k: sheet.column_dimensions[k].width for k in ("A", "D", "J")}
    assert widths["A"] < widths["D"] <= widths["J"] and widths["J"] > 40
    # standard output that is not a terminal gets the same workbook
    raw = subprocess.run([*EXE, "export", "--db", db, "--format", "xlsx"], capture_output=True)
    assert raw.returncode == 0 and raw.stdout.startswith(b"PK")
    (tmp_path / "piped.xlsx").write_bytes(raw.stdout)
    assert [c.value for c in _sheet(tmp_path / "piped.xlsx")["A"]] == [c.value for c in sheet["A"]]


def test_xlsx_to_a_terminal_is_refused_with_one_line(exported):
    db, _ = exported
    main, other = pty.openpty()
    proc = subprocess.Popen(
        [*EXE, "export", "--db", db, "--format", "xlsx"],
        stdout=other,
        stderr=subprocess.PIPE,
    )
    os.close(other)
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        os.close(main)
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and "-o" in lines[0], lines


def test_excel_only_goes_with_csv(exported):
    db, _ = exported
    result = run_cli("export", "--db", db, "--format", "json", "--excel")
    assert result.returncode == 2 and "--excel" in result.stderr and result.stdout == ""
