"""Photo upload and thumbnails through the API (API.md), the photo flags, and files that never go astray.

The home segment's line runs due east at 34.75° N from 113.6200 to 113.6310 (tests/patrol/fixtures.py); a patrol
in these tests lasts from 08:00 to 08:30, Zhengzhou time.
"""

import io
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from patrol import photo_checks, rules
from patrol.models import PatrolLog, Photo
from patrol.services import IdempotencyConflict
from patrol.services import photos as photo_services
from tests.factories import ALL_NORMAL, LAT, local, make_user, on_duty
from tests.patrol.photo_images import (
    ON_LINE,
    during,
    good_photo,
    jpeg_bomb,
    jpeg_bytes,
    make_exif,
    other_format_bytes,
    picture,
    png_bytes,
)

# 0.0018° of latitude is about 200 m.
METRES_400_NORTH = (LAT + 0.0036, 113.6255)
METRES_600_NORTH = (LAT + 0.0054, 113.6255)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Each test writes its files into its own empty media root, so that leftovers can be counted."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def make_log(patroller, submit, log_body, cast):
    """make_log(user=patroller user, **body overrides) → a stored PatrolLog submitted through the API."""

    def make(user=None, **overrides) -> PatrolLog:
        response = submit(user or cast["patroller"], log_body(**overrides))
        assert response.status_code == 201, response.json()
        return PatrolLog.objects.select_related("segment__township").get(pk=response.json()["id"])

    return make


@pytest.fixture
def log(make_log) -> PatrolLog:
    return make_log()


@pytest.fixture
def upload(api):
    """upload(user, log, data, client_uuid=…, check=…, name=…) → the API response."""

    def post(user, log, data: bytes, *, client_uuid=None, check=None, name="IMG_0001.jpg", content_type="image/jpeg"):
        body = {
            "client_uuid": str(client_uuid or uuid.uuid4()),
            "file": SimpleUploadedFile(name, data, content_type=content_type),
        }
        if check is not None:
            body["check"] = check
        pk = log.pk if isinstance(log, PatrolLog) else log
        return api.as_user(user).post(f"/api/v1/patrol-logs/{pk}/photos/", body, format="multipart")

    return post


# --- the answer and the files ---------------------------------------------------------------------------------


def test_patroller_uploads_a_photo_and_gets_its_facts_back(cast, log, upload, today):
    data = good_photo(today)

    response = upload(cast["patroller"], log, data, check="dumping")

    assert response.status_code == 201, response.json()
    body = response.json()
    photo = Photo.objects.get()
    assert body["id"] == photo.pk
    assert body["sha256"] == photo.sha256 and len(body["sha256"]) == 64
    assert len(body["phash"]) == 16
    assert datetime.fromisoformat(body["taken_at"]) == during(today)
    assert body["latitude"] == pytest.approx(ON_LINE[0], abs=1e-5)
    assert body["longitude"] == pytest.approx(ON_LINE[1], abs=1e-5)
    assert (body["width"], body["height"]) == (640, 480)
    assert body["thumbnail_url"].endswith(f"/api/v1/photos/{photo.pk}/thumbnail/")
    assert body["flags"] == []
    assert body["check"] == "dumping"


def test_the_original_is_kept_unchanged_under_the_private_media_folder(cast, log, upload, today, media_root):
    data = good_photo(today)

    upload(cast["patroller"], log, data)

    photo = Photo.objects.get()
    original = Path(photo.file.path)
    assert original.read_bytes() == data
    private = media_root / "private"
    assert private in original.parents
    assert private in Path(photo.thumbnail.path).parents
    assert stored_files(media_root) == sorted([original, Path(photo.thumbnail.path)])


def test_no_url_serves_the_original(cast, log, upload, today, api):
    upload(cast["patroller"], log, good_photo(today))
    photo = Photo.objects.get()

    client = api.as_user(cast["patroller"])
    for url in (f"/media/{photo.file.name}", f"/{photo.file.name}", f"/api/v1/photos/{photo.pk}/"):
        assert client.get(url).status_code == 404


