"""Eight phones' worth of retries of ONE photo at the same moment: one row, one pair of files, one 201.

On SQLite the race runs in a child process on a database file (the suite's in-memory SQLite cannot show real
locking; see tests/patrol/concurrency.py), started as `python -m tests.patrol.test_photo_concurrency`.
On PostgreSQL it runs in-process.
"""

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def fire_photos(*, token: str, log_id: int, data: bytes, count: int = 8) -> list[int]:
    """POST the same photo (same client_uuid) `count` times at once, each thread with its own connection."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    from tests.factories import run_together

    client_uuid = str(uuid.uuid4())

    def one(_: int) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        body = {"client_uuid": client_uuid, "file": SimpleUploadedFile("IMG.jpg", data, "image/jpeg")}
        return client.post(f"/api/v1/patrol-logs/{log_id}/photos/", body, format="multipart").status_code

    return sorted(run_together(one, count))


def _log_for(token: str, body: dict) -> int:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/patrol-logs/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _private_files() -> int:
    private = Path(settings.MEDIA_ROOT) / "private"
    return sum(1 for path in private.rglob("*") if path.is_file()) if private.exists() else 0


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from patrol.models import Photo
    from tests.patrol.concurrency import _world
    from tests.patrol.photo_images import jpeg_bytes

    call_command("migrate", verbosity=0)
    token, body = _world()
    statuses = fire_photos(token=token, log_id=_log_for(token, body), data=jpeg_bytes())
    print(json.dumps({"statuses": statuses, "rows": Photo.objects.count(), "files": _private_files()}))


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"), reason="the SQLite case runs on SQLite"
)
def test_eight_concurrent_uploads_of_one_photo_store_it_once_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'photos.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",  # its MEDIA_ROOT is a fresh temporary folder
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.patrol.test_photo_concurrency"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"statuses": [200] * 7 + [201], "rows": 1, "files": 2}


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_uploads_of_one_photo_store_it_once_on_postgresql(
    cast, patroller, log_body, today, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…); SQLite is covered by the test above")
    from knox.models import AuthToken

    from patrol.models import Photo
    from tests.patrol.photo_images import jpeg_bytes

    settings.MEDIA_ROOT = str(tmp_path / "media")
    _, token = AuthToken.objects.create(user=cast["patroller"])
    # Yesterday's patrol: the threads run on the real clock, and yesterday's is over at any hour.
    log_id = _log_for(token, log_body(day=today - timedelta(days=1)))

    statuses = fire_photos(token=token, log_id=log_id, data=jpeg_bytes())

    assert statuses == [200] * 7 + [201]
    assert Photo.objects.count() == 1
    assert _private_files() == 2


if __name__ == "__main__":
    main()
