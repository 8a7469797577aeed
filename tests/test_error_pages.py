"""The error pages (400, 403, 404, 500) in the site's layout, in Chinese, with a way back; the language switch names
each language in its own language. The suite runs with DEBUG off (config/settings_test.py), as production does."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import include, path


def _boom(request):
    raise RuntimeError("a bug")


# A URLconf of the project with one view that fails: the 500 page through the project's own handler500.
urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]
handler400 = "config.api.bad_request"
handler404 = "config.api.not_found"
handler500 = "config.api.server_error"


def test_the_suite_runs_with_debug_off():
    assert settings.DEBUG is False


def test_an_unknown_page_is_a_404_in_the_sites_layout_with_a_way_back(web, cast):
    response = web(cast["township_office"]).get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert 'class="topbar"' in page and 'href="/overview/"' in page  # the site's layout and menu
    assert 'href="/"' in page and "返回工作台" in page
    assert "<script>" not in page


def test_an_anonymous_visitor_on_a_404_is_offered_the_login(db):
    page = Client().get("/no-such-page/").content.decode()

    assert "页面不存在" in page and 'href="/accounts/login/"' in page


def test_a_page_the_role_may_not_see_is_a_403_that_says_why(web, cast):
    response = web(cast["patroller"]).get("/overview/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "只有河长办可以查看总览。" in page
    assert "返回工作台" in page and 'href="/accounts/"' in page


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_a_500_page_in_the_sites_layout(db):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错了" in page and "返回工作台" in page
    assert 'class="topbar"' in page
    assert "RuntimeError" not in page and "a bug" not in page


@override_settings(ROOT_URLCONF=__name__)
def test_the_api_keeps_its_error_shape(db):
    response = Client(raise_request_exception=False).get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json()["errors"]["non_field_errors"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_switch_names_each_language_in_its_own_language(web, cast, language):
    client = web(cast["township_office"])
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: language})

    page = client.get("/").content.decode()

    switch = page.split('name="language"', 1)[1].split("</select>", 1)[0]
    assert '<option value="zh-hans" lang="zh-hans"' in switch and ">简体中文</option>" in switch
    assert '<option value="en" lang="en"' in switch and ">English</option>" in switch
    assert "Simplified Chinese" not in switch and "英语" not in switch
