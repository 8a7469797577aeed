"""Pure rules of the daily patrol log (SPEC §5, API.md): vocabularies, the submission window, track checks,
the content fingerprint for idempotency, and the log's evidence flags (the track's coverage of the segment and
its vehicle speed are measured in patrol.tracks).

No ORM here. Geometry is measured in metres in UTM zone 49N (EPSG:32649, where Zhengzhou lies), never in
degrees: a 50 m buffer in degrees would be an ellipse whose size depends on the latitude.
"""

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any, Protocol
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
MEDIATION = "mediation"  # 第七条: 配合做好涉水纠纷调解
# The actions of 第七条 in the order API.md lists them (and logs store them).
ACTIONS: dict[str, Any] = {
    "stopped": gettext_lazy("现场制止"),
    ESCALATED: gettext_lazy("上报"),
    "cleaned": gettext_lazy("保洁"),
    "assisted_enforcement": gettext_lazy("配合执法"),
    MEDIATION: gettext_lazy("配合涉水纠纷调解"),
    "outreach": gettext_lazy("宣传"),
}

ACTION_CODES = list(ACTIONS)

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


def escalation_problem(
    *, actions: Sequence[str], checks: Mapping[str, str], local_problems: Sequence[str] = ()
) -> str | None:
    """An escalation (上报) reports the problems found (fixed or local); with none there is nothing to report."""
    if ESCALATED in actions and not problem_checks(checks) and not local_problems:
        return _("选择“上报”时，至少要有一项检查结果为问题。")
    return None


def notes_problem(notes: str, *, max_length: int) -> str | None:
    if len(notes) > max_length:
        return _("备注不能超过%(max)d个字。") % {"max": max_length}
    return None


# --- local check items (第八条) ---------------------------------------------------------------------------------
#
# A county or township office may add check items of its own to the seven of 第七条. An item answers either yes/no
# (the values of the five fixed yes/no checks, `normal`/`problem`) or from a short list the office names, marking
# which values are problems. A problem answer to a local item is a problem like any other: it needs a photo
# (`evidence_missing`), and an escalated log files it as a problem report.

YES_NO, CHOICE = "yes_no", "choice"
# The kind of each fixed check in the checklist (API): the yes/no ones, and the two with their own lists.
CHECK_KINDS = {code: YES_NO if values == _YES_NO else CHOICE for code, (_label, values) in CHECKS.items()}

LOCAL_CODE_MAX = 32
LOCAL_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
LOCAL_VALUE = re.compile(r"^[a-z0-9_]{1,32}$")
LOCAL_NAME_MAX = 40
LOCAL_LABEL_MAX = 20
LOCAL_VALUES_MIN, LOCAL_VALUES_MAX = 2, 8


@dataclass(frozen=True)
class AnswerValue:
    """One value a check may be answered with, its label (in the reader's language for fixed vocabularies, as
    the office wrote it for a local list) and whether it is a problem."""

    value: str
    label: str
    problem: bool

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "problem": self.problem}


def fixed_values(code: str) -> list[AnswerValue]:
    """The answer values of a fixed check (第七条), labelled in the active language."""
    return [AnswerValue(v, str(VALUE_LABELS[v]), v not in OK_VALUES) for v in CHECKS[code][1]]


def yes_no_values() -> list[AnswerValue]:
    """The values of a yes/no local item: those of the five fixed yes/no checks."""
    return [AnswerValue(v, str(VALUE_LABELS[v]), v == PROBLEM) for v in _YES_NO]


def local_values(kind: str, options: Sequence[Mapping[str, Any]]) -> list[AnswerValue]:
    """The answer values of a local item: yes/no, or the office's list (stored as {"value", "label", "problem"})."""
    if kind == YES_NO:
        return yes_no_values()
    return [AnswerValue(str(o["value"]), str(o["label"]), bool(o["problem"])) for o in options]


