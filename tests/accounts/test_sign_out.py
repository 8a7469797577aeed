"""A new password signs a user out of every device, whichever way it is set — the account page, the admin,
`manage.py changepassword` — and "log out all devices" does the same without one (API and page); an office signs
a patroller's lost phone out. Every sign-out is recorded: who, when, why, how many devices."""

import pytest
from django.core.management import call_command, get_commands
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.management.commands.changepassword import Command as ChangePassword
from accounts.models import TokenRevocation
from tests.factories import PASSWORD, candidate

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a much longer new secret 2026"


def phone(user) -> APIClient:
    """A device signed in with its own token."""
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def signed_in(client: APIClient) -> bool:
    status = client.get("/api/v1/me/").status_code
    assert status in (200, 401)
    return status == 200


def only_record(user) -> TokenRevocation:
    (record,) = TokenRevocation.objects.filter(user=user)
    return record


# --- a new password ------------------------------------------------------------------------------------------------


def test_changing_ones_password_on_the_account_page_signs_out_every_phone_but_not_this_browser(web, cast):
    user = cast["township_office"]
    phones = [phone(user), phone(user)]
    browser = web(user)

    response = browser.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert not any(signed_in(p) for p in phones)
    assert browser.get("/accounts/").status_code == 200  # update_session_auth_hash: this browser stays in
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    record = only_record(user)
    assert (record.reason, record.by, record.tokens) == ("password_changed", user, 2)


def test_a_wrong_old_password_changes_nothing_and_signs_nobody_out(web, cast):
    user = cast["patroller"]
    device = phone(user)

    response = web(user).post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert "old_password" in response.context["form"].errors
    assert signed_in(device)
    assert not TokenRevocation.objects.exists()


def test_another_browser_is_signed_out_by_the_new_password_too(web, cast):
    user = cast["county_office"]
    other_browser = web(user)

    web(user).post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert other_browser.get("/accounts/").status_code == 302  # to the login page


def test_changing_a_password_in_the_admin_signs_out_every_device_and_records_who(client, cast, admin_user):
    target = cast["patroller"]
    device = phone(target)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    assert not signed_in(device)
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    record = only_record(target)
    assert (record.reason, record.by, record.tokens) == ("password_changed", admin_user, 1)


def test_disabling_password_login_in_the_admin_signs_out_every_device(client, cast, admin_user):
    target = cast["supervisor"]
    device = phone(target)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"usable_password": "false", "unset-password": "1"},
    )

    assert response.status_code == 302
    assert not signed_in(device)
    target.refresh_from_db()
    assert not target.has_usable_password()


def test_manage_py_changepassword_is_the_projects_and_signs_out_every_device(cast, monkeypatch):
    target = cast["patroller"]
    devices = [phone(target), phone(target), phone(target)]
    monkeypatch.setattr(ChangePassword, "_get_pass", lambda self, prompt="Password: ": NEW_PASSWORD)

    assert get_commands()["changepassword"] == "accounts"
    call_command("changepassword", "patroller")

    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    assert not any(signed_in(d) for d in devices)
    record = only_record(target)
    assert (record.reason, record.by, record.tokens) == ("password_changed", None, 3)


def test_manage_py_changepassword_refuses_a_weak_password_and_signs_nobody_out(cast, monkeypatch):
    from django.core.management.base import CommandError

    device = phone(cast["patroller"])
    monkeypatch.setattr(ChangePassword, "_get_pass", lambda self, prompt="Password: ": "123")

    with pytest.raises(CommandError):
        call_command("changepassword", "patroller")

    assert signed_in(device)
    assert not TokenRevocation.objects.exists()


# --- log out all devices -------------------------------------------------------------------------------------------


def test_logout_all_revokes_every_token_of_the_caller_and_no_one_elses(cast):
    user, other = cast["patroller"], cast["township_office"]
    this_phone, tablet, someone_else = phone(user), phone(user), phone(other)

    response = this_phone.post("/api/v1/auth/logout-all/")

    assert response.status_code == 204
    assert not signed_in(this_phone)
    assert not signed_in(tablet)
    assert signed_in(someone_else)
    record = only_record(user)
    assert (record.reason, record.by, record.tokens) == ("logout_all", user, 2)


