"""Photos in an S3-compatible object store (config/objectstore.py, docs/deploy.md "Object storage").

Every test here runs against a real S3 API: moto in server mode on a loopback port (tests/objectstore.py), reached
over HTTP by boto3 through django-storages — the same code path as MinIO or a cloud's store in production. Each
test has a bucket of its own and looks into it with a separate S3 client.
"""

import io
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from PIL import Image
from rest_framework.test import APIClient

from patrol.models import Photo
from patrol.services import photos as photo_services
from tests.patrol.photo_images import good_photo

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def store(object_storage, media_root):
    server, bucket = object_storage
    return server, bucket


@pytest.fixture
def log(patroller, submit, log_body, cast):
    from patrol.models import PatrolLog

    response = submit(cast["patroller"], log_body())
    assert response.status_code == 201, response.json()
    return PatrolLog.objects.get(pk=response.json()["id"])


def post_photo(client: APIClient, log_id: int, data: bytes, client_uuid=None):
    body = {"client_uuid": str(client_uuid or uuid.uuid4()), "file": SimpleUploadedFile("IMG.jpg", data, "image/jpeg")}
    return client.post(f"/api/v1/patrol-logs/{log_id}/photos/", body, format="multipart")


def test_an_uploaded_photo_lands_in_the_bucket_privately_and_nowhere_on_disk(cast, log, api, today, store, media_root):
    server, bucket = store
    data = good_photo(today)

    response = post_photo(api.as_user(cast["patroller"]), log.pk, data)

    assert response.status_code == 201, response.json()
    photo = Photo.objects.get()
    assert server.keys(bucket) == sorted([photo.file.name, photo.thumbnail.name])
    assert photo.file.name.startswith("private/patrol/originals/")
    assert photo.thumbnail.name.startswith("private/patrol/thumbnails/")
    s3 = server.client()
    assert s3.get_object(Bucket=bucket, Key=photo.file.name)["Body"].read() == data  # the original, untouched
    for key in (photo.file.name, photo.thumbnail.name):
        grants = s3.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        assert {grant["Grantee"].get("URI") for grant in grants}.isdisjoint({ALL_USERS, AUTHENTICATED_USERS})
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def test_a_replay_writes_nothing_more(cast, log, api, today, store):
    server, bucket = store
    client = api.as_user(cast["patroller"])
    data, client_uuid = good_photo(today), uuid.uuid4()

    first = post_photo(client, log.pk, data, client_uuid)
    again = post_photo(client, log.pk, data, client_uuid)

    assert (first.status_code, again.status_code) == (201, 200)
    assert len(server.keys(bucket)) == 2


def test_a_request_failing_after_the_objects_were_written_leaves_no_object_and_no_row(
    cast, log, api, today, store, monkeypatch
):
    server, bucket = store
    seen_in_bucket = []

    def failing_refresh(*, log):
        seen_in_bucket.extend(server.keys(bucket))  # both objects are written by now …
        raise DatabaseError("the database went away")  # … and the transaction rolls back

    monkeypatch.setattr(photo_services, "patrol_log_refresh_flags", failing_refresh)
    client = api.as_user(cast["patroller"])
    client.raise_request_exception = False

    response = post_photo(client, log.pk, good_photo(today))

    assert response.status_code == 500
    assert len(seen_in_bucket) == 2
    assert server.keys(bucket) == []
    assert not Photo.objects.exists()


def test_a_rejected_upload_writes_nothing(cast, log, api, store):
    server, bucket = store

    response = post_photo(api.as_user(cast["patroller"]), log.pk, b"not a picture at all")

    assert response.status_code == 400
    assert server.keys(bucket) == []


def test_called_inside_a_callers_transaction_it_refuses_and_removes_its_objects(cast, log, today, store):
    """A rollback of an enclosing transaction after the service returned could not remove the objects: the service
    refuses to run inside one (its own transaction is durable)."""
    server, bucket = store

    with pytest.raises(RuntimeError), transaction.atomic():
        photo_services.photo_add(log=log, by=cast["patroller"], client_uuid=uuid.uuid4(), data=good_photo(today))

    assert server.keys(bucket) == []
    assert not Photo.objects.exists()


def test_the_thumbnail_comes_from_the_bucket_through_the_app_only_to_those_who_see_the_log(
    cast, log, api, today, store, other_patroller
):
    server, bucket = store
    url = post_photo(api.as_user(cast["patroller"]), log.pk, good_photo(today)).json()["thumbnail_url"]
    photo = Photo.objects.get()
    stored = server.client().get_object(Bucket=bucket, Key=photo.thumbnail.name)["Body"].read()

    for user in ("patroller", "township_office", "county_office", "city_office", "village_chief"):
        response = api.as_user(cast[user]).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        body = b"".join(response.streaming_content)
        assert body == stored, user
        assert Image.open(io.BytesIO(body)).format == "JPEG"
    for user in (cast["other_township_office"], cast["other_county_office"], cast["supervisor"], other_patroller.user):
        assert api.as_user(user).get(url).status_code == 404, user
    assert APIClient().get(url).status_code == 401


def test_a_thumbnail_missing_from_the_bucket_is_404_not_500(cast, log, api, today, store):
    server, bucket = store
    url = post_photo(api.as_user(cast["patroller"]), log.pk, good_photo(today)).json()["thumbnail_url"]
    server.client().delete_object(Bucket=bucket, Key=Photo.objects.get().thumbnail.name)

    assert api.as_user(cast["township_office"]).get(url).status_code == 404


# --- the other stored files: roster filings -------------------------------------------------------------------------


def test_a_roster_filing_keeps_its_workbook_in_the_bucket_and_serves_it(cast, patroller, store):
    from staffing import services as staffing_services

    server, bucket = store
    office = cast["township_office"]

    filing = staffing_services.roster_file(township=office.township, by=office)

    assert server.keys(bucket) == [filing.file.name]
    client = APIClient()
    client.force_login(office)
    download = client.get(f"/staffing/roster/filings/{filing.pk}.xlsx")
    assert download.status_code == 200
    stored = server.client().get_object(Bucket=bucket, Key=filing.file.name)["Body"].read()
    assert b"".join(download.streaming_content) == stored


def test_a_roster_filing_that_fails_to_commit_leaves_no_workbook(cast, patroller, store, monkeypatch):
    from staffing.models import RosterChange, RosterFiling
    from staffing.services import filing as filing_service

    server, bucket = store
    office = cast["township_office"]
    real_save = RosterFiling.save

    def save_then_fail(self, *args, **kwargs):
        real_save(self, *args, **kwargs)
        if kwargs.get("update_fields") == ["file"]:
            assert server.keys(bucket) == [self.file.name]  # the workbook is in the bucket by now
            raise DatabaseError("the database went away")

    monkeypatch.setattr(RosterFiling, "save", save_then_fail)

    with pytest.raises(DatabaseError):
        filing_service.roster_file(township=office.township, by=office)

    assert server.keys(bucket) == []
    assert not RosterFiling.objects.exists()
    assert not RosterChange.objects.filter(filing__isnull=False).exists()
