"""Concurrent identical submissions, for test_idempotency.

The suite's SQLite database lives in memory with a shared cache, where SQLite locks whole tables and answers
"database table is locked" at once instead of waiting: it cannot show how the real, file-backed database
behaves. So on SQLite the test runs this module in a child process against a throwaway database file with the
project's real connection settings (WAL, BEGIN IMMEDIATE, busy timeout):

    DATABASE_URL=sqlite:////tmp/x.sqlite3 DJANGO_SETTINGS_MODULE=config.settings_test \
        python -m tests.patrol.concurrency

It migrates, builds a patroller with the roster services, fires the submissions from threads and prints
{"statuses": [...], "rows": n} as JSON. On PostgreSQL the test calls `fire` in-process.
"""

import json
import uuid
from datetime import timedelta


def fire(*, token: str, body: dict, count: int = 8) -> list[int]:
    """POST `body` `count` times at once (threads released together), each with its own connection."""
    from rest_framework.test import APIClient

    from tests.factories import run_together

    def one(_: int) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.post("/api/v1/patrol-logs/", body, format="json").status_code

    return sorted(run_together(one, count))


def _world() -> tuple[str, dict]:
    """A patroller on duty on a segment, a token for their login, and a body for today's patrol."""
    from django.utils import timezone
    from knox.models import AuthToken

    from accounts.models import Role, User
    from patrol import rules
    from rivers.models import County, Segment, Township, Village, WaterBody
    from tests.factories import ALL_NORMAL, HOME_LINE, local, on_duty, walk

    today = timezone.localdate(timezone=rules.LOCAL_TZ)
    county = County.objects.create(code="410105", name="金水区")
    township = Township.objects.create(county=county, code="410105001", name="丰庆路街道")
    village = Village.objects.create(township=township, code="410105001001", name="柳林村")
    river = WaterBody.objects.create(
        code="R001", name="贾鲁河", kind=WaterBody.Kind.RIVER, basin=WaterBody.Basin.HUAI_RIVER, length_km=137
    )
    segment = Segment.objects.create(
        code="S-HOME", name="贾鲁河丰庆路段", water_body=river, township=township, length_km=1, geometry=HOME_LINE
    )
    office = User.objects.create(
        username="office", role=Role.TOWNSHIP_OFFICE, county=county, township=township, display_name="office"
    )
    user = User.objects.create(
        username="patroller", role=Role.PATROLLER, county=county, township=township, display_name="patroller"
    )
    on_duty(office=office, segment=segment, village=village, today=today, user=user)
    _, token = AuthToken.objects.create(user=user)
    # Yesterday's patrol: over and inside the submission window whatever the hour the test runs at.
    day = today - timedelta(days=1)
    body = {
        "client_uuid": str(uuid.uuid4()),
        "date": day.isoformat(),
        "started_at": local(day, 8).isoformat(),
        "ended_at": local(day, 8, 30).isoformat(),
        "segment": segment.pk,
        "checks": dict(ALL_NORMAL),
        "actions": [],
        "notes": "",
        "track": walk(day),
    }
    return token, body


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from patrol.models import PatrolLog

    call_command("migrate", verbosity=0)
    token, body = _world()
    statuses = fire(token=token, body=body)
    rows = PatrolLog.objects.filter(client_uuid=body["client_uuid"]).count()
    print(json.dumps({"statuses": statuses, "rows": rows}))


if __name__ == "__main__":
    main()
