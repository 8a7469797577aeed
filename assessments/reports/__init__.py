"""Read models of the assessment pages: the rows and the years the pages render and the workbooks
(`assessments.exports`) write, built from the selectors in a fixed number of queries.

One module per page: `scoring` (the monthly sheet and the spot check), `flags`, `corrections`, `results` (a
patroller's year and the year's results). Callers import from here.
"""

from assessments.reports.corrections import CorrectionRow, PartChange, correction_rows, pending_first
from assessments.reports.flags import FlagRow, flag_rows, waiting_first
from assessments.reports.results import (
    ChangeLine,
    MonthLine,
    PatrollerYear,
    Renewal,
    YearLine,
    YearResults,
    average,
    patroller_year_data,
    year_results,
)
from assessments.reports.scoring import PartCell, ScoreRow, score_row, spot_check_rows

__all__ = [
    "ChangeLine",
    "CorrectionRow",
    "FlagRow",
    "MonthLine",
    "PartCell",
    "PartChange",
    "PatrollerYear",
    "Renewal",
    "ScoreRow",
    "YearLine",
    "YearResults",
    "average",
    "correction_rows",
    "flag_rows",
    "patroller_year_data",
    "pending_first",
    "score_row",
    "spot_check_rows",
    "waiting_first",
    "year_results",
]
