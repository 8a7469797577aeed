"""The overview as a workbook: every table of the page, one sheet each (the rows with their sums, the flags by
code, the twelve-month trend, the score distribution)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from config.xlsx import table, workbook_bytes
from overview.selectors import COUNTY, TOWNSHIP, Figures, Overview, Row
from patrol.rules import FLAG_LABELS

PERCENT = "0.0%"
AVERAGE = "0.0"


def _level_label(overview: Overview) -> str:
    if overview.level == TOWNSHIP:
        return _("巡察员")
    if overview.level == COUNTY:
        return _("乡镇(街道)")
    return _("县(市、区)")


def _row_name(row: Row) -> str:
    """A patroller with their segment: two patrollers of one name are told apart."""
    return f"{row.place.name} · {row.segment}" if row.segment else row.place.name


def _cells(figures: Figures) -> list:
    staffing = figures.staffing
    return [
        figures.patrollers,
        figures.patroller_days,
        figures.days_patrolled,
        _("未收到日志") if figures.no_logs_received else figures.patrol_rate,
        figures.missing_logs,
        figures.logs,
        figures.flagged_logs,
        figures.problems_open,
        figures.problems_overdue,
        staffing.floor if staffing else None,
        staffing.standard if staffing else None,
        staffing.actual if staffing else None,
        staffing.below_floor if staffing else None,
        figures.assessed,
        figures.failed,
        figures.average_score,
        figures.open_flags,
        figures.unfiled_changes,
    ]


def main_columns() -> list[tuple[str, int]]:
    return [
        (pgettext("number of patrollers", "巡察员"), 8),
        (_("在岗人天"), 10),
        (_("巡查人天"), 10),
        (_("巡查率"), 9),
        (_("缺报日志"), 9),
        (_("日志数"), 9),
        (_("有标记日志"), 10),
        (_("问题未办结"), 10),
        (_("问题逾期"), 9),
        (_("配备底线"), 9),
        (_("配备标准"), 9),
        (_("实有人数"), 9),
        (_("低于底线河段"), 11),
        (_("已考核"), 8),
        (pgettext("number of patrollers", "不合格"), 8),
        (_("平均分"), 8),
        (_("待确认辞退提示"), 12),
        (_("未备案变动"), 10),
    ]


def overview_xlsx_bytes(overview: Overview) -> bytes:
    book = Workbook()
    title = _("%(place)s %(month)s 总览") % {"place": overview.place.name, "month": overview.month_label}
    if overview.in_progress:
        title += _("(截至%(day)s)") % {"day": overview.through.isoformat()}

    sheet = book.active
    sheet.title = _("汇总")
    columns = [(_level_label(overview), 16), *main_columns()]
    rows = [[_row_name(row), *_cells(row.figures)] for row in overview.rows]
    rows.append([_("合计"), *_cells(overview.totals)])
    table(sheet, title=title, columns=columns, rows=rows)
    for row in sheet.iter_rows(min_row=3, min_col=5, max_col=5):
        row[0].number_format = PERCENT
    for row in sheet.iter_rows(min_row=3, min_col=17, max_col=17):
        row[0].number_format = AVERAGE

    codes = overview.flag_codes
    flags = book.create_sheet(_("核查标记"))
    table(
        flags,
        title=_("%(title)s：按核查标记的日志数") % {"title": title},
        columns=[(_level_label(overview), 16), (_("有标记日志"), 10)]
        + [(str(FLAG_LABELS.get(code, code)), 12) for code in codes],
        rows=[
            [_row_name(row), row.figures.flagged_logs, *[row.figures.flags.get(c, 0) for c in codes]]
            for row in overview.rows
        ]
        + [[_("合计"), overview.totals.flagged_logs, *[overview.totals.flags.get(c, 0) for c in codes]]],
    )

    trend = book.create_sheet(_("近12个月"))
    table(
        trend,
        title=_("%(place)s 近12个月") % {"place": overview.place.name},
        columns=[
            (_("月份"), 10),
            (_("巡查率"), 9),
            (_("已考核"), 8),
            (_("平均分"), 8),
            (pgettext("number of patrollers", "不合格"), 8),
        ],
        rows=[
            [
                f"{point.month:%Y-%m}",
                _("未收到日志") if point.no_logs else point.patrol_rate,
                point.assessed,
                point.average_score,
                point.failed,
            ]
            for point in overview.trend
        ],
    )
    for row in trend.iter_rows(min_row=3, min_col=2, max_col=2):
        row[0].number_format = PERCENT
    for row in trend.iter_rows(min_row=3, min_col=4, max_col=4):
        row[0].number_format = AVERAGE

    scores = book.create_sheet(_("分数分布"))
    table(
        scores,
        title=_("%(title)s：总分分布") % {"title": title},
        columns=[(_("总分"), 10), (_("人数"), 8)],
        rows=[[score_band(index), n] for index, n in enumerate(overview.score_hist)],
    )
    return workbook_bytes(book)


def score_band(index: int) -> str:
    low = index * 10
    return f"{low}–{low + 9}" if index < 9 else "90–100"
