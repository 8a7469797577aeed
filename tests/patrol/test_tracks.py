"""The track checks (patrol/tracks.py): coverage of the segment and vehicle speed.

1. On ordinary tracks they give what the previous implementation gave (tests/patrol/track_reference.py, kept
   verbatim): equal flags, equal vehicle finding, coverage within ±0.01. They cannot be bit-equal: the reference
   buffered a copy of the track simplified by 1 m, with circles drawn as 64-gon arcs (up to 6 cm inside the true
   50 m), where the new coverage is the exact share within 50 m of the track as sent. On the tracks below the
   two differ by at most a few ten-thousandths; the tolerance leaves room for tracks that run along the 50 m
   line for a long way, where a 1 m simplification shifts what is covered by up to 1 m per crossing.
2. Exact geometry at the edges (discs, legs beyond the ends, parts, repeated vertices).
3. The worst tracks within limits (bench/heavy_tracks.py) take bounded work: each fails the test past 1 s of
   this process's CPU (issue 10 asks for that generous bound; the goal is ≤ 50 ms, measured by bench/ingest.py).
"""

import hashlib
import json
import math
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.conf import settings

from bench import heavy_tracks
from patrol import rules, tracks
from patrol.demo.common import local as demo_local
from patrol.demo.common import track_points
from patrol.demo.tracks import tracks_of
from patrol.models import PatrolLog
from rivers import demo as rivers_demo
from rivers import geometry as river_geometry
from tests.factories import ALL_NORMAL, EAST, HOME_LINE, LAT, WEST, local
from tests.patrol import track_reference as reference

DAY = date(2026, 11, 20)
BUFFER_M, LIMIT_KMH, MAX_ACCURACY_M, LOW_COVERAGE = 50, 25, 50, 0.6
# Local metres east and north of (WEST, LAT), for building lines and tracks by hand: UTM 49N's own scale there.
M_LNG = math.dist(*river_geometry.project([(WEST, LAT), (WEST + 0.001, LAT)])) / 0.001
M_LAT = math.dist(*river_geometry.project([(WEST, LAT), (WEST, LAT + 0.001)])) / 0.001
HOME_M = (EAST - WEST) * M_LNG  # ≈ 1 005 m


def lnglat(x: float, y: float) -> list[float]:
    return [round(WEST + x / M_LNG, 8), round(LAT + y / M_LAT, 8)]


def line_m(*vertices) -> dict:
    return {"type": "LineString", "coordinates": [lnglat(x, y) for x, y in vertices]}


def along(*vertices, step: float = 10.0) -> list[tuple[float, float]]:
    """Positions every `step` metres along the polyline through `vertices` (metres), ends included."""
    out = [vertices[0]]
    for (x0, y0), (x1, y1) in pairwise(vertices):
        parts = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step))
        out.extend((x0 + (x1 - x0) * k / parts, y0 + (y1 - y0) * k / parts) for k in range(1, parts + 1))
    return out


def timed(positions, *, seconds: float = 10.0, noise: float = 0.0, acc=8.0, seed: str = "t") -> list[dict]:
    """An API.md track through `positions` (metres), one point every `seconds`, GPS noise of ±`noise` m."""
    rng = random.Random(seed)
    begin = local(DAY, 8)
    accs = acc if isinstance(acc, list) else [acc] * len(positions)
    return [
        {
            "t": (begin + timedelta(seconds=i * seconds)).isoformat(),
            "lat": LAT + (y + rng.uniform(-noise, noise)) / M_LAT,
            "lng": WEST + (x + rng.uniform(-noise, noise)) / M_LNG,
            "acc": a,
        }
        for i, ((x, y), a) in enumerate(zip(positions, accs, strict=True))
    ]


def points(track) -> list[rules.TrackPoint]:
    parsed, problems = rules.parse_track(track, max_points=20_000)
    assert problems == []
    return parsed


# --- the ordinary tracks ------------------------------------------------------------------------------------------

L = HOME_M
MULTI = {"type": "MultiLineString", "coordinates": [HOME_LINE["coordinates"], [lnglat(0, 1100), lnglat(L, 1100)]]}
BEND = line_m((0, 0), (600, 0), (600, 500))
MEANDER = line_m(*[(100 * k, 60 * math.sin(k / 1.5)) for k in range(21)])
REPEATED = {"type": "LineString", "coordinates": [*HOME_LINE["coordinates"][:2], *HOME_LINE["coordinates"][1:]]}
SHORT = line_m((0, 0), (120, 0))

