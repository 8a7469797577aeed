"""The `logs` group of the monthly figures (staffing.summaries): per patroller and township of the log's segment,
the days with a log, the logs, the logs with a flag and the logs per flag code (log flags and their photos' flags).

Refreshed for the log's patroller-month by every write that changes them: a log submitted (on time or late) and a
photo added (its flags, and the log's own flags that it changes: `patrol.services.patrol_log_refresh_flags`).
"""

from collections import defaultdict
from datetime import date
from typing import Any

from patrol.models import PatrolLog, Photo
from staffing import summaries


def log_figures(*, month: date, patroller_ids: list[int] | None = None) -> summaries.Figures:
    """The logs group of every patroller-month with logs (or of the given patrollers): two queries, the month's
    logs (date, township, flags) and the flagged photos among them (through the partial index of flagged
    photos)."""
    logs = PatrolLog.objects.filter(date__gte=month, date__lte=summaries.month_end(month))
    if patroller_ids is not None:
        logs = logs.filter(patroller_id__in=patroller_ids)
    photo_flags: dict[int, set[str]] = defaultdict(set)
    for log_id, flags in Photo.objects.filter(log__in=logs).exclude(flags=[]).values_list("log_id", "flags"):
        photo_flags[log_id].update(flags or [])
    figures: dict[tuple[int, int], dict[str, Any]] = {}
    rows = logs.order_by().values_list("pk", "patroller_id", "segment__township_id", "date", "flags")
    for pk, patroller_id, township_id, day, flags in rows:
        values = figures.setdefault(
            (patroller_id, township_id), {"log_mask": 0, "logs": 0, "flagged_logs": 0, "flags": {}}
        )
        values["log_mask"] |= 1 << (day.day - 1)
        values["logs"] += 1
        codes = set(flags or []) | photo_flags.get(pk, set())
        if codes:
            values["flagged_logs"] += 1
            for code in codes:
                values["flags"][code] = values["flags"].get(code, 0) + 1
    for values in figures.values():
        values["flags"] = dict(sorted(values["flags"].items()))
    return figures


def logs_month_refresh(*, patroller_id: int, day: date) -> None:
    """Recompute the logs group of the patroller's month of `day` (call inside the write's transaction)."""
    summaries.month_figures_refresh(patroller_id=patroller_id, months=[day], part="logs", compute=log_figures)
