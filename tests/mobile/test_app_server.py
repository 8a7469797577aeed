"""The server side of the phone app (`/m/`): the shell, the service worker, the manifest, the session→token
exchange, where the login page sends people, and the rules its files follow (no inline script, no text in the
scripts, vendored libraries with their licence, the download budget)."""

import gzip
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from knox.models import AuthToken

from patrol.views import mobile
from tests.factories import CHINESE, PASSWORD

STATIC = Path(settings.BASE_DIR) / "static"
BUDGET = 150 * 1024


@pytest.mark.django_db
def test_the_shell_opens_without_signing_in_and_holds_no_personal_data(client, patroller):
    response = client.get("/m/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "巡察员登录" in page and "开始巡查" in page
    assert patroller.name not in page and patroller.phone not in page
    assert response["Cache-Control"] == "no-cache"


@pytest.mark.django_db
def test_the_shell_has_no_inline_script_no_inline_handler_and_no_style_attribute(client):
    page = client.get("/m/").content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert re.findall(r"\son[a-z]+\s*=", page) == []
    assert re.findall(r"\sstyle\s*=", page) == []
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # no CDN


@pytest.mark.django_db
def test_the_shell_carries_the_built_in_checklist_of_article_seven(client):
    page = client.get("/m/").content.decode()

    for code in ("sewage_outfall", "dumping", "reclamation", "illegal_building", "illegal_fishing"):
        assert f'data-code="{code}"' in page
    assert 'data-value="floating_debris" data-problem="1">有漂浮物' in page
    assert 'data-value="intact" data-problem="">完好' in page
    assert 'data-value="escalated">上报' in page


@pytest.mark.django_db
def test_the_shell_speaks_english_on_request(client):
    page = client.get("/m/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Start patrol" in page
    assert 'data-k="state.pending">Waiting to send' in page


@pytest.mark.django_db
def test_the_service_worker_is_served_for_the_app_scope_and_caches_every_asset(client):
    response = client.get("/m/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/m/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    assert f'var VERSION = "{mobile.version()}"' in source
    for name in mobile.ASSETS:
        assert f"/static/{name}" in source


def test_the_service_worker_sends_in_the_language_chosen_in_the_app_not_the_phones(client):
    """Background Sync sends with the language the page stored (outbox.js falls back to it), so the API's messages
    kept in the outbox read in the patroller's chosen language, not in the phone's system language."""
    source = client.get("/m/sw.js").content.decode()

    assert "navigator.language" not in source


def test_the_version_changes_when_an_asset_changes(settings, tmp_path):
    before = mobile._digest(mobile.ASSETS, "shell")

    assert mobile._digest(mobile.ASSETS, "shell") == before
    assert mobile._digest(mobile.ASSETS[:-1], "shell") != before
    assert mobile._digest(mobile.ASSETS, "another shell") != before


@pytest.mark.django_db
def test_the_manifest_makes_the_app_installable_in_portrait(client):
    response = client.get("/m/manifest.webmanifest")

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/m/", "/m/", "standalone")
    assert manifest["orientation"] == "portrait"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]


@pytest.mark.django_db
def test_a_patroller_signed_in_on_the_login_page_gets_an_api_token_for_the_phone(cast, web):
    response = web(cast["patroller"]).post("/m/token/")

    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.filter(user=cast["patroller"]).count() == 1
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["username"] == "patroller"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["township_office", "county_office", "city_office", "village_chief", "supervisor"])
def test_no_one_else_gets_a_phone_token(cast, web, role):
    response = web(cast[role]).post("/m/token/")

    assert response.status_code == 403
    assert "巡察员" in response.json()["errors"]["non_field_errors"][0]
    assert not AuthToken.objects.exists()


@pytest.mark.django_db
def test_the_token_exchange_needs_a_session_and_its_csrf_token(cast):
    assert Client().post("/m/token/").status_code in (401, 403)
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(cast["patroller"])

    assert checked.post("/m/token/").status_code == 403
    assert not AuthToken.objects.exists()


@pytest.mark.django_db
def test_the_login_page_sends_patrollers_to_the_app_and_offices_to_their_pages(cast):
    patroller = Client().post("/accounts/login/", {"username": "patroller", "password": PASSWORD})
    office = Client().post("/accounts/login/", {"username": "township_office", "password": PASSWORD})
    asked = Client().post("/accounts/login/?next=/register/", {"username": "patroller", "password": PASSWORD})

    assert patroller.status_code == 302 and patroller["Location"] == "/m/"
    assert office.status_code == 302 and office["Location"] == "/"
    assert asked["Location"] == "/register/"


def test_the_scripts_hold_no_words_of_their_own():
    """Every word the app shows comes from the page (gettext), so English reaches it through the same catalogue."""
    for path in sorted((STATIC / "mobile").glob("*.js")):
        source = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        code = re.sub(r"(?m)^\s*//.*$|\s//\s.*$", "", source)
        assert not CHINESE.search(code), path.name


def test_no_script_uses_eval_or_builds_code_from_strings():
    for path in [*(STATIC / "mobile").glob("*.js"), *(STATIC / "vendor").rglob("*.js")]:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new Function\s*\(", source), path.name


def test_vendored_libraries_carry_their_licence_and_are_pinned():
    package = json.loads((Path(settings.BASE_DIR) / "package.json").read_text())
    lock = json.loads((Path(settings.BASE_DIR) / "package-lock.json").read_text())
    for library in (STATIC / "vendor").iterdir():
        assert (library / "LICENSE").is_file(), library.name
        pinned = package["dependencies"][library.name]
        assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "pin an exact version"
        assert lock["packages"][f"node_modules/{library.name}"]["version"] == pinned
        assert (library / "VERSION").read_text().split() == [library.name, pinned]


def test_the_first_load_stays_within_150_kb_of_compressed_js_and_css():
    total = sum(
        len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9)) for name in mobile.SCRIPTS + mobile.STYLES
    )

    assert total <= BUDGET, f"{total / 1024:.1f} KB"
