import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


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


def test_wrong_password_is_a_chinese_400(api, cast):
    response = api.post("/api/v1/auth/token/", {"username": "township_office", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"non_field_errors": ["用户名或密码不正确。"]}}


def test_unauthenticated_call_is_401_in_the_error_shape(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert "non_field_errors" in response.json()["errors"]
