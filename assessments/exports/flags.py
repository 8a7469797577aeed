"""辞退提示: the dismissal-flag list."""

from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.reports import FlagRow
from assessments.rules import month_text
from config.xlsx import Columns, local_time, table, workbook_bytes

# --- 辞退提示 ---------------------------------------------------------------------------------------------------


def flags_xlsx(*, rows: list[FlagRow], on: date) -> bytes:
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
        (_("等待事项"), 30),
        (_("产生时间"), 17),
        (_("确认人"), 14),
        (_("确认时间"), 17),
        (_("辞退日期"), 12),
        (_("撤销原因"), 30),
        (_("依据不成立原因"), 30),
        (_("恢复聘用时间"), 17),
    ]
    lines = [
        [
            row.flag.patroller.name,
            row.flag.township.name,
            row.rules_text,
            _("、").join(row.months),
            month_text(row.flag.trigger_month),
            row.flag.get_status_display(),
            "\n".join(wait.message for wait in row.waits),
            local_time(row.flag.raised_at),
            str(row.flag.confirmed_by or ""),
            local_time(row.flag.confirmed_at),
            row.flag.dismissed_on,
            row.flag.withdrawn_reason,
            row.flag.unsupported_reason,
            local_time(row.flag.reinstated_at),
        ]
        for row in rows
    ]
    title = _("河湖巡察员辞退提示(第九条)　导出日期 %(date)s") % {"date": on.isoformat()}
    table(sheet, title=title, columns=columns, rows=lines, wrap=(3, 4, 7, 12, 13))
    return workbook_bytes(book)
