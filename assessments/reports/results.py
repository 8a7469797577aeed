"""One patroller's year (巡察员年度考核) and a township's or county's year (年度考核结果) with the renewal-eligibility
and pay-rise lists, as the pages and the workbooks show them."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import outcomes, rules, selectors
from assessments.models import PARTS, Assessment, AssessmentChange, Correction
from assessments.reports.flags import FlagRow, flag_rows
from rivers.models import County, Township
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing.models import Contract, Patroller


def average(totals: list[int]) -> Decimal | None:
    if not totals:
        return None
    return (Decimal(sum(totals)) / len(totals)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class MonthLine:
    month: date
    township: Assessment | None
    county: Assessment | None
    result: outcomes.MonthResult | None
    future: bool

    @property
    def label(self) -> str:
        return rules.month_text(self.month)

    @property
    def outcome(self) -> str:
        if self.future:
            return ""
        if self.result is None:
            return _("未考核")
        return _("合格") if self.result.outcome == rules.Outcome.PASS else _("不合格")


@dataclass
class ChangeLine:
    change: AssessmentChange
    month: str
    level: str
    old: str
    new: str


def _snapshot_text(snapshot: dict | None) -> str:
    """A stored snapshot (services.common.snapshot or the prepare row) in words: parts, total, grade, state, reasons."""
    if not snapshot:
        return ""
    parts = "/".join(str(snapshot.get(part, "—")) for part in PARTS)
    text = _("%(parts)s，总分%(total)s") % {"parts": parts, "total": snapshot.get("total", "—")}
    if snapshot.get("grade"):
        text += _("，") + str(Assessment.Grade(snapshot["grade"]).label)
    if snapshot.get("status"):
        text += _("，") + str(Assessment.Status(snapshot["status"]).label)
    reasons = snapshot.get("reasons") or {}
    for part in PARTS:
        if reasons.get(part):
            text += _("；") + _("%(part)s理由：%(reason)s") % {"part": rules.PART_LABELS[part], "reason": reasons[part]}
    return text


def change_line(change: AssessmentChange) -> ChangeLine:
    assessment = change.assessment
    return ChangeLine(
        change=change,
        month=rules.month_text(assessment.month),
        level=assessment.get_level_display(),
        old=_snapshot_text(change.old),
        new=_snapshot_text(change.new),
    )


@dataclass
class PatrollerYear:
    patroller: Patroller
    year: int
    months: list[MonthLine]
    changes: list[ChangeLine]
    corrections: list
    flags: list[FlagRow]

    @property
    def assessed(self) -> list[MonthLine]:
        return [line for line in self.months if line.result is not None]

    @property
    def failed(self) -> int:
        return sum(1 for line in self.assessed if line.result.outcome == rules.Outcome.FAIL)

    @property
    def average(self) -> Decimal | None:
        return average([line.result.total for line in self.assessed])


def patroller_year_data(user, patroller: Patroller, year: int) -> PatrollerYear:
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    today = timezone.localdate()
    rows = (
        selectors.assessment_list(user=user, filters={"patroller": patroller.pk})
        .filter(month__gte=first, month__lt=after)
        .select_related("patroller", "township", "county", "finalized_by")
    )
    by_month: dict[date, dict[str, Assessment]] = {}
    for assessment in rows:
        by_month.setdefault(assessment.month, {})[assessment.level] = assessment
    results = outcomes.month_results(patroller_ids=[patroller.pk], since=first, before=after).get(patroller.pk, {})
    months = []
    for number in range(1, 13):
        month = date(year, number, 1)
        levels = by_month.get(month, {})
        months.append(
            MonthLine(
                month=month,
                township=levels.get(Assessment.Level.TOWNSHIP),
                county=levels.get(Assessment.Level.COUNTY),
                result=results.get(month),
                future=month > rules.month_start(today),
            )
        )
    changes = (
        selectors.patroller_assessment_history(patroller=patroller)
        .filter(assessment__month__gte=first, assessment__month__lt=after)
        .exclude(action=AssessmentChange.Action.PREPARE)  # the drafts' creation says nothing about the score
    )
    corrections = selectors.correction_list(user=user).filter(
        assessment__patroller=patroller, assessment__month__gte=first, assessment__month__lt=after
    )
    flags = selectors.dismissal_flag_list(user=user, filters={"patroller": patroller.pk})
    return PatrollerYear(
        patroller=patroller,
        year=year,
        months=months,
        changes=[change_line(change) for change in changes],
        # The ones waiting for the county office first, each group newest first.
        corrections=sorted(corrections, key=lambda c: c.status != Correction.Status.PENDING),
        flags=flag_rows(user, list(flags), today=today),
    )


@dataclass
class YearLine:
    """One patroller's year: the prevailing final result of each month (None: not assessed)."""

    patroller: Patroller
    cells: list[outcomes.MonthResult | None]

    @property
    def totals(self) -> list[int]:
        return [cell.total for cell in self.cells if cell is not None]

    @property
    def assessed(self) -> int:
        return len(self.totals)

    @property
    def failed(self) -> int:
        return sum(1 for cell in self.cells if cell is not None and cell.outcome == rules.Outcome.FAIL)

    @property
    def average(self) -> Decimal | None:
        return average(self.totals)


