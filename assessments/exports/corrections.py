"""考核更正: the corrections of final assessments."""

from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments import rules
from assessments.exports.common import mark_fails, reasons_text
from assessments.models import PARTS
from assessments.reports import CorrectionRow
from assessments.rules import month_text
from config.xlsx import Columns, local_time, table, workbook_bytes

# --- 考核更正 ---------------------------------------------------------------------------------------------------


def corrections_xlsx(*, rows: list[CorrectionRow], on: date) -> bytes:
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
        (_("审批单位"), 12),
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
                local_time(c.requested_at),
                a.patroller.name,
                a.township.name,
                month_text(a.month),
                a.get_level_display(),
                *cells,
                row.old_total,
                row.new_total,
                _("合格") if row.new_passed else _("不合格"),
                reasons_text(c.reasons or {}),
                c.reason,
                str(c.requested_by),
                c.get_status_display(),
                c.get_approver_display(),
                str(c.decided_by or ""),
                local_time(c.decided_at),
                c.decision_note,
            ]
        )
    title = _("河湖巡察员考核更正申请　导出日期 %(date)s") % {"date": on.isoformat()}
    first_text = 6 + len(part_columns) + 3  # 评分理由, after the parts and the totals
    table(sheet, title=title, columns=columns, rows=lines, wrap=(first_text, first_text + 1, len(columns)))
    mark_fails(sheet, column=first_text - 1)
    return workbook_bytes(book)
