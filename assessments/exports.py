"""The assessment tables as .xlsx workbooks in the layout an office prints (SPEC §8: every table is exportable).

Every sheet: a title row (what, where, when), a bold header row frozen under it and repeated on every printed
page, column widths for Chinese text, landscape, one page wide. Names only: no ID numbers or phones.
"""

from collections.abc import Iterable
from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessments import rules
from assessments.models import PARTS, Assessment, SpotCheckDraw, SupervisionReport
from rivers.models import County, Township

if TYPE_CHECKING:
    from assessments.views.corrections import CorrectionRow
    from assessments.views.flags import FlagRow
    from assessments.views.results import PatrollerYear, YearResults
    from assessments.views.scoring import ScoreRow

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


def month_text(month: date) -> str:
    return _("%(year)d年%(month)d月") % {"year": month.year, "month": month.month}


def _bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _local(moment) -> Any:
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


def _mark_fails(sheet: Worksheet, *, column: int, first_row: int = 3) -> None:
    """The pass/fail column's 不合格 in red, as on the page."""
    for row in range(first_row, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=column)
        if cell.value == _("不合格"):
            cell.font = FAIL_FONT


def _passed_text(assessment: Assessment) -> str:
    return _("合格") if assessment.passed else _("不合格")


def _reasons_text(reasons: dict) -> str:
    return _("；").join(
        _("%(label)s：%(value)s") % {"label": rules.PART_LABELS[part], "value": reasons[part]}
        for part in PARTS
        if reasons.get(part)
    )


def _part_columns() -> Columns:
    tops = rules.weights()
    columns: Columns = []
    for part in PARTS:
        label = str(rules.PART_LABELS[part])
        columns += [
            (_("%(part)s建议分") % {"part": label}, 9),
            (_("%(part)s(%(top)d分)") % {"part": label, "top": tops[part]}, 10),
        ]
    return columns


def _part_cells(assessment: Assessment) -> list[int]:
    cells = []
    for part in PARTS:
        cells += [assessment.suggested[part], assessment.scores[part]]
    return cells


# --- 月度考评表 -------------------------------------------------------------------------------------------------


def sheet_xlsx(*, township: Township, month: date, assessments: list[Assessment]) -> bytes:
    """The township's monthly sheet: one line per patroller, suggested and final parts, total, grade, reasons."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("月度考评")
    columns: Columns = [
        (_("序号"), 6),
        (_("姓名"), 10),
        *_part_columns(),
        (_("总分"), 7),
        (_("等级"), 7),
        (_("是否合格"), 9),
        (_("状态"), 8),
        (_("定稿人"), 12),
        (_("定稿时间"), 17),
        (_("评分理由"), 36),
        (_("建议分说明"), 60),
    ]
    rows = [
        [
            number,
            a.patroller.name,
            *_part_cells(a),
            a.total,
            a.get_grade_display(),
            _passed_text(a),
            a.get_status_display(),
            str(a.finalized_by or ""),
            _local(a.finalized_at),
            _reasons_text(a.reasons),
            "\n".join(
                _("%(label)s：%(value)s") % {"label": rules.PART_LABELS[p], "value": a.explanation_to_read.get(p, "")}
                for p in PARTS
            ),
        ]
        for number, a in enumerate(assessments, start=1)
    ]
    title = _("%(county)s%(township)s %(month)s 河湖巡察员月度考评表") % {
        "county": township.county.name,
        "township": township.name,
        "month": month_text(month),
    }
    table(sheet, title=title, columns=columns, rows=rows, wrap=(len(columns) - 1, len(columns)))
    _mark_fails(sheet, column=11)
    return _bytes(book)


# --- 县级抽考 ---------------------------------------------------------------------------------------------------


def spot_check_xlsx(*, county: County, month: date, draw: SpotCheckDraw | None, rows: list["ScoreRow"]) -> bytes:
    """The county's sample in draw order with the county scores beside the township's, and the draw record."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("抽考名单")
    columns: Columns = [
        (_("抽取顺序"), 8),
        (_("姓名"), 10),
        (_("乡镇(街道)"), 14),
        (_("风险权重"), 9),
        *_part_columns(),
        (_("县级总分"), 9),
        (_("县级结果"), 9),
        (_("状态"), 8),
        (_("乡级总分"), 9),
        (_("乡级结果"), 9),
        (_("评分理由"), 36),
    ]
    lines = []
    for number, row in enumerate(rows, start=1):
        a, township_result = row.assessment, row.compare
        lines.append(
            [
                number,
                a.patroller.name,
                a.township.name,
                float(row.weight) if row.weight else None,
                *_part_cells(a),
                a.total,
                _passed_text(a),
                a.get_status_display(),
                township_result.total if township_result and township_result.is_final else None,
                _passed_text(township_result) if township_result and township_result.is_final else _("未定稿"),
                _reasons_text(a.reasons),
            ]
        )
    title = _("%(county)s %(month)s 河湖巡察员县级抽考表") % {"county": county.name, "month": month_text(month)}
    table(sheet, title=title, columns=columns, rows=lines, wrap=(len(columns),))
    _mark_fails(sheet, column=12)
    _mark_fails(sheet, column=15)

    record = book.create_sheet(_("抽样记录"))
    facts = []
    if draw is not None:
        facts = [
            [_("抽考月份"), month_text(draw.month)],
            [_("随机种子"), str(draw.seed)],
            [_("在岗人数"), draw.population],
            [_("抽中人数"), len(draw.patrollers)],
            [_("抽取人"), str(draw.drawn_by or "")],
            [_("抽取时间"), _local(draw.drawn_at)],
        ]
    table(
        record,
        title=_("%(county)s %(month)s 抽样记录") % {"county": county.name, "month": month_text(month)},
        columns=[(_("项目"), 14), (_("内容"), 28)],
        rows=facts or [[_("本月尚未抽样"), ""]],
    )
    return _bytes(book)


