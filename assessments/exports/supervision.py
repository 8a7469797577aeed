"""监督报告: the supervision reports."""

from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.models import SupervisionReport
from config.xlsx import Columns, local_time, table, workbook_bytes

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
            local_time(r.created_at),
            r.observed_on,
            r.patroller.name,
            r.township.name,
            str(r.reporter),
            r.text,
            r.get_status_display(),
            str(r.decided_by or ""),
            local_time(r.decided_at),
            r.decision_note,
        ]
        for r in reports
    ]
    title = _("河湖巡察员监督报告(第十二条)　导出日期 %(date)s") % {"date": on.isoformat()}
    table(sheet, title=title, columns=columns, rows=lines, wrap=(6, 10))
    return workbook_bytes(book)
