"""Pure assessment rules (SPEC §6–§7, 第九条–第十一条). No ORM: plain values in, plain values out.

- grades and the pass mark;
- the month outcome (county spot check over township assessment, else "not assessed");
- when a month's facts settle (its late-log window closed) and may be finalized;
- the dismissal rule over a patroller's month outcomes (2 consecutive calendar months, or 3 in a calendar year),
  with the months an earlier confirmed dismissal consumed left out, and whether a confirmed dismissal still stands;
- suggested scores from the month's facts, each part with a Chinese explanation;
- the county spot-check sample size and the seeded, risk-weighted draw.

Numbers that are settings (weights, pass mark, grade bands, the reason gap, penalties, the spot-check share)
are read from settings.RIVER when a function is called without them, so tests can pass their own.
"""

import math
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

PARTS = ("appearance", "daily_work", "records")
PART_LABELS = {
    "appearance": gettext_lazy("河湖面貌"),
    "daily_work": gettext_lazy("日常工作表现"),
    "records": gettext_lazy("资料管理"),
}

DEFAULT_WEIGHTS = {"appearance": 30, "daily_work": 40, "records": 30}
DEFAULT_GRADE_BANDS = {"excellent": 90, "good": 75, "pass": 60}


def _river(key: str, default):
    return settings.RIVER.get(key, default)


def weights() -> dict[str, int]:
    """The most points of each part (settings); they add up to 100 (a total is out of 100, SPEC §6)."""
    configured = dict(_river("ASSESSMENT_WEIGHTS", DEFAULT_WEIGHTS))
    if set(configured) != set(PARTS) or sum(configured.values()) != 100 or min(configured.values()) < 0:
        raise ValueError("RIVER['ASSESSMENT_WEIGHTS'] must give appearance, daily_work and records adding up to 100")
    return configured


def pass_mark() -> int:
    return int(_river("PASS_MARK", 60))


def reason_gap() -> int:
    return int(_river("SUGGESTION_REASON_GAP", 10))


# --- months ----------------------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def month_end(month: date) -> date:
    return date.fromordinal(next_month(month).toordinal() - 1)


def month_label(month: date) -> str:
    """API.md months: "YYYY-MM"."""
    return f"{month.year:04d}-{month.month:02d}"


def month_text(month: date) -> str:
    """A month as the pages and workbooks write it: 2026年5月 (May 2026)."""
    return _("%(year)d年%(month)d月") % {"year": month.year, "month": month.month}


def late_days() -> int:
    """How many days after its date a patrol log may still arrive (SPEC §5, a setting: 3)."""
    return int(_river("LOG_LATE_DAYS", 3))


def settles_on(month: date, *, late: int | None = None) -> date:
    """The first day on which `month`'s facts are settled: day LOG_LATE_DAYS + 1 of the next month (the 4th). Until
    then a log of the month's last days may still arrive, so nothing of the month may be finalized (SPEC §6)."""
    return next_month(month) + timedelta(days=late_days() if late is None else late)


def is_settled(month: date, *, today: date) -> bool:
    return today >= settles_on(month)


def last_settled_month(today: date) -> date:
    """The latest month whose facts are settled on `today`: last month from the 4th on, else the one before."""
    month = previous_month(month_start(today))
    return month if is_settled(month, today=today) else previous_month(month)


def parse_month(value: str) -> date | None:
    """ "YYYY-MM" → the 1st of that month; None for anything else."""
    if not isinstance(value, str) or len(value) != 7 or value[4] != "-":
        return None
    year, month = value[:4], value[5:]
    if not (year.isdigit() and month.isdigit() and year.isascii() and month.isascii()):
        return None
    if not (1 <= int(month) <= 12 and int(year) >= 1):
        return None
    return date(int(year), int(month), 1)


# --- grades and outcomes ---------------------------------------------------------------------------------------


def grade(total: int, *, bands: Mapping[str, int] | None = None) -> str:
    """优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60, 不合格 below (bands are settings)."""
    bands = bands if bands is not None else _river("GRADE_BANDS", DEFAULT_GRADE_BANDS)
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


# --- the dismissal rule (第九条) --------------------------------------------------------------------------------

