"""Password hashing under the production hashers (config/settings.py; the suite itself hashes with MD5 for speed):
Argon2id at OWASP's parameters for every new password, and the PBKDF2 hashes stored before verify and are rewritten
as Argon2 at their owner's next login — without signing any of their devices out."""

import pytest
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import TokenRevocation
from config import settings as production
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_hashers(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def pbkdf2(user) -> str:
    """Store `user`'s password as the service did before: PBKDF2-SHA256 (few rounds, to keep the test quick)."""
    hasher = get_hasher("pbkdf2_sha256")
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user.password


def test_a_new_password_is_hashed_with_argon2id_at_owasps_parameters(cast):
    user = cast["patroller"]

    user.set_password(PASSWORD)

    summary = identify_hasher(user.password).safe_summary(user.password)
    assert (summary["algorithm"], summary["variety"]) == ("argon2", "argon2id")
    assert (summary["memory cost"], summary["time cost"], summary["parallelism"]) == (19 * 1024, 2, 1)
    assert user.check_password(PASSWORD)


def test_a_pbkdf2_hash_still_logs_in_by_token_and_is_upgraded_to_argon2(cast):
    user = cast["patroller"]
    old = pbkdf2(user)

    response = APIClient().post("/api/v1/auth/token/", {"username": "patroller", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password != old
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(PASSWORD)


def test_a_pbkdf2_hash_still_logs_in_on_the_page_and_is_upgraded_to_argon2(cast):
    user = cast["county_office"]
    pbkdf2(user)

    response = Client().post("/accounts/login/", {"username": "county_office", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_a_wrong_password_leaves_the_pbkdf2_hash_as_it_was(cast):
    user = cast["patroller"]
    old = pbkdf2(user)

    response = APIClient().post("/api/v1/auth/token/", {"username": "patroller", "password": "wrong"}, format="json")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.password == old


def test_the_upgrade_is_not_a_new_password_and_signs_no_device_out(cast):
    user = cast["patroller"]
    pbkdf2(user)
    phone = APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")

    assert Client().post("/accounts/login/", {"username": "patroller", "password": PASSWORD}).status_code == 302

    assert phone.get("/api/v1/me/").status_code == 200
    assert not TokenRevocation.objects.exists()
