"""Monthly figures per patroller and township (PatrollerMonth, TownshipMonth): the read model of the overview.

Why: a county of 5 000 patrollers writes 1.8 million logs a year, and the overview shows twelve months of them for
a whole city; aggregating the logs on every page view cannot be fast. So the month's figures are kept per patroller
and township, and summed per township, as the facts change.

How they stay exact:
- The columns of a patroller's month come in three groups, each owned by the app that owns the facts and always
  recomputed from those facts, never adjusted by hand: `roster` here (days on duty: contracts and their early ends,
  `staffing.services.contracts`), `logs` in `patrol.summaries` (log submission, photos and the flags they change),
  `assessment` in `assessments.summaries` (finalization, approved correction). Each of those services calls its
  refresh explicitly, inside its own transaction (no signals).
- `month_figures_refresh` is the one way to recompute them: it locks the patroller's rows (or the patroller row
  when a row is to be created; every writer of a patroller's figures takes that lock first, so two writers of one
  patroller never interleave), lets the owner compute its figures for each month asked, replaces that group in the
  patroller's rows, and moves the township sums by the difference between the old and new rows, townships locked
  in (month, township) order.
- `month_figures_change` is the same write for a fact whose whole effect is known without reading the other facts:
  a new log (inserted in the same transaction, so a replay or a twin that loses the unique `client_uuid` race
  never reaches it) adds its day, itself and its flags to its patroller-township-month. It takes the same locks
  and moves the township sums the same way; only the month's other logs are not read again. Every change that is
  not such an addition (a photo changing a log's flags) recomputes.
- `manage.py rebuild_summaries` (overview) recomputes every row from the facts with the same compute functions;
  the tests hold the rows kept on write equal to a rebuild after random writes.

A group's compute function answers `{(patroller id, township id): {column: value}}` for a month and a list of
patrollers (None: everyone), so the refresh of one patroller and the rebuild of a city run the same code.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from rivers.models import Township
from staffing import rules
from staffing.models import Assignment, Patroller, PatrollerMonth, TownshipMonth

DAYS = 31  # the longest month: the per-day lists always have this length
SCORE_BUCKETS = 10  # tens of points: 0–9, 10–19, …, 90–100

PARTS: dict[str, tuple[str, ...]] = {
    "roster": ("duty_mask",),
    "logs": ("log_mask", "logs", "flagged_logs", "flags"),
    "assessment": ("assessed", "failed", "score"),
}
ZERO: dict[str, Any] = {
    "duty_mask": 0,
    "log_mask": 0,
    "logs": 0,
    "flagged_logs": 0,
    "flags": {},
    "assessed": False,
    "failed": False,
    "score": None,
}
STORED = tuple(ZERO)

Figures = dict[tuple[int, int], dict[str, Any]]
Compute = Callable[..., Figures]


# --- months and day masks ----------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """The 1st of every month from the month of `first` to the month of `last`, in order."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = month_end(month) + timedelta(days=1)
    return months


def mask_through(day: int) -> int:
    """The bits of days 1…`day` of a month."""
    return (1 << max(0, min(day, DAYS))) - 1


def days_of(mask: int) -> list[int]:
    """The days (1–31) whose bit is set."""
    return [day + 1 for day in range(DAYS) if mask >> day & 1]


# --- the roster group: days on duty --------------------------------------------------------------------------------


def duty_masks(
    *, month: date, patroller_ids: list[int] | None = None, group: tuple[str, ...] = ("patroller_id",), **filters
) -> dict[tuple, int]:
    """{group values: mask of the days of `month` with an assignment in force} (bit d-1 = day d), in one query.

    "In force" is staffing's own rule (`selectors.assignment_in_force_q`, its database form): an assignment covering
    the day under a contract in force that day. Both are intervals (the contract's up to `rules.last_day_in_force`),
    so an assignment's days in force are one interval, read here from its dates and its contract's. `group` names
    assignment columns to group by (e.g. patroller and the segment's township); `filters` narrow the assignments.
    """
    first, last = month, month_end(month)
    assignments = (
        Assignment.objects.filter(start__lte=last, contract__start__lte=last, contract__end__gte=first)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .filter(Q(contract__terminated_on__isnull=True) | Q(contract__terminated_on__gt=first))
    )
    if patroller_ids is not None:
        assignments = assignments.filter(patroller_id__in=patroller_ids)
    if filters:
        assignments = assignments.filter(**filters)
    dates = ("start", "end", "contract__start", "contract__end", "contract__terminated_on")
    masks: dict[tuple, int] = {}
    for row in assignments.order_by().values_list(*group, *dates):
        key, (start, end, contract_start, contract_end, terminated_on) = tuple(row[: len(group)]), row[len(group) :]
        since = max(start, contract_start, first)
        until = min(
            end or last, contract_end, rules.last_day_in_force(end=contract_end, terminated_on=terminated_on), last
        )
        if since > until:
            continue
        masks[key] = masks.get(key, 0) | (mask_through(until.day) ^ mask_through(since.day - 1))
    return masks


