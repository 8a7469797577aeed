"""The track checks as they were before issue 10 (patrol/rules.py up to then), kept verbatim as the reference the
new patrol.tracks is compared with on ordinary tracks (tests/patrol/test_tracks.py).

Correct, but the coverage buffered the raw track: on a line crossing itself at every step (a phone lying still,
1 800 points of jitter) that took over 30 s. Never call it on heavy tracks.
"""

import math
from collections.abc import Sequence
from typing import Any

from patrol import rules
from rivers import geometry as river_geometry


def segment_line(geometry: Any):
    from shapely.geometry import LineString, MultiLineString

    if not isinstance(geometry, dict):
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "LineString":
            parts = [coordinates]
        elif kind == "MultiLineString":
            parts = list(coordinates)
        else:
            return None
        lines = [LineString(river_geometry.project(part)) for part in parts if len(part) >= 2]
    except (TypeError, ValueError, IndexError):
        return None
    line = MultiLineString(lines) if lines else None
    if line is None or line.length == 0:
        return None
    return line


def coverage(geometry: Any, points: Sequence[rules.TrackPoint], *, buffer_m: float) -> float | None:
    line = segment_line(geometry)
    if line is None:
        return None
    if not points:
        return 0.0
    from shapely.geometry import LineString, Point

    xy = river_geometry.project([(p.lng, p.lat) for p in points])
    walked = Point(xy[0]) if len(set(xy)) == 1 else LineString(xy)
    # Simplifying by 1 m changes nothing at a 50 m buffer and keeps long tracks fast.
    area = walked.simplify(1.0).buffer(buffer_m)
    share = line.intersection(area).length / line.length
    return round(min(max(share, 0.0), 1.0), 4)


SUSTAINED_SECONDS = 60
SUSTAINED_METRES = 1000


def vehicle_speed(points: Sequence[rules.TrackPoint], *, limit_kmh: float, max_accuracy_m: float) -> bool:
    kept = rules.usable(points, max_accuracy_m=max_accuracy_m)
    if len(kept) < 2:
        return False
    xy = river_geometry.project([(p.lng, p.lat) for p in kept])
    limit = limit_kmh / 3.6  # m/s
    run_start: int | None = None
    run_metres = 0.0
    for i in range(1, len(kept)):
        seconds = (kept[i].t - kept[i - 1].t).total_seconds()
        metres = math.dist(xy[i - 1], xy[i])
        if seconds > 0 and metres / seconds > limit:
            if run_start is None:
                run_start, run_metres = i - 1, 0.0
            run_metres += metres
            duration = (kept[i].t - kept[run_start].t).total_seconds()
            net_speed = math.dist(xy[run_start], xy[i]) / duration
            if net_speed > limit and (duration >= SUSTAINED_SECONDS or run_metres >= SUSTAINED_METRES):
                return True
        else:
            run_start = None
    return False
