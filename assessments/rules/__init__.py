"""Pure assessment rules (SPEC §6–§7, 第九条–第十一条). No ORM: plain values in, plain values out.

One module per topic: `months` (month arithmetic, when a month's facts settle and may be finalized), `scores`
(parts, weights, grades and the pass mark, the month outcome, ranges and reasons), `dismissal` (the dismissal
rule over a patroller's month outcomes), `suggestions` (suggested scores from the month's facts, each part with a
Chinese explanation), `spot_checks` (the county sample size and the seeded, risk-weighted draw), `excellence`
("excellent" incumbents and the pay-rise list); `common` reads the settings. Callers import from here.

Numbers that are settings (weights, pass mark, grade bands, the reason gap, penalties, the spot-check share)
are read from settings.RIVER when a function is called without them, so tests can pass their own.
"""

from assessments.rules.dismissal import (
    CONSECUTIVE_2,
    YEARLY_3,
    Grounds,
    Judged,
    Trigger,
    dismissal_grounds,
    dismissal_triggers,
    earliest_dismissal_day,
    grounds_of,
    judge_dismissals,
)
from assessments.rules.excellence import EXCELLENCE_WINDOW_MONTHS, excellence_window, is_excellent, pay_rise_ranking
from assessments.rules.months import (
    is_settled,
    last_settled_month,
    late_days,
    month_end,
    month_label,
    month_start,
    month_text,
    next_month,
    parse_month,
    previous_month,
    settles_on,
)
from assessments.rules.scores import (
    DEFAULT_GRADE_BANDS,
    DEFAULT_WEIGHTS,
    PART_LABELS,
    PARTS,
    Outcome,
    grade,
    missing_reason_errors,
    month_outcome,
    parts_needing_reason,
    pass_mark,
    passed,
    range_errors,
    reason_gap,
    weights,
)
from assessments.rules.spot_checks import Candidate, risk_weight, spot_check_size, weighted_draw
from assessments.rules.suggestions import MonthFacts, Suggestion, explanation_to_read, suggest

__all__ = [
    "CONSECUTIVE_2",
    "DEFAULT_GRADE_BANDS",
    "DEFAULT_WEIGHTS",
    "EXCELLENCE_WINDOW_MONTHS",
    "PARTS",
    "PART_LABELS",
    "YEARLY_3",
    "Candidate",
    "Grounds",
    "Judged",
    "MonthFacts",
    "Outcome",
    "Suggestion",
    "Trigger",
    "dismissal_grounds",
    "dismissal_triggers",
    "earliest_dismissal_day",
    "excellence_window",
    "explanation_to_read",
    "grade",
    "grounds_of",
    "is_excellent",
    "is_settled",
    "judge_dismissals",
    "last_settled_month",
    "late_days",
    "missing_reason_errors",
    "month_end",
    "month_label",
    "month_outcome",
    "month_start",
    "month_text",
    "next_month",
    "parse_month",
    "parts_needing_reason",
    "pass_mark",
    "passed",
    "pay_rise_ranking",
    "previous_month",
    "range_errors",
    "reason_gap",
    "risk_weight",
    "settles_on",
    "spot_check_size",
    "suggest",
    "weighted_draw",
    "weights",
]