every_5th_astray = [(x, y + 300) if i % 5 == 2 else (x, y) for i, (x, y) in enumerate(along((0, 0), (L, 0)))]
loop = [(500 + 30 * math.cos(a), 10 + 30 * math.sin(a)) for a in (4 * math.pi * i / 100 for i in range(100))]

ORDINARY = {
    "whole walk, a point every 40 s": (HOME_LINE, timed(along((0, 0), (L, 0), step=42), seconds=40)),
    "whole walk every 5 s with noise": (HOME_LINE, timed(along((0, 0), (L, 0), step=5.5), seconds=5, noise=3)),
    "half walk": (HOME_LINE, timed(along((0, 0), (L / 2, 0), step=40))),
    "middle to the end and back a little": (HOME_LINE, timed(along((L / 2, 5), (L, 5), (0.75 * L, -5)))),
    "30 m north": (HOME_LINE, timed(along((0, 30), (L, 30), step=40))),
    "45 m north": (HOME_LINE, timed(along((0, 45), (L, 45), step=40))),
    "55 m north": (HOME_LINE, timed(along((0, 55), (L, 55), step=40))),
    "200 m north": (HOME_LINE, timed(along((0, 200), (L, 200), step=40))),
    "detour away from the river": (
        HOME_LINE,
        timed(along((0, 0), (300, 0), (300, 200), (500, 200), (500, 0), (L, 0), step=20)),
    ),
    "zigzag across the river": (
        HOME_LINE,
        timed([(x, 80 if k % 2 else -80) for k, x in enumerate(range(0, 1001, 50))]),
    ),
    "two points, both ends": (HOME_LINE, timed([(0, 0), (L, 0)], seconds=900)),
    "three points": (HOME_LINE, timed([(0, 10), (L / 2, -20), (L, 10)], seconds=600)),
    "two points, a third of it": (HOME_LINE, timed([(0, 0), (L / 3, 0)], seconds=600)),
    "every 5th point astray and inaccurate": (
        HOME_LINE,
        timed(every_5th_astray, acc=[300.0 if i % 5 == 2 else 8.0 for i in range(len(every_5th_astray))]),
    ),
    "one point": (HOME_LINE, timed([(L / 2, 20)])),
    "the same point three times": (HOME_LINE, timed([(L / 2, 20)] * 3)),
    "a loop crossing itself": (HOME_LINE, timed(loop, seconds=2)),
    "a phone lying still, 150 fixes": (HOME_LINE, timed([(L / 2, 10)] * 150, seconds=1, noise=5, seed="still")),
    "beyond both ends": (HOME_LINE, timed(along((-200, 0), (L + 200, 0), step=40))),
    "arriving from 2 km away": (HOME_LINE, timed([(L / 2, 2000), *along((L / 2, 0), (L, 0))], seconds=30)),
    "multi: the first part": (MULTI, timed(along((0, 0), (L, 0), step=40))),
    "multi: both parts": (MULTI, timed(along((0, 0), (L, 0), (L, 1100), (0, 1100), step=40))),
    "bend: walked": (BEND, timed(along((0, 0), (600, 0), (600, 500), step=30))),
    "bend: corner cut": (BEND, timed(along((0, 0), (400, 0), (600, 200), (600, 500), step=30))),
    "bend: first arm": (BEND, timed(along((0, 5), (600, 5), step=30))),
    "meander: walked with noise": (
        MEANDER,
        timed(along(*[(100 * k, 60 * math.sin(k / 1.5)) for k in range(21)]), noise=4),
    ),
    "meander: straight along its axis": (MEANDER, timed(along((0, 0), (2000, 0), step=25))),
    "repeated vertex": (REPEATED, timed(along((0, 0), (L, 0), step=40))),
    "a short segment, walked past": (SHORT, timed(along((-100, 20), (300, 20), step=10))),
}


def demo_corpus() -> dict:
    """The demo's walks, short walks and drives (GPS noise, accuracies 5–15 m) on 12 of its meandering lines."""
    corpus = {}
    rng = random.Random("demo lines")
    for n in range(12):
        start = (34.70 + rng.uniform(0, 0.1), 113.55 + rng.uniform(0, 0.1))
        geometry = rivers_demo._line(rng, start, rng.uniform(0, 2 * math.pi), Decimal(rng.choice(["0.8", "1.5", "3"])))
        segment = SimpleNamespace(geometry=geometry, code=f"S-TRACKS-{n}")
        for kind, track in tracks_of(segment).items():
            parsed = track_points(track, demo_local(DAY, 8))
            corpus[f"demo line {n}: {kind}"] = (geometry, [p.as_json() for p in parsed])
    return corpus


CORPUS = {**ORDINARY, **demo_corpus()}