CONSECUTIVE_2 = "consecutive_2"
YEARLY_3 = "yearly_3"


@dataclass(frozen=True, order=True)
class Trigger:
    """One reason to dismiss: the rule, the month whose outcome completed it and every month that made it."""

    rule: str
    trigger_month: date
    months: tuple[date, ...]


def dismissal_triggers(outcomes: Mapping[date, Outcome], *, consumed: Collection[date] = ()) -> list[Trigger]:
    """Every way the month outcomes of one patroller trigger dismissal (第九条), ordered by month then rule.

    - `consecutive_2`: a failing month whose previous calendar month also failed (December → January counts);
      a month not assessed sits between two failures and breaks the chain.
    - `yearly_3`: a failing month that is the third (or later) failing month of its calendar year, counting
      months under an earlier contract; the months named are that year's failing months up to it.

    Months not in `outcomes` are not assessed. `consumed` months (those that caused a confirmed dismissal) never
    count again: they are left out as if not assessed. Keys must be the 1st of their month.
    """
    failing = sorted(month for month, outcome in outcomes.items() if outcome == Outcome.FAIL and month not in consumed)
    failing_set = set(failing)
    triggers: list[Trigger] = []
    per_year: dict[int, list[date]] = {}
    for month in failing:
        before = previous_month(month)
        if before in failing_set:
            triggers.append(Trigger(CONSECUTIVE_2, month, (before, month)))
        this_year = per_year.setdefault(month.year, [])
        this_year.append(month)
        if len(this_year) >= 3:
            triggers.append(Trigger(YEARLY_3, month, tuple(this_year)))
    return sorted(triggers, key=lambda t: (t.trigger_month, t.rule))


@dataclass(frozen=True)
class Grounds:
    """What one dismissal flag stands on: every trigger of the patroller taken together (one flag per patroller).

    `rules` in the order they first triggered (the first is the flag's `rule`), `months` every month named by any
    of the triggers, oldest first, and `trigger_month` the month whose outcome first completed a rule."""

    rules: tuple[str, ...]
    months: tuple[date, ...]
    trigger_month: date


def grounds_of(triggers: Sequence[Trigger]) -> Grounds | None:
    """The triggers (as dismissal_triggers orders them) taken together; None when there is none."""
    if not triggers:
        return None
    ordered = sorted(triggers, key=lambda t: (t.trigger_month, t.rule))
    found_rules: list[str] = []
    for trigger in ordered:
        if trigger.rule not in found_rules:
            found_rules.append(trigger.rule)
    months = sorted({month for trigger in ordered for month in trigger.months})
    return Grounds(tuple(found_rules), tuple(months), ordered[0].trigger_month)


def dismissal_grounds(
    outcomes: Mapping[date, Outcome], *, consumed: Collection[date] = (), before: date | None = None
) -> Grounds | None:
    """The dismissal rule over the outcomes, consumed months left out; with `before`, only the months that ended
    before that day count (a dismissal on a day stands on the months before it)."""
    if before is not None:
        outcomes = {month: outcome for month, outcome in outcomes.items() if next_month(month) <= before}
    return grounds_of(dismissal_triggers(outcomes, consumed=consumed))


@dataclass(frozen=True)
class Judged:
    """The dismissal rule over a patroller's history (judge_dismissals)."""

    # {dismissal key: its grounds today, or None when they no longer hold (the dismissal is `unsupported`)}
    dismissals: dict
    # the months that caused the dismissals that still stand: they never count again
    consumed: frozenset[date]
    # the grounds of the patroller's one open flag (None: nothing to flag)
    open: Grounds | None


def judge_dismissals(outcomes: Mapping[date, Outcome], dismissals: Sequence[tuple[object, date]]) -> Judged:
    """Judge a patroller's dismissals and what remains to flag, from the month outcomes as they stand now.

    `dismissals`: (key, dismissal day) of every dismissal not undone by a reinstatement. Taken in the order of
    their days, each one stands when the rule, over the months that ended before its day and were not consumed by
    an earlier dismissal that stands, still triggers; its grounds are then what triggers (the months it consumes).
    A dismissal whose grounds a later county result or correction removed stands on nothing (None). What the
    remaining months (not consumed) trigger is the open flag's grounds.
    """
    consumed: set[date] = set()
    judged: dict = {}
    for key, day in sorted(dismissals, key=lambda item: item[1]):
        grounds = dismissal_grounds(outcomes, consumed=consumed, before=day)
        judged[key] = grounds
        if grounds is not None:
            consumed.update(grounds.months)
    return Judged(judged, frozenset(consumed), dismissal_grounds(outcomes, consumed=consumed))


