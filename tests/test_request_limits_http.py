"""The request limits through a real server (gunicorn on a free loopback port, as in production with the project's
gunicorn.conf.py): what Django's test client cannot send — a chunked body, an over-long request line.

No database is needed: every request here is refused before a view runs (the server's database is an empty file
that nothing reads)."""

import http.client
import json
import os
import socket

import pytest

from tests.servers import HOST, free_port, start_gunicorn, stop, wait_until_up


def send(port: int, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


pytestmark = pytest.mark.xdist_group("gunicorn")  # one gunicorn for the module, on one xdist worker


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with the test settings, started in the project directory (so gunicorn.conf.py applies)."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{workdir / 'unused.sqlite3'}",
    }
    process = start_gunicorn(port, env, workdir / "gunicorn.log", "--workers", "1")
    try:
        wait_until_up(f"http://{HOST}:{port}/api/v1/me/", process, timeout=60)
        yield port
    finally:
        stop(process)


def raw(port: int, head: list[str], first: bytes) -> tuple[int, dict, bytes]:
    """Send a request head and only the first bytes of its body, then read the answer: a server that answers has
    refused the request without waiting for (or reading) the rest."""
    with socket.create_connection((HOST, port), timeout=30) as sock:
        sock.sendall("\r\n".join([*head, "Host: 127.0.0.1", "Connection: close", "", ""]).encode() + first)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, dict(response.getheaders()), response.read()


def errors(status_headers_body) -> list[str]:
    _status, headers, body = status_headers_body
    assert headers["Content-Type"] == "application/json", body[:300]
    assert int(headers["Content-Length"]) == len(body)
    data = json.loads(body)
    assert list(data) == ["errors"]
    return data["errors"]["non_field_errors"]


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def test_a_chunked_photo_upload_is_refused_with_411_not_read_as_an_empty_form(server):
    """A body sent chunked, without Content-Length, as a phone's HTTP library may send a file: gunicorn hands it to
    Django without a length, and Django would read an empty form ("file missing")."""
    boundary = "b0undary"
    first_part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="client_uuid"\r\n\r\n'
        "6f1c2a4e-0000-4000-8000-000000000001\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + b"\xff\xd8" * 4096
    head = [
        "POST /api/v1/patrol-logs/1/photos/ HTTP/1.1",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        "Transfer-Encoding: chunked",
        "Authorization: Token 0123abcd",
    ]

    answer = raw(server, head, chunk(first_part))

    assert answer[0] == 411
    assert errors(answer) == ["请求须注明内容长度(Content-Length)，不接受分块传输的请求内容。"]


def test_a_chunked_json_body_is_refused_with_411(server):
    body = json.dumps({"username": "patroller", "password": "x"}).encode()
    head = ["POST /api/v1/auth/token/ HTTP/1.1", "Content-Type: application/json", "Transfer-Encoding: chunked"]

    answer = raw(server, head, chunk(body) + b"0\r\n\r\n")

    assert answer[0] == 411
    assert errors(answer) == ["请求须注明内容长度(Content-Length)，不接受分块传输的请求内容。"]


def test_a_json_body_over_the_limit_is_a_413_before_it_is_read(server):
    """The head announces 2.7 MB and only the first kilobyte follows: the answer comes without waiting for the rest."""
    head = ["POST /api/v1/auth/token/ HTTP/1.1", "Content-Type: application/json", "Content-Length: 2700000"]

    answer = raw(server, head, b'{"username": "' + b"x" * 1000)

    assert answer[0] == 413
    assert errors(answer) == ["请求内容过大，不能超过2.5\xa0MB。"]


def test_a_long_query_string_gets_the_apis_414_inside_the_servers_request_line_limit(server):
    """gunicorn's default request line (4094 bytes) would answer this itself; gunicorn.conf.py leaves it to the API."""
    answer = send(server, "GET", "/api/v1/me/?q=" + "x" * 6000)

    assert answer[0] == 414
    assert errors(answer) == ["查询字符串过长，不能超过4096字节。"]


def test_a_request_line_over_the_servers_limit_is_refused_by_gunicorn_and_the_worker_lives_on(server):
    status, _headers, _body = send(server, "GET", "/api/v1/me/?q=" + "x" * 9000)

    assert status == 400  # gunicorn's own plain answer: the proxy in front should refuse earlier (README)
    assert send(server, "GET", "/api/v1/me/")[0] == 401
