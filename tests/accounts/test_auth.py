from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
COOLOFF_MINUTES = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
LOCKED = f"登录失败次数过多，该账号在此地址已被锁定，请{COOLOFF_MINUTES}分钟后再试。"


def log_in(client, username, password=PASSWORD, ip="127.0.0.1"):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=ip)


def test_token_login_then_me_then_logout_revokes_the_token(api, cast):
    response = api.post("/api/v1/auth/token/", {"username": "township_office", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "township_office"
    assert body["role"] == "township_office"
    assert body["scope"]["township"] == cast["township_office"].township_id
    assert body["patroller"] is None

    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


def test_me_names_the_callers_role_and_place(api, cast, places):
    body = api.as_user(cast["village_chief"]).get("/api/v1/me/").json()

    assert body == {
        "username": "village_chief",
        "role": "village_chief",
        "display_name": "village_chief",
        "patroller": None,
        "scope": {"county": places["county"].pk, "township": places["township"].pk, "village": places["village"].pk},
    }


def test_a_token_lasts_thirty_days_and_is_stored_only_hashed(api, cast):
    response = log_in(api, "township_office")

    body = response.json()
    assert set(body) == {"token", "expiry"}
    stored = AuthToken.objects.get(user=cast["township_office"])
    assert body["token"] not in (stored.digest, stored.token_key)
    expiry = stored.expiry - timezone.now()
    assert timedelta(days=29, hours=23) < expiry <= timedelta(days=30)


def test_each_device_has_its_own_token_and_logout_revokes_only_that_one(cast):
    phone, tablet = APIClient(), APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Token {log_in(phone, 'patroller').json()['token']}")
    tablet.credentials(HTTP_AUTHORIZATION=f"Token {log_in(tablet, 'patroller').json()['token']}")

    assert phone.post("/api/v1/auth/logout/").status_code == 204

    assert phone.get("/api/v1/me/").status_code == 401
    assert tablet.get("/api/v1/me/").status_code == 200


def test_a_token_in_use_is_extended_but_an_expired_one_is_refused(api, cast):
    token = log_in(api, "county_office").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    stored = AuthToken.objects.get(user=cast["county_office"])

    stored.expiry = timezone.now() + timedelta(days=1)
    stored.save()
    assert api.get("/api/v1/me/").status_code == 200
    stored.refresh_from_db()
    assert stored.expiry > timezone.now() + timedelta(days=29)

    stored.expiry = timezone.now() - timedelta(seconds=1)
    stored.save()
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"errors": {"non_field_errors": ["令牌无效或已过期，请重新登录。"]}}
    assert not AuthToken.objects.filter(pk=stored.pk).exists()


def test_wrong_password_is_a_chinese_400(api, cast):
    response = api.post("/api/v1/auth/token/", {"username": "township_office", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"non_field_errors": ["用户名或密码不正确。"]}}


def test_missing_fields_are_a_400_per_field(api):
    response = api.post(TOKEN_URL, {"username": "x"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]


def test_a_deactivated_user_can_neither_log_in_nor_use_an_old_token(api, cast):
    user = cast["township_office"]
    client = api.as_user(user)
    user.is_active = False
    user.save()

    assert client.get("/api/v1/me/").status_code == 401
    assert log_in(APIClient(), "township_office").status_code == 400


def test_unauthenticated_call_is_401_in_the_error_shape(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert "non_field_errors" in response.json()["errors"]


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token 0123456789abcdef0123456789abcdef",
        "Token \xff\xfe\xfd",  # Latin-1 bytes that are not UTF-8
        "Token 0123456789abcde\x00",
        "Token ../../etc/passwd",
    ],
)
def test_a_malformed_or_unknown_token_is_a_401_never_a_500(api, header):
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert list(response.json()) == ["errors"]


def test_the_token_endpoint_needs_no_csrf_token(cast):
    phone = APIClient(enforce_csrf_checks=True)

    assert log_in(phone, "patroller").status_code == 200


def test_the_api_accepts_a_browser_session_and_checks_its_csrf_token(cast):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(cast["township_office"])

    assert browser.get("/api/v1/me/").json()["username"] == "township_office"
    refused = browser.post("/api/v1/auth/logout/")
    assert refused.status_code == 403
    assert list(refused.json()) == ["errors"]

    browser.get("/api/v1/docs/")  # the docs page's "Try it out" sends the CSRF token like this
    browser.get("/api/v1/docs/?script=")  # (the page's script, which carries the token)
    csrf = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert browser.post("/api/v1/auth/logout/", HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert browser.get("/api/v1/me/").status_code == 401


# --- brute force: django-axes locks a username from one address, never an address or a username alone ---


def fail_until_locked(client, username: str, ip: str = "127.0.0.1") -> list[int]:
    return [log_in(client, username, "wrong", ip=ip).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]


def test_the_failure_that_reaches_the_limit_locks_the_username_at_that_address_with_a_chinese_429(api, cast):
    statuses = fail_until_locked(api, "township_office")

    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = log_in(api, "township_office")  # even the right password now
    assert response.status_code == 429
    assert response.json() == {"errors": {"non_field_errors": [LOCKED]}}
    assert not AuthToken.objects.filter(user=cast["township_office"]).exists()


def test_a_lockout_does_not_stop_another_user_at_the_same_address(api, cast):
    fail_until_locked(api, "township_office")

    assert log_in(api, "county_office").status_code == 200


def test_a_lockout_does_not_stop_the_same_user_at_another_address(api, cast):
    fail_until_locked(api, "township_office", ip="10.0.0.1")

    assert log_in(api, "township_office", ip="10.0.0.2").status_code == 200
    assert log_in(api, "township_office", ip="10.0.0.1").status_code == 429


def test_a_successful_login_clears_the_failures_before_the_limit(api, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(api, "township_office", "wrong").status_code == 400
    assert log_in(api, "township_office").status_code == 200

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(api, "township_office", "wrong").status_code == 400
    assert log_in(api, "township_office").status_code == 200


def test_failed_attempts_are_recorded_without_the_password(api, cast):
    api.post(TOKEN_URL, {"username": "township_office", "password": "s3cret-guess"}, REMOTE_ADDR="10.9.9.9")

    attempt = AccessAttempt.objects.get(username="township_office", ip_address="10.9.9.9")
    assert attempt.failures_since_start == 1
    assert "s3cret-guess" not in attempt.post_data


def test_the_login_page_locks_out_the_same_way_and_says_so_in_chinese(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "township_office", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "township_office", "password": PASSWORD})

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