def flags(coverage_share, vehicle, track) -> list[str]:
    return rules.log_flags(
        checks=ALL_NORMAL,
        photo_checks=[],
        points=track,
        coverage_share=coverage_share,
        low_coverage=LOW_COVERAGE,
        vehicle=vehicle,
    )


@pytest.mark.parametrize("name", list(CORPUS))
def test_ordinary_tracks_get_what_they_got_before(name):
    geometry, raw = CORPUS[name]
    track = points(raw)
    usable = rules.usable(track, max_accuracy_m=MAX_ACCURACY_M)
    before = reference.coverage(geometry, usable, buffer_m=BUFFER_M)
    after = tracks.coverage(geometry, usable, buffer_m=BUFFER_M)
    vehicle_before = reference.vehicle_speed(track, limit_kmh=LIMIT_KMH, max_accuracy_m=MAX_ACCURACY_M)
    vehicle_after = tracks.vehicle_speed(track, limit_kmh=LIMIT_KMH, max_accuracy_m=MAX_ACCURACY_M)

    assert after == pytest.approx(before, abs=0.01)
    assert vehicle_after == vehicle_before
    assert flags(after, vehicle_after, track) == flags(before, vehicle_before, track)


def test_the_ordinary_tracks_cover_the_cases_they_are_meant_to():
    """The corpus is no set of easy zeros and ones: it has partial coverage, low coverage both ways of the flag,
    and drives."""
    results = []
    for geometry, raw in CORPUS.values():
        track = points(raw)
        usable = rules.usable(track, max_accuracy_m=MAX_ACCURACY_M)
        results.append(
            (
                tracks.coverage(geometry, usable, buffer_m=BUFFER_M),
                tracks.vehicle_speed(track, limit_kmh=LIMIT_KMH, max_accuracy_m=MAX_ACCURACY_M),
            )
        )
    shares = [share for share, _vehicle in results]
    assert sum(1 for s in shares if 0.05 < s < 0.95) >= 10
    assert any(s < LOW_COVERAGE for s in shares) and any(s >= LOW_COVERAGE for s in shares)
    assert sum(1 for _share, vehicle in results if vehicle) >= 5
    assert sum(1 for _share, vehicle in results if not vehicle) >= 20


@pytest.mark.parametrize(
    "geometry",
    [
        None,
        {"type": "Point", "coordinates": [WEST, LAT]},
        {"type": "Polygon", "coordinates": [[[WEST, LAT], [EAST, LAT], [EAST, LAT + 0.01], [WEST, LAT]]]},
        {"type": "LineString", "coordinates": [[WEST, LAT], [WEST, LAT]]},  # no length
        {"type": "LineString", "coordinates": [[WEST, LAT]]},
    ],
)
def test_a_segment_without_a_line_has_no_coverage_before_or_after(geometry):
    track = points(timed(along((0, 0), (L, 0), step=40)))
    assert tracks.coverage(geometry, track, buffer_m=BUFFER_M) is None
    assert reference.coverage(geometry, track, buffer_m=BUFFER_M) is None


# --- exact geometry -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("north", [0, 20, 49])
def test_a_single_fix_covers_the_chord_of_its_circle(north):
    share = tracks.coverage(HOME_LINE, points(timed([(L / 2, north)])), buffer_m=BUFFER_M)
    line_length = tracks.segment_line(HOME_LINE).length
    assert share == pytest.approx(2 * math.sqrt(50**2 - north**2) / line_length, abs=2e-4)


def test_a_fix_just_beyond_the_buffer_covers_nothing():
    assert tracks.coverage(HOME_LINE, points(timed([(L / 2, 50.5)])), buffer_m=BUFFER_M) == 0.0


def test_a_leg_across_the_river_covers_the_width_of_its_band():
    # A leg from 300 m south to 300 m north, crossing at 500 m: the river within 50 m of it is 100 m long.
    share = tracks.coverage(HOME_LINE, points(timed([(500, -300), (500, 300)])), buffer_m=BUFFER_M)
    assert share * tracks.segment_line(HOME_LINE).length == pytest.approx(100, abs=0.2)


def test_a_slanted_leg_near_the_river_covers_what_lies_within_50_m_of_it():
    # From (200, 10) to (600, 90), a slope of 0.2. It starts covering where the start's circle meets the river,
    # 200 − √(50² − 10²) = 151.0; it stops where the leg is 50 m from the river measured square to the leg:
    # 10 + 0.2·(x − 200) = 50·√(1 + 0.2²), x = 405.0.
    share = tracks.coverage(HOME_LINE, points(timed([(200, 10), (600, 90)])), buffer_m=BUFFER_M)
    start = 200 - math.sqrt(50**2 - 10**2)
    end = 200 + (50 * math.hypot(1, 0.2) - 10) / 0.2
    assert share * tracks.segment_line(HOME_LINE).length == pytest.approx(end - start, abs=0.2)


