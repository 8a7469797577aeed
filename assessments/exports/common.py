"""What the assessment workbooks share: the red 不合格, the average's format and the cells of the three parts; the
titled table itself is config/xlsx.py's, the writer of every export."""

from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from assessments import rules
from assessments.models import PARTS, Assessment
from config.xlsx import Columns

FAIL_FONT = Font(color="B42318", bold=True)  # --bad in static/css/site.css
AVERAGE_FORMAT = "0.0"


def mark_fails(sheet: Worksheet, *, column: int, first_row: int = 3) -> None:
    """The pass/fail column's 不合格 in red, as on the page."""
    for row in range(first_row, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=column)
        if cell.value == _("不合格"):
            cell.font = FAIL_FONT


def passed_text(assessment: Assessment) -> str:
    return _("合格") if assessment.passed else _("不合格")


def reasons_text(reasons: dict) -> str:
    return _("；").join(
        _("%(label)s：%(value)s") % {"label": rules.PART_LABELS[part], "value": reasons[part]}
        for part in PARTS
        if reasons.get(part)
    )


def part_columns() -> Columns:
    tops = rules.weights()
    columns: Columns = []
    for part in PARTS:
        label = str(rules.PART_LABELS[part])
        columns += [
            (_("%(part)s建议分") % {"part": label}, 9),
            (_("%(part)s(%(top)d分)") % {"part": label, "top": tops[part]}, 10),
        ]
    return columns


def part_cells(assessment: Assessment) -> list[int]:
    cells = []
    for part in PARTS:
        cells += [assessment.suggested[part], assessment.scores[part]]
    return cells
