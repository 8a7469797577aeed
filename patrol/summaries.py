"""The `logs` group of the monthly figures (staffing.summaries): per patroller and township of the log's segment,
the days with a log, the logs, the logs with a flag and the logs per flag code (log flags and their photos' flags).

Kept by every write that changes them: a log submitted (on time or late) adds itself to its patroller-township-month
(`log_added`: its day, one log, its flags — a new log has no photo yet); a photo added (its flags, and the log's own
flags that it changes: `patrol.services.patrol_log_refresh_flags`) recomputes the log's patroller-month.
"""

from collections import Counter
from datetime import date
from typing import Any

from patrol.models import PatrolLog
from staffing import summaries


def log_figures(*, month: date, patroller_ids: list[int] | None = None) -> summaries.Figures:
    """The logs group of every patroller-month with logs (or of the given patrollers), in one query: the month's
    logs (date, township, flags) with the flags of their photos (one row per photo, the log alone without)."""
    logs = PatrolLog.objects.filter(date__gte=month, date__lte=summaries.month_end(month))
    if patroller_ids is not None:
        logs = logs.filter(patroller_id__in=patroller_ids)
    codes_of: dict[int, set[str]] = {}
    placed: dict[int, tuple[int, int, int]] = {}
    rows = logs.order_by().values_list("pk", "patroller_id", "segment__township_id", "date", "flags", "photos__flags")
    for pk, patroller_id, township_id, day, flags, photo_flags in rows:
        if pk not in codes_of:
            codes_of[pk] = set(flags or [])
            placed[pk] = (patroller_id, township_id, day.day)
        codes_of[pk].update(photo_flags or [])
    figures: dict[tuple[int, int], dict[str, Any]] = {}
    for pk, (patroller_id, township_id, day) in placed.items():
        values = figures.setdefault(
            (patroller_id, township_id), {"log_mask": 0, "logs": 0, "flagged_logs": 0, "flags": {}}
        )
        values["log_mask"] |= 1 << (day - 1)
        values["logs"] += 1
        if codes_of[pk]:
            values["flagged_logs"] += 1
            for code in codes_of[pk]:
                values["flags"][code] = values["flags"].get(code, 0) + 1
    for values in figures.values():
        values["flags"] = dict(sorted(values["flags"].items()))
    return figures


def logs_month_refresh(*, patroller_id: int, day: date) -> None:
    """Recompute the logs group of the patroller's month of `day` (call inside the write's transaction)."""
    summaries.month_figures_refresh(patroller_id=patroller_id, months=[day], part="logs", compute=log_figures)


def log_added(*, patroller_id: int, township_id: int, day: date, flags: list[str]) -> None:
    """Add a log just inserted (in the caller's transaction) to its patroller-township-month: its day, one log, and
    its flags (a new log has no photos). Exact without reading the month's other logs: the figures before it
    counted every other log (they are kept by every write, under the same locks), and a replay never gets here
    (answered before the insert, or refused by the unique client_uuid inside the insert's transaction)."""

    def add(values: dict[str, Any]) -> dict[str, Any]:
        codes = Counter(values["flags"] or {})
        codes.update(set(flags))
        return {
            "log_mask": values["log_mask"] | 1 << (day.day - 1),
            "logs": values["logs"] + 1,
            "flagged_logs": values["flagged_logs"] + (1 if flags else 0),
            "flags": dict(sorted(codes.items())),
        }

    summaries.month_figures_change(patroller_id=patroller_id, month=day, township=township_id, part="logs", change=add)
