"""The log's evidence flags (SPEC §5, API.md): they inform the reviewing office and never refuse a log. The photo
flags are raised in patrol.photo_checks. No ORM."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy

from patrol.rules.checks import problem_checks
from patrol.rules.track import TrackPoint

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
