"""The submission endpoint's fast path (docs/benchmarks.md, ingest): it answers from the log it has just stored
instead of the log serializer, reads the roster once, and reuses the segment's projected line. What a phone sees
must not change: the same JSON as `PatrolLogSerializer`, field for field and in the same order.
"""

import copy
import uuid
from datetime import UTC

import pytest

from patrol import tracks
from rivers.models import Segment
from tests.factories import as_serialized, local
from tests.patrol.photo_images import jpeg_bytes, picture

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/patrol-logs/"


@pytest.mark.parametrize(
    "change",
    ["nothing", "escalated problem", "times sent in UTC", "segment without a line", "no track"],
)
def test_a_new_log_is_answered_exactly_as_the_serializer_shows_it(cast, patroller, submit, log_body, today, change):
    body = log_body(notes="  沿河巡查。  ")
    if change == "escalated problem":
        body = log_body(checks={**body["checks"], "dumping": "problem"}, actions=["stopped", "escalated"])
    elif change == "times sent in UTC":
        body["started_at"] = local(today, 8).astimezone(UTC).isoformat()
    elif change == "segment without a line":
        Segment.objects.filter(pk=body["segment"]).update(geometry=None)
    elif change == "no track":
        body["track"] = []

    response = submit(cast["patroller"], body)

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert list(answer) == list(as_serialized(answer["id"]))
    assert answer == as_serialized(answer["id"])


def test_a_replay_shows_the_photos_stored_since(cast, patroller, submit, log_body, api, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    body = log_body()
    first = submit(cast["patroller"], body).json()
    upload = api.as_user(cast["patroller"]).post(
        f"{LOGS}{first['id']}/photos/",
        {"client_uuid": str(uuid.uuid4()), "file": _jpeg()},
        format="multipart",
    )
    assert upload.status_code == 201, upload.json()

    again = submit(cast["patroller"], body)

    assert again.status_code == 200
    assert [photo["id"] for photo in again.json()["photos"]] == [upload.json()["id"]]
    assert again.json() == as_serialized(first["id"])


def test_a_good_log_is_stored_in_eleven_queries(cast, patroller, api, patrol_now, log_body, django_assert_num_queries):
    phone = api.as_user(cast["patroller"])  # its token
    assert phone.post(LOGS, log_body(), format="json").status_code == 201
    # 1–2. the token with its user; the user's other tokens (knox's clean-up) — the same two as GET /api/v1/me/;
    #      knox writes the token's new expiry at most once an hour (MIN_REFRESH_INTERVAL), not here
    # 3.   the patroller's assignment that day with the patroller and the segment (contract in force)
    # 4.   the fingerprint stored under the client_uuid: none, a new log (a retry is answered here)
    # 5.   the local check items (第八条) in force that day for the segment's township and county
    # 6–7. SAVEPOINT, INSERT the log (in production: BEGIN, INSERT)
    # 8–10. the month's figures (staffing.summaries): the patroller's rows of the month, locked; UPDATE of the
    #      patroller's row (the log adds its day and itself: the month's other logs are not read again);
    #      UPDATE … SET n = n + 1 of the township's sums
    # 11.  RELEASE SAVEPOINT (in production: COMMIT)
    # No segment or contract query, no photos query.
    with django_assert_num_queries(11):
        response = phone.post(LOGS, log_body(), format="json")
    assert response.status_code == 201


def test_the_projected_segment_line_is_reused_until_the_geometry_changes():
    line = {"type": "LineString", "coordinates": [[113.62, 34.75], [113.631, 34.75]]}
    first = tracks.segment_line(line)

    assert tracks.segment_line(copy.deepcopy(line)) is first

    moved = copy.deepcopy(line)
    moved["coordinates"][1][0] = 113.642  # twice as long
    assert tracks.segment_line(moved).length == pytest.approx(2 * first.length, rel=0.01)
    assert tracks.segment_line(line) is first


def _jpeg():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("IMG_0001.jpg", jpeg_bytes(picture(seed=3)), content_type="image/jpeg")
