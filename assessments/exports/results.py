"""巡察员年度考核 and 年度考核结果: one patroller's year, and the year's results with renewal and pay-rise lists."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments import rules
from assessments.exports.common import AVERAGE_FORMAT, FAIL_FONT, mark_fails
from assessments.reports import PatrollerYear, YearResults
from config.xlsx import Columns, local_time, table, workbook_bytes

# --- 巡察员年度考核 ----------------------------------------------------------------------------------------------


def patroller_year_xlsx(*, data: PatrollerYear) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("逐月结果")
    columns: Columns = [
        (_("月份"), 12),
        (_("乡级总分"), 9),
        (_("乡级等级"), 9),
        (_("乡级状态"), 9),
        (_("县级抽考总分"), 12),
        (_("县级状态"), 9),
        (_("月度结果"), 10),
        (_("计入分数"), 9),
    ]
    lines = []
    for line in data.months:
        township, county = line.township, line.county
        lines.append(
            [
                line.label,
                township.total if township else None,
                township.get_grade_display() if township else "",
                township.get_status_display() if township else "",
                county.total if county else None,
                county.get_status_display() if county else "",
                line.outcome,
                line.result.total if line.result else None,
            ]
        )
    name = data.patroller.name
    title = _("%(name)s %(year)d年度考核结果(县级抽考结果优先)") % {"name": name, "year": data.year}
    table(sheet, title=title, columns=columns, rows=lines)
    mark_fails(sheet, column=7)

    changes = book.create_sheet(_("变更记录"))
    change_columns: Columns = [
        (_("时间"), 17),
        (_("月份"), 12),
        (_("层级"), 10),
        (_("操作"), 8),
        (_("操作人"), 14),
        (_("原值"), 40),
        (_("新值"), 40),
        (_("原因"), 30),
    ]
    change_lines = [
        [
            local_time(line.change.at),
            line.month,
            line.level,
            line.change.get_action_display(),
            str(line.change.user or ""),
            line.old,
            line.new,
            line.change.reason,
        ]
        for line in data.changes
    ]
    table(
        changes,
        title=_("%(name)s %(year)d年度考核变更记录") % {"name": name, "year": data.year},
        columns=change_columns,
        rows=change_lines,
        wrap=(6, 7, 8),
    )
    return workbook_bytes(book)


# --- 年度考核结果 ------------------------------------------------------------------------------------------------


def results_xlsx(*, data: YearResults) -> bytes:
    """Three sheets: everyone's year month by month, the renewal-eligibility list, the pay-rise list."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("年度结果")
    columns: Columns = [
        (_("姓名"), 10),
        (_("乡镇(街道)"), 14),
        *[(_("%(n)d月") % {"n": month.month}, 6) for month in data.months],
        (_("考核月数"), 9),
        (_("不合格月数"), 10),
        (_("平均分"), 8),
    ]
    lines = []
    for line in data.lines:
        lines.append(
            [
                line.patroller.name,
                line.patroller.township.name,
                *[cell.total if cell else None for cell in line.cells],
                line.assessed,
                line.failed,
                float(line.average) if line.average is not None else None,
            ]
        )
    title = _("%(scope)s %(year)d年度河湖巡察员考核结果(空白为未考核)") % {"scope": data.scope_label, "year": data.year}
    table(sheet, title=title, columns=columns, rows=lines)
    for row_number, line in enumerate(data.lines, start=3):
        for offset, cell in enumerate(line.cells):
            if cell is not None and cell.outcome == rules.Outcome.FAIL:
                sheet.cell(row=row_number, column=3 + offset).font = FAIL_FONT
        sheet.cell(row=row_number, column=len(columns)).number_format = AVERAGE_FORMAT

    renewals = book.create_sheet(_("续聘资格"))
    table(
        renewals,
        title=_("%(scope)s 表现优秀的现任巡察员(可续聘，年龄可放宽至55周岁)") % {"scope": data.scope_label},
        columns=[
            (_("姓名"), 10),
            (_("乡镇(街道)"), 14),
            (_("现合同止"), 12),
            (_("续聘起始日"), 12),
            (_("续聘时年龄"), 10),
            (_("近12个考核月数"), 14),
            (_("平均分"), 8),
            (_("说明"), 28),
        ],
        rows=[
            [
                r.patroller.name,
                r.patroller.township.name,
                r.contract.end,
                r.renewal_start,
                r.age,
                r.months,
                float(r.average) if r.average is not None else None,
                r.note,
            ]
            for r in data.renewals
        ],
    )

    pay = book.create_sheet(_("提薪推荐"))
    table(
        pay,
        title=_("%(scope)s %(year)d年度提薪推荐名单") % {"scope": data.scope_label, "year": data.year},
        columns=[
            (_("名次"), 6),
            (_("姓名"), 10),
            (_("乡镇(街道)"), 14),
            (_("考核月数"), 9),
            (_("平均分"), 8),
        ],
        rows=[
            [
                number,
                line.patroller.name,
                line.patroller.township.name,
                line.assessed,
                float(line.average) if line.average is not None else None,
            ]
            for number, line in enumerate(data.pay_rises, start=1)
        ],
    )
    return workbook_bytes(book)