@dataclass
class Renewal:
    """An incumbent whose performance is excellent (SPEC §4): renewable up to 55 周岁 (第四条(二))."""

    patroller: Patroller
    contract: Contract
    renewal_start: date
    age: int
    months: int
    average: Decimal | None
    renewed: bool  # a next contract is already signed

    @property
    def age_ok(self) -> bool:
        return self.age <= staffing_rules.AGE_MAX_EXCELLENT_INCUMBENT

    @property
    def note(self) -> str:
        if self.renewed:
            return _("已续签")
        if self.age <= staffing_rules.AGE_MAX:
            return _("年龄符合一般条件")
        if self.age_ok:
            return _("表现优秀，年龄可放宽至%(age)d周岁") % {"age": staffing_rules.AGE_MAX_EXCELLENT_INCUMBENT}
        return _("超过%(age)d周岁，不能续聘") % {"age": staffing_rules.AGE_MAX_EXCELLENT_INCUMBENT}


@dataclass
class YearResults:
    scope_label: str
    year: int
    lines: list[YearLine]
    renewals: list[Renewal]
    pay_rises: list[YearLine]
    share: Decimal

    @property
    def months(self) -> list[date]:
        return [date(self.year, number, 1) for number in range(1, 13)]


def _renewals(patrollers: list[Patroller], history: dict, *, today: date) -> list[Renewal]:
    """Incumbents (a contract in force today) who are excellent over the 12 assessed months before their renewal
    would start (the day after the contract ends) — the test the contract service applies to the renewal."""
    ids = [p.pk for p in patrollers]
    # The contracts in force today or later: the current one, and a next one already signed.
    contracts = staffing_selectors.contracts_in_force_between(today, date.max).filter(patroller_id__in=ids)
    current: dict[int, Contract] = {}
    renewed: set[int] = set()
    for contract in contracts.order_by("start"):
        if contract.start <= today <= contract.last_day:
            current[contract.patroller_id] = contract
        elif contract.start > today:
            renewed.add(contract.patroller_id)
    found = []
    for patroller in patrollers:
        contract = current.get(patroller.pk)
        if contract is None:
            continue
        start = contract.end + timedelta(days=1)
        window = set(rules.excellence_window(start))
        recent = [r for month, r in history.get(patroller.pk, {}).items() if month in window]
        rows = [(r.month, r.total, r.outcome == rules.Outcome.PASS) for r in recent]
        if not rules.is_excellent(rows, before=start):
            continue
        found.append(
            Renewal(
                patroller=patroller,
                contract=contract,
                renewal_start=start,
                age=staffing_rules.age_on(patroller.birth_date, start),
                months=len(recent),
                average=average([r.total for r in recent]),
                renewed=patroller.pk in renewed,
            )
        )
    return found


def year_results(user, *, year: int, township: Township | None, county: County | None) -> YearResults:
    """Everyone with a final assessment in the year in the township (or county), a fixed number of queries."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    place = {"township": township.pk} if township else {"county": county.pk} if county else {}
    ids = list(
        selectors.assessment_list(user=user, filters={**place, "status": Assessment.Status.FINAL})
        .filter(month__gte=first, month__lt=after)
        .order_by()
        .values_list("patroller_id", flat=True)
        .distinct()
    )
    patrollers = list(
        staffing_selectors.patrollers_visible_to(user)
        .filter(pk__in=ids)
        .select_related("township")
        .order_by("township__code", "name", "id")
    )
    history = outcomes.month_results(patroller_ids=[p.pk for p in patrollers])
    lines = []
    for patroller in patrollers:
        mine = history.get(patroller.pk, {})
        lines.append(YearLine(patroller, [mine.get(date(year, number, 1)) for number in range(1, 13)]))
    # A pay rise is for people still on the job: those who left are not ranked and not counted in the quota.
    year_rows = {
        line.patroller.pk: [(c.month, c.total, c.outcome == rules.Outcome.PASS) for c in line.cells if c is not None]
        for line in lines
        if line.patroller.status == Patroller.Status.ACTIVE
    }
    by_id = {line.patroller.pk: line for line in lines}
    share = Decimal(str(settings.RIVER.get("PAY_RISE_SHARE", "0.20")))
    pay_rises = [by_id[pk] for pk in rules.pay_rise_ranking(year_rows, share=share)]
    scope_label = f"{township.county.name} · {township.name}" if township else county.name if county else _("全市")
    return YearResults(
        scope_label=scope_label,
        year=year,
        lines=lines,
        renewals=_renewals(patrollers, history, today=timezone.localdate()),
        pay_rises=pay_rises,
        share=share,
    )
