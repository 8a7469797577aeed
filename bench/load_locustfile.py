"""The users of bench/load.py, run by locust (headless, started by bench/load.py; not meant to be run alone).

Everything comes from the environment bench/load.py sets: the loopback ports of the app servers (each request goes
to the next one in turn), the phones' tokens and segments, the office's session, the prepared bodies (a directory
of files) and the bounds (LOAD_MAX_REQUESTS: the run stops after that many requests, besides locust's --run-time).

User classes (bench/load.py picks them by name):
- PhoneLogs: log submissions only (CPU per log);
- PhonePhotosPhone, PhonePhotosFull: photo uploads only, at phone size (1600×1200) and at full size (4000×3000);
- Phone: the phone mix — a patrol (a log with its 1 Hz track, then two photos, mostly phone size) or a sync;
- Office: the office mix — the township's review page, the assessment sheet, the overview and the exports.
"""

import itertools
import json
import os
import random
import secrets
import uuid
from pathlib import Path

from locust import FastHttpUser, constant, events, task

HOST = "127.0.0.1"
PORTS = [int(port) for port in os.environ["LOAD_PORTS"].split(",")]
PHONES = json.loads(os.environ["LOAD_PHONES"])  # [{"token", "segment", "log"}, …]
OFFICE_SESSION = os.environ["LOAD_OFFICE_SESSION"]
DATA = Path(os.environ["LOAD_DATA"])
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "100000"))
FULL_SHARE = float(os.environ.get("LOAD_FULL_SHARE", "0.2"))  # of the phone mix's photos sent at full size
# bench/load.py --tiny: every user first does each of its tasks once, so that a two-second run covers them all.
TINY = os.environ.get("LOAD_TINY") == "1"
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
SEGMENT_PLACEHOLDER = '"segment": 0,'

_ports = itertools.cycle(PORTS)
_phones = itertools.cycle(PHONES)
_sent = 0

LOG_TEMPLATE = (DATA / "log.json").read_text()
PHOTOS = {size: [p.read_bytes() for p in sorted(DATA.glob(f"{size}-*.jpg"))] for size in ("phone", "full")}


def url(path: str) -> str:
    """Round robin over the app servers, as a load balancer would."""
    return f"http://{HOST}:{next(_ports)}{path}"


_environment = None


@events.init.add_listener
def _keep(environment, **_kwargs) -> None:
    global _environment
    _environment = environment


@events.request.add_listener
def _count(**_kwargs) -> None:
    """The bound besides the clock: stop after MAX_REQUESTS requests."""
    global _sent
    _sent += 1
    if _sent == MAX_REQUESTS and _environment is not None and _environment.runner is not None:
        _environment.runner.quit()


def multipart(data: bytes) -> tuple[bytes, str]:
    boundary = "load" + secrets.token_hex(8)
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="client_uuid"\r\n\r\n{uuid.uuid4()}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="IMG.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode(),
            data,
            secrets.token_bytes(16),  # after the end of the JPEG: a new file each time (SHA-256), the same picture
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    return body, f"multipart/form-data; boundary={boundary}"


class _PhoneBase(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    host = f"http://{HOST}:{PORTS[0]}"

    def on_start(self) -> None:
        self.phone = next(_phones)
        self.auth = {"Authorization": f"Token {self.phone['token']}", "Accept": "application/json"}
        self.log_body = LOG_TEMPLATE.replace(SEGMENT_PLACEHOLDER, f'"segment": {self.phone["segment"]},', 1)

    def submit_log(self) -> int | None:
        body = self.log_body.replace(PLACEHOLDER, str(uuid.uuid4()), 1).encode()
        headers = {**self.auth, "Content-Type": "application/json"}
        with self.client.post(url("/api/v1/patrol-logs/"), data=body, headers=headers, name="POST log (1 Hz track)",
                              catch_response=True) as response:  # fmt: skip
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return response.json()["id"]

    def upload(self, log_id: int, size: str) -> None:
        body, content_type = multipart(random.choice(PHOTOS[size]))
        headers = {**self.auth, "Content-Type": content_type}
        with self.client.post(url(f"/api/v1/patrol-logs/{log_id}/photos/"), data=body, headers=headers,
                              name=f"POST photo ({size} size)", catch_response=True) as response:  # fmt: skip
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    def sync(self) -> None:
        for path, name in (
            ("/api/v1/patrol-logs/?updated_since=2000-01-01T00:00:00%2B08:00&page_size=50", "GET sync logs"),
            ("/api/v1/problem-reports/?updated_since=2000-01-01T00:00:00%2B08:00&page_size=50", "GET sync problems"),
            ("/api/v1/checklist/", "GET checklist"),
        ):
            self.client.get(url(path), headers=self.auth, name=name)


class PhoneLogs(_PhoneBase):
    @task
    def log(self) -> None:
        self.submit_log()


class PhonePhotosPhone(_PhoneBase):
    @task
    def photo(self) -> None:
        self.upload(self.phone["log"], "phone")


class PhonePhotosFull(_PhoneBase):
    @task
    def photo(self) -> None:
        self.upload(self.phone["log"], "full")


class Phone(_PhoneBase):
    weight = 4

    def on_start(self) -> None:
        super().on_start()
        if TINY:
            self.patrol()
            self.sync_lists()

    @task(4)
    def patrol(self) -> None:
        log_id = self.submit_log()
        if log_id is not None:
            for _ in range(2):
                self.upload(log_id, "full" if random.random() < FULL_SHARE else "phone")

    @task(1)
    def sync_lists(self) -> None:
        self.sync()


class Office(FastHttpUser):
    weight = 1
    wait_time = constant(0)
    host = f"http://{HOST}:{PORTS[0]}"

    def on_start(self) -> None:
        self.headers = {"Cookie": f"sessionid={OFFICE_SESSION}"}
        if TINY:
            self.review()
            self.sheet()
            self.overview()
            self.exports()

    def page(self, path: str, name: str) -> None:
        with self.client.get(url(path), headers=self.headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")

    @task(3)
    def review(self) -> None:
        self.page("/patrol/review/", "page review")

    @task(2)
    def sheet(self) -> None:
        self.page("/assessments/sheet/", "page sheet")

    @task(2)
    def overview(self) -> None:
        self.page("/overview/", "page overview")

    @task(1)
    def exports(self) -> None:
        self.page("/patrol/review.xlsx", "export review.xlsx")
        self.page("/staffing/patrollers.xlsx", "export patrollers.xlsx")
