"""The staffing report as an .xlsx workbook (SPEC §8: every table is exportable): 河段, 乡镇, 县区, 全市."""

from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from config import xlsx
from staffing import rules
from staffing.models import Applicant, RosterChange
from staffing.selectors import PlaceTotals, StaffingReport, Totals, township_roster

# The colours of the status badges in static/css/site.css (--bad, --warn, --ok, --unk).
STATUS_COLOURS = {
    rules.Status.BELOW_FLOOR: "B42318",
    rules.Status.BELOW_STANDARD: "B54708",
    rules.Status.MEETS_STANDARD: "067647",
    rules.Status.UNDETERMINED: "475467",
}
STATUS_FONT = Font(bold=True, color="FFFFFF")
LENGTH_FORMAT = "0.00"


def staffing_workbook(report: StaffingReport) -> Workbook:
    book = Workbook()
    _segments_sheet(book.active, report)
    _places_sheet(book.create_sheet(_("乡镇")), report.by_township, with_county=True)
    _places_sheet(book.create_sheet(_("县区")), report.by_county, with_county=False)
    _city_sheet(book.create_sheet(_("全市")), report)
    _reservoirs_sheet(book.create_sheet(_("小型水库")), report)
    return book


def staffing_xlsx_bytes(report: StaffingReport) -> bytes:
    return xlsx.workbook_bytes(staffing_workbook(report))


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
        # Small reservoirs (第三条 "按每个2名"): the columns before are the whole reservoir's, these the segment's.
        (_("本河段实有人数"), 12),
        (_("所属小型水库"), 16),
        (_("计入乡镇(街道)"), 16),
    ]
    _header(sheet, columns)
    status_column = 13
    for line in report.lines:
        segment = line.segment
        row = xlsx.append(
            sheet,
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
                line.segment_actual,
                line.reservoir.water_body.name if line.reservoir else None,
                line.counted_in.name,
            ],
        )
        sheet.cell(row=row, column=7).number_format = LENGTH_FORMAT
        _colour(sheet.cell(row=row, column=status_column), line.status)


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
        xlsx.append(sheet, names + _totals_cells(entry.totals))


def _city_sheet(sheet: Worksheet, report: StaffingReport) -> None:
    leading = [(_("范围"), 18), (_("日期"), 12)]
    _header(sheet, leading + _totals_columns())
    _colour_status_headers(sheet, first_status_column=len(leading) + 5)
    xlsx.append(sheet, [report.scope_label, report.on, *_totals_cells(report.totals)])
    sheet.cell(row=2, column=2).number_format = "yyyy-mm-dd"


def _reservoirs_sheet(sheet: Worksheet, report: StaffingReport) -> None:
    """Each small reservoir once: 2 in all, the patrollers of all its segments, the township it counts in."""
    columns = [
        (_("河湖库编码"), 12),
        (_("水库"), 18),
        (_("规模"), 10),
        (_("河段数"), 8),
        (_("河段所在乡镇(街道)"), 26),
        (_("计入乡镇(街道)"), 16),
        (_("计入依据"), 26),
        (_("底线人数"), 9),
        (_("标准人数"), 9),
        (_("实有人数"), 9),
        (_("状态"), 16),
    ]
    _header(sheet, columns)
    for line in report.reservoirs:
        body = line.water_body
        row = xlsx.append(
            sheet,
            [
                body.code,
                body.name,
                str(body.get_size_class_display()),
                len(line.parts),
                _("、").join(township.name for township in line.townships),
                line.counted_in.name,
                line.counted_in_reason,
                line.floor,
                line.standard,
                line.actual,
                str(line.status_label),
            ],
        )
        _colour(sheet.cell(row=row, column=len(columns)), line.status)


def _header(sheet: Worksheet, columns: list[tuple[Any, int]]) -> None:
    xlsx.header(sheet, columns)
    sheet.freeze_panes = "A2"


