"""The parts and their weights, grades and the pass mark, the month outcome (the county spot check over the
township assessment, else "not assessed"), and the checks of typed scores: ranges, and the reason a part far
from its suggestion needs."""

from collections.abc import Mapping
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.rules.common import setting

PARTS = ("appearance", "daily_work", "records")
PART_LABELS = {
    "appearance": gettext_lazy("河湖面貌"),
    "daily_work": gettext_lazy("日常工作表现"),
    "records": gettext_lazy("资料管理"),
}

DEFAULT_WEIGHTS = {"appearance": 30, "daily_work": 40, "records": 30}
DEFAULT_GRADE_BANDS = {"excellent": 90, "good": 75, "pass": 60}


def weights() -> dict[str, int]:
    """The most points of each part (settings); they add up to 100 (a total is out of 100, SPEC §6)."""
    configured = dict(setting("ASSESSMENT_WEIGHTS", DEFAULT_WEIGHTS))
    if set(configured) != set(PARTS) or sum(configured.values()) != 100 or min(configured.values()) < 0:
        raise ValueError("RIVER['ASSESSMENT_WEIGHTS'] must give appearance, daily_work and records adding up to 100")
    return configured


def pass_mark() -> int:
    return int(setting("PASS_MARK", 60))


def reason_gap() -> int:
    return int(setting("SUGGESTION_REASON_GAP", 10))


def grade(total: int, *, bands: Mapping[str, int] | None = None) -> str:
    """优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60, 不合格 below (bands are settings)."""
    bands = bands if bands is not None else setting("GRADE_BANDS", DEFAULT_GRADE_BANDS)
    for code in ("excellent", "good", "pass"):
        if total >= bands[code]:
            return code
    return "fail"


def passed(total: int, *, mark: int | None = None) -> bool:
    """A total of at least the pass mark passes."""
    return total >= (pass_mark() if mark is None else mark)


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    NOT_ASSESSED = "not_assessed"  # listed as missing: neither pass nor fail


def month_outcome(*, county: bool | None, township: bool | None) -> Outcome:
    """The month's result for a patroller (SPEC §6): the county spot check's where one is final, otherwise the
    township's; None means "no final assessment at that level"."""
    result = county if county is not None else township
    if result is None:
        return Outcome.NOT_ASSESSED
    return Outcome.PASS if result else Outcome.FAIL


def range_errors(scores: Mapping[str, object], *, part_weights: Mapping[str, int] | None = None) -> dict[str, list]:
    """{part: [message]} for every part missing, not a whole number, or outside 0–weight."""
    part_weights = part_weights or weights()
    errors: dict[str, list] = {}
    for part in PARTS:
        value = scores.get(part)
        top = part_weights[part]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            errors[part] = [
                _("%(part)s应为0至%(top)s之间的整数分。") % {"part": PART_LABELS[part], "top": top},
            ]
    return errors


def parts_needing_reason(
    scores: Mapping[str, int], suggested: Mapping[str, int], *, gap: int | None = None
) -> list[str]:
    """Parts further than the gap (a setting, 10 points) from their suggestion: they need a written reason."""
    gap = reason_gap() if gap is None else gap
    return [part for part in PARTS if abs(scores[part] - suggested[part]) > gap]


def missing_reason_errors(
    scores: Mapping[str, int], suggested: Mapping[str, int], reasons: Mapping[str, str], *, gap: int | None = None
) -> dict[str, list]:
    """{part: [message]} for parts that need a reason and have none (blank text does not count)."""
    gap = reason_gap() if gap is None else gap
    errors: dict[str, list] = {}
    for part in parts_needing_reason(scores, suggested, gap=gap):
        if not str(reasons.get(part) or "").strip():
            errors[part] = [
                _("%(part)s评分%(score)s与建议分%(suggested)s相差超过%(gap)s分，请填写理由。")
                % {"part": PART_LABELS[part], "score": scores[part], "suggested": suggested[part], "gap": gap}
            ]
    return errors
