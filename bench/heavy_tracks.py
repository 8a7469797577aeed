"""The worst GPS tracks a phone (or anyone with a token) can send within the limits (issue 10), for the ingest
benchmark and for tests/patrol/test_tracks.py. All at 1 Hz on the benchmark's (and the test suite's) segment:
a 1 km stretch of river running due east at 34.75° N, from 113.6200 to 113.6310.

- `walk`: 20 000 points (5 h 33 min) walked back and forth along the segment at 1.1 m/s, ±3 m of GPS noise;
- `square`: 20 000 points thrown at random into a 100 m square on the segment's middle — every leg crosses
  hundreds of others (a broken phone, or a hostile client);
- `still`: 1 800 points (30 minutes) of a phone lying still on the bank, ±5 m of GPS jitter.

Pure Python, seeded: the same points every run.
"""

import math
import random
from datetime import datetime, timedelta
from typing import Any

WEST, EAST, LAT = 113.6200, 113.6310, 34.7500
METRES_PER_DEGREE_LAT = 110_950.0
METRES_PER_DEGREE_LNG = METRES_PER_DEGREE_LAT * math.cos(math.radians(LAT))
MIDDLE = (WEST + EAST) / 2
LENGTH_M = (EAST - WEST) * METRES_PER_DEGREE_LNG

POINTS = {"walk": 20_000, "square": 20_000, "still": 1_800}


def _positions(kind: str, rng: random.Random) -> list[tuple[float, float]]:
    """(east, north) metres from the segment's middle."""
    if kind == "walk":
        positions, x, step = [], -LENGTH_M / 2, 1.1
        for _ in range(POINTS[kind]):
            if not -LENGTH_M / 2 <= x + step <= LENGTH_M / 2:
                step = -step  # turn round at the segment's ends
            x += step
            positions.append((x + rng.uniform(-3, 3), rng.uniform(-3, 3)))
        return positions
    if kind == "square":
        return [(rng.uniform(-50, 50), rng.uniform(-50, 50)) for _ in range(POINTS[kind])]
    if kind == "still":
        return [(rng.uniform(-5, 5), 10 + rng.uniform(-5, 5)) for _ in range(POINTS[kind])]
    raise ValueError(kind)


def track(kind: str, begin: datetime) -> list[dict[str, Any]]:
    """The API.md track (one point a second from `begin`, an aware datetime)."""
    rng = random.Random(f"heavy-{kind}")
    return [
        {
            "t": (begin + timedelta(seconds=i)).isoformat(),
            "lat": round(LAT + north / METRES_PER_DEGREE_LAT, 7),
            "lng": round(MIDDLE + east / METRES_PER_DEGREE_LNG, 7),
            "acc": round(rng.uniform(4, 12), 1),
        }
        for i, (east, north) in enumerate(_positions(kind, rng))
    ]


def duration(kind: str) -> timedelta:
    """From the first point to the last."""
    return timedelta(seconds=POINTS[kind] - 1)
