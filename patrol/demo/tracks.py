"""The walks along a segment: a full walk, a short one and a drive, timed and with GPS noise, and what the
evidence rules make of each (coverage, vehicle speed)."""

import math
import random
from datetime import date
from itertools import pairwise

from django.conf import settings

from patrol import rules
from patrol import tracks as evidence
from patrol.demo.common import Track, local, ring_of, rng_for, track_points

WALK_KMH, FAST_KMH, DRIVE_KMH = 4.5, 14.0, 38.0
MAX_WALK_HOURS = 3.0


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (b[0] - a[0]) * 111.32
    dlng = (b[1] - a[1]) * 111.32 * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlng)


def _densify(vertices: list[tuple[float, float]], step_km: float = 0.4) -> list[tuple[float, float]]:
    """Points every `step_km` or so along the vertices (a phone logs a fix every few minutes)."""
    points = [vertices[0]]
    for a, b in pairwise(vertices):
        parts = max(1, math.ceil(_km(a, b) / step_km))
        points.extend((a[0] + (b[0] - a[0]) * k / parts, a[1] + (b[1] - a[1]) * k / parts) for k in range(1, parts + 1))
    return points


def _timed(points: list[tuple[float, float]], rng: random.Random) -> list[tuple[float, float, float, float]]:
    """(share of the duration by distance walked, lat, lng, acc) with a few metres of GPS noise."""
    legs = [0.0] + [_km(a, b) for a, b in pairwise(points)]
    total = sum(legs) or 1.0
    walked, out = 0.0, []
    for leg, (lat, lng) in zip(legs, points, strict=True):
        walked += leg
        out.append(
            (
                walked / total,
                round(lat + rng.uniform(-4e-5, 4e-5), 6),
                round(lng + rng.uniform(-4e-5, 4e-5), 6),
                float(rng.choice((5, 8, 10, 12, 15))),
            )
        )
    return out


def tracks_of(segment, *, dense: bool = True) -> dict[str, Track | None]:
    """The segment's walk, short walk and drive, with coverage and the vehicle finding worked out once. `dense`:
    a fix every 0.4 km or so; otherwise a fix at each vertex of the segment only (the light logs of the other
    counties: a few points per log, the same line walked, so the same coverage)."""
    ring = ring_of(segment)
    if ring is None or len(ring) < 2:
        return {"walk": None, "short": None, "drive": None}
    rng = rng_for("track", segment.code)
    full = _densify(ring) if dense else ring
    km = sum(_km(a, b) for a, b in pairwise(full))
    walk_hours = max(0.5, km / WALK_KMH)
    if walk_hours > MAX_WALK_HOURS:  # a long stretch is ridden by bicycle, well below vehicle speed
        walk_hours = max(MAX_WALK_HOURS, km / FAST_KMH)
    cut = max(2, len(full) * 3 // 10)
    # A drive needs a kilometre or more at speed to count as sustained; short stretches are driven there and back.
    laps = 2 if km < 1.5 else 1
    tracks = {
        "walk": Track(_timed(full, rng), walk_hours),
        "short": Track(_timed(full[:cut], rng), max(0.3, walk_hours * 0.3)),
        "drive": Track(_timed(full + full[::-1][1:] if laps == 2 else full, rng), laps * km / DRIVE_KMH),
    }
    for track in tracks.values():
        points = track_points(track, local(date(2000, 1, 1), 8))
        usable = rules.usable(points, max_accuracy_m=settings.RIVER["TRACK_MAX_ACCURACY_M"])
        track.coverage = evidence.coverage(segment.geometry, usable, buffer_m=settings.RIVER["COVERAGE_BUFFER_M"])
        track.vehicle = evidence.vehicle_speed(
            points,
            limit_kmh=settings.RIVER["VEHICLE_SPEED_KMH"],
            max_accuracy_m=settings.RIVER["TRACK_MAX_ACCURACY_M"],
        )
    return tracks
