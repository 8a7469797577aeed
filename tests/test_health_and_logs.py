"""`GET /healthz` for load balancers and the structured log lines with a request id (docs/deploy.md "Health and
logs"; config/health.py, config/requestlog.py)."""

import json
import logging
import re

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from config import health
from config.objectstore import s3_storage
from config.requestlog import JsonFormatter, RequestIdFilter
from tests.factories import make_user
from tests.objectstore import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY
from tests.servers import free_port

HEX32 = re.compile(r"^[0-9a-f]{32}$")


# --- /healthz -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_login_a_cookie_or_any_data():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert not response.cookies


@pytest.mark.django_db
def test_healthz_answers_a_probe_by_address_over_plain_http(settings):
    """Load balancers probe by the server's address, over HTTP: no 400 for an unknown host, no HTTPS redirect."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["river.example"]

    response = Client().get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert Client().get("/accounts/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400  # the rest is guarded


@pytest.mark.django_db
def test_healthz_refuses_anything_but_get_and_head():
    assert Client().head("/healthz").status_code == 200
    response = Client().post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(monkeypatch):
    class Down:
        def cursor(self):
            raise OperationalError("connection refused")

        def close_if_unusable_or_obsolete(self):
            pass

    monkeypatch.setattr(health, "connection", Down())

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "storage": "ok"}


@pytest.mark.django_db
def test_healthz_checks_the_object_store(object_storage, settings):
    assert Client().get("/healthz").status_code == 200  # the moto bucket answers

    server, _bucket = object_storage
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket="no-such-bucket",
            endpoint_url=server.endpoint_url,
            access_key_id=ACCESS_KEY_ID,
            secret_access_key=SECRET_ACCESS_KEY,
            region=REGION,
        ),
    }
    assert Client().get("/healthz").json() == {"status": "unavailable", "database": "ok", "storage": "unavailable"}

    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(bucket="river", endpoint_url=f"http://127.0.0.1:{free_port()}", region=REGION),
    }
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "unavailable"


@pytest.mark.django_db
def test_healthz_on_local_disk_needs_a_writable_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "not" / "yet" / "made")  # a fresh install: made on the first upload
    assert Client().get("/healthz").status_code == 200

    settings.MEDIA_ROOT = "/proc/river-media"  # /proc takes no new files, not even root's
    assert Client().get("/healthz").json()["storage"] == "unavailable"


# --- request ids --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_id_from_the_load_balancer_is_kept_and_echoed():
    response = Client().get("/accounts/login/", HTTP_X_REQUEST_ID="lb-7f3a.42:1")

    assert response["X-Request-ID"] == "lb-7f3a.42:1"


@pytest.mark.django_db
@pytest.mark.parametrize("sent", [None, "", "two words", "x" * 129, "line\nbreak", "<script>"])
def test_a_missing_or_unusable_request_id_is_replaced_by_a_new_one(sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}

    first = Client().get("/accounts/login/", **headers)["X-Request-ID"]
    second = Client().get("/accounts/login/", **headers)["X-Request-ID"]

    assert HEX32.match(first) and HEX32.match(second) and first != second


def json_lines(records) -> list[dict]:
    formatter, tag = JsonFormatter(), RequestIdFilter()
    lines = []
    for record in records:
        tag.filter(record)
        text = formatter.format(record)
        assert "\n" not in text
        lines.append(json.loads(text))
    return lines


def test_every_line_logged_during_a_request_carries_its_id_and_the_request_line_no_personal_data(places, caplog):
    user = make_user("wang_xiaoming", Role.PATROLLER, county=places["county"], township=places["township"])
    client = Client()
    client.force_login(user)
    phone, id_number = "13800000001", "410105198001010011"

    with caplog.at_level(logging.INFO):
        response = client.get(reverse("staffing-roster"), {"q": phone, "id_number": id_number})

    assert response.status_code == 403
    lines = json_lines(caplog.records)
    rid = response["X-Request-ID"]
    refused = next(line for line in lines if line["logger"] == "django.request")
    assert refused["request_id"] == rid and refused["level"] == "WARNING"
    (access,) = [line for line in lines if line["logger"] == "river.request"]
    assert access["request_id"] == rid
    assert (access["method"], access["path"], access["status"]) == ("GET", "/staffing/patrollers/", 403)
    assert access["user_id"] == user.pk
    assert isinstance(access["duration_ms"], float)
    assert {"time", "level", "message"} <= set(access)
    everything = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert phone not in everything and id_number not in everything
    assert "wang_xiaoming" not in everything


@pytest.mark.django_db
def test_health_probes_are_not_logged_when_all_is_well(caplog):
    with caplog.at_level(logging.INFO, logger="river.request"):
        Client().get("/healthz")

    assert [record for record in caplog.records if record.name == "river.request"] == []


def test_lines_outside_a_request_have_no_id_and_a_traceback_stays_on_its_line():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("river.test").makeRecord(
            "river.test", logging.ERROR, __file__, 1, "failed", (), exc_info=__import__("sys").exc_info()
        )

    (line,) = json_lines([record])

    assert line["request_id"] == "-"
    assert "RuntimeError: boom" in line["exc"]
