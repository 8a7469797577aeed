"""A real S3 API on loopback for the tests: moto in server mode (requirements-dev.txt), spoken to over HTTP by
boto3 exactly as a production object store (MinIO, Ceph, a cloud's OSS) would be — not a mock of the storage.

`MotoServer.start()` runs `python -m moto.server` on a free loopback port and waits until it answers; with
OBJECT_STORAGE_TEST_ENDPOINT_URL set (e.g. by CI, which may start one server for the whole run), that server is
used instead and nothing is started. Each test gets a bucket of its own (`new_bucket`), so tests never see each
other's objects.
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

from tests.servers import free_port

ACCESS_KEY_ID = "testing"
SECRET_ACCESS_KEY = "testing"  # moto accepts any key
REGION = "us-east-1"


class MotoServer:
    def __init__(self, endpoint_url: str, process: subprocess.Popen | None = None):
        self.endpoint_url = endpoint_url
        self.process = process

    @classmethod
    def start(cls, timeout: float = 30) -> "MotoServer":
        given = os.environ.get("OBJECT_STORAGE_TEST_ENDPOINT_URL")
        if given:
            return cls(given.rstrip("/"))
        port = free_port()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = cls(f"http://127.0.0.1:{port}", process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"moto server stopped on start (exit {process.returncode})")
            try:
                with urllib.request.urlopen(f"{server.endpoint_url}/moto-api/", timeout=2):  # noqa: S310
                    return server
            except urllib.error.HTTPError:
                return server  # it answers
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        server.stop()
        raise RuntimeError(f"moto server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
            region_name=REGION,
        )

    def new_bucket(self) -> str:
        name = f"river-test-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def environment(self, bucket: str) -> dict[str, str]:
        """The settings' environment variables that put the app's files in `bucket` (docs/deploy.md)."""
        return {
            "OBJECT_STORAGE_BUCKET": bucket,
            "OBJECT_STORAGE_ENDPOINT_URL": self.endpoint_url,
            "OBJECT_STORAGE_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "OBJECT_STORAGE_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "OBJECT_STORAGE_REGION": REGION,
        }
