"""Pure rules of the daily patrol log (SPEC §5, API.md): vocabularies, the submission window, track checks,
the content fingerprint for idempotency, and the log's evidence flags (the track's coverage of the segment and
its vehicle speed are measured in patrol.tracks).

No ORM here. Geometry is measured in metres in UTM zone 49N (EPSG:32649, where Zhengzhou lies), never in
degrees: a 50 m buffer in degrees would be an ellipse whose size depends on the latitude.
"""

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Log dates are Zhengzhou calendar days, whatever the server's clock zone.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

# --- vocabularies (API.md) -------------------------------------------------------------------------------------

NORMAL, PROBLEM = "normal", "problem"
_YES_NO = (NORMAL, PROBLEM)

# The seven checks of 第七条(一): code → (label, allowed values in display order).
CHECKS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "sewage_outfall": (gettext_lazy("入河排污"), _YES_NO),
    "dumping": (gettext_lazy("倾倒垃圾渣土"), _YES_NO),
    "reclamation": (gettext_lazy("河道围垦"), _YES_NO),
    "illegal_building": (gettext_lazy("乱占乱建"), _YES_NO),
    "illegal_fishing": (gettext_lazy("非法电毒炸鱼"), _YES_NO),
    "surface_cleanliness": (gettext_lazy("水面清洁程度"), ("clean", "fair", "floating_debris", "dirty")),
    "signboard": (gettext_lazy("河长公示牌"), ("intact", "damaged", "missing")),
}
CHECK_CHOICES = [(code, label) for code, (label, _values) in CHECKS.items()]

# Values that are fine; every other value is a problem that needs a photo (SPEC §5).
OK_VALUES = frozenset({"normal", "clean", "fair", "intact"})

VALUE_LABELS = {
    "normal": gettext_lazy("正常"),
    "problem": gettext_lazy("有问题"),
    "clean": gettext_lazy("清洁"),
    "fair": gettext_lazy("较清洁"),
    "floating_debris": gettext_lazy("有漂浮物"),
    "dirty": gettext_lazy("脏乱"),
    "intact": gettext_lazy("完好"),
    "damaged": gettext_lazy("破损"),
    "missing": gettext_lazy("缺失"),
}

ESCALATED = "escalated"
ACTIONS: dict[str, Any] = {
    "stopped": gettext_lazy("现场制止"),
    ESCALATED: gettext_lazy("上报"),
    "cleaned": gettext_lazy("保洁"),
    "assisted_enforcement": gettext_lazy("配合执法"),
    "outreach": gettext_lazy("宣传"),
}

# Flag codes of API.md, in the order they are stored and shown.
EVIDENCE_MISSING = "evidence_missing"
NO_TRACK = "no_track"
LOW_COVERAGE = "low_coverage"
VEHICLE_SPEED = "vehicle_speed"
LOG_FLAGS: dict[str, Any] = {
    EVIDENCE_MISSING: gettext_lazy("问题缺少照片"),
    NO_TRACK: gettext_lazy("无轨迹"),
    LOW_COVERAGE: gettext_lazy("轨迹覆盖不足"),
    VEHICLE_SPEED: gettext_lazy("轨迹速度像乘车"),
}
PHOTO_FLAGS: dict[str, Any] = {
    "duplicate_photo": gettext_lazy("照片重复使用"),
    "taken_outside_window": gettext_lazy("拍摄时间不在巡查时段"),
    "far_from_segment": gettext_lazy("拍摄地点远离河段"),
    "no_exif": gettext_lazy("照片无拍摄信息"),
}
FLAG_LABELS: dict[str, Any] = {**LOG_FLAGS, **PHOTO_FLAGS}

# A patrol is one walk: longer than this between start and end is a mistake on the phone.
MAX_PATROL = timedelta(hours=24)
# Phone clocks run a little fast: times up to this far in the future are still "now".
CLOCK_SLACK = timedelta(minutes=10)
# Most problems reported about one field (a 20 000-point track could otherwise answer 20 000 lines).
MAX_MESSAGES = 5


def problem_checks(checks: Mapping[str, str]) -> list[str]:
    """The check codes whose value is a problem, in vocabulary order."""
    return [code for code in CHECKS if code in checks and checks[code] not in OK_VALUES]


