"""Requests over the service's limits (config/limits.py) are refused before they are read, each with its status in
the API error shape (API.md: 413 for a body too large): bodies over DATA_UPLOAD_MAX_MEMORY_SIZE or UPLOAD_MAX_BYTES,
too many fields or files, a query string over QUERY_STRING_MAX_BYTES, a body without a length, a malformed length.
What only a real server shows (a chunked upload, the request line) is in test_request_limits_http.py."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def errors(response) -> list[str]:
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    assert list(body) == ["errors"]
    return body["errors"]["non_field_errors"]


def test_a_json_body_over_the_limit_is_a_413_in_the_error_shape(settings, cast):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "patroller", "password": PASSWORD, "padding": "x" * 1000})

    response = APIClient().post(TOKEN_URL, body, content_type="application/json")

    assert response.status_code == 413
    assert errors(response) == ["请求内容过大，不能超过1000\xa0字节。"]


def test_a_json_body_at_the_limit_is_read(settings, cast):
    body = json.dumps({"username": "patroller", "password": PASSWORD})
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(body.encode())

    response = APIClient().post(TOKEN_URL, body, content_type="application/json")

    assert response.status_code == 200


def test_the_message_is_in_the_callers_language(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10

    response = APIClient().post(
        TOKEN_URL, '{"username": "someone"}', content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 413
    assert errors(response) == ["The request is too large: at most 10\xa0bytes."]


def test_a_multipart_body_over_the_upload_limit_is_a_413_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    upload = SimpleUploadedFile("big.jpg", b"\xff" * 20_000, content_type="image/jpeg")

    response = APIClient().post(TOKEN_URL, {"username": "a", "password": "b", "file": upload}, format="multipart")

    assert response.status_code == 413
    assert errors(response) == ["请求内容过大，不能超过9.8\xa0KB。"]


def test_a_page_form_over_the_limit_is_a_413_too(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = Client().post("/accounts/login/", {"username": "a", "password": "x" * 200})

    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_too_many_form_fields_is_a_400_in_the_error_shape():
    fields = "&".join(f"f{n}=1" for n in range(1001))

    response = APIClient().post(TOKEN_URL, fields, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert errors(response) == ["请求中的字段过多，不能超过1000个。"]


def test_too_many_files_is_a_400_in_the_error_shape():
    files = {f"file{n}": SimpleUploadedFile(f"{n}.jpg", b"x", content_type="image/jpeg") for n in range(11)}

    response = APIClient().post(TOKEN_URL, {"username": "a", "password": "b", **files}, format="multipart")

    assert response.status_code == 400
    assert errors(response) == ["请求中的文件过多，不能超过10个。"]


def test_too_many_query_fields_is_a_400_in_the_error_shape(api, cast):
    client = api.as_user(cast["township_office"])

    response = client.get("/api/v1/segments/?" + "&".join(["a=1"] * 1001))

    assert response.status_code == 400
    assert errors(response) == ["请求中的字段过多，不能超过1000个。"]


def test_a_query_string_over_the_limit_is_a_414_in_the_error_shape(api, cast, settings):
    client = api.as_user(cast["township_office"])

    assert client.get("/api/v1/segments/?search=" + "x" * (settings.QUERY_STRING_MAX_BYTES - 7)).status_code == 200
    response = client.get("/api/v1/segments/?search=" + "x" * (settings.QUERY_STRING_MAX_BYTES - 6))

    assert response.status_code == 414
    assert errors(response) == ["查询字符串过长，不能超过4096字节。"]


def test_a_body_without_a_length_is_refused_with_411_not_read_as_empty():
    """What a chunked upload looks like to Django: Transfer-Encoding and no Content-Length (WSGI gives no length,
    and Django would read no body at all)."""
    response = APIClient().post(
        TOKEN_URL, "", content_type="application/json", CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked"
    )

    assert response.status_code == 411
    assert errors(response) == ["请求须注明内容长度(Content-Length)，不接受分块传输的请求内容。"]


def test_a_malformed_content_length_is_a_400_not_an_empty_body():
    response = APIClient().post(TOKEN_URL, '{"username": "a"}', content_type="application/json", CONTENT_LENGTH="12x")

    assert response.status_code == 400
    assert errors(response) == ["请求头 Content-Length 无效。"]


def test_a_bad_host_on_an_api_path_is_a_400_in_the_error_shape():
    """Django's SuspiciousOperation outside DRF (here the Host header) reaches handler400."""
    response = APIClient().get("/api/v1/me/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert errors(response) == ["请求无效。"]