def test_a_walk_past_the_ends_covers_the_line_once():
    assert tracks.coverage(HOME_LINE, points(timed(along((-500, 0), (L + 500, 0)))), buffer_m=BUFFER_M) == 1.0


def test_walking_the_same_stretch_many_times_counts_it_once():
    there_and_back = along(*[(0, 0), (L / 2, 0)] * 10, step=20)
    assert tracks.coverage(HOME_LINE, points(timed(there_and_back)), buffer_m=BUFFER_M) == pytest.approx(
        (L / 2 + 50) / L, abs=2e-3
    )


def test_a_multilinestring_is_measured_over_all_its_parts_and_a_repeated_vertex_changes_nothing():
    walked = points(timed(along((0, 0), (L, 0), step=40)))
    assert tracks.coverage(MULTI, walked, buffer_m=BUFFER_M) == pytest.approx(0.5, abs=1e-3)
    assert tracks.coverage(REPEATED, walked, buffer_m=BUFFER_M) == tracks.coverage(HOME_LINE, walked, buffer_m=50)


def test_the_segment_line_is_kept_as_straight_edges_in_metres():
    line = tracks.segment_line(MEANDER)
    assert len(line.lengths) == 20
    assert line.length == pytest.approx(reference.segment_line(MEANDER).length, rel=1e-9)
    assert line.length == pytest.approx(
        sum(math.hypot(100, 60 * (math.sin((k + 1) / 1.5) - math.sin(k / 1.5))) for k in range(20)), rel=1e-3
    )
    assert line.offsets[0] == 0 and line.offsets[-1] == pytest.approx(line.length - line.lengths[-1])


# --- vehicle speed at its edges (more in test_log_rules) ---------------------------------------------------------


def test_a_drive_interrupted_by_red_lights_is_still_a_vehicle_when_a_stretch_is_sustained():
    drive = [(x, 0) for x in range(0, 1001, 100)]  # 100 m every 10 s: 36 km/h
    stop = [(1000, 0)] * 6  # a minute at the lights
    again = [(1000 + x, 0) for x in range(100, 801, 100)]
    track = points(timed(drive + stop + again, seconds=10))
    assert tracks.vehicle_speed(track, limit_kmh=LIMIT_KMH, max_accuracy_m=MAX_ACCURACY_M)
    # Cut into runs of 30 s (300 m) between minutes at the lights, no stretch is sustained.
    short_hops = []
    for hop in range(6):
        short_hops += [(300 * hop + x, 0) for x in range(0, 301, 100)] + [(300 * hop + 300, 0)] * 6
    track = points(timed(short_hops, seconds=10))
    assert not tracks.vehicle_speed(track, limit_kmh=LIMIT_KMH, max_accuracy_m=MAX_ACCURACY_M)
    assert not reference.vehicle_speed(track, limit_kmh=LIMIT_KMH, max_accuracy_m=MAX_ACCURACY_M)