def check_problems(checks: Any) -> list[str]:
    """What is wrong with a submitted `checks` object: all seven codes, each with a value of its vocabulary."""
    if not isinstance(checks, dict):
        return [_("检查结果必须是“检查项: 结果”的对象。")]
    messages = []
    for code in checks:
        if code not in CHECKS:
            messages.append(_("未知的检查项：%(code)s。") % {"code": code})
    for code, (label, values) in CHECKS.items():
        value = checks.get(code)
        if value is None:
            messages.append(_("缺少检查项“%(label)s”(%(code)s)。") % {"label": label, "code": code})
        elif value not in values:
            messages.append(
                _("检查项“%(label)s”的结果只能是：%(values)s。") % {"label": label, "values": _("、").join(values)}
            )
    return messages[:MAX_MESSAGES]


def normalize_actions(actions: Any) -> tuple[list[str], list[str]]:
    """(action codes in vocabulary order without repeats, problems); the order a phone sends them in is noise."""
    if not isinstance(actions, list):
        return [], [_("处置措施必须是列表。")]
    unknown = [a for a in actions if not isinstance(a, str) or a not in ACTIONS]
    if unknown:
        return [], [_("未知的处置措施：%(codes)s。") % {"codes": _("、").join(str(a) for a in unknown[:MAX_MESSAGES])}]
    return [code for code in ACTIONS if code in actions], []


def escalation_problem(*, actions: Sequence[str], checks: Mapping[str, str]) -> str | None:
    """An escalation (上报) reports the problems found; with none there is nothing to report."""
    if ESCALATED in actions and not problem_checks(checks):
        return _("选择“上报”时，至少要有一项检查结果为问题。")
    return None


def notes_problem(notes: str, *, max_length: int) -> str | None:
    if len(notes) > max_length:
        return _("备注不能超过%(max)d个字。") % {"max": max_length}
    return None


# --- dates and times ------------------------------------------------------------------------------------------


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


# --- the GPS track --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackPoint:
    t: datetime
    lat: float
    lng: float
    acc: float

    @property
    def local_time(self) -> str:
        """The time as stored and fingerprinted: ISO 8601 in Zhengzhou time, worked out once per point (the
        fingerprint and the stored track both need it; functools.cached_property would take a lock per read)."""
        text = self.__dict__.get("_local_time")
        if text is None:
            text = self.__dict__["_local_time"] = self.t.astimezone(LOCAL_TZ).isoformat()
        return text

    def as_json(self) -> dict[str, Any]:
        return {"t": self.local_time, "lat": self.lat, "lng": self.lng, "acc": self.acc}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:  # well formed but impossible: 30 February, hour 25, offset +25:00
        return None


