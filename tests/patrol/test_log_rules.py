"""The pure rules of a patrol log (patrol/rules/): no database."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from patrol import rules, tracks
from tests.factories import ALL_NORMAL, EAST, HOME_LINE, LAT, METRES_PER_DEGREE_LAT, WEST, local, walk

DAY = date(2026, 11, 20)


def points(track):
    parsed, problems = rules.parse_track(track, max_points=20000)
    assert problems == []
    return parsed


# --- the submission window ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (DAY, True),  # today
        (DAY - timedelta(days=1), True),
        (DAY - timedelta(days=3), True),  # 3 days late: the last day allowed
        (DAY - timedelta(days=4), False),  # 4 days late
        (DAY + timedelta(days=1), False),  # tomorrow
    ],
)
def test_a_log_may_be_sent_from_its_day_up_to_three_days_later(day, accepted):
    assert (rules.date_problem(day=day, today=DAY, late_days=3) is None) is accepted


def test_dates_outside_this_century_are_a_broken_phone_clock():
    assert rules.date_range_problem(DAY) is None
    assert rules.date_range_problem(date(1970, 1, 1))
    assert rules.date_range_problem(date(9999, 12, 31))


def test_the_late_message_names_the_allowed_delay():
    assert "3天" in rules.date_problem(day=DAY - timedelta(days=4), today=DAY, late_days=3)


def test_the_local_date_is_zhengzhou_time_not_utc():
    # 23:30 UTC on the 19th is 07:30 on the 20th in Zhengzhou.
    assert rules.local_date(datetime(2026, 11, 19, 23, 30, tzinfo=ZoneInfo("UTC"))) == DAY


def test_a_patrol_starts_on_its_day_and_ends_after_it_starts():
    assert rules.times_problems(day=DAY, started_at=local(DAY, 8), ended_at=local(DAY, 9)) == {}
    assert "started_at" in rules.times_problems(
        day=DAY, started_at=local(DAY, 8) - timedelta(days=1), ended_at=local(DAY, 9)
    )
    assert "ended_at" in rules.times_problems(day=DAY, started_at=local(DAY, 9), ended_at=local(DAY, 8))
    assert "ended_at" in rules.times_problems(
        day=DAY, started_at=local(DAY, 8), ended_at=local(DAY, 8) + timedelta(hours=25)
    )


def test_a_patrol_that_ends_after_midnight_is_accepted():
    assert (
        rules.times_problems(day=DAY, started_at=local(DAY, 23, 30), ended_at=local(DAY, 23, 30) + timedelta(hours=1))
        == {}
    )


def test_times_in_the_future_are_refused_beyond_a_little_clock_drift():
    now = local(DAY, 12)
    assert rules.future_problems(started_at=local(DAY, 11), ended_at=now + timedelta(minutes=5), now=now) == {}
    errors = rules.future_problems(started_at=local(DAY, 13), ended_at=local(DAY, 14), now=now)
    assert set(errors) == {"started_at", "ended_at"}


# --- vocabularies ------------------------------------------------------------------------------------------------


def test_all_seven_checks_with_their_own_values_are_accepted():
    assert rules.check_problems(ALL_NORMAL) == []
    assert rules.check_problems({**ALL_NORMAL, "surface_cleanliness": "dirty", "signboard": "missing"}) == []


@pytest.mark.parametrize(
    "checks",
    [
        {k: v for k, v in ALL_NORMAL.items() if k != "dumping"},  # a check left out
        {**ALL_NORMAL, "dumping": "clean"},  # another check's value
        {**ALL_NORMAL, "signboard": "problem"},
        {**ALL_NORMAL, "bridge": "normal"},  # not one of the seven
        ["normal"] * 7,
    ],
)
def test_checks_outside_the_vocabulary_are_refused_in_chinese(checks):
    problems = rules.check_problems(checks)
    assert problems
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in problems)


def test_problems_are_every_value_other_than_normal_clean_fair_intact():
    checks = {**ALL_NORMAL, "dumping": "problem", "surface_cleanliness": "fair", "signboard": "damaged"}
    assert rules.problem_checks(checks) == ["dumping", "signboard"]


def test_actions_are_kept_in_vocabulary_order_without_repeats():
    assert rules.normalize_actions(["cleaned", "stopped", "cleaned"]) == (["stopped", "cleaned"], [])
    assert rules.normalize_actions(["fishing"])[1]
    assert rules.normalize_actions("stopped")[1]


def test_escalating_needs_a_problem_to_report():
    assert rules.escalation_problem(actions=["escalated"], checks=ALL_NORMAL)
    assert rules.escalation_problem(actions=["escalated"], checks={**ALL_NORMAL, "dumping": "problem"}) is None


def test_notes_are_bounded():
    assert rules.notes_problem("字" * 10, max_length=10) is None
    assert rules.notes_problem("字" * 11, max_length=10)


# --- the track ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "words"),
    [
        ({"t": "2026-11-20T08:00:00+08:00", "lat": 91, "lng": 113.6, "acc": 5}, "纬度"),
        ({"t": "2026-11-20T08:00:00+08:00", "lat": 34.7, "lng": 181, "acc": 5}, "经度"),
        ({"t": "2026-11-20T08:00:00+08:00", "lat": 34.7, "lng": 113.6, "acc": -1}, "精度"),
        ({"t": "2026-11-20T08:00:00+08:00", "lat": "34.7", "lng": 113.6, "acc": 5}, "纬度"),
        ({"t": "2026-11-20T08:00:00+08:00", "lat": True, "lng": 113.6, "acc": 5}, "纬度"),
        ({"t": "yesterday", "lat": 34.7, "lng": 113.6, "acc": 5}, "ISO 8601"),
        ({"t": "2026-11-20T08:00:00", "lat": 34.7, "lng": 113.6, "acc": 5}, "时区"),
        ({"lat": 34.7, "lng": 113.6, "acc": 5}, "ISO 8601"),
        ("34.7,113.6", "对象"),
    ],
)
def test_a_bad_track_point_is_named_with_what_is_wrong(point, words):
    good = {"t": "2026-11-20T07:59:00+08:00", "lat": 34.7, "lng": 113.6, "acc": 5}
    _, problems = rules.parse_track([good, point], max_points=100)
    assert len(problems) == 1
    assert "第2个轨迹点" in problems[0]
    assert words in problems[0]


def test_a_track_longer_than_the_limit_is_refused():
    _, problems = rules.parse_track(walk(DAY, legs=10), max_points=10)
    assert problems


def test_track_times_must_run_forward_and_stay_inside_the_patrol():
    track = points(walk(DAY))  # 08:00 → 08:16
    slack = timedelta(minutes=15)
    assert rules.track_time_problems(track, started_at=local(DAY, 8), ended_at=local(DAY, 8, 30), slack=slack) == []
    backwards = [track[1], track[0], *track[2:]]
    assert rules.track_time_problems(backwards, started_at=local(DAY, 8), ended_at=local(DAY, 8, 30), slack=slack)
    # The patrol says 10:00–10:30 but the walk was at 08:00.
    assert rules.track_time_problems(track, started_at=local(DAY, 10), ended_at=local(DAY, 10, 30), slack=slack)


# --- fingerprint -------------------------------------------------------------------------------------------------


def fingerprint(**changes):
    data = {
        "client_uuid": uuid.UUID("6f1c0000-0000-4000-8000-000000000001"),
        "patroller_id": 1,
        "segment_id": 17,
        "day": DAY,
        "started_at": local(DAY, 8),
        "ended_at": local(DAY, 9),
        "checks": ALL_NORMAL,
        "actions": ["stopped"],
        "notes": "",
        "track": points(walk(DAY)),
    }
    data.update(changes)
    return rules.fingerprint(**data)


def test_the_same_content_spelled_differently_has_the_same_fingerprint():
    utc = ZoneInfo("UTC")
    same = fingerprint(
        started_at=local(DAY, 8).astimezone(utc),
        checks=dict(reversed(list(ALL_NORMAL.items()))),
    )
    assert same == fingerprint()


@pytest.mark.parametrize(
    "change",
    [
        {"notes": "有垃圾"},
        {"checks": {**ALL_NORMAL, "dumping": "problem"}},
        {"ended_at": local(DAY, 9, 1)},
        {"segment_id": 18},
        {"patroller_id": 2},
        {"actions": []},
    ],
)
def test_any_visible_difference_changes_the_fingerprint(change):
    assert fingerprint(**change) != fingerprint()


# --- coverage (metres, UTM 49N) ----------------------------------------------------------------------------------


def test_a_walk_along_the_whole_segment_covers_it():
    assert tracks.coverage(HOME_LINE, points(walk(DAY)), buffer_m=50) == pytest.approx(1.0)


def test_a_walk_200_m_away_from_the_river_covers_nothing():
    away = walk(DAY, lat=LAT + 200 / METRES_PER_DEGREE_LAT)
    assert tracks.coverage(HOME_LINE, points(away), buffer_m=50) == 0.0


def test_a_walk_along_half_the_segment_covers_about_half():
    half = walk(DAY, east=(WEST + EAST) / 2, legs=12)
    # Half the line, plus the 50 m of buffer reaching beyond the turning point (50 / 1005 ≈ 0.05).
    assert tracks.coverage(HOME_LINE, points(half), buffer_m=50) == pytest.approx(0.55, abs=0.02)


def test_the_buffer_is_in_metres_not_degrees():
    # 40 m north of the river is inside a 50 m buffer, 60 m is not; a buffer of "50" degrees would cover both.
    near = walk(DAY, lat=LAT + 40 / METRES_PER_DEGREE_LAT)
    far = walk(DAY, lat=LAT + 60 / METRES_PER_DEGREE_LAT)
    assert tracks.coverage(HOME_LINE, points(near), buffer_m=50) == pytest.approx(1.0)
    assert tracks.coverage(HOME_LINE, points(far), buffer_m=50) == 0.0


def test_a_multilinestring_segment_is_measured_over_all_its_parts():
    second = [[WEST, LAT + 0.01], [EAST, LAT + 0.01]]  # a parallel branch 1.1 km north
    multi = {"type": "MultiLineString", "coordinates": [HOME_LINE["coordinates"], second]}
    assert tracks.coverage(multi, points(walk(DAY)), buffer_m=50) == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize(
    "geometry",
    [
        None,
        {"type": "Point", "coordinates": [WEST, LAT]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    ],
)
def test_coverage_is_unknown_without_a_line(geometry):
    assert tracks.coverage(geometry, points(walk(DAY)), buffer_m=50) is None


def test_no_track_covers_nothing():
    assert tracks.coverage(HOME_LINE, [], buffer_m=50) == 0.0


# --- vehicle speed ------------------------------------------------------------------------------------------------


def speed(track) -> bool:
    return tracks.vehicle_speed(points(track), limit_kmh=25, max_accuracy_m=50)


def test_walking_is_not_a_vehicle():
    assert not speed(walk(DAY))  # about 3.8 km/h


def test_driving_the_segment_is_a_vehicle():
    # 1 005 m in 4 legs of 30 s: about 30 km/h for two minutes.
    assert speed(walk(DAY, legs=4, seconds_per_leg=30))


def test_a_short_burst_is_not_sustained():
    # One 25 s leg at 36 km/h (250 m) inside a walk: under 60 s and under 1 km.
    track = walk(DAY, legs=10, seconds_per_leg=60)
    begin = datetime.fromisoformat(track[5]["t"])
    burst_end = {**track[5], "t": (begin + timedelta(seconds=25)).isoformat(), "lng": track[5]["lng"] + 0.00274}
    later = [
        {**p, "t": (datetime.fromisoformat(p["t"]) + timedelta(seconds=60)).isoformat(), "lng": p["lng"] + 0.00274}
        for p in track[6:]
    ]
    assert not speed([*track[:6], burst_end, *later])


def test_gps_jitter_back_and_forth_is_not_a_vehicle():
    # 1 Hz fixes hopping 20 m east and back for two minutes: 72 km/h legs, no net movement.
    begin = local(DAY, 8)
    track = [
        {
            "t": (begin + timedelta(seconds=i)).isoformat(),
            "lat": LAT,
            "lng": WEST + (0.00022 if i % 2 else 0),
            "acc": 10,
        }
        for i in range(120)
    ]
    assert not speed(track)


def test_inaccurate_fixes_are_ignored_for_speed():
    assert not speed(walk(DAY, legs=4, seconds_per_leg=30, acc=300))


# --- evidence and the log's flags ---------------------------------------------------------------------------------


def test_a_problem_needs_a_photo_of_it_or_an_untagged_photo():
    assert rules.evidence_missing(["dumping"], [])
    assert rules.evidence_missing(["dumping"], ["signboard"])
    assert not rules.evidence_missing(["dumping"], ["dumping"])
    assert not rules.evidence_missing(["dumping", "signboard"], [None])
    assert rules.evidence_missing(["dumping", "signboard"], ["dumping"])
    assert not rules.evidence_missing([], [])


def flags(**changes):
    data = {
        "checks": ALL_NORMAL,
        "photo_checks": [],
        "points": points(walk(DAY)),
        "coverage_share": 1.0,
        "low_coverage": 0.6,
        "vehicle": False,
    }
    data.update(changes)
    return rules.log_flags(**data)


def test_a_good_log_has_no_flags():
    assert flags() == []


def test_each_flag_is_raised_by_its_own_finding():
    assert flags(checks={**ALL_NORMAL, "dumping": "problem"}) == ["evidence_missing"]
    assert flags(points=[]) == ["no_track"]
    assert flags(coverage_share=0.59) == ["low_coverage"]
    assert flags(coverage_share=0.60) == []
    assert flags(coverage_share=None) == []
    assert flags(vehicle=True) == ["vehicle_speed"]


def test_a_log_without_a_track_is_flagged_no_track_only():
    assert flags(points=[], coverage_share=0.0) == ["no_track"]


def test_flags_come_in_a_fixed_order():
    assert flags(checks={**ALL_NORMAL, "dumping": "problem"}, points=[], vehicle=True) == [
        "evidence_missing",
        "no_track",
        "vehicle_speed",
    ]
