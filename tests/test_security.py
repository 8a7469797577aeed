"""Security headers and hygiene of every answer (issue 10 item 8; README "Security headers").

- No inline script, inline event handler or inline style in any template (the rendered pages of the demo city:
  tests/demo/test_pages.py): the Content-Security-Policy allows scripts and styles from this server's files only.
- The policy itself on pages, API answers, errors and static files.
- `Cache-Control: private, no-store` on whatever a signed-in caller gets (pages, exports, API answers).
- A refused page is one warning line in the log, without a traceback.
- `check --deploy` is clean with the production settings the README documents.
"""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from knox.models import AuthToken

from tests.inline_markup import inline_code

ROOT = Path(settings.BASE_DIR)

POLICY = settings.CONTENT_SECURITY_POLICY


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


# --- markup -------------------------------------------------------------------------------------------------------


def project_templates() -> list[Path]:
    dirs = [ROOT / "templates", *(path for path in ROOT.glob("*/templates") if ".venv" not in path.parts)]
    return sorted(path for directory in dirs for path in directory.rglob("*.html"))


def test_no_template_of_the_project_has_inline_script_handlers_or_styles():
    templates = project_templates()
    assert len(templates) > 30
    found = {str(path.relative_to(ROOT)): inline_code(path.read_text()) for path in templates}
    assert {path: code for path, code in found.items() if code} == {}


def test_the_markup_check_finds_what_the_policy_would_block():
    assert len(inline_code('<script>alert(1)</script><script src="/static/x.js"></script>')) == 1
    assert inline_code('<button onclick="go()">') and inline_code('<select name="x" onchange="f()">')
    assert inline_code('<a href="javascript:void(0)">') and inline_code('<p style="color: red">')
    assert inline_code("<style>p { color: red }</style>")
    assert not inline_code('<script id="d" type="application/json">{"a": 1}</script><p data-onclick="x">')


# --- the policy ---------------------------------------------------------------------------------------------------


def test_the_policy_lets_in_nothing_from_elsewhere_and_no_inline_script():
    """What config/settings.py's policy keeps however it is edited: everything from this server (images also from
    data: and blob: URLs), no other host, no 'unsafe-…' source, no plugins, never framed."""
    allowed = {"'self'", "'none'"}
    assert {name: sources for name, sources in POLICY.items() if not set(sources) <= allowed} == {
        "img-src": ["'self'", "data:", "blob:"]
    }
    assert POLICY["default-src"] == POLICY["script-src"] == POLICY["style-src"] == ["'self'"]
    assert POLICY["object-src"] == POLICY["frame-ancestors"] == ["'none'"]
    assert {"base-uri", "connect-src", "form-action"} <= POLICY.keys()
    # The browsable API's pages get inline styles on top, nothing else.
    assert settings.CONTENT_SECURITY_POLICY_BROWSABLE_API == {"style-src": ["'self'", "'unsafe-inline'"]}


@pytest.mark.django_db
def test_pages_errors_and_api_answers_carry_the_policy(cast, api):
    office = Client()
    office.force_login(cast["township_office"])
    answers = {
        "login page": Client().get(reverse("login")),
        "office page": office.get(reverse("home")),
        "page 404": office.get("/no-such-page/"),
        "API answer": api.as_user(cast["township_office"]).get("/api/v1/me/"),
        "API 401": Client().get("/api/v1/me/"),
        "API 404": api.as_user(cast["township_office"]).get("/api/v1/no-such-thing/"),
    }
    for what, response in answers.items():
        assert policy(response) == POLICY, what


@pytest.mark.django_db
def test_only_the_browsable_api_pages_may_use_inline_styles(cast):
    browser = Client()
    browser.force_login(cast["township_office"])

    page = browser.get("/api/v1/me/", HTTP_ACCEPT="text/html")
    data = browser.get("/api/v1/me/", HTTP_ACCEPT="application/json")

    assert page["Content-Type"].startswith("text/html")
    assert policy(page) == POLICY | settings.CONTENT_SECURITY_POLICY_BROWSABLE_API
    assert policy(data) == POLICY


@pytest.mark.django_db
def test_the_api_docs_need_no_inline_script_or_style(api):
    page = api.get("/api/v1/docs/")

    assert page.status_code == 200
    assert policy(page) == POLICY  # Swagger UI needs nothing more (checked in Chromium)
    assert inline_code(page.content.decode()) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.content.decode())
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets), assets


@pytest.mark.django_db
def test_static_files_carry_the_policy_and_keep_their_caching(cast):
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True, WHITENOISE_MAX_AGE=3600):
        client = Client()
        client.force_login(cast["township_office"])
        response = client.get("/static/js/site.js")

    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert "no-store" not in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]


# --- caching ------------------------------------------------------------------------------------------------------


def assert_not_stored(response) -> None:
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


@pytest.mark.django_db
def test_pages_exports_and_api_answers_to_a_signed_in_caller_are_never_stored(cast, places):
    office = Client()
    office.force_login(cast["township_office"])
    for path in (reverse("home"), reverse("staffing-roster"), reverse("staffing-roster-xlsx"), "/api/v1/me/"):
        response = office.get(path)
        assert response.status_code == 200, path
        assert_not_stored(response)

    _, token = AuthToken.objects.create(user=cast["township_office"])
    phone = Client(HTTP_AUTHORIZATION=f"Token {token}")
    response = phone.get("/api/v1/patrollers/")
    assert response.status_code == 200
    assert_not_stored(response)
    refused = phone.get("/api/v1/patrollers/999999/")  # an error answer to a signed-in caller, too
    assert refused.status_code == 404
    assert_not_stored(refused)


@pytest.mark.django_db
def test_answers_to_anonymous_callers_are_left_to_their_views(db):
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- logging ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_page_is_one_warning_line_without_a_traceback(cast, caplog):
    client = Client()
    client.force_login(cast["patroller"])

    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get(reverse("staffing-roster"))

    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "Forbidden (Permission denied): /staffing/patrollers/")
    ]
    assert records[0].exc_info is None
    line = logging.Formatter().format(records[0])
    assert "Traceback" not in line and "\n" not in line


def test_server_errors_keep_their_traceback():
    from config.logfilters import ClientErrorsWithoutTraceback

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), None)
        record.exc_info = sys.exc_info()
        record.status_code = 500
    assert ClientErrorsWithoutTraceback().filter(record)
    assert "Traceback" in logging.Formatter().format(record)


# --- deployment ---------------------------------------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_documented_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    env.update(
        DEBUG="0", SECRET_KEY="x" * 20 + os.urandom(24).hex(), ALLOWED_HOSTS="river.example", SECURE_SSL_REDIRECT="1"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