def parse_track(raw: Any, *, max_points: int) -> tuple[list[TrackPoint], list[str]]:
    """Read the submitted track: a list of {"t", "lat", "lng", "acc"} with an ISO time carrying its offset,
    WGS84 coordinates in range and an accuracy ≥ 0 in metres. Returns (points, problems)."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [_("轨迹必须是轨迹点的列表。")]
    if len(raw) > max_points:
        return [], [_("轨迹点不能超过%(max)d个。") % {"max": max_points}]
    points, problems = [], []
    for n, item in enumerate(raw, start=1):
        problem = None
        if not isinstance(item, dict):
            problem = _("应为包含 t、lat、lng、acc 的对象。")
        else:
            t = _parse_time(item.get("t"))
            lat, lng, acc = _number(item.get("lat")), _number(item.get("lng")), _number(item.get("acc"))
            if t is None:
                problem = _("时间 t 应为ISO 8601格式。")
            elif t.tzinfo is None:
                problem = _("时间 t 必须带时区(如 +08:00)。")
            elif lat is None or not -90 <= lat <= 90:
                problem = _("纬度 lat 应在-90到90之间。")
            elif lng is None or not -180 <= lng <= 180:
                problem = _("经度 lng 应在-180到180之间。")
            elif acc is None or acc < 0:
                problem = _("精度 acc 应为不小于0的米数。")
            else:
                points.append(TrackPoint(t=t, lat=lat, lng=lng, acc=acc))
        if problem:
            problems.append(_("第%(n)d个轨迹点：%(problem)s") % {"n": n, "problem": problem})
            if len(problems) >= MAX_MESSAGES:
                break
    return points, problems


def track_time_problems(
    points: Sequence[TrackPoint], *, started_at: datetime, ended_at: datetime, slack: timedelta
) -> list[str]:
    """Track times in order, and inside the patrol (give or take `slack` for phone clocks)."""
    problems = []
    for n, (before, after) in enumerate(pairwise(points), start=2):
        if after.t < before.t:
            problems.append(_("第%(n)d个轨迹点的时间早于前一个点，轨迹点须按时间先后排列。") % {"n": n})
            break
    earliest, latest = started_at - slack, ended_at + slack
    outside = [n for n, p in enumerate(points, start=1) if not earliest <= p.t <= latest]
    if outside:
        message = _("第%(n)d个轨迹点的时间不在巡查开始和结束时间之内(共%(count)d个)。")
        problems.append(message % {"n": outside[0], "count": len(outside)})
    return problems


def stored_track(track: Iterable[Mapping[str, Any]]) -> list[TrackPoint]:
    """The stored JSON track back as points (it was validated on the way in)."""
    return [TrackPoint(t=datetime.fromisoformat(p["t"]), lat=p["lat"], lng=p["lng"], acc=p["acc"]) for p in track or []]


# --- idempotency ----------------------------------------------------------------------------------------------


def fingerprint(
    *,
    client_uuid: UUID,
    patroller_id: int,
    segment_id: int,
    day: date,
    started_at: datetime,
    ended_at: datetime,
    checks: Mapping[str, str],
    actions: Sequence[str],
    notes: str,
    track: Sequence[TrackPoint],
) -> str:
    """SHA-256 of the canonical form of a submission: equal for the same content however the phone spells it
    (key order, time offsets, action order), different as soon as anything a reviewer would see differs."""
    canonical = {
        "client_uuid": str(client_uuid),
        "patroller": patroller_id,
        "segment": segment_id,
        "date": day.isoformat(),
        "started_at": started_at.astimezone(LOCAL_TZ).isoformat(),
        "ended_at": ended_at.astimezone(LOCAL_TZ).isoformat(),
        "checks": dict(sorted(checks.items())),
        "actions": list(actions),
        "notes": notes,
        "track": [[p.local_time, p.lat, p.lng, p.acc] for p in track],
    }
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


# --- geometry in metres ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def to_utm():
    """The WGS84 → UTM 49N transformer, built once per process."""
    from pyproj import Transformer

    # always_xy: GeoJSON and our tracks are (longitude, latitude), whatever the CRS's official axis order.
    return Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True)


def project(lng_lat: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    """WGS84 (lng, lat) pairs → UTM 49N (x, y) metres."""
    if not lng_lat:
        return []
    xs, ys = to_utm().transform([p[0] for p in lng_lat], [p[1] for p in lng_lat])
    return list(zip(xs, ys, strict=True))


def usable(points: Sequence[TrackPoint], *, max_accuracy_m: float) -> list[TrackPoint]:
    """Points accurate enough to judge where the patroller walked (a 300 m fix says little)."""
    return [p for p in points if p.acc <= max_accuracy_m]


# --- the log's flags ------------------------------------------------------------------------------------------


def evidence_missing(problems: Iterable[str], photo_checks: Iterable[str | None]) -> bool:
    """Every problem needs a photo: one tagged with its check, or an untagged one (phones may not tag)."""
    problems = set(problems)
    if not problems:
        return False
    tagged = set()
    for check in photo_checks:
        if not check:
            return False
        tagged.add(check)
    return not problems <= tagged


def log_flags(
    *,
    checks: Mapping[str, str],
    photo_checks: Iterable[str | None],
    points: Sequence[TrackPoint],
    coverage_share: float | None,
    low_coverage: float,
    vehicle: bool,
) -> list[str]:
    """The log's flag codes in LOG_FLAGS order. A log without a track is flagged `no_track` only: its coverage
    (0) is no separate finding."""
    raised = set()
    if evidence_missing(problem_checks(checks), photo_checks):
        raised.add(EVIDENCE_MISSING)
    if len(points) < 2:
        raised.add(NO_TRACK)
    elif coverage_share is not None and coverage_share < low_coverage:
        raised.add(LOW_COVERAGE)
    if vehicle:
        raised.add(VEHICLE_SPEED)
    return [code for code in LOG_FLAGS if code in raised]
