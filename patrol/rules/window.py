"""The submission window of a log (SPEC §5): its day in Zhengzhou, its times, how late it may arrive. No ORM."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

# Log dates are Zhengzhou calendar days, whatever the server's clock zone.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
# A patrol is one walk: longer than this between start and end is a mistake on the phone.
MAX_PATROL = timedelta(hours=24)
# Phone clocks run a little fast: times up to this far in the future are still "now".
CLOCK_SLACK = timedelta(minutes=10)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


# Patrol logs exist from the system's first years on; anything else is a phone with a broken clock, and
# keeping dates in this range keeps every date/time computation away from the calendar's ends.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def date_range_problem(day: date) -> str | None:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return _("巡查日期不合理，请检查手机日期。")
    return None


def date_problem(*, day: date, today: date, late_days: int) -> str | None:
    """The submission window: never a future day, at most `late_days` days after the day (offline phones)."""
    if day > today:
        return _("巡查日期不能晚于今天。")
    if (today - day).days > late_days:
        return _("巡查日志最迟须在巡查日期后%(days)d天内提交，该日期已超过期限。") % {"days": late_days}
    return None


def times_problems(*, day: date, started_at: datetime, ended_at: datetime) -> dict[str, list[str]]:
    """Start on the log's day (Zhengzhou time), end after the start and within a day of it."""
    errors: dict[str, list[str]] = {}
    if local_date(started_at) != day:
        errors.setdefault("started_at", []).append(_("开始时间必须在巡查日期当天。"))
    if ended_at < started_at:
        errors.setdefault("ended_at", []).append(_("结束时间不能早于开始时间。"))
    elif ended_at - started_at > MAX_PATROL:
        errors.setdefault("ended_at", []).append(_("一次巡查从开始到结束不能超过24小时。"))
    return errors


def future_problems(*, started_at: datetime, ended_at: datetime, now: datetime) -> dict[str, list[str]]:
    """Neither time may lie in the future (a few minutes of phone clock drift aside)."""
    errors: dict[str, list[str]] = {}
    if started_at > now + CLOCK_SLACK:
        errors.setdefault("started_at", []).append(_("开始时间不能晚于当前时间。"))
    if ended_at > now + CLOCK_SLACK:
        errors.setdefault("ended_at", []).append(_("结束时间不能晚于当前时间。"))
    return errors
