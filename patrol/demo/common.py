"""What the demo modules share: seeded randomness and uuids (a second run finds every row), local times, the
ring a patroller walks along a segment, and a track as points in time."""

import math
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from patrol import rules
from rivers import demo as register

NAMESPACE = uuid.UUID("5b0f3c56-3f5e-4a0c-9a53-6a0e21f1d0c4")


@dataclass
class Track:
    """A walk on one segment: points as (share of the duration, lat, lng, acc), and what the rules make of it."""

    points: list[tuple[float, float, float, float]]
    hours: float
    coverage: float | None = None
    vehicle: bool = False


def rng_for(*key: object) -> random.Random:
    return random.Random(":".join(["patrol", register.SEED, *map(str, key)]))


def uuid_for(*key: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(map(str, key)))


def local(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=rules.LOCAL_TZ) + timedelta(hours=hour)


def ring_of(segment) -> list[tuple[float, float]] | None:
    """(lat, lng) vertices to walk along: a river's line, a lake's shore, a loop around a reservoir's point."""
    geometry = segment.geometry if isinstance(segment.geometry, dict) else None
    if geometry is None:
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "LineString":
        return [(lat, lng) for lng, lat in coordinates]
    if kind == "Polygon":
        return [(lat, lng) for lng, lat in coordinates[0]]
    if kind == "Point":
        lng, lat = coordinates
        return [
            (lat + 0.0015 * math.cos(a), lng + 0.0018 * math.sin(a)) for a in (2 * math.pi * i / 12 for i in range(13))
        ]
    return None


def track_points(track: Track | None, started_at: datetime) -> list[rules.TrackPoint]:
    if track is None:
        return []
    seconds = track.hours * 3600
    return [
        rules.TrackPoint(t=started_at + timedelta(seconds=round(share * seconds)), lat=lat, lng=lng, acc=acc)
        for share, lat, lng, acc in track.points
    ]
