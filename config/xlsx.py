"""The one writer of the service's .xlsx workbooks: every value that reaches a cell, rows, the titled table of the
office layout, local times, the finished bytes and the download response.

Text is always text. Much of what the workbooks show was typed by people outside the offices (supervision reports by
village chiefs and volunteers, patrol notes, names, reasons): openpyxl would store a text starting with "=" as a
live formula (`=HYPERLINK(…)`, `=cmd|…` and the like run when an office opens the file) and a text such as "#N/A" as
an error value. So, following OWASP's guidance on formula injection, `put` stores every str as a string cell, and
one that starts with "=", "+", "-", "@", a tab or a carriage return also carries Excel's quote prefix (the leading
apostrophe one types by hand), so that editing the cell in Excel or WPS does not turn it into a formula either. The
text itself is not altered: searching, sorting and the register's export → import round trip see what was typed.
Characters XML cannot hold (control characters, half a surrogate pair) become U+FFFD instead of failing the whole
export, and a text is cut at Excel's 32,767 characters. Numbers, dates, booleans and empty cells are stored as they
are.

Every export writes through `append` (or `table`, or `put` for a single cell); tests/test_xlsx_exports.py opens
every workbook the service produces with hostile text in every field a user can write and finds no formula.
"""

import re
from collections.abc import Iterable
from datetime import date
from io import BytesIO
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What spreadsheet programs read as the start of a formula (OWASP CSV injection: = + - @ tab CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
# Half a UTF-16 surrogate pair is no character: it cannot be written as UTF-8 XML.
SURROGATES_RE = re.compile("[\ud800-\udfff]")

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="EEF2F6", end_color="EEF2F6")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

Columns = list[tuple[str, int]]


def put(cell: Cell, value: Any) -> Cell:
    """Store `value` in `cell`: text as a string cell (never a formula nor an error value), anything else as is."""
    if isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    if isinstance(value, str):
        text = SURROGATES_RE.sub("\ufffd", ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))[:MAX_CELL_CHARS]
        cell.value = text
        cell.data_type = "s"  # openpyxl reads "=…" as a formula and "#N/A" as an error: it is neither
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def append(sheet: Worksheet, values: Iterable[Any]) -> int:
    """Add a row after the last one, every value through `put`; returns the row's number."""
    sheet.append([put(Cell(sheet), value) for value in values])
    return sheet.max_row


def header(sheet: Worksheet, columns: Columns) -> int:
    """A bold header row with the column widths (for Chinese text); returns its row number."""
    row = append(sheet, [label for label, _width in columns])
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.cell(row=row, column=index).font = HEADER_FONT
        sheet.column_dimensions[get_column_letter(index)].width = width
    return row


def title_row(sheet: Worksheet, text: str, *, width: int) -> None:
    """The title row: what, where, when; merged across the table."""
    row = append(sheet, [text])
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))
    sheet.cell(row=row, column=1).font = TITLE_FONT
    sheet.row_dimensions[row].height = 24


def table(sheet: Worksheet, *, title: str, columns: Columns, rows: Iterable[list], wrap: Iterable[int] = ()) -> None:
    """Title in row 1 (merged across the table), bold header in row 2 frozen and repeated when printed, then rows;
    landscape, one page wide.

    `wrap`: 1-based columns of long text (explanations, reasons) that wrap instead of running on."""
    width = len(columns)
    title_row(sheet, title, width=width)
    header(sheet, columns)
    for index in range(1, width + 1):
        cell = sheet.cell(row=2, column=index)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A3"
    wrapped = set(wrap)
    for values in rows:
        row = append(sheet, values)
        for index in range(1, width + 1):
            cell = sheet.cell(row=row, column=index)
            cell.border = BORDER
            if index in wrapped:
                cell.alignment = WRAP
            if isinstance(cell.value, date):
                cell.number_format = DATETIME_FORMAT if hasattr(cell.value, "hour") else DATE_FORMAT
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def local_time(moment) -> Any:
    """openpyxl cannot store aware datetimes: the local wall time, as the office reads it."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def workbook_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes | Workbook, filename: str) -> FileResponse:
    """The download of a workbook (or its bytes) under `filename`."""
    if isinstance(content, Workbook):
        content = workbook_bytes(content)
    return FileResponse(BytesIO(content), as_attachment=True, filename=filename, content_type=CONTENT_TYPE)
