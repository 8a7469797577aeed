"""Rows of the permission matrix (tests/accounts/test_permissions.py) for the patrol-log endpoints of issue 4.

`patrol_log_rows(Row)` builds them with the matrix's own Row class; objects are made by the row's path (and
body) function through the real services from the cast's fixtures:

    the home township office hired 矩阵巡查 (the `patroller` login) on S-HOME 60 days ago, for a year;
    S-HOME passes the home village chief's village; the log is yesterday's patrol (over at any hour).
"""

import uuid
from datetime import date, timedelta

from django.utils import timezone

from patrol import rules
from patrol import services as patrol_services
from patrol.models import PatrolLog
from staffing.models import Patroller
from tests.factories import ALL_NORMAL, aged, candidate, hire, local, walk

OFFICES = frozenset({"township_office", "other_township_office", "county_office", "other_county_office", "city_office"})
OTHER_OFFICES = frozenset({"other_township_office", "other_county_office"})
HOME_OFFICES = frozenset({"township_office", "county_office", "city_office"})
READERS = OFFICES | {"patroller", "village_chief"}


def _yesterday() -> date:
    return timezone.localdate(timezone=rules.LOCAL_TZ) - timedelta(days=1)


def on_duty(get) -> Patroller:
    existing = Patroller.objects.filter(name="矩阵巡查").first()
    if existing is not None:
        return existing
    cast, places, segments = get("cast"), get("places"), get("segments")
    today = timezone.localdate(timezone=rules.LOCAL_TZ)
    start = today - timedelta(days=60)
    person = candidate(
        cast["township_office"], places["village"], born=aged(45, start), name="矩阵巡查", user=cast["patroller"]
    )
    hire(person, segments["home"], cast["township_office"], start, today=today)
    return person


def body(get) -> dict:
    on_duty(get)
    day = _yesterday()
    return {
        "client_uuid": str(uuid.uuid4()),
        "date": day.isoformat(),
        "started_at": local(day, 8).isoformat(),
        "ended_at": local(day, 8, 30).isoformat(),
        "segment": get("segments")["home"].pk,
        "checks": dict(ALL_NORMAL),
        "actions": [],
        "notes": "",
        "track": walk(day),
    }


def home_log(get) -> PatrolLog:
    existing = PatrolLog.objects.first()
    if existing is not None:
        return existing
    data = body(get)
    data.update(
        client_uuid=uuid.UUID(data["client_uuid"]),
        date=date.fromisoformat(data["date"]),
        started_at=local(_yesterday(), 8),
        ended_at=local(_yesterday(), 8, 30),
    )
    log, _ = patrol_services.patrol_log_submit(patroller=on_duty(get), data=data)
    return log


def patrol_log_rows(Row) -> list:
    return [
        Row(
            "patrol logs: patrollers, village chiefs and offices list (each their own scope)",
            "patrol-log-list",
            lambda get: "/api/v1/patrol-logs/",
            allowed=READERS,
        ),
        Row(
            "a patrol log on S-HOME: its patroller, the chief of its village, the offices above it",
            "patrol-log-detail",
            lambda get: f"/api/v1/patrol-logs/{home_log(get).pk}/",
            allowed=HOME_OFFICES | {"patroller", "village_chief"},
            hidden=OTHER_OFFICES,
        ),
        Row(
            "submit a patrol log: patrollers only",
            "patrol-log-list",
            lambda get: "/api/v1/patrol-logs/",
            allowed=frozenset({"patroller"}),
            method="post",
            ok=201,
            data=body,
        ),
    ]
