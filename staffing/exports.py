"""The staffing report as an .xlsx workbook (SPEC §8: every table is exportable): 河段, 乡镇, 县区, 全市."""

from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from staffing import rules
from staffing.selectors import PlaceTotals, StaffingReport, Totals

# The colours of the status badges in static/css/site.css (--bad, --warn, --ok, --unk).
STATUS_COLOURS = {
    rules.Status.BELOW_FLOOR: "B42318",
    rules.Status.BELOW_STANDARD: "B54708",
    rules.Status.MEETS_STANDARD: "067647",
    rules.Status.UNDETERMINED: "475467",
}
HEADER_FONT = Font(bold=True)
STATUS_FONT = Font(bold=True, color="FFFFFF")
LENGTH_FORMAT = "0.00"


def staffing_workbook(report: StaffingReport) -> Workbook:
    book = Workbook()
    _segments_sheet(book.active, report)
    _places_sheet(book.create_sheet(_("乡镇")), report.by_township, with_county=True)
    _places_sheet(book.create_sheet(_("县区")), report.by_county, with_county=False)
    _city_sheet(book.create_sheet(_("全市")), report)
    return book


def staffing_xlsx_bytes(report: StaffingReport) -> bytes:
    buffer = BytesIO()
    staffing_workbook(report).save(buffer)
    return buffer.getvalue()


def write_staffing_xlsx(report: StaffingReport, path: str | Path) -> None:
    staffing_workbook(report).save(path)


def _segments_sheet(sheet: Worksheet, report: StaffingReport) -> None:
    sheet.title = _("河段")
    columns = [
        (_("河段编码"), 14),
        (_("河段"), 24),
        (_("河湖库"), 16),
        (_("类型"), 14),
        (_("乡镇(街道)"), 16),
        (_("县(市、区)"), 14),
        (_("长度(公里)"), 11),
        (_("配备依据"), 18),
        (_("途经村数"), 9),
        (_("底线人数"), 9),
        (_("标准人数"), 9),
        (_("实有人数"), 9),
        (_("状态"), 16),
    ]
    _header(sheet, columns)
    for line in report.lines:
        segment = line.segment
        sheet.append(
            [
                segment.code,
                segment.name,
                segment.water_body.name,
                line.kind_label,
                segment.township.name,
                segment.township.county.name,
                segment.length_km,
                line.basis_label,
                line.village_count,
                line.floor,
                line.standard,
                line.actual,
                str(line.status_label),
            ]
        )
        row = sheet.max_row
        sheet.cell(row=row, column=7).number_format = LENGTH_FORMAT
        _colour(sheet.cell(row=row, column=len(columns)), line.status)


def _totals_cells(totals: Totals) -> list[int]:
    return [totals.segments, totals.floor, totals.standard, totals.actual] + [n for _s, n in totals.status_counts()]


def _totals_columns() -> list[tuple[str, int]]:
    return [
        (_("河段数"), 9),
        (_("底线人数"), 9),
        (_("标准人数"), 9),
        (_("实有人数"), 9),
        *[(str(status.label), 16) for status in rules.Status],
    ]


def _places_sheet(sheet: Worksheet, places: list[PlaceTotals], *, with_county: bool) -> None:
    leading = [(_("乡镇(街道)"), 18), (_("县(市、区)"), 14)] if with_county else [(_("县(市、区)"), 18)]
    _header(sheet, leading + _totals_columns())
    _colour_status_headers(sheet, first_status_column=len(leading) + 5)
    for entry in places:
        names = [entry.place.name, entry.place.county.name] if with_county else [entry.place.name]
        sheet.append(names + _totals_cells(entry.totals))


def _city_sheet(sheet: Worksheet, report: StaffingReport) -> None:
    leading = [(_("范围"), 18), (_("日期"), 12)]
    _header(sheet, leading + _totals_columns())
    _colour_status_headers(sheet, first_status_column=len(leading) + 5)
    sheet.append([report.scope_label, report.on, *_totals_cells(report.totals)])
    sheet.cell(row=2, column=2).number_format = "yyyy-mm-dd"


def _header(sheet: Worksheet, columns: list[tuple[Any, int]]) -> None:
    sheet.append([str(title) for title, _width in columns])
    for index, (_title, width) in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = HEADER_FONT
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _colour_status_headers(sheet: Worksheet, *, first_status_column: int) -> None:
    for offset, status in enumerate(rules.Status):
        _colour(sheet.cell(row=1, column=first_status_column + offset), status)


def _colour(cell, status: rules.Status) -> None:
    colour = STATUS_COLOURS[status]
    cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
    cell.font = STATUS_FONT
