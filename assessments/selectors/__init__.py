"""Reads of assessments, flags, corrections, spot checks and supervision reports, always through the caller's
scope (accounts.scope), plus the month facts behind the suggested scores.

One module per topic: `facts` (the month's population and facts, a fixed number of aggregate queries whatever the
number of patrollers), `assessments`, `corrections`, `flags` (dismissal flags and what they wait for),
`spot_checks`, `supervision`; `common` holds what they share. Callers import from here.
"""

from assessments.selectors.assessments import (
    assessment_changes,
    assessment_get,
    assessment_list,
    assessments_visible_to,
    owns,
    patroller_assessment_history,
)
from assessments.selectors.corrections import (
    correction_get,
    correction_list,
    corrections_visible_to,
    may_decide_correction,
    scores_when_requested,
)
from assessments.selectors.facts import (
    HANDLING_ACTIONS,
    MonthRow,
    month_facts,
    township_has_logs,
    townships_without_logs,
)
from assessments.selectors.flags import (
    WAIT_LABELS,
    MonthWait,
    Wait,
    dismissal_flag_get,
    dismissal_flag_list,
    dismissal_flags_visible_to,
    flag_waits,
    may_dismiss,
)
from assessments.selectors.spot_checks import spot_check_draw_list, spot_check_draws_visible_to
from assessments.selectors.supervision import (
    reportable_patrollers,
    supervision_report_get,
    supervision_report_list,
    supervision_reports_visible_to,
    with_segment_name,
)

__all__ = [
    "HANDLING_ACTIONS",
    "WAIT_LABELS",
    "MonthRow",
    "MonthWait",
    "Wait",
    "assessment_changes",
    "assessment_get",
    "assessment_list",
    "assessments_visible_to",
    "correction_get",
    "correction_list",
    "corrections_visible_to",
    "dismissal_flag_get",
    "dismissal_flag_list",
    "dismissal_flags_visible_to",
    "flag_waits",
    "may_decide_correction",
    "may_dismiss",
    "month_facts",
    "owns",
    "patroller_assessment_history",
    "reportable_patrollers",
    "scores_when_requested",
    "spot_check_draw_list",
    "spot_check_draws_visible_to",
    "supervision_report_get",
    "supervision_report_list",
    "supervision_reports_visible_to",
    "township_has_logs",
    "townships_without_logs",
    "with_segment_name",
]
