"""Suggested scores from the month's facts (第十一条), each part with a Chinese explanation."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments.rules.common import setting
from assessments.rules.scores import weights


@dataclass(frozen=True)
class MonthFacts:
    """What the month's data says about one patroller, counted up to the day the suggestion is made."""

    days_under_contract: int = 0  # calendar days of the month under contract (up to today for the current month)
    days_patrolled: int = 0  # days with at least one log
    days_unhandled: int = 0  # days with a problem found and no action taken (制止、上报、保洁、配合执法)
    logs: int = 0
    logs_flagged: int = 0  # logs carrying an evidence flag of their own or on one of their photos
    problem_logs: int = 0  # logs that found at least one problem
    problem_logs_with_evidence: int = 0  # of those, the ones not flagged `evidence_missing`
    escalations: int = 0  # logs escalated to the river-chief office (上报)
    escalations_on_time: int = 0  # of those, submitted within the on-time window after the patrol
    supervision_confirmed: int = 0  # supervision reports about the month confirmed by the township office
    complaints: int = 0  # supervision reports about the month not rejected (pending or confirmed): a risk signal

    def as_dict(self) -> dict[str, int]:
        # Plain attribute reads: dataclasses.asdict deep-copies and costs ten times as much per row.
        return {name: getattr(self, name) for name in _FACT_NAMES}

    @classmethod
    def from_dict(cls, data: Mapping[str, int]) -> "MonthFacts":
        known = cls.__dataclass_fields__
        return cls(**{key: int(value) for key, value in data.items() if key in known})

    @property
    def late_escalations(self) -> int:
        return max(0, self.escalations - self.escalations_on_time)


_FACT_NAMES = tuple(f.name for f in fields(MonthFacts))


@dataclass(frozen=True)
class Suggestion:
    parts: dict[str, int]
    explanation: dict[str, str]


def _points(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_of(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def _clamp(value: Decimal, top: int) -> Decimal:
    return min(max(value, Decimal(0)), Decimal(top))


def suggest(
    facts: MonthFacts,
    *,
    part_weights: Mapping[str, int] | None = None,
    supervision_penalty: int | None = None,
    late_escalation_penalty: int | None = None,
) -> Suggestion:
    """Suggested points for each part from the month's facts, each with the reason in plain Chinese.

    - 河湖面貌: weight × (days patrolled − days with a problem left without action) / days under contract.
    - 日常工作表现: weight × days patrolled / days under contract, less points per confirmed supervision report
      and per escalation sent late; never below 0.
    - 资料管理: weight × (½ share of logs without evidence flags + ½ share of problem logs with photo evidence);
      0 without logs (nothing recorded), and full evidence share when no problem was found.
    """
    w = dict(part_weights or weights())
    penalty = int(setting("SUPERVISION_PENALTY", 5)) if supervision_penalty is None else supervision_penalty
    late_penalty = (
        int(setting("LATE_ESCALATION_PENALTY", 2)) if late_escalation_penalty is None else late_escalation_penalty
    )
    # The explanation's text depends on the active language too; the cached parts are keyed by it.
    language = get_language()
    days = facts.days_under_contract
    patrolled = min(facts.days_patrolled, days)
    appearance = _appearance(days, patrolled, facts.days_unhandled, w["appearance"], language)
    daily_work = _daily_work(
        days,
        patrolled,
        facts.supervision_confirmed,
        facts.escalations,
        facts.late_escalations,
        w["daily_work"],
        penalty,
        late_penalty,
        language,
    )
    records = _records(
        facts.logs, facts.logs_flagged, facts.problem_logs, facts.problem_logs_with_evidence, w["records"], language
    )
    return Suggestion(
        parts={"appearance": appearance[0], "daily_work": daily_work[0], "records": records[0]},
        explanation={"appearance": appearance[1], "daily_work": daily_work[1], "records": records[1]},
    )


def explanation_to_read(facts: Mapping[str, int], suggested: Mapping[str, int], stored: Mapping[str, str]) -> dict:
    """A draft's explanation in the reader's language.

    Drafts store their explanation in the default language (Chinese), as a record of what the assessor was shown.
    Read in another language, it is written again from the stored facts — when that gives the stored suggestion,
    i.e. the rules and settings are still those it was made with; otherwise the stored text is the true one.
    """
    if get_language() == settings.LANGUAGE_CODE or not facts:
        return dict(stored)
    again = suggest(MonthFacts.from_dict(facts))
    if again.parts != dict(suggested):
        return dict(stored)
    return again.explanation


# Each part depends on a few of the facts only, and a province's month repeats the same few values again and again:
# the parts are computed once per distinct input (with the Decimal arithmetic and the gettext text, as before) and
# then looked up. Pure functions of their arguments (the active language is one of them), so the cache is exact.


@lru_cache(maxsize=4096)
def _appearance(days: int, patrolled: int, unhandled: int, top: int, language: str | None) -> tuple[int, str]:
    good_days = max(0, patrolled - unhandled)
    points = _points(_clamp(top * share_of(good_days, days), top))
    text = _(
        "合同期内%(days)s天，有巡查记录%(patrolled)s天，其中发现问题未处置%(unhandled)s天；"
        "按%(good)s/%(days)s×%(top)s分，建议%(points)s分。"
    ) % {"days": days, "patrolled": patrolled, "unhandled": unhandled, "good": good_days, "top": top, "points": points}
    return points, text


@lru_cache(maxsize=4096)
def _daily_work(
    days: int,
    patrolled: int,
    reports: int,
    escalations: int,
    late: int,
    top: int,
    penalty: int,
    late_penalty: int,
    language: str | None,
) -> tuple[int, str]:
    base = top * share_of(patrolled, days)
    deduction = penalty * reports + late_penalty * late
    points = _points(_clamp(base - deduction, top))
    text = _(
        "巡查天数%(patrolled)s/%(days)s，按比例得%(base)s分；经核实的监督报告%(reports)s件，每件扣%(penalty)s分；"
        "上报问题%(escalations)s次，其中未及时上报%(late)s次，每次扣%(late_penalty)s分；建议%(points)s分。"
    ) % {
        "patrolled": patrolled,
        "days": days,
        "base": _points(base),
        "reports": reports,
        "penalty": penalty,
        "escalations": escalations,
        "late": late,
        "late_penalty": late_penalty,
        "points": points,
    }
    return points, text


@lru_cache(maxsize=4096)
def _records(logs: int, flagged: int, problems: int, evidence: int, top: int, language: str | None) -> tuple[int, str]:
    if logs == 0:
        return 0, _("本月没有巡查记录，建议0分。")
    clean_share = share_of(logs - flagged, logs)
    evidence_share = share_of(evidence, problems) if problems else Decimal(1)
    points = _points(_clamp(top * (clean_share + evidence_share) / 2, top))
    text = _(
        "巡查记录%(logs)s条，其中有核查标记(缺少照片、无轨迹、轨迹覆盖不足、照片存疑等)%(flagged)s条；"
        "发现问题的记录%(problems)s条，其中有照片佐证%(evidence)s条；"
        "按(无标记比例+佐证比例)/2×%(top)s分，建议%(points)s分。"
    ) % {"logs": logs, "flagged": flagged, "problems": problems, "evidence": evidence, "top": top, "points": points}
    return points, text
