"""Capture time and place reported by the phone with a downscaled photo (patrol.rules.photo_evidence).

Phones re-encode photos before upload, which drops the EXIF; they send the original's capture time and place (or
their clock and GPS at capture) as optional fields. The file's own EXIF wins where it has a value; the source of
each value is kept, shown in the API answer and on the review page, and the photo checks read what was kept.
The home segment's line runs due east at 34.75° N; patrols here last 08:00–08:30, Zhengzhou time.
"""

import uuid
from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from patrol.models import PatrolLog, Photo
from patrol.rules import photo_evidence
from tests.factories import LAT, local
from tests.patrol.photo_images import ON_LINE, jpeg_bytes, make_exif, picture

METRES_600_NORTH = (LAT + 0.0054, 113.6255)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def log(patroller, submit, log_body, cast) -> PatrolLog:
    response = submit(cast["patroller"], log_body())
    assert response.status_code == 201, response.json()
    return PatrolLog.objects.get(pk=response.json()["id"])


@pytest.fixture
def upload(api, cast):
    """upload(log, data, client_uuid=…, **fields) → the API response; fields are the optional evidence fields."""

    def post(log, data: bytes, *, client_uuid=None, **fields):
        body = {
            "client_uuid": str(client_uuid or uuid.uuid4()),
            "file": SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg"),
            **{key: str(value) for key, value in fields.items()},
        }
        return api.as_user(cast["patroller"]).post(f"/api/v1/patrol-logs/{log.pk}/photos/", body, format="multipart")

    return post


def downscaled(seed: int = 1) -> bytes:
    """What a phone's canvas produces: a JPEG with no EXIF at all."""
    return jpeg_bytes(picture((400, 300), seed=seed), quality=80)


def with_exif(day, *, hour=8, minute=10, position=ON_LINE, seed: int = 1) -> bytes:
    taken = local(day, hour, minute).strftime("%Y:%m:%d %H:%M:%S")
    return jpeg_bytes(picture(seed=seed), exif=make_exif(taken=taken, offset="+08:00", position=position))


