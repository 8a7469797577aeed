"""月度考评表 and 县级抽考: the township's monthly sheet and the county's spot-check sample."""

from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments import rules
from assessments.exports.common import mark_fails, part_cells, part_columns, passed_text, reasons_text
from assessments.models import PARTS, Assessment, SpotCheckDraw
from assessments.reports import ScoreRow
from assessments.rules import month_text
from config.xlsx import Columns, local_time, table, workbook_bytes
from rivers.models import County, Township

# --- 月度考评表 -------------------------------------------------------------------------------------------------


def sheet_xlsx(*, township: Township, month: date, assessments: list[Assessment]) -> bytes:
    """The township's monthly sheet: one line per patroller, suggested and final parts, total, grade, reasons."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("月度考评")
    columns: Columns = [
        (_("序号"), 6),
        (_("姓名"), 10),
        *part_columns(),
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
            *part_cells(a),
            a.total,
            a.get_grade_display(),
            passed_text(a),
            a.get_status_display(),
            str(a.finalized_by or ""),
            local_time(a.finalized_at),
            reasons_text(a.reasons),
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
    mark_fails(sheet, column=11)
    return workbook_bytes(book)


# --- 县级抽考 ---------------------------------------------------------------------------------------------------


def spot_check_xlsx(*, county: County, month: date, draw: SpotCheckDraw | None, rows: list[ScoreRow]) -> bytes:
    """The county's sample in draw order with the county scores beside the township's, and the draw record."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("抽考名单")
    columns: Columns = [
        (_("抽取顺序"), 8),
        (_("姓名"), 10),
        (_("乡镇(街道)"), 14),
        (_("风险权重"), 9),
        *part_columns(),
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
                *part_cells(a),
                a.total,
                passed_text(a),
                a.get_status_display(),
                township_result.total if township_result and township_result.is_final else None,
                passed_text(township_result) if township_result and township_result.is_final else _("未定稿"),
                reasons_text(a.reasons),
            ]
        )
    title = _("%(county)s %(month)s 河湖巡察员县级抽考表") % {"county": county.name, "month": month_text(month)}
    table(sheet, title=title, columns=columns, rows=lines, wrap=(len(columns),))
    mark_fails(sheet, column=12)
    mark_fails(sheet, column=15)

    record = book.create_sheet(_("抽样记录"))
    facts = []
    if draw is not None:
        facts = [
            [_("抽考月份"), month_text(draw.month)],
            [_("随机种子"), str(draw.seed)],
            [_("在岗人数"), draw.population],
            [_("抽中人数"), len(draw.patrollers)],
            [_("抽取人"), str(draw.drawn_by or "")],
            [_("抽取时间"), local_time(draw.drawn_at)],
        ]
    table(
        record,
        title=_("%(county)s %(month)s 抽样记录") % {"county": county.name, "month": month_text(month)},
        columns=[(_("项目"), 14), (_("内容"), 28)],
        rows=facts or [[_("本月尚未抽样"), ""]],
    )
    return workbook_bytes(book)