def test_fixes_in_the_same_second_end_a_run():
    # 40 m/s legs with a repeated time every other fix: no leg pair makes a run of 60 s or 1 km.
    begin = local(DAY, 8)
    raw = []
    for i in range(60):
        raw.append(
            {
                "t": (begin + timedelta(seconds=2 * (i // 2))).isoformat(),
                "lat": LAT,
                "lng": WEST + 40 * i / M_LNG,
                "acc": 5,
            }
        )
    track = points(raw)
    found = tracks.vehicle_speed(track, limit_kmh=LIMIT_KMH, max_accuracy_m=MAX_ACCURACY_M)
    assert found == reference.vehicle_speed(track, limit_kmh=LIMIT_KMH, max_accuracy_m=MAX_ACCURACY_M)
    assert not found


# --- the worst tracks within limits --------------------------------------------------------------------------------

CPU_BOUND_S = 1.0


def cpu(fn):
    started = time.process_time()
    result = fn()
    return result, time.process_time() - started


@pytest.mark.parametrize("kind", list(heavy_tracks.POINTS))
def test_the_worst_tracks_are_measured_within_a_second_of_cpu(kind):
    track = points(heavy_tracks.track(kind, local(DAY, 6)))
    assert len(track) == heavy_tracks.POINTS[kind]
    tracks.segment_line(HOME_LINE)  # the line is cached per process: build it outside the measurement

    def measure():
        usable = rules.usable(track, max_accuracy_m=MAX_ACCURACY_M)
        return (
            tracks.coverage(HOME_LINE, usable, buffer_m=BUFFER_M),
            tracks.vehicle_speed(track, limit_kmh=LIMIT_KMH, max_accuracy_m=MAX_ACCURACY_M),
        )

    (share, _vehicle), seconds = cpu(measure)
    assert seconds < CPU_BOUND_S, f"{kind}: {seconds:.2f} s of CPU"
    assert (
        share == {"walk": 1.0, "square": pytest.approx(200 / L, abs=0.01), "still": pytest.approx(0.1, abs=0.01)}[kind]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(heavy_tracks.POINTS))
def test_the_worst_tracks_are_stored_and_replayed_within_a_second_of_cpu_each(
    kind, cast, patroller, submit, log_body, today
):
    """The whole submission through the API (body parsing, validation, fingerprint, geometry, insert, answer),
    then the phone's retry, each under the bound."""
    begin = local(today, 6)
    body = log_body(
        started_at=begin.isoformat(),
        ended_at=(begin + heavy_tracks.duration(kind)).isoformat(),
        track=heavy_tracks.track(kind, begin),
    )
    submit(cast["patroller"], log_body())  # warm: the segment's line, the first request's imports

    first, seconds = cpu(lambda: submit(cast["patroller"], body))
    assert first.status_code == 201, first.json()
    assert seconds < CPU_BOUND_S, f"{kind}: {seconds:.2f} s of CPU to store"
    again, seconds = cpu(lambda: submit(cast["patroller"], body))
    assert again.status_code == 200
    assert seconds < CPU_BOUND_S, f"{kind}: {seconds:.2f} s of CPU to replay"
    stored = PatrolLog.objects.get(client_uuid=body["client_uuid"])
    assert len(stored.track) == heavy_tracks.POINTS[kind]
    assert ("low_coverage" in stored.flags) == (stored.coverage < settings.RIVER["LOW_COVERAGE"])


def test_the_line_index_bounds_the_pairs_a_track_of_long_jumps_can_make():
    """Kilometre-long jumps back and forth along a line of 200 edges: every leg is near every edge, the
    worst case of the pairs; still bounded work (20 000 × 200 pairs in memory-bounded passes)."""
    wiggly = line_m(*[(10 * k, 3 * (k % 2)) for k in range(201)])  # 2 km, an edge every 10 m
    rng = random.Random("jumps")
    jumps = [(rng.uniform(0, 2000), rng.uniform(40, 52)) for _ in range(20_000)]
    track = points(timed(jumps, seconds=1))
    tracks.segment_line(wiggly)
    share, seconds = cpu(lambda: tracks.coverage(wiggly, track, buffer_m=BUFFER_M))
    assert seconds < CPU_BOUND_S, f"{seconds:.2f} s of CPU"
    assert share == 1.0


def test_the_fingerprint_of_a_track_is_what_it_was_before():
    """Logs stored before this change keep their fingerprints: a retry sent after an upgrade is still a 200.
    (The canonical form below is the one patrol.rules.fingerprint wrote until now, spelled out.)"""
    raw = timed(along((0, 0), (300, 0)), seconds=7)
    for point in raw[::2]:  # as a phone on UTC would spell them
        point["t"] = datetime.fromisoformat(point["t"]).astimezone(UTC).isoformat()
    track = points(raw)
    client_uuid = uuid.UUID(int=7)
    started_at, ended_at = track[0].t, track[-1].t
    canonical = {
        "client_uuid": str(client_uuid),
        "patroller": 3,
        "segment": 5,
        "date": DAY.isoformat(),
        "started_at": started_at.astimezone(rules.LOCAL_TZ).isoformat(),
        "ended_at": ended_at.astimezone(rules.LOCAL_TZ).isoformat(),
        "checks": dict(sorted(ALL_NORMAL.items())),
        "actions": [],
        "notes": "",
        "track": [[p.t.astimezone(rules.LOCAL_TZ).isoformat(), p.lat, p.lng, p.acc] for p in track],
    }
    before = hashlib.sha256(
        json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()

    assert (
        rules.fingerprint(
            client_uuid=client_uuid,
            patroller_id=3,
            segment_id=5,
            day=DAY,
            started_at=started_at,
            ended_at=ended_at,
            checks=ALL_NORMAL,
            actions=[],
            notes="",
            track=track,
        )
        == before
    )
    assert [p.as_json()["t"] for p in track] == [p.t.astimezone(rules.LOCAL_TZ).isoformat() for p in track]
