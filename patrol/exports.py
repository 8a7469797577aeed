"""The township review as an .xlsx workbook (SPEC §8: every table is exportable): the period's logs with their
flags, who has not logged, and the open problem reports. No ID numbers or phones: names only."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from config import xlsx
from patrol.rules import problems as problem_rules
from patrol.selectors import Review

FLAG_FILL = PatternFill(fill_type="solid", start_color="FEF3F2", end_color="FEF3F2")  # --bad, light
PERCENT = "0%"


def review_workbook(review: Review) -> Workbook:
    book = Workbook()
    _logs_sheet(book.active, review)
    _attendance_sheet(book.create_sheet(_("未提交日志")), review)
    _problems_sheet(book.create_sheet(_("问题上报")), review)
    return book


def review_xlsx_bytes(review: Review) -> bytes:
    return xlsx.workbook_bytes(review_workbook(review))


def _logs_sheet(sheet: Worksheet, review: Review) -> None:
    sheet.title = _("巡查日志")
    columns = [
        (_("日期"), 11),
        (_("巡察员"), 12),
        (_("河段"), 22),
        (_("开始时间"), 17),
        (_("结束时间"), 17),
        (_("发现问题"), 30),
        (_("本地检查项"), 30),
        (_("处置措施"), 20),
        (_("轨迹覆盖率"), 10),
        (_("照片数"), 8),
        (_("核查标记"), 34),
        (_("备注"), 30),
    ]
    _header(sheet, columns)
    for row in review.logs:
        log = row.log
        flags = row.all_flags
        line = xlsx.append(
            sheet,
            [
                log.date,
                log.patroller.name,
                log.segment.name,
                xlsx.local_time(log.started_at),
                xlsx.local_time(log.ended_at),
                _("；").join(
                    _("%(label)s：%(value)s") % {"label": check, "value": value} for check, value in row.problems
                ),
                _("；").join(
                    _("%(label)s：%(value)s") % {"label": answer.name, "value": answer.label} for answer in row.local
                ),
                _("、").join(row.actions),
                log.coverage,
                len(row.photos),
                _("、").join(label for _code, label in flags),
                log.notes,
            ],
        )
        sheet.cell(row=line, column=1).number_format = "yyyy-mm-dd"
        for column in (4, 5):
            sheet.cell(row=line, column=column).number_format = "yyyy-mm-dd hh:mm"
        sheet.cell(row=line, column=9).number_format = PERCENT
        if flags:
            sheet.cell(row=line, column=11).fill = FLAG_FILL


def _attendance_sheet(sheet: Worksheet, review: Review) -> None:
    columns = [(_("巡察员"), 12), (_("河段"), 22), (_("在岗天数"), 10), (_("已提交天数"), 11), (_("未提交日期"), 60)]
    _header(sheet, columns)
    for row in review.attendance:
        xlsx.append(
            sheet,
            [
                row.patroller.name,
                row.segment_name,
                row.contract_days,
                row.logged_days,
                _("、").join(day.isoformat() for day in row.missing),
            ],
        )


def _problems_sheet(sheet: Worksheet, review: Review) -> None:
    columns = [
        (_("巡查日期"), 11),
        (_("问题类别"), 14),
        (_("河段"), 22),
        (_("巡察员"), 12),
        (_("状态"), 10),
        (_("承办单位或人员"), 18),
        (_("办理期限"), 11),
        (_("逾期"), 6),
        (_("处理结果"), 30),
    ]
    _header(sheet, columns)
    today = timezone.localdate()
    for report in review.problems:
        overdue = problem_rules.is_overdue(status=report.status, deadline=report.deadline, today=today)
        line = xlsx.append(
            sheet,
            [
                report.log.date,
                report.category_label,
                report.segment.name,
                report.log.patroller.name,
                report.get_status_display(),
                report.assignee,
                report.deadline,
                _("是") if overdue else "",
                report.resolution_note,
            ],
        )
        for column in (1, 7):
            sheet.cell(row=line, column=column).number_format = "yyyy-mm-dd"


def _header(sheet: Worksheet, columns: list[tuple[Any, int]]) -> None:
    xlsx.header(sheet, columns)
    sheet.freeze_panes = "A2"
