"""Patrol fixtures on top of the cast, for every test package (registered in tests/conftest.py: the overview, phone
and backup tests build on them too).

The cast's `patroller` user becomes an active patroller of the home township, hired by its township office,
with a one-year contract (started 60 days ago) on the home segment S-HOME. S-HOME gets a real line: a 1 km
stretch of river running due east at 34.75° N in Zhengzhou. `patrol_now` moves the clock to noon of the real
local day (time-machine, still ticking), so that "today", "3 days late" and "future" never straddle midnight during
a test, whether a request or the test itself reads the time.
"""

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tests.factories import ALL_NORMAL, HOME_LINE, LOCAL_TZ, local, make_user, on_duty, walk


@pytest.fixture
def today() -> date:
    return timezone.localdate(timezone=LOCAL_TZ)


@pytest.fixture
def patrol_now(today) -> Iterator[datetime]:
    """The clock moved to noon, today, Zhengzhou time, for the whole test (it keeps running from there)."""
    now = local(today, 12)
    with time_machine.travel(now, tick=True):
        yield now


@pytest.fixture
def home_segment(segments):
    segment = segments["home"]
    segment.geometry = HOME_LINE
    segment.full_clean()
    segment.save()
    return segment


@pytest.fixture
def hire_patroller(cast, places, home_segment, today):
    """hire_patroller(user, segment=home, start=…) → an active patroller of the home township."""

    def hire(user, *, segment=None, start: date | None = None):
        return on_duty(
            office=cast["township_office"],
            segment=segment or home_segment,
            village=places["village"],
            today=today,
            start=start,
            user=user,
        )

    return hire


@pytest.fixture
def patroller(cast, hire_patroller):
    """The cast's patroller user, on duty on S-HOME."""
    return hire_patroller(cast["patroller"])


@pytest.fixture
def other_patroller(places, hire_patroller):
    """A second patroller of the home township on the same segment, with their own login."""
    user = make_user("patroller2", "patroller", county=places["county"], township=places["township"])
    return hire_patroller(user)


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