def earliest_dismissal_day(months: Iterable[date]) -> date:
    """A dismissal takes effect at the earliest on the day after its last failing month ends."""
    return next_month(max(months))


# --- reasons and ranges ----------------------------------------------------------------------------------------


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


# --- suggested scores (第十一条) --------------------------------------------------------------------------------


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


def _share(part: int, whole: int) -> Decimal:
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
    penalty = int(_river("SUPERVISION_PENALTY", 5)) if supervision_penalty is None else supervision_penalty
    late_penalty = (
        int(_river("LATE_ESCALATION_PENALTY", 2)) if late_escalation_penalty is None else late_escalation_penalty
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
    points = _points(_clamp(top * _share(good_days, days), top))
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
    base = top * _share(patrolled, days)
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
    clean_share = _share(logs - flagged, logs)
    evidence_share = _share(evidence, problems) if problems else Decimal(1)
    points = _points(_clamp(top * (clean_share + evidence_share) / 2, top))
    text = _(
        "巡查记录%(logs)s条，其中有核查标记(缺少照片、无轨迹、轨迹覆盖不足、照片存疑等)%(flagged)s条；"
        "发现问题的记录%(problems)s条，其中有照片佐证%(evidence)s条；"
        "按(无标记比例+佐证比例)/2×%(top)s分，建议%(points)s分。"
    ) % {"logs": logs, "flagged": flagged, "problems": problems, "evidence": evidence, "top": top, "points": points}
    return points, text


# --- county spot checks (县级每月抽考) ----------------------------------------------------------------------------


def spot_check_size(*, population: int, townships: int, share: Decimal | None = None) -> int:
    """At least `share` (10%) of the county's active patrollers rounded up, at least one per township that has
    any, never more than there are."""
    share = Decimal(str(_river("SPOT_CHECK_SHARE", Decimal("0.10")))) if share is None else Decimal(str(share))
    if population <= 0:
        return 0
    by_share = int((share * population).to_integral_value(rounding=ROUND_CEILING))
    return min(population, max(by_share, townships, 1))


def risk_weight(facts: MonthFacts) -> Decimal:
    """How strongly the draw favours a patroller (SPEC §6 risk signals), from 1 (no signal) up to 8:
    + 2 × the share of contract days without a log (low coverage),
    + 2 × the share of logs with evidence flags,
    + 1 per supervision complaint not rejected, at most 3."""
    missed = Decimal(1) - _share(min(facts.days_patrolled, facts.days_under_contract), facts.days_under_contract)
    if facts.days_under_contract == 0:
        missed = Decimal(0)
    flagged = _share(facts.logs_flagged, facts.logs)
    weight = Decimal(1) + 2 * missed + 2 * flagged + min(facts.complaints, 3)
    return weight.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Candidate:
    patroller: int
    township: int
    weight: Decimal


def weighted_draw(candidates: Iterable[Candidate], *, size: int, seed: int) -> list[int]:
    """A seeded draw without replacement that favours heavier weights (Efraimidis–Spirakis: each candidate gets
    the key u^(1/weight) for u uniform in (0, 1), drawn in patroller-id order; the largest keys win).

    The best key of every township is taken first (at least one per township), then the best remaining keys up
    to `size`. Same candidates, size and seed → the same patrollers in the same order.
    """
    ordered = sorted(candidates, key=lambda c: c.patroller)
    rng = random.Random(seed)
    keyed = []
    for candidate in ordered:
        u = rng.random() or math.ulp(0.0)
        weight = float(candidate.weight) if candidate.weight > 0 else math.ulp(1.0)
        keyed.append((u ** (1.0 / weight), candidate))
    by_key = sorted(keyed, key=lambda kc: (-kc[0], kc[1].patroller))
    chosen: list[Candidate] = []
    seen_townships: set[int] = set()
    for _key, candidate in by_key:
        if candidate.township not in seen_townships:
            seen_townships.add(candidate.township)
            chosen.append(candidate)
    chosen_ids = {c.patroller for c in chosen}
    for _key, candidate in by_key:
        if len(chosen) >= size:
            break
        if candidate.patroller not in chosen_ids:
            chosen.append(candidate)
            chosen_ids.add(candidate.patroller)
    rank = {c.patroller: i for i, (_k, c) in enumerate(by_key)}
    return [c.patroller for c in sorted(chosen, key=lambda c: rank[c.patroller])]


# --- "excellent" incumbents (SPEC §4) --------------------------------------------------------------------------


EXCELLENCE_WINDOW_MONTHS = 12


def excellence_window(before: date) -> list[date]:
    """The 12 calendar months before the month of `before` (the month a renewal starts), oldest first."""
    months = [previous_month(month_start(before))]
    while len(months) < EXCELLENCE_WINDOW_MONTHS:
        months.append(previous_month(months[-1]))
    return months[::-1]


def is_excellent(
    month_totals: Sequence[tuple[date, int, bool]],
    *,
    before: date | None = None,
    average: int | None = None,
    min_months: int | None = None,
) -> bool:
    """ "Excellent" performance (第四条(二), SPEC §4) from (month, prevailing final total, passed) rows, any order.

    Over the 12 calendar months before the month of `before` (by default the month after the latest row): at
    least `min_months` of them assessed (setting EXCELLENT_MIN_MONTHS, 10 — one good month is not a year's
    record), no failing month among them and an average total ≥ `average` (setting EXCELLENT_AVERAGE, 85).
    Months not assessed are neither good nor bad; months outside the window do not count.
    """
    average = int(_river("EXCELLENT_AVERAGE", 85)) if average is None else average
    min_months = int(_river("EXCELLENT_MIN_MONTHS", 10)) if min_months is None else min_months
    if not month_totals:
        return False
    if before is None:
        before = next_month(max(month_start(row[0]) for row in month_totals))
    window = set(excellence_window(before))
    recent = [row for row in month_totals if month_start(row[0]) in window]
    if len(recent) < max(1, min_months) or not all(row[2] for row in recent):
        return False
    return Decimal(sum(row[1] for row in recent)) / len(recent) >= average


# --- the pay-rise recommendation list (第十条 提薪; added by the pages engineer for the year's results page) ------


def pay_rise_ranking(
    year_rows: Mapping[int, Sequence[tuple[date, int, bool]]],
    *,
    share: Decimal | str | None = None,
    average: int | None = None,
) -> list[int]:
    """Patroller ids recommended for a pay rise from one calendar year's results, best first.

    `year_rows`: {patroller id: [(month, prevailing final total, passed), …]} for the year's assessed months.
    Candidates: at least one assessed month, no failing month and an average total ≥ `average` (EXCELLENT_AVERAGE,
    85) over the year — the "excellent" test applied to the year. Ranked by average (exact) descending, then more
    assessed months, then id. Quota: ceil(share × patrollers with an assessed month), share = PAY_RISE_SHARE (a
    setting, 20%); anyone tied (same average, same number of months) with the last one inside the quota is
    recommended too. Never more than the candidates.
    """
    share = Decimal(str(_river("PAY_RISE_SHARE", "0.20") if share is None else share))
    average = int(_river("EXCELLENT_AVERAGE", 85)) if average is None else average
    assessed = {pk: rows for pk, rows in year_rows.items() if rows}
    candidates = []
    for pk, rows in assessed.items():
        mean = Decimal(sum(row[1] for row in rows)) / len(rows)
        if all(row[2] for row in rows) and mean >= average:
            candidates.append((mean, len(rows), pk))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
    quota = int((share * len(assessed)).to_integral_value(rounding=ROUND_CEILING)) if assessed else 0
    if quota <= 0 or not candidates:
        return []
    chosen = candidates[:quota]
    last = chosen[-1]
    chosen += [c for c in candidates[quota:] if (c[0], c[1]) == (last[0], last[1])]
    return [pk for _mean, _months, pk in chosen]
