"""The GPS track of a log as submitted and stored, and the content fingerprint that makes a submission
idempotent. No ORM. Coverage and vehicle speed are measured in patrol.tracks, in metres in UTM zone 49N
(EPSG:32649, where Zhengzhou lies), never in degrees: a 50 m buffer in degrees would be an ellipse whose size
depends on the latitude."""

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any
from uuid import UUID

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from patrol.rules.checks import MAX_MESSAGES
from patrol.rules.window import LOCAL_TZ


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


def usable(points: Sequence[TrackPoint], *, max_accuracy_m: float) -> list[TrackPoint]:
    """Points accurate enough to judge where the patroller walked (a 300 m fix says little)."""
    return [p for p in points if p.acc <= max_accuracy_m]
