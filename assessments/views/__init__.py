"""Office pages of the monthly assessments and their .xlsx downloads (SPEC §6–§8).

- 月度考评表 (`assessments-sheet`): every patroller of a township on one page for a month — suggested parts with
  their explanations, the three inputs, reasons; save all, finalize all, prepare the month. The township office
  of that township scores; its county and the city office read.
- 县级抽考 (`assessments-spot-check`): the county office draws the month's sample (seed and sample shown; drawing
  again answers the same sample) and scores the county-level drafts with the same inputs; the city office reads.
- 辞退提示 (`assessments-flags`): dismissals whose grounds no longer hold (to reinstate) on top, then open flags,
  then the rest, with the months and the rules; the township office of the flag or its county office confirms a
  settled one (contract ended, vacancy opened) — an unsettled one shows what it waits for — and reinstates.
- 巡察员年度考核 (`assessments-patroller`): one patroller's year month by month (the county result prevails), and
  every change kept (who, when, old, new, why) with the correction requests; the office that scored a final
  assessment (or its county office) asks for a correction from a form under each month.
- 考核更正 (`assessments-corrections`): the corrections of an office's place, waiting ones first, old and asked-for
  parts side by side; the county office of the assessment approves or rejects, the others read.
- 年度考核结果 (`assessments-results`): a township's or county's year, with the renewal-eligibility list and the
  pay-rise recommendation list.
- 监督报告 (`assessments-supervision*`): village chiefs and volunteer supervisors file reports from a phone; the
  township office confirms or rejects them.

Thin on purpose: rows and years from `assessments.reports` (the read models the workbooks of `assessments.exports`
write too), other reads through `assessments.selectors` (and the staffing/rivers scope selectors), writes through
`assessments.services`, rules from `assessments.rules`. The role is checked first (403), then the object through
the caller's scope (404), then whether this office may act on it (the services' PermissionDenied, 403).
"""

from assessments.views.corrections import correction_decide, correction_list, corrections_xlsx
from assessments.views.flags import flag_confirm, flag_list, flag_reinstate, flags_xlsx
from assessments.views.results import patroller_year, patroller_year_xlsx, results, results_xlsx
from assessments.views.scoring import sheet, sheet_xlsx, spot_check, spot_check_xlsx
from assessments.views.supervision import (
    supervision_decide,
    supervision_list,
    supervision_new,
    supervision_photo,
    supervision_xlsx,
)

__all__ = [
    "correction_decide",
    "correction_list",
    "corrections_xlsx",
    "flag_confirm",
    "flag_list",
    "flag_reinstate",
    "flags_xlsx",
    "patroller_year",
    "patroller_year_xlsx",
    "results",
    "results_xlsx",
    "sheet",
    "sheet_xlsx",
    "spot_check",
    "spot_check_xlsx",
    "supervision_decide",
    "supervision_list",
    "supervision_new",
    "supervision_photo",
    "supervision_xlsx",
]