def roster_figures(*, month: date, patroller_ids: list[int] | None = None) -> Figures:
    """The roster group of every patroller-month (or of the given patrollers): days on duty per township."""
    masks = duty_masks(month=month, patroller_ids=patroller_ids, group=("patroller_id", "segment__township_id"))
    return {key: {"duty_mask": mask} for key, mask in masks.items()}


def roster_months_refresh(*, patroller_id: int, first: date, last: date) -> None:
    """Recompute the days on duty of a patroller's months from `first` to `last` (contract signed or ended)."""
    month_figures_refresh(
        patroller_id=patroller_id, months=months_between(first, last), part="roster", compute=roster_figures
    )


# --- writing -------------------------------------------------------------------------------------------------------


def derived(values: dict[str, Any]) -> dict[str, Any]:
    """A row's stored values with the columns derived from the masks."""
    duty, logged = values["duty_mask"], values["log_mask"]
    return {**values, "duty_days": duty.bit_count(), "days_patrolled": (duty & logged).bit_count()}


def is_empty(values: dict[str, Any]) -> bool:
    return all(values[name] == ZERO[name] for name in STORED)


def contribution(values: dict[str, Any]) -> dict[str, Any]:
    """What one patroller-month row adds to its township's month."""
    duty = values["duty_mask"]
    days = days_of(duty)
    score = values["score"]
    hist = [0] * SCORE_BUCKETS
    if values["assessed"] and score is not None:
        hist[min(score // 10, SCORE_BUCKETS - 1)] = 1
    starts = [0] * DAYS
    if days:
        starts[days[0] - 1] = 1
    return {
        "patrollers": 1 if duty else 0,
        "duty_days": len(days),
        "duty_by_day": [duty >> day & 1 for day in range(DAYS)],
        "starts_by_day": starts,
        "days_patrolled": (duty & values["log_mask"]).bit_count(),
        "logs": values["logs"],
        "flagged_logs": values["flagged_logs"],
        "flags": Counter(values["flags"] or {}),
        "assessed": 1 if values["assessed"] else 0,
        "failed": 1 if values["failed"] else 0,
        "score_sum": score if values["assessed"] and score is not None else 0,
        "score_hist": hist,
    }


def empty_sums() -> dict[str, Any]:
    return contribution(ZERO)


def add_into(sums: dict[str, Any], part: dict[str, Any], sign: int = 1) -> None:
    """sums += sign × part, field by field (numbers, per-day and per-bucket lists, flag counters)."""
    for name, value in part.items():
        if isinstance(value, list):
            current = sums[name] or [0] * len(value)
            sums[name] = [a + sign * b for a, b in zip(current, value, strict=True)]
        elif isinstance(value, dict):
            merged = Counter(sums[name] or {})
            for code, n in value.items():
                merged[code] += sign * n
            sums[name] = {code: n for code, n in merged.items() if n}
        else:
            sums[name] += sign * value


def _row_values(row: PatrollerMonth) -> dict[str, Any]:
    return {name: getattr(row, name) for name in STORED}


def month_figures_refresh(*, patroller_id: int, months: Iterable[date], part: str, compute: Compute) -> None:
    """Replace the `part` group of a patroller's figures for `months` by what `compute` answers now, and move the
    township sums by the difference. Runs inside the caller's transaction (every write path has one)."""
    names = PARTS[part]
    months = sorted({month_start(month) for month in months})
    if not months:
        return
    with transaction.atomic(savepoint=False):
        rows = _locked_rows(patroller_id, months)
        figures_by_month = {}
        for month in months:
            figures_by_month[month] = {
                township: values
                for (pk, township), values in compute(month=month, patroller_ids=[patroller_id]).items()
                if pk == patroller_id
            }
        if any((month, township) not in rows for month, figures in figures_by_month.items() for township in figures):
            # A row to create: take the patroller's lock, so that no other writer creates it meanwhile.
            rows = _locked_rows(patroller_id, months, patroller=True)
        deltas: dict[tuple[date, int], dict[str, Any]] = {}
        for month, figures in figures_by_month.items():
            townships = {township for (m, township) in rows if m == month} | set(figures)
            for township in sorted(townships):
                row = rows.get((month, township))
                old = _row_values(row) if row is not None else dict(ZERO)
                new = {**old, **{name: ZERO[name] for name in names}, **figures.get(township, {})}
                if new == old:
                    continue
                delta = deltas.setdefault((month, township), empty_sums())
                add_into(delta, contribution(old), -1)
                add_into(delta, contribution(new))
                _save_row(row, patroller_id=patroller_id, township=township, month=month, values=new)
        _apply(deltas)


def month_figures_change(
    *, patroller_id: int, month: date, township: int, part: str, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    """Replace the `part` group of one patroller-township-month by `change(its values now)` (a dict of that
    group's columns), and move the township sums by the difference: for a write whose exact effect on the figures
    is known (a new log), without recomputing the month from the facts. Runs inside the caller's transaction."""
    names = PARTS[part]
    month = month_start(month)
    with transaction.atomic(savepoint=False):
        rows = _locked_rows(patroller_id, [month])
        if rows and (month, township) not in rows:
            # A row to create beside the patroller's other rows: take the patroller's lock (as the refresh does).
            rows = _locked_rows(patroller_id, [month], patroller=True)
        row = rows.get((month, township))
        old = _row_values(row) if row is not None else dict(ZERO)
        changed = change({name: old[name] for name in names})
        if set(changed) - set(names):
            raise ValueError(f"not in the {part} group: {sorted(set(changed) - set(names))}")
        new = {**old, **changed}
        if new == old:
            return
        delta = empty_sums()
        add_into(delta, contribution(old), -1)
        add_into(delta, contribution(new))
        _save_row(row, patroller_id=patroller_id, township=township, month=month, values=new)
        _apply({(month, township): delta})


def _locked_rows(patroller_id: int, months: list[date], *, patroller: bool = False) -> dict:
    """The patroller's rows of `months`, locked (a no-op on SQLite, whose writes are serialised anyway).

    Every writer of a patroller's figures locks its rows before reading the facts, so the facts it reads are the
    latest committed ones and two writers of one patroller-month never interleave. Where a row is still to be
    created there is nothing to lock: the writer then locks the patroller row (as every roster write does) and
    reads the rows again.
    """
    if patroller:
        list(Patroller.objects.select_for_update().filter(pk=patroller_id).values_list("pk"))
    locked = PatrollerMonth.objects.select_for_update().filter(patroller_id=patroller_id, month__in=months)
    rows = {(row.month, row.township_id): row for row in locked}
    if not rows and not patroller:
        return _locked_rows(patroller_id, months, patroller=True)
    return rows


def _save_row(row: PatrollerMonth | None, *, patroller_id: int, township: int, month: date, values: dict) -> None:
    """Write one row (rows are derived figures: their columns are checked by the table's constraints, and the
    patroller and township were just read, so no full_clean with its lookups)."""
    if is_empty(values):
        if row is not None:
            row.delete()
        return
    values = derived(values)
    if row is None:
        PatrollerMonth.objects.create(patroller_id=patroller_id, township_id=township, month=month, **values)
        return
    for name, value in values.items():
        setattr(row, name, value)
    row.save(update_fields=list(values))


NUMBERS = ("patrollers", "duty_days", "days_patrolled", "logs", "flagged_logs", "assessed", "failed", "score_sum")


def _apply(deltas: dict[tuple[date, int], dict[str, Any]]) -> None:
    """Add each difference to its township's month, in (month, township) order so that writers never deadlock.

    A difference that only adds to counts (a new log without a new flag code, a new score) is one UPDATE … SET n =
    n + d; anything else (days on duty, flags by code, a count going down) reads the row under lock first."""
    counties: dict[int, int] = {}
    for month, township in sorted(deltas):
        delta = deltas[(month, township)]
        if delta == empty_sums():
            continue
        only_counts = all(delta[name] >= 0 for name in NUMBERS) and all(
            delta[name] == empty_sums()[name] for name in delta if name not in NUMBERS
        )
        if only_counts:
            increments = {name: F(name) + delta[name] for name in NUMBERS if delta[name]}
            if TownshipMonth.objects.filter(township_id=township, month=month).update(**increments):
                continue
        sums = TownshipMonth.objects.select_for_update().filter(township_id=township, month=month).first()
        if sums is None:
            if township not in counties:
                counties[township] = Township.objects.values_list("county_id", flat=True).get(pk=township)
            sums = TownshipMonth(township_id=township, county_id=counties[township], month=month, **empty_sums())
        current = {name: getattr(sums, name) for name in delta}
        add_into(current, delta)
        for name, value in current.items():
            setattr(sums, name, value)
        if current == empty_sums():
            if sums.pk is not None:
                sums.delete()
            continue
        sums.save()


def township_sums(rows: Iterable[dict[str, Any]]) -> dict[tuple[date, int], dict[str, Any]]:
    """{(month, township): the sums} of patroller-month rows given as dicts with `month`, `township_id` and the
    stored columns (the rebuild's path to the township rows; the same `contribution` as on write)."""
    sums: dict[tuple[date, int], dict[str, Any]] = {}
    for row in rows:
        add_into(sums.setdefault((row["month"], row["township_id"]), empty_sums()), contribution(row))
    return sums