def test_a_rotated_photo_reports_its_upright_size(cast, log, upload, today):
    data = jpeg_bytes(picture((640, 480)), exif=make_exif(orientation=6, taken="2026:01:01 08:00:00"))

    body = upload(cast["patroller"], log, data).json()

    assert (body["width"], body["height"]) == (480, 640)


def test_png_is_accepted(cast, log, upload):
    response = upload(cast["patroller"], log, png_bytes(), name="screen.png", content_type="image/png")

    assert response.status_code == 201


def test_the_content_decides_not_the_name_or_content_type(cast, log, upload):
    # A real JPEG sent as "photo.heic" with a HEIC content type: accepted (iOS converts HEIC to JPEG).
    accepted = upload(cast["patroller"], log, jpeg_bytes(), name="IMG_0001.HEIC", content_type="image/heic")
    # A GIF dressed up as a JPEG: refused.
    refused = upload(cast["patroller"], log, other_format_bytes("GIF"), name="IMG_0002.jpg")

    assert accepted.status_code == 201
    assert refused.status_code == 400
    assert "只接受JPEG或PNG" in refused.json()["errors"]["file"][0]


# --- refused uploads ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [other_format_bytes("GIF"), other_format_bytes("BMP"), "这不是照片".encode() * 50, jpeg_bomb()],
    ids=["gif", "bmp", "text", "decompression-bomb"],
)
def test_files_that_are_not_acceptable_photos_are_refused_with_400(cast, log, upload, data, media_root):
    response = upload(cast["patroller"], log, data)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"file"}
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_truncated_photo_is_refused_as_incomplete(cast, log, upload):
    data = jpeg_bytes(picture((800, 600)))

    response = upload(cast["patroller"], log, data[: len(data) // 2])

    assert response.status_code == 400
    assert "不完整" in response.json()["errors"]["file"][0]


def test_an_oversize_file_is_refused_with_413(cast, log, upload, settings, today):
    data = good_photo(today)
    # One byte over: the body passes the Content-Length gate (which allows for the multipart framing), so this
    # is the file's own size being checked.
    settings.RIVER = {**settings.RIVER, "PHOTO_MAX_BYTES": len(data) - 1}

    response = upload(cast["patroller"], log, data)

    assert response.status_code == 413
    assert "过大" in response.json()["errors"]["file"][0]
    assert not Photo.objects.exists()


def test_an_oversize_body_is_refused_before_it_is_read(cast, log, upload, settings, monkeypatch):
    settings.RIVER = {**settings.RIVER, "PHOTO_MAX_BYTES": 1_000}

    def must_not_parse(*args, **kwargs):
        raise AssertionError("the body was parsed")

    monkeypatch.setattr("rest_framework.parsers.MultiPartParser.parse", must_not_parse)
    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", must_not_parse)

    response = upload(cast["patroller"], log, b"\xff\xd8" + b"\x00" * 40_000)

    assert response.status_code == 413
    assert "过大" in response.json()["errors"]["file"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"client_uuid": "123"}, "client_uuid"),
        ({"check": "weather"}, "check"),
        ({"file": None}, "file"),
    ],
    ids=["bad-uuid", "number-uuid", "unknown-check", "no-file"],
)
def test_malformed_uploads_name_the_field(cast, log, api, body, field):
    data = {"client_uuid": str(uuid.uuid4()), "file": SimpleUploadedFile("a.jpg", jpeg_bytes()), **body}
    data = {key: value for key, value in data.items() if value is not None}

    response = api.as_user(cast["patroller"]).post(f"/api/v1/patrol-logs/{log.pk}/photos/", data, format="multipart")

    assert response.status_code == 400
    assert field in response.json()["errors"]


# --- idempotency -------------------------------------------------------------------------------------------------


def test_sending_the_same_photo_again_answers_200_with_the_stored_photo(cast, log, upload, today, media_root):
    data, client_uuid = good_photo(today), uuid.uuid4()
    first = upload(cast["patroller"], log, data, client_uuid=client_uuid, check="dumping")
    files = stored_files(media_root)

    again = upload(cast["patroller"], log, data, client_uuid=client_uuid, check="dumping")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Photo.objects.count() == 1
    assert stored_files(media_root) == files