def test_logout_all_with_a_browser_session_ends_the_session_too(web, cast):
    user = cast["county_office"]
    device = phone(user)
    browser = web(user)

    response = browser.post("/api/v1/auth/logout-all/", HTTP_X_CSRFTOKEN=_csrf(browser))

    assert response.status_code == 204
    assert not signed_in(device)
    assert browser.get("/api/v1/me/").status_code == 401


def _csrf(browser) -> str:
    browser.get("/accounts/")
    return browser.cookies["csrftoken"].value


def test_logout_all_needs_a_login():
    assert APIClient().post("/api/v1/auth/logout-all/").status_code == 401


def test_the_account_page_signs_out_every_phone_and_keeps_the_browser_signed_in(web, cast):
    user = cast["village_chief"]
    device = phone(user)
    browser = web(user)

    page = browser.get("/")
    assert reverse("account") in page.content.decode()  # the top bar links to the account page
    assert "1" in browser.get("/accounts/").content.decode()
    response = browser.post("/accounts/logout-all/", follow=True)

    assert response.status_code == 200
    assert "已退出1台手机或应用上的登录。" in response.content.decode()
    assert not signed_in(device)
    assert response.context["devices"] == []


def test_the_account_page_lists_the_devices_and_offers_both_actions(web, cast):
    user = cast["patroller"]
    phone(user)
    phone(user)

    response = web(user).get("/accounts/")

    assert response.status_code == 200
    assert len(response.context["devices"]) == 2
    body = response.content.decode()
    assert reverse("account-logout-all") in body
    assert reverse("account-password") in body


# --- an office signs a patroller's lost phone out ------------------------------------------------------------------


@pytest.fixture
def patroller_login(cast, places):
    """The home township's patroller record, linked to the cast's patroller login."""
    return candidate(cast["township_office"], places["village"], user=cast["patroller"])


def revoke_url(patroller) -> str:
    return reverse("staffing-patroller-revoke", args=[patroller.pk])


@pytest.mark.parametrize("office", ["township_office", "county_office"])
def test_the_township_or_county_office_signs_a_patrollers_phones_out(web, cast, patroller_login, office):
    device = phone(cast["patroller"])
    client = web(cast[office])
    page = client.get(reverse("staffing-patroller", args=[patroller_login.pk]))
    assert revoke_url(patroller_login) in page.content.decode()
    assert len(page.context["devices"]) == 1

    response = client.post(revoke_url(patroller_login), follow=True)

    assert response.status_code == 200
    assert "已退出张建国在1台手机上的登录。" in response.content.decode()
    assert not signed_in(device)
    record = only_record(cast["patroller"])
    assert (record.reason, record.by, record.tokens) == ("office", cast[office], 1)
    assert response.context["last_sign_out"] == record


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_township_office", 404),  # the patroller is outside its scope
        ("other_county_office", 404),
        ("city_office", 403),  # sees everyone, manages no one's phone
        ("patroller", 403),
        ("supervisor", 403),
    ],
)
def test_no_one_else_signs_a_patrollers_phones_out(web, cast, patroller_login, who, status):
    device = phone(cast["patroller"])

    response = web(cast[who]).post(revoke_url(patroller_login))

    assert response.status_code == status
    assert signed_in(device)
    assert not TokenRevocation.objects.exists()


def test_revoking_needs_a_post(web, cast, patroller_login):
    assert web(cast["township_office"]).get(revoke_url(patroller_login)).status_code == 405


def test_the_city_office_sees_no_sign_out_button(web, cast, patroller_login):
    page = web(cast["city_office"]).get(reverse("staffing-patroller", args=[patroller_login.pk]))

    assert page.status_code == 200
    assert revoke_url(patroller_login) not in page.content.decode()


def test_the_admins_own_password_link_leads_to_the_account_page_and_changes_nothing(client, cast, admin_user):
    """Django's admin has its own "change password" view, which would bypass the sign-out: it is the account page."""
    device = phone(admin_user)
    client.force_login(admin_user)

    assert client.get(reverse("admin:password_change"))["Location"] == reverse("account")
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": "password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert not admin_user.check_password(NEW_PASSWORD)
    assert signed_in(device)
