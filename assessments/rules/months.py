"""Months: their arithmetic, how pages and the API write them, and when a month's facts settle (its late-log
window closed) so that it may be finalized (SPEC §6)."""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from assessments.rules.common import setting


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
    return int(setting("LOG_LATE_DAYS", 3))


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