@pytest.mark.parametrize("change", ["other bytes", "other check", "other log"])
def test_the_same_uuid_with_other_content_is_a_409_conflict(cast, make_log, upload, today, change, media_root):
    first_log = make_log()
    client_uuid = uuid.uuid4()
    assert upload(cast["patroller"], first_log, good_photo(today), client_uuid=client_uuid).status_code == 201
    files = stored_files(media_root)
    data, check, target = good_photo(today), None, first_log
    if change == "other bytes":
        data = good_photo(today, seed=2)
    elif change == "other check":
        check = "dumping"
    else:
        target = make_log()

    response = upload(cast["patroller"], target, data, client_uuid=client_uuid, check=check)

    assert response.status_code == 409
    assert "client_uuid" in response.json()["errors"]
    assert Photo.objects.count() == 1
    assert stored_files(media_root) == files


def test_a_concurrent_twin_that_wins_the_race_gets_the_replay_and_leaves_no_file(
    cast, log, upload, today, monkeypatch, media_root
):
    data, client_uuid = good_photo(today), uuid.uuid4()
    first = upload(cast["patroller"], log, data, client_uuid=client_uuid)
    files = stored_files(media_root)
    # The twin looked before the first one was committed: it saw no row, so it goes on to write and insert.
    real_replay = photo_services._replay
    calls = []

    def replay_not_yet_visible(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real_replay(**kwargs)

    monkeypatch.setattr(photo_services, "_replay", replay_not_yet_visible)

    twin = upload(cast["patroller"], log, data, client_uuid=client_uuid)

    assert len(calls) == 2  # the unique constraint refused the insert and the row was read again
    assert twin.status_code == 200 and twin.json()["id"] == first.json()["id"]
    assert Photo.objects.count() == 1
    assert stored_files(media_root) == files


# --- no orphan files ---------------------------------------------------------------------------------------------


def test_a_failure_after_the_files_are_written_leaves_no_file_and_no_row(cast, log, today, monkeypatch, media_root):
    written = []
    real_flush = photo_services._flush

    def flush_and_note(name, storage):
        real_flush(name, storage)
        written.append(Path(storage.path(name)))

    def failing_refresh(*, log):
        assert all(path.exists() for path in written) and len(written) == 2  # the files are on disk by now
        raise RuntimeError("database went away")

    monkeypatch.setattr(photo_services, "_flush", flush_and_note)
    monkeypatch.setattr(photo_services, "patrol_log_refresh_flags", failing_refresh)

    with pytest.raises(RuntimeError):
        photo_services.photo_add(log=log, by=cast["patroller"], client_uuid=uuid.uuid4(), data=good_photo(today))

    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_saved_row_points_at_files_that_exist(cast, log, upload, today):
    upload(cast["patroller"], log, good_photo(today))

    photo = Photo.objects.get()
    assert Path(photo.file.path).is_file() and Path(photo.thumbnail.path).is_file()


# --- who may upload ----------------------------------------------------------------------------------------------


def test_only_the_logs_own_patroller_may_upload(cast, log, upload, other_patroller, today):
    data = good_photo(today)
    answers = {
        "other patroller (cannot see the log)": upload(other_patroller.user, log, data).status_code,
        "township office (sees it)": upload(cast["township_office"], log, data).status_code,
        "village chief (sees it)": upload(cast["village_chief"], log, data).status_code,
        "county office (sees it)": upload(cast["county_office"], log, data).status_code,
        "other township office": upload(cast["other_township_office"], log, data).status_code,
        "other county office": upload(cast["other_county_office"], log, data).status_code,
        "supervisor": upload(cast["supervisor"], log, data).status_code,
        "no log with that id": upload(cast["patroller"], 999_999, data).status_code,
    }

    assert answers == {
        "other patroller (cannot see the log)": 404,
        "township office (sees it)": 403,
        "village chief (sees it)": 403,
        "county office (sees it)": 403,
        "other township office": 404,
        "other county office": 404,
        "supervisor": 404,
        "no log with that id": 404,
    }
    assert not Photo.objects.exists()


def test_an_anonymous_upload_is_401(log):
    response = APIClient().post(
        f"/api/v1/patrol-logs/{log.pk}/photos/",
        {"client_uuid": str(uuid.uuid4()), "file": SimpleUploadedFile("a.jpg", jpeg_bytes())},
        format="multipart",
    )

    assert response.status_code == 401


# --- thumbnails --------------------------------------------------------------------------------------------------


def test_thumbnail_is_served_to_the_patroller_and_the_offices_that_see_the_log(cast, log, upload, today, api):
    url = upload(cast["patroller"], log, good_photo(today)).json()["thumbnail_url"]

    for user in ("patroller", "township_office", "county_office", "city_office", "village_chief"):
        response = api.as_user(cast[user]).get(url, HTTP_ACCEPT="image/avif,image/webp,*/*")
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        thumb = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert thumb.format == "JPEG" and max(thumb.size) <= 480


def test_thumbnail_is_404_to_anyone_who_cannot_see_the_log(cast, log, upload, today, api, other_patroller):
    url = upload(cast["patroller"], log, good_photo(today)).json()["thumbnail_url"]

    for user in (cast["other_township_office"], cast["other_county_office"], cast["supervisor"], other_patroller.user):
        response = api.as_user(user).get(url)
        assert response.status_code == 404, user
        assert "errors" in response.json()


def test_thumbnail_works_with_a_session_too(cast, log, upload, today):
    url = upload(cast["patroller"], log, good_photo(today)).json()["thumbnail_url"]
    office, stranger = APIClient(), APIClient()
    office.force_login(cast["township_office"])
    stranger.force_login(cast["other_township_office"])

    assert office.get(url).status_code == 200
    assert stranger.get(url).status_code == 404
    assert APIClient().get(url).status_code == 401


def test_thumbnail_of_an_unknown_photo_is_404(cast, api):
    client = api.as_user(cast["city_office"])

    assert client.get("/api/v1/photos/987654/thumbnail/").status_code == 404
    assert client.get(f"/api/v1/photos/{2**63}/thumbnail/").status_code == 404


def test_the_log_shows_its_photos(cast, log, upload, today, api):
    photo = upload(cast["patroller"], log, good_photo(today)).json()

    body = api.as_user(cast["township_office"]).get(f"/api/v1/patrol-logs/{log.pk}/").json()

    assert [p["id"] for p in body["photos"]] == [photo["id"]]
    assert body["photos"][0]["thumbnail_url"] == photo["thumbnail_url"]


# --- flags -------------------------------------------------------------------------------------------------------


def flags_of(response) -> list[str]:
    assert response.status_code == 201, response.json()
    return response.json()["flags"]


def test_flag_codes_are_the_ones_of_api_md():
    assert list(rules.PHOTO_FLAGS) == [
        photo_checks.DUPLICATE_PHOTO,
        photo_checks.TAKEN_OUTSIDE_WINDOW,
        photo_checks.FAR_FROM_SEGMENT,
        photo_checks.NO_EXIF,
    ]


def test_a_photo_without_capture_time_is_flagged_no_exif(cast, log, upload):
    assert flags_of(upload(cast["patroller"], log, jpeg_bytes())) == ["no_exif"]


def test_a_photo_with_capture_time_is_not_flagged_no_exif(cast, log, upload, today):
    assert "no_exif" not in flags_of(upload(cast["patroller"], log, good_photo(today, position=None)))


@pytest.mark.parametrize(
    ("hour", "minute", "flagged"),
    [(6, 55, True), (7, 5, False), (8, 10, False), (9, 25, False), (9, 35, True), (14, 0, True)],
)
def test_capture_time_more_than_an_hour_outside_the_patrol_is_flagged(cast, log, upload, today, hour, minute, flagged):
    data = good_photo(today, taken=local(today, hour, minute))

    assert ("taken_outside_window" in flags_of(upload(cast["patroller"], log, data))) is flagged


def test_a_photo_from_another_day_is_taken_outside_the_window(cast, log, upload, today):
    data = good_photo(today, taken=during(today - timedelta(days=30)))

    assert flags_of(upload(cast["patroller"], log, data)) == ["taken_outside_window"]


@pytest.mark.parametrize(
    ("position", "flagged"), [(ON_LINE, False), (METRES_400_NORTH, False), (METRES_600_NORTH, True)]
)
def test_a_photo_taken_more_than_500_m_from_the_segment_is_flagged(cast, log, upload, today, position, flagged):
    data = good_photo(today, position=position)

    assert ("far_from_segment" in flags_of(upload(cast["patroller"], log, data))) is flagged


def test_far_from_segment_measures_in_metres_beyond_the_lines_end(cast, log, upload, today):
    # 0.0060° of longitude east of the end is about 550 m at 34.75° N (0.0060° of latitude would be 666 m).
    data = good_photo(today, position=(LAT, 113.6310 + 0.0060))

    assert flags_of(upload(cast["patroller"], log, data)) == ["far_from_segment"]


def test_without_segment_geometry_or_photo_position_distance_is_not_flagged(cast, log, upload, today, home_segment):
    no_position = upload(cast["patroller"], log, good_photo(today, position=None))
    home_segment.geometry = None
    home_segment.save()
    log.segment.refresh_from_db()
    far_away = upload(cast["patroller"], log, good_photo(today, seed=2, position=METRES_600_NORTH))

    assert flags_of(no_position) == flags_of(far_away) == []


def test_distance_to_a_lake_polygon_is_zero_inside_and_measured_outside():
    lake = {
        "type": "Polygon",
        "coordinates": [[[113.62, 34.74], [113.63, 34.74], [113.63, 34.75], [113.62, 34.75], [113.62, 34.74]]],
    }

    assert photo_checks.distance_to_segment_m(34.745, 113.625, lake) == 0
    assert photo_checks.distance_to_segment_m(34.7545, 113.625, lake) == pytest.approx(500, rel=0.01)
    assert photo_checks.distance_to_segment_m(34.745, 113.625, {"type": "Point", "coordinates": [113.625, 34.745]}) == 0
    assert photo_checks.distance_to_segment_m(34.745, 113.625, {"type": "Nonsense"}) is None


def test_the_same_file_on_another_log_is_flagged_duplicate(cast, make_log, upload, today):
    yesterday = make_log(day=today - timedelta(days=1))
    data = good_photo(today)
    assert flags_of(upload(cast["patroller"], yesterday, data)) == ["taken_outside_window"]

    again = upload(cast["patroller"], make_log(), data)

    assert flags_of(again) == ["duplicate_photo"]


def test_a_recompressed_copy_on_another_patrollers_log_is_flagged_duplicate(
    cast, make_log, upload, today, other_patroller, settings
):
    original = good_photo(today, seed=5)
    # The same picture saved again smaller and at a lower quality: other bytes, nearly the same phash.
    copy = jpeg_bytes(
        Image.open(io.BytesIO(original)).resize((480, 360)),
        exif=make_exif(taken=during(today).strftime("%Y:%m:%d %H:%M:%S"), position=ON_LINE),
        quality=70,
    )
    first = upload(cast["patroller"], make_log(), original).json()
    second = upload(other_patroller.user, make_log(user=other_patroller.user), copy).json()

    assert first["sha256"] != second["sha256"]
    assert 0 < photo_checks.hamming(first["phash"], second["phash"]) <= settings.RIVER["PHASH_MAX_DISTANCE"]
    assert second["flags"] == ["duplicate_photo"]


def test_a_near_copy_is_only_searched_for_within_the_window_days(cast, make_log, upload, today, settings):
    settings.RIVER = {**settings.RIVER, "PHASH_WINDOW_DAYS": 0}
    original = good_photo(today, seed=5)
    copy = jpeg_bytes(
        Image.open(io.BytesIO(original)).resize((480, 360)),
        exif=make_exif(taken=during(today).strftime("%Y:%m:%d %H:%M:%S"), position=ON_LINE),
        quality=70,
    )
    upload(cast["patroller"], make_log(day=today - timedelta(days=1)), original)

    near = upload(cast["patroller"], make_log(), copy)
    identical = upload(cast["patroller"], make_log(), original)

    assert "duplicate_photo" not in flags_of(near)
    assert "duplicate_photo" in flags_of(identical)  # identical files are found whatever their age


def test_two_photos_of_one_log_and_different_pictures_are_not_duplicates(cast, make_log, upload, today):
    log = make_log()
    data = good_photo(today)

    assert flags_of(upload(cast["patroller"], log, data)) == []
    assert flags_of(upload(cast["patroller"], log, data)) == []  # the same picture twice on ONE log
    assert flags_of(upload(cast["patroller"], make_log(), good_photo(today, seed=9))) == []


def test_the_same_photo_in_another_county_is_not_a_duplicate(cast, places, segments, make_log, upload, today):
    far_township, far_segment = places["far"], segments["far"]
    office = make_user("far_office", "township_office", county=places["other_county"], township=far_township)
    user = make_user("far_patroller", "patroller", county=places["other_county"], township=far_township)
    on_duty(
        office=office,
        segment=far_segment,
        village=places["far_village"],
        today=today,
        start=today - timedelta(days=30),
        user=user,
    )
    data = good_photo(today, position=None)
    upload(user, make_log(user=user, segment=far_segment.pk, track=[]), data)

    here = upload(cast["patroller"], make_log(), data)

    assert "duplicate_photo" not in flags_of(here)


def test_duplicate_search_does_not_scan_photos_one_by_one(cast, make_log, upload, today, django_assert_max_num_queries):
    for seed in range(3):
        upload(cast["patroller"], make_log(), good_photo(today, seed=seed + 10))
    log = make_log()

    # 1: identical sha256 or phash in the county (indexed), 2: the phashes of the window's photos.
    with django_assert_max_num_queries(2):
        photo_checks.is_duplicate(log=log, sha256="0" * 64, phash="f" * 16, max_distance=6, window_days=90)


# --- the log's own flags -----------------------------------------------------------------------------------------


def test_a_photo_of_the_problem_clears_evidence_missing(cast, make_log, upload, today, api):
    log = make_log(checks={**ALL_NORMAL, "dumping": "problem"})
    assert "evidence_missing" in log.flags
    updated_before = log.updated_at

    upload(cast["patroller"], log, good_photo(today), check="dumping")

    log.refresh_from_db()
    assert "evidence_missing" not in log.flags
    assert log.updated_at > updated_before  # phones syncing by updated_since see the change
    body = api.as_user(cast["township_office"]).get(f"/api/v1/patrol-logs/{log.pk}/").json()
    assert "evidence_missing" not in body["flags"]


def test_a_photo_of_another_check_leaves_evidence_missing(cast, make_log, upload, today):
    log = make_log(checks={**ALL_NORMAL, "dumping": "problem"})

    upload(cast["patroller"], log, good_photo(today), check="signboard")

    log.refresh_from_db()
    assert "evidence_missing" in log.flags


def test_the_service_refuses_a_conflicting_uuid_without_writing(cast, make_log, today, media_root):
    first, second = make_log(), make_log()
    client_uuid = uuid.uuid4()
    photo_services.photo_add(log=first, by=cast["patroller"], client_uuid=client_uuid, data=good_photo(today))
    files = stored_files(media_root)

    with pytest.raises(IdempotencyConflict):
        photo_services.photo_add(log=second, by=cast["patroller"], client_uuid=client_uuid, data=good_photo(today))

    assert stored_files(media_root) == files


def test_the_service_lets_only_the_patroller_or_the_system_add_photos(cast, log, today):
    with pytest.raises(PermissionDenied):
        photo_services.photo_add(log=log, by=cast["township_office"], client_uuid=uuid.uuid4(), data=jpeg_bytes())

    photo, created = photo_services.photo_add(log=log, by=None, client_uuid=uuid.uuid4(), data=good_photo(today))

    assert created and photo.log == log
