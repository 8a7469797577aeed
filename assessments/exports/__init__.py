"""The assessment tables as .xlsx workbooks in the layout an office prints (SPEC §8: every table is exportable).

Every sheet: a title row (what, where, when), a bold header row frozen under it and repeated on every printed
page, column widths for Chinese text, landscape, one page wide. Names only: no ID numbers or phones.

One module per page (`scoring`: the monthly sheet and the spot check; `flags`; `results`: a patroller's year and
the year's results; `supervision`; `corrections`), each writing the read models of `assessments.reports`;
`common` holds the styles and the cells of the three parts, the titled table is config/xlsx.py's.
"""

from assessments.exports.corrections import corrections_xlsx
from assessments.exports.flags import flags_xlsx
from assessments.exports.results import patroller_year_xlsx, results_xlsx
from assessments.exports.scoring import sheet_xlsx, spot_check_xlsx
from assessments.exports.supervision import supervision_xlsx

__all__ = [
    "corrections_xlsx",
    "flags_xlsx",
    "patroller_year_xlsx",
    "results_xlsx",
    "sheet_xlsx",
    "spot_check_xlsx",
    "supervision_xlsx",
]
