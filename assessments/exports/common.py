"""What every assessment workbook shares: styles, the titled table with its frozen header, page setup, and the
cells of the three parts."""

from collections.abc import Iterable
from datetime import date
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessments import rules
from assessments.models import PARTS, Assessment

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="EEF2F6", end_color="EEF2F6")
FAIL_FONT = Font(color="B42318", bold=True)  # --bad in static/css/site.css
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
AVERAGE_FORMAT = "0.0"

Columns = list[tuple[str, int]]


def workbook_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def local_time(moment) -> Any:
    """openpyxl cannot store aware datetimes: the local wall time, as the office reads it."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def table(sheet: Worksheet, *, title: str, columns: Columns, rows: Iterable[list], wrap: Iterable[int] = ()) -> None:
    """Title in row 1 (merged across the table), bold header in row 2 frozen and repeated when printed, then rows.

    `wrap`: 1-based columns of long text (explanations, reasons) that wrap instead of running on."""
    width = len(columns)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    sheet.cell(row=1, column=1).font = TITLE_FONT
    sheet.row_dimensions[1].height = 24
    sheet.append([str(label) for label, _width in columns])
    for index, (_label, column_width) in enumerate(columns, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    sheet.freeze_panes = "A3"
    wrapped = set(wrap)
    for values in rows:
        sheet.append(values)
        row = sheet.max_row
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


def mark_fails(sheet: Worksheet, *, column: int, first_row: int = 3) -> None:
    """The pass/fail column's 不合格 in red, as on the page."""
    for row in range(first_row, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=column)
        if cell.value == _("不合格"):
            cell.font = FAIL_FONT


def passed_text(assessment: Assessment) -> str:
    return _("合格") if assessment.passed else _("不合格")


def reasons_text(reasons: dict) -> str:
    return _("；").join(
        _("%(label)s：%(value)s") % {"label": rules.PART_LABELS[part], "value": reasons[part]}
        for part in PARTS
        if reasons.get(part)
    )


def part_columns() -> Columns:
    tops = rules.weights()
    columns: Columns = []
    for part in PARTS:
        label = str(rules.PART_LABELS[part])
        columns += [
            (_("%(part)s建议分") % {"part": label}, 9),
            (_("%(part)s(%(top)d分)") % {"part": label, "top": tops[part]}, 10),
        ]
    return columns


def part_cells(assessment: Assessment) -> list[int]:
    cells = []
    for part in PARTS:
        cells += [assessment.suggested[part], assessment.scores[part]]
    return cells