def _colour_status_headers(sheet: Worksheet, *, first_status_column: int) -> None:
    for offset, status in enumerate(rules.Status):
        _colour(sheet.cell(row=1, column=first_status_column + offset), status)


def _colour(cell, status: rules.Status) -> None:
    colour = STATUS_COLOURS[status]
    cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
    cell.font = STATUS_FONT


# ---------------------------------------------------------------------------------------------------------
# The patroller roster: the roster list as an office filtered it, and the workbook of a filing 备案 that the
# township sends to the upper river-chief office.
# Personal data: the list export carries what the viewer may see (the page's masked values); the filing goes
# upward, to an office that does not manage the people, so its ID numbers and phones are always masked.
# ---------------------------------------------------------------------------------------------------------


def _titled_sheet(sheet: Worksheet, title: str, columns: list[tuple[Any, int]]) -> None:
    """A title row over a bold header row; the panes freeze below the header so it stays in view."""
    xlsx.title_row(sheet, title, width=len(columns))
    xlsx.header(sheet, columns)
    sheet.freeze_panes = "A3"


def _date_columns(sheet: Worksheet, *columns: int) -> None:
    for row in sheet.iter_rows(min_row=3):
        for column in columns:
            row[column - 1].number_format = xlsx.DATE_FORMAT


def _yes(value: bool) -> str:
    return _("是") if value else ""


def _person_columns() -> list[tuple[str, int]]:
    """The columns both roster workbooks give a person (the values: `_person_cells`)."""
    return [
        (_("姓名"), 10),
        (_("性别"), 6),
        (_("年龄(周岁)"), 10),
        (_("身份证号"), 21),
        (_("手机号码"), 14),
        (_("常住村(社区)"), 14),
    ]


def _person_cells(person, *, age: int | None, id_number: str, phone: str) -> list:
    """A person's values under `_person_columns`, with age, ID number and phone as this workbook shows them."""
    return [person.name, str(person.get_sex_display()), age, id_number, phone, person.residence_village.name]


