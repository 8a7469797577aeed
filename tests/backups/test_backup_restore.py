"""`manage.py backup` and `manage.py restore` (issue 14): back up a township's data with logs and photos, wipe the
database and the media, restore, and find the same rows, the same photo files and the same pages. On SQLite
always; on PostgreSQL when the suite runs there (DATABASE_URL=postgres://…), through pg_dump and pg_restore."""

import hashlib
import io
import json
import re
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from backups import services
from patrol.models import PatrolLog, Photo
from tests.patrol.photo_images import jpeg_bytes, picture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def township_data(cast, patroller, submit, log_body, api, today):
    """Two logs of the home township, three photos on them; the office and the patroller have been signed in."""
    logs = []
    for days_ago in (1, 0):
        response = submit(cast["patroller"], log_body(day=today - timedelta(days=days_ago)))
        assert response.status_code == 201, response.json()
        logs.append(response.json()["id"])
    client = api.as_user(cast["patroller"])
    for seed, log_id in ((1, logs[0]), (2, logs[0]), (3, logs[1])):
        data = jpeg_bytes(picture(seed=seed))
        upload = SimpleUploadedFile(f"IMG_{seed}.jpg", data, content_type="image/jpeg")
        response = client.post(
            f"/api/v1/patrol-logs/{log_id}/photos/",
            {"client_uuid": f"00000000-0000-4000-8000-00000000000{seed}", "file": upload},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
    office = Client()
    office.force_login(cast["township_office"])
    return {"office": office, "api": client, "logs": logs}


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|csrf[-_]?token["\']?\s*[:=]\s*["\'][^"\']*["\']', re.I)


def sample_pages(office: Client, api, logs: list[int]) -> dict[str, bytes]:
    """What an office and a phone see: the review page, the roster, the log list and a log, every thumbnail."""
    pages = {}
    for url in ("/patrol/review/", "/staffing/patrollers/", "/overview/"):
        response = office.get(url)
        assert response.status_code == 200, url
        pages[url] = CSRF.sub(b"", response.content)
    for url in ("/api/v1/patrol-logs/", f"/api/v1/patrol-logs/{logs[0]}/"):
        response = api.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    for photo in Photo.objects.order_by("pk"):
        url = f"/api/v1/photos/{photo.pk}/thumbnail/"
        response = api.get(url)
        assert response.status_code == 200, url
        pages[url] = b"".join(response) if response.streaming else response.content
    return pages


def stored_originals() -> dict[str, str]:
    return {
        photo.file.name: hashlib.sha256(default_storage.open(photo.file.name).read()).hexdigest()
        for photo in Photo.objects.all()
    }


def wipe(media_root: Path) -> None:
    call_command("flush", "--noinput", verbosity=0)
    for name in list(services.walk(default_storage)):
        default_storage.delete(name)
    assert not PatrolLog.objects.exists()
    assert not list(services.walk(default_storage))


def test_a_backup_restores_rows_photos_and_pages_after_a_wipe(township_data, tmp_path, media_root):
    before_pages = sample_pages(township_data["office"], township_data["api"], township_data["logs"])
    before_counts = services.live_counts()
    before_files = stored_originals()
    assert len(before_files) == 3

    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    [backup] = list((tmp_path / "backups").iterdir())
    assert re.fullmatch(r"river-backup-\d{8}T\d{6}Z", backup.name)
    assert backup.stat().st_mode & 0o077 == 0  # personal data: the service's user only
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"] == before_counts
    assert manifest["tables"]["patrol_photo"] == 3 and manifest["tables"]["patrol_patrollog"] == 2
    # Every photo with the checksum of its stored original, which is the hash recorded at upload.
    assert {p["file"]: p["file_sha256"] for p in manifest["photos"]} == before_files
    assert all(p["intact"] and p["thumbnail_sha256"] for p in manifest["photos"])

    wipe(media_root)
    out = io.StringIO()
    call_command("restore", str(backup), stdout=out)

    assert "核对无误" in out.getvalue()
    assert services.live_counts() == before_counts
    assert stored_originals() == before_files
    # The same sessions and tokens came back: the same people see the same pages.
    assert sample_pages(township_data["office"], township_data["api"], township_data["logs"]) == before_pages


def test_restore_refuses_a_database_with_data_unless_forced(township_data, tmp_path, media_root):
    call_command("backup", "--output", str(tmp_path), "--archive", stdout=io.StringIO())
    [archive] = list(tmp_path.glob("river-backup-*.tar"))
    assert tarfile.is_tarfile(archive)
    counts = services.live_counts()
    photo = Photo.objects.first()
    PatrolLog.objects.filter(pk=township_data["logs"][1]).delete()  # a mistake made after the backup
    default_storage.delete(photo.file.name)

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert PatrolLog.objects.count() == 1  # nothing touched

    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert services.live_counts() == counts
    assert PatrolLog.objects.count() == 2
    assert default_storage.exists(photo.file.name)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("river-restore-")]  # unpacked copy removed


def test_restore_refuses_a_damaged_backup(township_data, tmp_path, media_root):
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=io.StringIO())
    [backup] = list((tmp_path / "backups").iterdir())
    name = Photo.objects.first().file.name
    damaged = backup / "media" / "default" / name
    damaged.write_bytes(damaged.read_bytes()[:-10])
    wipe(media_root)

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(backup), stdout=io.StringIO())


def test_keep_leaves_only_the_newest_backups(township_data, tmp_path):
    for _ in range(3):
        call_command("backup", "--output", str(tmp_path / "b"), "--keep", "2", "--no-media", stdout=io.StringIO())
    backups = sorted((tmp_path / "b").iterdir())
    assert len(backups) == 2
    manifest = json.loads((backups[-1] / "manifest.json").read_text())
    assert manifest["media"] == "listed" and not (backups[-1] / "media").exists()
    assert len(manifest["files"]) == 6  # three originals and three thumbnails, listed with their checksums


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump's version matters on PostgreSQL only")
def test_backup_refuses_a_pg_dump_older_than_the_server(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "tool_version", lambda tool: (9, "9.6"))

    with pytest.raises(CommandError, match="older than the server"):
        call_command("backup", "--output", str(tmp_path / "b"), stdout=io.StringIO())
    assert not list((tmp_path / "b").iterdir())  # nothing half-written left behind
