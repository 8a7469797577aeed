"""Two app servers, one database, one object store: nothing one server keeps is needed by the other
(docs/deploy.md "Several app servers").

The test starts two gunicorn servers (gunicorn.conf.py) on two loopback ports, each with its own empty MEDIA_ROOT
and temporary folder, over one database — a fresh PostgreSQL database beside DATABASE_URL's when that names
PostgreSQL, else one SQLite file (WAL, BEGIN IMMEDIATE: several processes share it on one machine) — and one
bucket of a moto S3 server. A phone's log goes to one server and its photo to the other; the same client_uuid goes
to both at once (one row); a token from a login on one works on the other, and so do a web session and its CSRF
token; failed logins on both count towards one lockout; everything reads back the same from either.

Marked `servers` (about a minute: migrations and two server start-ups); `-m "not servers"` leaves it out.
"""

import io
import json
import os
import random
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image

from tests.servers import HOST, ROOT, free_port, fresh_database, server_environment, start_gunicorn, stop, wait_until_up

PASSWORD = "two servers, one truth"

pytestmark = [pytest.mark.servers, pytest.mark.slow]


def setup_world() -> None:
    """Run in a child process against the shared database: migrate, then a patroller on duty (with a login), a
    township office login and a login to be locked out; prints the log body of yesterday's patrol as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import Role, User
    from tests.patrol.concurrency import _world

    call_command("migrate", verbosity=0)
    _token, body = _world()
    for user in User.objects.filter(username__in=["patroller", "office"]):
        user.set_password(PASSWORD)
        user.save()
    locked = User(username="forgetful", role=Role.CITY_OFFICE, display_name="forgetful")
    locked.set_password(PASSWORD)
    locked.save()
    print(json.dumps({"body": body}))


def start_server(env: dict, folder: Path, name: str) -> tuple[str, subprocess.Popen]:
    """gunicorn with one worker, its own empty MEDIA_ROOT and temporary folder; its base URL and process."""
    media, tmp = folder / f"media-{name}", folder / f"tmp-{name}"
    media.mkdir()
    tmp.mkdir()
    port = free_port()
    env = {**env, "MEDIA_ROOT": str(media), "TMPDIR": str(tmp)}
    server = start_gunicorn(port, env, folder / f"server-{name}.log", "--workers", "1", "--timeout", "60")
    return f"http://{HOST}:{port}", server


def at_once(*calls) -> list:
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call) -> None:
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def token_header(token: str) -> dict:
    return {"Authorization": f"Token {token}"}


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_two_app_servers_over_one_database_and_one_object_store(tmp_path, moto_server):
    from tests.patrol.photo_images import jpeg_bytes

    bucket = moto_server.new_bucket()
    servers: list[subprocess.Popen] = []
    with fresh_database(os.environ.get("DATABASE_URL"), tmp_path, "two_servers") as database_url:
        env = {
            **server_environment(database_url, tmp_path, "tests.servers_settings"),
            **moto_server.environment(bucket),
        }
        made = subprocess.run(
            [sys.executable, "-c", "from tests.test_two_servers import setup_world; setup_world()"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        body = json.loads(made.stdout.strip().splitlines()[-1])["body"]
        try:
            bases = []
            for name in ("a", "b"):
                base, server = start_server(env, tmp_path, name)
                bases.append(base)
                servers.append(server)
            for base, server in zip(bases, servers, strict=True):
                wait_until_up(f"{base}/healthz", server)
            a, b = bases
            check_both_servers(a, b, body, jpeg_bytes(), moto_server, bucket)
        finally:
            stop(*servers)
    # Nothing was kept on either server's disk: the photo went to the bucket, temporary files went away.
    for name in ("a", "b"):
        assert files_under(tmp_path / f"media-{name}") == [], name
        assert files_under(tmp_path / f"tmp-{name}") == [], name


def check_both_servers(a: str, b: str, body: dict, photo: bytes, store, bucket: str) -> None:
    # A login on A gives a token that B accepts.
    login = requests.post(f"{a}/api/v1/auth/token/", json={"username": "patroller", "password": PASSWORD}, timeout=30)
    assert login.status_code == 200, login.text
    auth = token_header(login.json()["token"])
    me = requests.get(f"{b}/api/v1/me/", headers=auth, timeout=30)
    assert me.status_code == 200 and me.json()["username"] == "patroller"

    # The same log to both at once: one row, one 201 and one replay.
    answers = at_once(
        lambda: requests.post(f"{a}/api/v1/patrol-logs/", json=body, headers=auth, timeout=60),
        lambda: requests.post(f"{b}/api/v1/patrol-logs/", json=body, headers=auth, timeout=60),
    )
    assert sorted(answer.status_code for answer in answers) == [200, 201], [answer.text for answer in answers]
    log_id = answers[0].json()["id"]
    assert answers[1].json()["id"] == log_id

    # Its photo to B (the log went to A first, or to both), and the same photo to both at once again.
    photo_uuid = str(uuid.uuid4())

    def upload(base: str):
        return requests.post(
            f"{base}/api/v1/patrol-logs/{log_id}/photos/",
            data={"client_uuid": photo_uuid},
            files={"file": ("IMG_0001.jpg", photo, "image/jpeg")},
            headers=auth,
            timeout=60,
        )

    first = upload(b)
    assert first.status_code == 201, first.text
    again = at_once(lambda: upload(a), lambda: upload(b))
    assert [answer.status_code for answer in again] == [200, 200]
    assert {answer.json()["id"] for answer in again} == {first.json()["id"]}
    assert len(store.keys(bucket)) == 2  # one original, one thumbnail: no orphan from the racing retries

    # A full-size photo (over FILE_UPLOAD_MAX_MEMORY_SIZE: spooled to a temporary file while its request runs) to A.
    noise = random.Random(7).randbytes(1800 * 1400 * 3)
    large = io.BytesIO()
    Image.frombytes("RGB", (1800, 1400), noise).save(large, "JPEG", quality=95)
    assert large.tell() > 2_621_440
    big = requests.post(
        f"{a}/api/v1/patrol-logs/{log_id}/photos/",
        data={"client_uuid": str(uuid.uuid4())},
        files={"file": ("IMG_0002.jpg", large.getvalue(), "image/jpeg")},
        headers=auth,
        timeout=120,
    )
    assert big.status_code == 201, big.text
    assert len(store.keys(bucket)) == 4

    # Everything reads back the same from either server.
    def read(base: str, path: str) -> dict:
        answer = requests.get(f"{base}{path}", headers=auth, timeout=30)
        assert answer.status_code == 200, (base, path, answer.text)
        return json.loads(answer.text.replace(base, "SERVER"))  # links name the server asked

    logs = [read(base, f"/api/v1/patrol-logs/{log_id}/") for base in (a, b)]
    assert logs[0] == logs[1]
    assert [item["id"] for item in logs[0]["photos"]] == [first.json()["id"], big.json()["id"]]
    listed = [read(base, "/api/v1/patrol-logs/") for base in (a, b)]
    assert listed[0] == listed[1] and [row["id"] for row in listed[0]["results"]] == [log_id]
    thumbnail = first.json()["thumbnail_url"]
    path = urlsplit(thumbnail).path
    thumbs = [requests.get(f"{base}{path}", headers=auth, timeout=30) for base in (a, b)]
    assert [answer.status_code for answer in thumbs] == [200, 200]
    assert thumbs[0].content == thumbs[1].content and thumbs[0].headers["Content-Type"] == "image/jpeg"

    # A web session and its CSRF token from A work on B (sessions in the database, one SECRET_KEY).
    browser = requests.Session()
    page = browser.get(f"{a}/accounts/login/", timeout=30)
    assert page.status_code == 200
    signed_in = browser.post(
        f"{b}/accounts/login/",
        data={"username": "office", "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    assert browser.get(f"{a}/", allow_redirects=False, timeout=30).status_code == 200
    assert requests.get(f"{a}/", allow_redirects=False, timeout=30).status_code == 302  # without the session

    # Failed logins on both servers count towards one lockout (django-axes in the database).
    for attempt in range(5):
        base = (a, b)[attempt % 2]
        wrong = requests.post(
            f"{base}/api/v1/auth/token/", json={"username": "forgetful", "password": "wrong"}, timeout=30
        )
        assert wrong.status_code in (400, 429)
    right = [
        requests.post(f"{base}/api/v1/auth/token/", json={"username": "forgetful", "password": PASSWORD}, timeout=30)
        for base in (a, b)
    ]
    assert [answer.status_code for answer in right] == [429, 429]

    # Request ids are each server's own, echoed back.
    assert requests.get(f"{b}/healthz", headers={"X-Request-ID": "probe-1"}, timeout=30).headers["X-Request-ID"] == (
        "probe-1"
    )


if __name__ == "__main__":
    setup_world()
