"""The measures as one table: CSV (plain, or for German spreadsheets) and an ``.xlsx`` workbook.

A German Excel or LibreOffice reads CSV with ``;`` between cells and needs a byte-order mark
to see UTF-8 (without it umlauts break and everything lands in one column): ``excel=True``
writes that. Every cell still goes through ``for_csv``, so no text a user typed runs as a
formula. The workbook stores every text as a string cell (never a formula, whatever its first
character), the due date as a date, the header row bold and frozen, with column widths.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from herne_tui.domain.text import for_csv

CSV_COLUMNS = (
    "id",
    "topic",
    "status",
    "title",
    "responsible",
    "lead",
    "due",
    "notes",
    "related",
    "text",
)

BOM = "\ufeff"
"""The byte-order mark German spreadsheets need to read a CSV file as UTF-8."""

SHEET_TITLE = "Maßnahmen"
WIDEST = 80
"""The widest column of the workbook, in characters; longer texts wrap."""

# Characters an .xlsx file cannot hold (XML 1.0 forbids them): shown as control pictures.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def rows(data: dict) -> list[tuple[str, str, str, str, str, str, date | None, int, str, str]]:
    """One row per measure, in the export's order, with the due date and note count typed."""
    out = []
    for m in data["measures"]:
        due = m.get("due")
        out.append(
            (
                str(m["id"]),
                str(m["topic"]),
                str(m["status"]),
                str(m["title"]),
                str(m.get("responsible", "")),
                str(m.get("lead", "")),
                due.date() if isinstance(due, datetime) else due,
                len(m.get("notes", [])),
                " ".join(m.get("related", [])),
                str(m["text"]),
            )
        )
    return out


def render_csv(data: dict, *, excel: bool = False) -> str:
    """The measures as CSV; ``excel``: with a byte-order mark and ``;`` between cells."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows(data):
        writer.writerow([for_csv(_csv_text(cell)) for cell in row])
    return (BOM if excel else "") + out.getvalue()


def _csv_text(cell: object) -> str:
    if cell is None:
        return ""
    return cell.isoformat() if isinstance(cell, date) else str(cell)


def _xml_safe(text: str) -> str:
    return _NOT_IN_XML.sub(lambda m: chr(0x2400 + ord(m.group())), text)


def render_xlsx(data: dict) -> bytes:
    """The measures as an ``.xlsx`` workbook: one sheet, text cells, a bold frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = SHEET_TITLE
    widths = [len(name) for name in CSV_COLUMNS]
    for c, name in enumerate(CSV_COLUMNS, start=1):
        sheet.cell(row=1, column=c, value=name).font = Font(bold=True)
    for r, row in enumerate(rows(data), start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                cell.value = _xml_safe(value)
                cell.data_type = "s"  # a text, even when it starts with "=": never a formula
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                shown = max((len(line) for line in value.splitlines()), default=0)
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "DD.MM.YYYY"
                shown = 10
            elif value is not None:
                cell.value = value
                shown = len(str(value))
            else:
                shown = 0
            widths[c - 1] = max(widths[c - 1], shown)
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(width, WIDEST) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
