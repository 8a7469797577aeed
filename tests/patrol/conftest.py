"""Patrol fixtures on top of the cast (tests/conftest.py).

The cast's `patroller` user becomes an active patroller of the home township, hired by its township office,
with a one-year contract (started 60 days ago) on the home segment S-HOME. S-HOME gets a real line: a 1 km
stretch of river running due east at 34.75° N in Zhengzhou. `patrol_now` pins the service's clock to noon of
the real local day, so that "today", "3 days late" and "future" never straddle midnight during a test.
"""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from patrol import rules
from patrol import services as patrol_services
from staffing import rules as staffing_rules
from staffing import services as staffing_services
from tests.conftest import make_user

# The home segment's line: (113.6200, 34.7500) → (113.6310, 34.7500), about 1 005 m long.
WEST, EAST, LAT = 113.6200, 113.6310, 34.7500
HOME_LINE = {"type": "LineString", "coordinates": [[WEST, LAT], [113.6255, LAT], [EAST, LAT]]}
# One degree of latitude is about 111 km: 0.0018° is 200 m.
METRES_PER_DEGREE_LAT = 111_000


def valid_id(born: date, sequence: str) -> str:
    """A Jinshui district ID number with a correct GB 11643 check character."""
    first17 = f"410105{born:%Y%m%d}{sequence}"
    return first17 + staffing_rules.id_check_char(first17)


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=rules.LOCAL_TZ)


@pytest.fixture
def today() -> date:
    return timezone.localdate(timezone=rules.LOCAL_TZ)


@pytest.fixture
def patrol_now(monkeypatch, today) -> datetime:
    """The moment the service believes it is: noon, today, Zhengzhou time."""
    now = local(today, 12)
    monkeypatch.setattr(patrol_services, "_now", lambda: now)
    return now


@pytest.fixture
def home_segment(segments):
    segment = segments["home"]
    segment.geometry = HOME_LINE
    segment.full_clean()
    segment.save()
    return segment


@pytest.fixture
def hire_patroller(cast, places, home_segment, today):
    """hire_patroller(user, sequence, segment=home, start=…) → an active patroller of the home township."""

    def hire(user, sequence: str, *, segment=None, start: date | None = None):
        office = cast["township_office"]
        patroller = staffing_services.patroller_create(
            by=office,
            name=f"巡察员{sequence}",
            id_number=valid_id(date(today.year - 45, 1, 1), sequence),
            phone=f"13800000{sequence}",
            residence_village=places["village"],
            user=user,
        )
        start = start or today - timedelta(days=60)
        staffing_services.contract_create(
            patroller=patroller,
            segment=segment or home_segment,
            start=start,
            end=staffing_rules.contract_max_end(start),
            by=office,
            today=today,
        )
        patroller.refresh_from_db()
        return patroller

    return hire


@pytest.fixture
def patroller(cast, hire_patroller):
    """The cast's patroller user, on duty on S-HOME."""
    return hire_patroller(cast["patroller"], "001")


@pytest.fixture
def other_patroller(places, hire_patroller):
    """A second patroller of the home township on the same segment, with their own login."""
    user = make_user("patroller2", "patroller", county=places["county"], township=places["township"])
    return hire_patroller(user, "002")


def walk(
    day: date,
    *,
    start: tuple[int, int] = (8, 0),
    lat: float = LAT,
    west: float = WEST,
    east: float = EAST,
    legs: int = 24,
    seconds_per_leg: int = 40,
    acc: float = 8.0,
) -> list[dict[str, Any]]:
    """A track walked due east along `lat` from `west` to `east` in `legs` equal legs (about 42 m each along the
    home line: 1.05 m/s, a walk)."""
    begin = local(day, *start)
    return [
        {
            "t": (begin + timedelta(seconds=i * seconds_per_leg)).isoformat(),
            "lat": lat,
            "lng": round(west + (east - west) * i / legs, 7),
            "acc": acc,
        }
        for i in range(legs + 1)
    ]


ALL_NORMAL = {
    "sewage_outfall": "normal",
    "dumping": "normal",
    "reclamation": "normal",
    "illegal_building": "normal",
    "illegal_fishing": "normal",
    "surface_cleanliness": "clean",
    "signboard": "intact",
}


@pytest.fixture
def log_body(home_segment, today):
    """log_body(**overrides) → an API.md body for today's patrol of S-HOME, walked end to end, all checks fine."""

    def body(**overrides) -> dict[str, Any]:
        day = overrides.pop("day", today)
        data = {
            "client_uuid": str(uuid.uuid4()),
            "date": day.isoformat(),
            "started_at": local(day, 8).isoformat(),
            "ended_at": local(day, 8, 30).isoformat(),
            "segment": home_segment.pk,
            "checks": dict(ALL_NORMAL),
            "actions": [],
            "notes": "沿河巡查一遍，未见异常。",
            "track": walk(day),
        }
        data.update(overrides)
        return data

    return body


@pytest.fixture
def submit(api, patrol_now):
    """submit(user, body) → the API response of POST /api/v1/patrol-logs/ (JSON)."""

    def post(user, body):
        return api.as_user(user).post("/api/v1/patrol-logs/", body, format="json")

    return post
