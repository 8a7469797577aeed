"""The month facts behind the suggested scores: every patroller under contract in a month with what their logs
and supervision reports say, from a fixed number of aggregate queries whatever the number of patrollers (the
contracts of the month, one GROUP BY over the patrol logs, one over the supervision reports)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.lookups import In

from assessments import rules
from assessments.models import SupervisionReport
from assessments.selectors.common import json_has
from patrol import rules as patrol_rules
from patrol.models import PatrolLog, Photo
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors


@dataclass
class MonthRow:
    """A patroller under contract in the month, where (their contract's township) and the facts of the month."""

    patroller_id: int
    township_id: int
    county_id: int
    facts: rules.MonthFacts


def _problem_found() -> Q:
    """A log that found at least one problem: a check value other than normal/clean/fair/intact (SPEC §5).

    Compared as text (`checks ->> 'code'`): PostgreSQL compares the jsonb form (`checks -> 'code'`) about three
    times slower, and this runs several times per log of the month."""
    condition = Q()
    for code, (_label, values) in patrol_rules.CHECKS.items():
        bad = [value for value in values if value not in patrol_rules.OK_VALUES]
        condition |= Q(In(KT(f"checks__{code}"), bad))
    return condition


# Actions that deal with a problem on the spot or pass it on (mediating the dispute behind it too); `outreach`
# alone does not.
HANDLING_ACTIONS = ("stopped", patrol_rules.ESCALATED, "cleaned", "assisted_enforcement", patrol_rules.MEDIATION)


def _log_aggregates(*, patroller_ids: list[int] | None, first: date, last: date) -> dict[int, dict[str, int]]:
    """The month's log facts of the given patrollers (None: of everyone — the whole city), one GROUP BY query.

    Restricted by the literal patroller ids, so PostgreSQL reads only their logs through a patroller index; for
    the whole city it reads the month's logs in one pass instead of looking up tens of thousands of ids. A
    log's flagged photos are found through the partial index patrol.photo_flagged_log_idx (flagged photos only):
    PostgreSQL either probes it per log or hashes it once, both cheap; without it, it hashed a sequential scan of
    every photo of the database for each township.
    """
    logs = PatrolLog.objects.filter(date__gte=first, date__lte=last)
    if patroller_ids is not None:
        logs = logs.filter(patroller_id__in=patroller_ids)
    problem = _problem_found()
    handled = Q()
    for code in HANDLING_ACTIONS:
        handled |= json_has("actions", code)
    escalated = json_has("actions", patrol_rules.ESCALATED)
    on_time = timedelta(hours=int(settings.RIVER.get("ESCALATION_ON_TIME_HOURS", 24)))
    flagged_photo = Photo.objects.filter(log=OuterRef("pk")).exclude(flags=[])
    rows = (
        logs.order_by()
        .values("patroller_id")
        .annotate(
            logs=Count("id"),
            days_patrolled=Count("date", distinct=True),
            days_unhandled=Count("date", distinct=True, filter=problem & ~handled),
            logs_flagged=Count("id", filter=~Q(flags=[]) | Q(Exists(flagged_photo))),
            problem_logs=Count("id", filter=problem),
            problem_logs_with_evidence=Count("id", filter=problem & ~json_has("flags", patrol_rules.EVIDENCE_MISSING)),
            escalations=Count("id", filter=escalated),
            escalations_on_time=Count("id", filter=escalated & Q(created_at__lte=F("ended_at") + on_time)),
        )
        .values_list(*_LOG_FACTS)
    )
    return {row[0]: dict(zip(_LOG_FACTS[1:], row[1:], strict=True)) for row in rows}


_LOG_FACTS = (
    "patroller_id",
    "logs",
    "days_patrolled",
    "days_unhandled",
    "logs_flagged",
    "problem_logs",
    "problem_logs_with_evidence",
    "escalations",
    "escalations_on_time",
)


def _supervision_aggregates(*, patroller_ids: list[int] | None, first: date, last: date) -> dict[int, dict[str, int]]:
    reports = SupervisionReport.objects.filter(observed_on__gte=first, observed_on__lte=last)
    if patroller_ids is not None:
        reports = reports.filter(patroller_id__in=patroller_ids)
    rows = (
        reports.order_by()
        .values("patroller_id")
        .annotate(
            supervision_confirmed=Count("id", filter=Q(status=SupervisionReport.Status.CONFIRMED)),
            complaints=Count("id", filter=~Q(status=SupervisionReport.Status.REJECTED)),
        )
        .values_list("patroller_id", "supervision_confirmed", "complaints")
    )
    return {pk: {"supervision_confirmed": confirmed, "complaints": complaints} for pk, confirmed, complaints in rows}


def month_facts(
    *,
    month: date,
    through: date,
    township_id: int | None = None,
    township_ids: list[int] | None = None,
    county_id: int | None = None,
    patroller_ids: list[int] | None = None,
) -> list[MonthRow]:
    """Every patroller under contract in `month` (up to `through`) whose contract's segment lies in the township
    (or any of `township_ids`, or the county), or among `patroller_ids`, with the month's facts, ordered by
    patroller id.

    Three queries whatever the number of patrollers: the contracts, one GROUP BY over the month's patrol logs of
    those patrollers, one over their supervision reports of the month. With no filter at all, every patroller of
    the city: the two GROUP BYs then read the whole month (no list of ids) and keep the patrollers under contract.
    A patroller with contracts in two of the townships (moved mid-month) is placed by the latest contract and
    counted with the days of both.
    """
    last = min(through, rules.month_end(month))
    contracts = staffing_selectors.contracts_in_force_between(month, last)
    if township_id is not None:
        contracts = contracts.filter(segment__township_id=township_id)
    if township_ids is not None:
        contracts = contracts.filter(segment__township_id__in=township_ids)
    if county_id is not None:
        contracts = contracts.filter(segment__township__county_id=county_id)
    if patroller_ids is not None:
        contracts = contracts.filter(patroller_id__in=patroller_ids)
    columns = ("patroller_id", "start", "end", "terminated_on", "segment__township_id", "segment__township__county_id")
    # Read as plain tuples (a city's month is tens of thousands of contracts); the latest contract places the
    # patroller, the first created of two starting the same day.
    contract_rows = list(contracts.order_by("patroller_id", "start", "id").values_list(*columns))

    days: dict[int, int] = defaultdict(int)
    latest: dict[int, tuple] = {}
    for row in contract_rows:
        patroller_id, start, end, terminated_on = row[:4]
        first_day = max(start, month)
        last_day = min(staffing_rules.last_day_in_force(end=end, terminated_on=terminated_on), last)
        if last_day >= first_day:
            days[patroller_id] += (last_day - first_day).days + 1
        current = latest.get(patroller_id)
        if current is None or start > current[1]:
            latest[patroller_id] = row
    if not latest:
        return []

    ids = sorted(latest)
    everyone = township_id is None and township_ids is None and county_id is None and patroller_ids is None
    restrict = None if everyone else ids
    logs = _log_aggregates(patroller_ids=restrict, first=month, last=last)
    reports = _supervision_aggregates(patroller_ids=restrict, first=month, last=rules.month_end(month))
    rows = []
    for patroller_id in ids:
        _pk, _start, _end, _terminated_on, township, county = latest[patroller_id]
        facts = rules.MonthFacts(
            days_under_contract=days[patroller_id],
            **logs.get(patroller_id, {}),
            **reports.get(patroller_id, {}),
        )
        rows.append(MonthRow(patroller_id, township, county, facts))
    return rows


def townships_without_logs(*, township_ids: list[int], month: date) -> set[int]:
    """The townships among `township_ids` that recorded no patrol log at all in `month` (one query, through
    patrol_log_segment_date_idx): finalizing their month needs an explicit, reasoned confirmation (SPEC §6)."""
    if not township_ids:
        return set()
    logged = (
        PatrolLog.objects.filter(
            segment__township_id__in=township_ids, date__gte=month, date__lte=rules.month_end(month)
        )
        .order_by()
        .values_list("segment__township_id", flat=True)
        .distinct()
    )
    return set(township_ids) - set(logged)


def township_has_logs(*, township_id: int, month: date) -> bool:
    return not townships_without_logs(township_ids=[township_id], month=month)
