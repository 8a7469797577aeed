"""Every page of the demo city, as each demo login sees it, renders without inline script, event handlers or styles:
the Content-Security-Policy (README "Security headers") allows scripts and styles from this server's files only.
Templates are checked one by one in tests/test_security.py; here the pages as rendered, with the demo data.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from tests.inline_markup import inline_code

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-city")]


def page_patterns(resolver: URLResolver | None = None, prefix: str = ""):
    """(name, route, converters) of every URL outside the API, the admin and the language switch."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(("api/", "admin/", "i18n/")):
            continue
        if isinstance(pattern, URLResolver):
            yield from page_patterns(pattern, route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name, route, list(pattern.pattern.converters)


def detail_kwargs(name: str, user: User) -> dict | None:
    """Objects in the user's reach for the pages about one object (None: not a page for this walk)."""
    from assessments.models import Assessment
    from staffing.models import Patroller, Vacancy

    if name in {"staffing-patroller", "staffing-patroller-contract", "staffing-patroller-resign"}:
        person = Patroller.objects.filter(township_id=user.township_id, status="active").order_by("pk").first()
        return {"pk": person.pk} if person else None
    if name == "assessments-patroller":
        assessment = Assessment.objects.filter(township_id=user.township_id).order_by("pk").first()
        return {"pk": assessment.patroller_id} if assessment else None
    if name == "staffing-vacancy":
        vacancy = Vacancy.objects.filter(segment__township_id=user.township_id).order_by("pk").first()
        return {"pk": vacancy.pk} if vacancy else None
    return None


def test_every_page_renders_without_inline_script_handlers_or_styles(demo_city):
    visitors = ["demo_township", "demo_county", "demo_city", "demo_patroller", "demo_village_chief"]
    rendered, found = set(), {}

    anonymous = Client()
    for path in (reverse("login"), "/no-such-page/"):
        found[f"{path} (anonymous)"] = inline_code(anonymous.get(path).content.decode())
    for username in visitors:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        for name, route, converters in page_patterns():
            kwargs = detail_kwargs(name, user) if converters else {}
            if kwargs is None or route.endswith(".xlsx") or name == "logout":
                continue
            response = client.get(reverse(name, kwargs=kwargs))
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            rendered.add(name)
            found[f"{name} ({username})"] = inline_code(response.content.decode())
        for path in ("/admin/", "/admin/staffing/patroller/", "/admin/rivers/waterbody/import/"):
            response = client.get(path)
            if response.status_code == 200:
                rendered.add(path)
                found[f"{path} ({username})"] = inline_code(response.content.decode())

    assert {
        "home",
        "register",
        "staffing-roster",
        "staffing-patroller",
        "staffing-patroller-contract",
        "staffing-vacancy",
        "patrol-review",
        "assessments-sheet",
        "assessments-spot-check",
        "assessments-flags",
        "assessments-patroller",
        "assessments-supervision-new",
        "/admin/staffing/patroller/",
    } <= rendered
    assert {page: code for page, code in found.items() if code} == {}