# --- 辞退提示 ---------------------------------------------------------------------------------------------------


def flags_xlsx(*, rows: list["FlagRow"], on: date) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("辞退提示")
    columns: Columns = [
        (_("姓名"), 10),
        (_("乡镇(街道)"), 14),
        (_("规则"), 22),
        (_("不合格月份"), 30),
        (_("触发月份"), 12),
        (_("状态"), 9),
        (_("产生时间"), 17),
        (_("确认人"), 14),
        (_("确认时间"), 17),
        (_("合同终止日"), 12),
        (_("撤销原因"), 30),
    ]
    lines = [
        [
            row.flag.patroller.name,
            row.flag.township.name,
            row.flag.get_rule_display(),
            _("、").join(row.months),
            month_text(row.flag.trigger_month),
            row.flag.get_status_display(),
            _local(row.flag.raised_at),
            str(row.flag.confirmed_by or ""),
            _local(row.flag.confirmed_at),
            row.flag.contract.terminated_on if row.flag.contract else None,
            row.flag.withdrawn_reason,
        ]
        for row in rows
    ]
    title = _("河湖巡察员辞退提示(第九条)　导出日期 %(date)s") % {"date": on.isoformat()}
    table(sheet, title=title, columns=columns, rows=lines, wrap=(4, 11))
    return _bytes(book)


# --- 巡察员年度考核 ----------------------------------------------------------------------------------------------


def patroller_year_xlsx(*, data: "PatrollerYear") -> bytes:
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
    _mark_fails(sheet, column=7)

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
            _local(line.change.at),
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
    return _bytes(book)


# --- 年度考核结果 ------------------------------------------------------------------------------------------------


def results_xlsx(*, data: "YearResults") -> bytes:
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
    return _bytes(book)


# --- 监督报告 ---------------------------------------------------------------------------------------------------


def supervision_xlsx(*, reports: list[SupervisionReport], on: date) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("监督报告")
    columns: Columns = [
        (_("提交时间"), 17),
        (_("发现日期"), 12),
        (_("巡察员"), 10),
        (_("乡镇(街道)"), 14),
        (_("报告人"), 16),
        (_("情况说明"), 48),
        (_("状态"), 8),
        (_("核实人"), 14),
        (_("核实时间"), 17),
        (_("核实意见"), 30),
    ]
    lines = [
        [
            _local(r.created_at),
            r.observed_on,
            r.patroller.name,
            r.township.name,
            str(r.reporter),
            r.text,
            r.get_status_display(),
            str(r.decided_by or ""),
            _local(r.decided_at),
            r.decision_note,
        ]
        for r in reports
    ]
    title = _("河湖巡察员监督报告(第十二条)　导出日期 %(date)s") % {"date": on.isoformat()}
    table(sheet, title=title, columns=columns, rows=lines, wrap=(6, 10))
    return _bytes(book)


# --- 考核更正 ---------------------------------------------------------------------------------------------------


def corrections_xlsx(*, rows: list["CorrectionRow"], on: date) -> bytes:
    """The correction requests as the list shows them: each part before and as asked, the reasons, who decided."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("考核更正")
    part_columns: Columns = []
    for part in PARTS:
        label = str(rules.PART_LABELS[part])
        part_columns += [(_("%(part)s原分") % {"part": label}, 9), (_("%(part)s更正为") % {"part": label}, 10)]
    columns: Columns = [
        (_("申请时间"), 17),
        (_("巡察员"), 10),
        (_("乡镇(街道)"), 14),
        (_("考核月份"), 12),
        (_("考核层级"), 10),
        *part_columns,
        (_("原总分"), 8),
        (_("更正后总分"), 10),
        (_("更正后结果"), 10),
        (_("评分理由"), 30),
        (_("更正原因"), 36),
        (_("申请人"), 14),
        (_("状态"), 8),
        (_("审批人"), 14),
        (_("审批时间"), 17),
        (_("审批意见"), 30),
    ]
    lines = []
    for row in rows:
        c, a = row.correction, row.correction.assessment
        cells: list = []
        for change in row.parts:
            cells += [change.old, change.new]
        lines.append(
            [
                _local(c.requested_at),
                a.patroller.name,
                a.township.name,
                month_text(a.month),
                a.get_level_display(),
                *cells,
                row.old_total,
                row.new_total,
                _("合格") if row.new_passed else _("不合格"),
                _reasons_text(c.reasons or {}),
                c.reason,
                str(c.requested_by),
                c.get_status_display(),
                str(c.decided_by or ""),
                _local(c.decided_at),
                c.decision_note,
            ]
        )
    title = _("河湖巡察员考核更正申请　导出日期 %(date)s") % {"date": on.isoformat()}
    first_text = 6 + len(part_columns) + 3  # 评分理由, after the parts and the totals
    table(sheet, title=title, columns=columns, rows=lines, wrap=(first_text, first_text + 1, len(columns)))
    _mark_fails(sheet, column=first_text - 1)
    return _bytes(book)