def normalize_local_options(raw: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The office's list of values for a choice item → ([{"value", "label", "problem"}, …], problems).

    Each option is {"label", "problem"} with an optional stable `value` code; options without one get `v1`, `v2`, …
    by position. Labels are trimmed; blank options (a page's empty rows) are dropped."""
    if not isinstance(raw, (list, tuple)):
        return [], [_("选项必须是列表。")]
    options, problems = [], []
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            problems.append(_("第%(n)d个选项应为包含 label、problem 的对象。") % {"n": n})
            continue
        label = item.get("label")
        label = label.strip() if isinstance(label, str) else ""
        value = item.get("value")
        if not label and not value:
            continue
        problem = item.get("problem", False)
        if not label:
            problems.append(_("第%(n)d个选项缺少名称。") % {"n": n})
        elif len(label) > LOCAL_LABEL_MAX:
            problems.append(_("选项“%(label)s”不能超过%(max)d个字。") % {"label": label, "max": LOCAL_LABEL_MAX})
        if value in (None, ""):
            value = f"v{len(options) + 1}"
        elif not isinstance(value, str) or not LOCAL_VALUE.match(value):
            problems.append(_("选项编码只能由小写字母、数字和下划线组成(第%(n)d个选项)。") % {"n": n})
        if not isinstance(problem, bool):
            problems.append(_("第%(n)d个选项的 problem 应为 true 或 false。") % {"n": n})
        options.append({"value": value, "label": label, "problem": problem is True})
    return options, problems


def local_item_problems(
    *, code: Any, name: str, kind: str, options: Sequence[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """What is wrong with a local item as an office defines it, by field (code, name, kind, values)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(code, str) or not LOCAL_CODE.match(code):
        errors["code"] = [_("编码须以小写字母开头，由2至32个小写字母、数字或下划线组成。")]
    elif code in CHECKS:
        errors["code"] = [_("编码“%(code)s”是第七条固定检查项的编码，请另取一个。") % {"code": code}]
    if not name.strip():
        errors["name"] = [_("请填写检查项名称。")]
    elif len(name.strip()) > LOCAL_NAME_MAX:
        errors["name"] = [_("检查项名称不能超过%(max)d个字。") % {"max": LOCAL_NAME_MAX}]
    if kind not in (YES_NO, CHOICE):
        errors["kind"] = [_("回答方式只能是“是否”或“选项”。")]
    elif kind == YES_NO and options:
        errors["values"] = [_("“是否”类检查项不设选项。")]
    elif kind == CHOICE:
        messages = []
        if not LOCAL_VALUES_MIN <= len(options) <= LOCAL_VALUES_MAX:
            messages.append(_("选项须有%(min)d至%(max)d个。") % {"min": LOCAL_VALUES_MIN, "max": LOCAL_VALUES_MAX})
        values = [o["value"] for o in options]
        labels = [o["label"] for o in options]
        if len(set(values)) != len(values) or len(set(labels)) != len(labels):
            messages.append(_("选项不能重复。"))
        if options and all(o["problem"] for o in options):
            messages.append(_("至少要有一个不算问题的选项(如“正常”)。"))
        if messages:
            errors["values"] = messages
    return errors


class LocalItem(Protocol):
    """What a log's answers are checked against: a local item's code, name and answer values (a LocalCheck row,
    or anything with the same attributes)."""

    code: str
    name: str
    kind: str
    options: Sequence[Mapping[str, Any]]


def local_check_problems(answers: Any, *, items: Sequence[LocalItem]) -> list[str]:
    """What is wrong with a log's `local_checks` ({code: value}) against the local items in force on the log's day
    for its segment: every item answered, from its values, and no other code. Each message names the item."""
    if not isinstance(answers, dict):
        return [_("本地检查项必须是“编码: 结果”的对象。")]
    by_code = {item.code: item for item in items}
    messages = []
    for code in answers:
        if code not in by_code:
            messages.append(_("未知的本地检查项：%(code)s(该日期该河段没有这一项)。") % {"code": code})
    for item in items:
        value = answers.get(item.code)
        allowed = local_values(item.kind, item.options)
        if value is None:
            messages.append(_("缺少本地检查项“%(name)s”(%(code)s)。") % {"name": item.name, "code": item.code})
        elif not isinstance(value, str) or value not in {v.value for v in allowed}:
            messages.append(
                _("本地检查项“%(name)s”(%(code)s)的结果只能是：%(values)s。")
                % {"name": item.name, "code": item.code, "values": _("、").join(v.value for v in allowed)}
            )
    return messages[:MAX_MESSAGES]


def local_problem_codes(answers: Mapping[str, Any], *, items: Iterable[LocalItem]) -> list[str]:
    """The codes of the local items answered with a problem value, in the items' order."""
    codes = []
    for item in items:
        value = answers.get(item.code)
        if any(v.value == value and v.problem for v in local_values(item.kind, item.options)):
            codes.append(item.code)
    return codes


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
    local_checks: Mapping[str, Any] | None = None,
) -> str:
    """SHA-256 of the canonical form of a submission: equal for the same content however the phone spells it
    (key order, time offsets, action order), different as soon as anything a reviewer would see differs.

    The answers to local items join the canonical form only when there are some, so the fingerprint of a log
    without them is what it was before local items existed (a phone's retry of such a log stays a replay)."""
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
    if local_checks:
        canonical["local_checks"] = dict(sorted(local_checks.items()))
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


# --- geometry in metres ---------------------------------------------------------------------------------------


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
    local_problems: Sequence[str] = (),
) -> list[str]:
    """The log's flag codes in LOG_FLAGS order. A log without a track is flagged `no_track` only: its coverage
    (0) is no separate finding. `local_problems`: the local items answered with a problem (they need photos too)."""
    raised = set()
    if evidence_missing([*problem_checks(checks), *local_problems], photo_checks):
        raised.add(EVIDENCE_MISSING)
    if len(points) < 2:
        raised.add(NO_TRACK)
    elif coverage_share is not None and coverage_share < low_coverage:
        raised.add(LOW_COVERAGE)
    if vehicle:
        raised.add(VEHICLE_SPEED)
    return [code for code in LOG_FLAGS if code in raised]