def test_a_downscaled_photo_keeps_the_capture_time_and_place_the_phone_reported(log, upload, today):
    taken = local(today, 8, 12)

    response = upload(
        log, downscaled(), taken_at=taken.isoformat(), latitude=ON_LINE[0], longitude=ON_LINE[1], accuracy=9
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert datetime.fromisoformat(body["taken_at"]) == taken
    assert body["taken_at_source"] == "phone"
    assert (body["latitude"], body["longitude"]) == pytest.approx(ON_LINE)
    assert body["location_source"] == "phone"
    assert body["location_accuracy"] == 9
    # Known time and place inside the patrol and on the line: nothing to flag, not even no_exif.
    assert body["flags"] == []


def test_the_files_own_exif_wins_over_what_the_phone_reports(log, upload, today):
    response = upload(
        log,
        with_exif(today, minute=10),
        taken_at=local(today, 11).isoformat(),
        latitude=METRES_600_NORTH[0],
        longitude=METRES_600_NORTH[1],
        accuracy=5,
    )

    body = response.json()
    assert response.status_code == 201, body
    assert datetime.fromisoformat(body["taken_at"]) == local(today, 8, 10)
    assert (body["taken_at_source"], body["location_source"]) == ("file", "file")
    assert body["latitude"] == pytest.approx(ON_LINE[0], abs=1e-5)
    assert body["location_accuracy"] is None
    assert body["flags"] == []


def test_time_from_the_file_and_place_from_the_phone_are_taken_field_by_field(log, upload, today):
    data = jpeg_bytes(picture(seed=3), exif=make_exif(taken=local(today, 8, 5).strftime("%Y:%m:%d %H:%M:%S")))

    body = upload(log, data, latitude=ON_LINE[0], longitude=ON_LINE[1], accuracy=30).json()

    assert (body["taken_at_source"], body["location_source"]) == ("file", "phone")
    assert body["location_accuracy"] == 30


def test_phone_reported_time_and_place_are_checked_like_exif(log, upload, today):
    response = upload(
        log,
        downscaled(),
        taken_at=local(today, 10, 0).isoformat(),  # 90 minutes after the patrol ended
        latitude=METRES_600_NORTH[0],
        longitude=METRES_600_NORTH[1],
    )

    assert sorted(response.json()["flags"]) == ["far_from_segment", "taken_outside_window"]


def test_a_photo_with_no_time_in_the_file_nor_from_the_phone_is_flagged_no_exif(log, upload):
    body = upload(log, downscaled()).json()

    assert body["flags"] == ["no_exif"]
    assert (body["taken_at"], body["taken_at_source"], body["location_source"]) == (None, "", "")


def test_a_full_size_original_from_another_client_is_still_accepted(log, upload, today):
    """12 megapixels with EXIF, no evidence fields: what a camera or another app uploads."""
    data = jpeg_bytes(
        picture((4000, 3000), seed=7),
        exif=make_exif(taken=local(today, 8, 20).strftime("%Y:%m:%d %H:%M:%S"), offset="+08:00", position=ON_LINE),
    )

    response = upload(log, data)

    assert response.status_code == 201, response.json()
    assert (response.json()["width"], response.json()["height"]) == (4000, 3000)
    assert response.json()["taken_at_source"] == "file"


def test_a_retry_with_the_same_report_answers_200(log, upload, today):
    key = uuid.uuid4()
    fields = {"taken_at": local(today, 8, 12).isoformat(), "latitude": ON_LINE[0], "longitude": ON_LINE[1]}

    first = upload(log, downscaled(), client_uuid=key, **fields)
    again = upload(log, downscaled(), client_uuid=key, **fields)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Photo.objects.count() == 1


@pytest.mark.parametrize(
    "first, second",
    [
        ({"taken_at": "08:12"}, {"taken_at": "08:13"}),
        ({}, {"taken_at": "08:12"}),
        ({"latitude": ON_LINE[0], "longitude": ON_LINE[1]}, {"latitude": ON_LINE[0] + 0.001, "longitude": ON_LINE[1]}),
        (
            {"latitude": ON_LINE[0], "longitude": ON_LINE[1], "accuracy": 5},
            {"latitude": ON_LINE[0], "longitude": ON_LINE[1], "accuracy": 50},
        ),
    ],
    ids=["other time", "time where there was none", "other place", "other accuracy"],
)
def test_the_same_uuid_and_file_with_another_report_is_a_409_conflict(log, upload, today, first, second):
    def fields(values: dict) -> dict:
        out = dict(values)
        if "taken_at" in out:
            hour, minute = map(int, out["taken_at"].split(":"))
            out["taken_at"] = local(today, hour, minute).isoformat()
        return out

    key = uuid.uuid4()
    assert upload(log, downscaled(), client_uuid=key, **fields(first)).status_code == 201

    response = upload(log, downscaled(), client_uuid=key, **fields(second))

    assert response.status_code == 409
    assert "client_uuid" in response.json()["errors"]


def test_a_retry_of_a_file_with_exif_ignores_the_phones_report_as_the_first_upload_did(log, upload, today):
    key = uuid.uuid4()
    data = with_exif(today)
    assert upload(log, data, client_uuid=key, taken_at=local(today, 9).isoformat()).status_code == 201

    assert upload(log, data, client_uuid=key, taken_at=local(today, 9, 30).isoformat()).status_code == 200


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"latitude": 34.75}, "longitude"),
        ({"longitude": 113.62}, "latitude"),
        ({"accuracy": 10}, "accuracy"),
        ({"latitude": 95, "longitude": 113.62}, "latitude"),
        ({"latitude": 34.75, "longitude": 113.62, "accuracy": -1}, "accuracy"),
        ({"latitude": "nan", "longitude": 113.62}, "latitude"),
        ({"taken_at": "yesterday"}, "taken_at"),
        ({"taken_at": "1999-12-31T08:00:00+08:00"}, "taken_at"),
    ],
)
def test_bad_evidence_fields_are_refused_with_400_naming_the_field(log, upload, fields, field):
    response = upload(log, downscaled(), **fields)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Photo.objects.count() == 0


def test_a_zero_zero_position_counts_as_none(log, upload):
    body = upload(log, downscaled(), latitude=0, longitude=0, accuracy=5).json()

    assert (body["latitude"], body["location_source"], body["location_accuracy"]) == (None, "", None)


def test_the_review_page_says_where_time_and_place_came_from(log, upload, today, cast, web):
    upload(
        log,
        downscaled(),
        taken_at=local(today, 8, 12).isoformat(),
        latitude=ON_LINE[0],
        longitude=ON_LINE[1],
        accuracy=12,
    )

    page = web(cast["township_office"]).get("/patrol/review/", {"date": today.isoformat()}).content.decode()

    assert "08:12 · 手机报告" in page
    assert "位置 · 手机报告 ±12米" in page


# --- the precedence rule alone -------------------------------------------------------------------------------


def test_resolve_takes_each_value_from_the_file_first_then_the_phone():
    file_time = datetime(2026, 11, 20, 8, 0)
    phone = photo_evidence.Reported(taken_at=datetime(2026, 11, 20, 9, 0), latitude=1.0, longitude=2.0, accuracy=7.0)

    both = photo_evidence.resolve(file_taken_at=file_time, file_latitude=None, file_longitude=None, reported=phone)
    neither = photo_evidence.resolve(
        file_taken_at=None, file_latitude=None, file_longitude=None, reported=photo_evidence.NOTHING_REPORTED
    )

    assert (both.taken_at, both.taken_at_source) == (file_time, "file")
    assert (both.latitude, both.longitude, both.location_source, both.location_accuracy) == (1.0, 2.0, "phone", 7.0)
    assert (neither.taken_at, neither.taken_at_source, neither.latitude, neither.location_source) == (
        None,
        "",
        None,
        "",
    )