def roster_list_workbook(*, rows: list, on) -> Workbook:
    """`rows` are the roster page's rows (`views.patrollers.RosterRow`): ID number and phone already as the viewer
    may see."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("花名册")
    columns = [
        *_person_columns(),
        (_("乡镇(街道)"), 16),
        (_("县(市、区)"), 14),
        (_("河段"), 24),
        (_("河湖库"), 14),
        (_("状态"), 10),
        (_("扶贫对象"), 9),
        (_("聘用层级"), 10),
    ]
    _titled_sheet(sheet, _("河湖(库)巡察员花名册(导出日期 %(date)s)") % {"date": on.isoformat()}, columns)
    for row in rows:
        person = row.patroller
        segment = row.segment
        xlsx.append(
            sheet,
            [
                *_person_cells(person, age=row.age, id_number=row.id_number, phone=row.phone),
                person.township.name,
                person.township.county.name,
                segment.name if segment else "",
                segment.water_body.name if segment else "",
                str(person.get_status_display()),
                _yes(person.poverty_relief),
                str(person.get_hiring_level_display()),
            ],
        )
    return book


def roster_list_xlsx(*, rows: list, on) -> bytes:
    return xlsx.workbook_bytes(roster_list_workbook(rows=rows, on=on))


def roster_filing_workbook(*, filing) -> Workbook:
    """Sheet 花名册: everyone on the township roster on the filing day with segment and contract; sheet
    本次变动: the changes this filing covers, oldest first."""
    township = filing.township
    filed_on = timezone.localtime(filing.filed_at).date()
    book = Workbook()
    sheet = book.active
    sheet.title = _("花名册")
    columns = [
        (_("序号"), 6),
        *_person_columns(),
        (_("河段"), 24),
        (_("河湖库"), 14),
        (_("合同开始日期"), 13),
        (_("合同结束日期"), 13),
        (_("扶贫对象"), 9),
    ]
    title = _("%(county)s%(township)s河湖(库)巡察员花名册(备案日期 %(date)s)") % {
        "county": township.county.name,
        "township": township.name,
        "date": filed_on.isoformat(),
    }
    _titled_sheet(sheet, title, columns)
    for number, person in enumerate(township_roster(township=township, on=filed_on), start=1):
        assignment = person.active_assignments[0]
        contract = assignment.contract
        xlsx.append(
            sheet,
            [
                number,
                *_person_cells(
                    person,
                    age=rules.age_on(person.birth_date, filed_on),
                    id_number=rules.mask_id_number(person.id_number),
                    phone=rules.mask_phone(person.phone),
                ),
                assignment.segment.name,
                assignment.segment.water_body.name,
                contract.start,
                contract.last_day,
                _yes(person.poverty_relief),
            ],
        )
    _date_columns(sheet, 10, 11)

    changes = book.create_sheet(_("本次变动"))
    change_columns = [
        (_("变动日期"), 12),
        (_("变动类型"), 10),
        (_("姓名"), 10),
        (_("河段"), 24),
        (_("合同开始日期"), 13),
        (_("合同结束日期"), 13),
        # 第六条 公开、平等、择优、竞争: how each hire came about, its rank, and why better-ranked ones were not hired.
        (_("聘用方式"), 14),
        (_("招聘排名"), 9),
        (_("未按排名聘用的说明"), 48),
    ]
    covered = list(filing.changes.select_related("patroller", "contract__segment").order_by("date", "id"))
    ranks, passed_over = _recruitment_of(covered)
    _titled_sheet(
        changes,
        _("本次备案包含的花名册变动(共 %(n)d 条)") % {"n": filing.change_count},
        change_columns,
    )
    for change in covered:
        contract = change.contract
        hired = contract is not None and change.kind in (RosterChange.Kind.HIRE, RosterChange.Kind.RENEWAL)
        vacancy_id = contract.vacancy_id if hired else None
        xlsx.append(
            changes,
            [
                change.date,
                str(change.get_kind_display()),
                change.patroller.name,
                contract.segment.name if contract else "",
                contract.start if contract else None,
                contract.last_day if contract else None,
                str(contract.get_origin_display()) if hired else "",
                ranks.get((vacancy_id, change.patroller_id)) if vacancy_id else None,
                _("；").join(passed_over.get(vacancy_id, [])) if vacancy_id else "",
            ],
        )
    _date_columns(changes, 1, 5, 6)
    return book


def _recruitment_of(changes: list) -> tuple[dict[tuple[int, int], int | None], dict[int, list[str]]]:
    """For the hires from a vacancy among `changes`: {(vacancy, patroller): rank} and {vacancy: ["第1名 甲：理由"…]}
    of the better-ranked applicants passed over. One query."""
    vacancy_ids = {c.contract.vacancy_id for c in changes if c.contract is not None and c.contract.vacancy_id}
    ranks: dict[tuple[int, int], int | None] = {}
    passed_over: dict[int, list[str]] = {}
    if not vacancy_ids:
        return ranks, passed_over
    applicants = Applicant.objects.filter(vacancy_id__in=vacancy_ids).select_related("patroller")
    for applicant in applicants.order_by("vacancy_id", "rank", "id"):
        ranks[(applicant.vacancy_id, applicant.patroller_id)] = applicant.rank
        if applicant.passed_over_reason:
            passed_over.setdefault(applicant.vacancy_id, []).append(
                _("第%(rank)s名 %(name)s：%(reason)s")
                % {"rank": applicant.rank, "name": applicant.patroller.name, "reason": applicant.passed_over_reason}
            )
    return ranks, passed_over


def roster_filing_xlsx(*, filing) -> bytes:
    """The hook `services.roster_file` calls inside its transaction to store the filed workbook."""
    return xlsx.workbook_bytes(roster_filing_workbook(filing=filing))
