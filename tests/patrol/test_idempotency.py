"""Idempotent submission (SPEC §5, API.md): the phone's client_uuid decides, the database keeps one row.

Same uuid + same content → 200 with the stored log, nothing created or changed; other content → 409.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from patrol import tracks
from patrol.models import PatrolLog, ProblemReport
from patrol.services import logs as services
from tests.factories import local
from tests.patrol.concurrency import fire

LOGS = "/api/v1/patrol-logs/"
ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_sending_the_same_log_again_answers_200_with_the_stored_log(cast, patroller, submit, log_body):
    body = log_body(checks={**log_body()["checks"], "dumping": "problem"}, actions=["escalated"])
    first = submit(cast["patroller"], body)
    assert first.status_code == 201
    stored = PatrolLog.objects.get()

    again = submit(cast["patroller"], body)

    assert again.status_code == 200
    assert again.json() == first.json()
    assert PatrolLog.objects.count() == 1
    assert ProblemReport.objects.count() == 1  # the escalation was not filed twice
    stored_after = PatrolLog.objects.get()
    assert stored_after.updated_at == stored.updated_at


@pytest.mark.django_db
def test_the_same_content_spelled_differently_is_still_a_replay(cast, patroller, submit, log_body, today):
    body = log_body(actions=["stopped", "cleaned"])
    assert submit(cast["patroller"], body).status_code == 201
    respelled = {
        **body,
        "started_at": local(today, 8).astimezone(UTC).isoformat(),
        "actions": ["cleaned", "stopped"],
        "checks": dict(reversed(list(body["checks"].items()))),
    }
    assert submit(cast["patroller"], respelled).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"notes": "补充：发现一处垃圾。"},
        {"ended_at": "CHANGED"},
        {"checks": "CHANGED"},
    ],
)
@pytest.mark.django_db
def test_the_same_uuid_with_other_content_is_a_409_conflict(cast, patroller, submit, log_body, today, change):
    body = log_body()
    assert submit(cast["patroller"], body).status_code == 201
    if change.get("ended_at") == "CHANGED":
        change = {"ended_at": local(today, 8, 45).isoformat()}
    if change.get("checks") == "CHANGED":
        change = {"checks": {**body["checks"], "signboard": "damaged"}}

    response = submit(cast["patroller"], {**body, **change})

    assert response.status_code == 409
    assert "client_uuid" in response.json()["errors"]
    assert PatrolLog.objects.get().notes == body["notes"]


@pytest.mark.django_db
def test_another_patroller_reusing_a_uuid_gets_a_conflict_and_never_the_log(
    cast, patroller, other_patroller, submit, log_body
):
    body = log_body()
    assert submit(cast["patroller"], body).status_code == 201
    response = submit(other_patroller.user, body)
    assert response.status_code == 409
    assert "notes" not in json.dumps(response.json())


@pytest.mark.django_db
def test_a_retry_after_the_window_closed_still_gets_its_log(cast, patroller, log_body, today):
    """A phone that went offline for a week retries a log that was stored in time: 200, not a late-date 400."""
    from patrol.serializers import PatrolLogInputSerializer

    body = PatrolLogInputSerializer(data=log_body(day=today - timedelta(days=3)))
    body.is_valid(raise_exception=True)
    in_time = local(today, 12)
    log, created = services.patrol_log_submit(patroller=patroller, data=body.validated_data, now=in_time)
    assert created

    again, created = services.patrol_log_submit(
        patroller=patroller, data=body.validated_data, now=in_time + timedelta(days=7)
    )
    assert (again.pk, created) == (log.pk, False)


def _forbidden(*args, **kwargs):
    raise AssertionError("the track's geometry was computed again")


@pytest.mark.django_db
def test_a_replay_is_answered_before_the_track_is_measured_again(cast, patroller, submit, log_body, monkeypatch):
    """A phone retrying a 20 000-point track must not make the server measure it again (issue 10): the stored
    fingerprint is read before the roster, the window and the geometry, and nothing is inserted."""
    body = log_body()
    first = submit(cast["patroller"], body)
    assert first.status_code == 201
    monkeypatch.setattr(tracks, "coverage", _forbidden)
    monkeypatch.setattr(tracks, "vehicle_speed", _forbidden)

    with CaptureQueriesContext(connection) as queries:
        again = submit(cast["patroller"], body)

    assert again.status_code == 200
    assert again.json() == first.json()
    logs = [q["sql"] for q in queries.captured_queries if '"patrol_patrollog"' in q["sql"]]
    assert logs and all(sql.startswith("SELECT") for sql in logs)
    conflict = submit(cast["patroller"], {**body, "notes": "另一份内容"})
    assert conflict.status_code == 409
    assert PatrolLog.objects.count() == 1


@pytest.mark.django_db
def test_a_twin_that_missed_the_read_is_answered_from_the_unique_constraint(
    cast, patroller, submit, log_body, monkeypatch
):
    """What a concurrent twin sees: its read came before the other's insert, so it finds nothing and inserts too;
    the unique constraint refuses the insert, then the row that won answers (200 same content, 409 other)."""
    body = log_body()
    assert submit(cast["patroller"], body).status_code == 201
    monkeypatch.setattr(services, "_stored", lambda **kwargs: None)  # the read "before" the twin's insert

    with CaptureQueriesContext(connection) as queries:
        assert submit(cast["patroller"], body).status_code == 200

    logs = [q["sql"] for q in queries.captured_queries if '"patrol_patrollog"' in q["sql"]]
    assert logs[0].startswith('INSERT INTO "patrol_patrollog"')
    assert any(sql.startswith("SELECT") for sql in logs[1:])
    assert submit(cast["patroller"], {**body, "notes": "另一份内容"}).status_code == 409
    assert PatrolLog.objects.count() == 1


@pytest.mark.django_db
def test_a_replay_is_not_refused_by_a_unique_validator(cast, patroller, submit, log_body):
    """DRF's ModelSerializer would add a UniqueValidator on client_uuid and answer a replay with 400."""
    body = log_body()
    submit(cast["patroller"], body)
    response = submit(cast["patroller"], body)
    assert response.status_code != 400


# --- eight phones retrying at once ---------------------------------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"), reason="the SQLite case runs on SQLite"
)
def test_eight_concurrent_identical_submissions_store_one_log_on_sqlite(tmp_path):
    """In a child process on a database file (the suite's in-memory SQLite cannot show real locking, see
    tests/patrol/concurrency.py): one 201, seven 200, one row."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.patrol.concurrency"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"statuses": [200] * 7 + [201], "rows": 1}


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_identical_submissions_store_one_log_on_postgresql(cast, patroller, log_body, today):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…); SQLite is covered by the test above")
    _, token = AuthToken.objects.create(user=cast["patroller"])
    # Yesterday's patrol: the threads run on the real clock, and yesterday's is over at any hour.
    body = log_body(day=today - timedelta(days=1))

    statuses = fire(token=token, body=body)

    assert statuses == [200] * 7 + [201]
    assert PatrolLog.objects.filter(client_uuid=body["client_uuid"]).count() == 1
