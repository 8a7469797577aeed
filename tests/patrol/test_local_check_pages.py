"""The office page 本地检查项 (第八条): listing the items of one's scope, adding one for one's own area, retiring
the ones one keeps (issue 9, item 7)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patrol import services
from patrol.models import LocalCheck

pytestmark = pytest.mark.django_db

PAGE = "/patrol/local-checks/"
NEW = "/patrol/local-checks/new/"


def retire_url(item) -> str:
    return f"/patrol/local-checks/{item.pk}/retire/"


@pytest.fixture
def items(cast, today):
    """The county's `sand_mining` (in force since yesterday) and the home township's `embankment` (from tomorrow)."""
    county = services.local_check_create(
        by=cast["county_office"],
        code="sand_mining",
        name="非法采砂",
        kind="yes_no",
        starts_on=today - timedelta(days=1),
        today=today - timedelta(days=2),
    )
    township = services.local_check_create(
        by=cast["township_office"],
        code="embankment",
        name="堤防护坡",
        kind="choice",
        options=[{"label": "完好"}, {"label": "有裂缝", "problem": True}],
        starts_on=today + timedelta(days=1),
    )
    return {"county": county, "township": township}


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("township_office", 200),
        ("other_township_office", 200),
        ("county_office", 200),
        ("other_county_office", 200),
        ("city_office", 200),
        ("patroller", 403),
        ("village_chief", 403),
        ("supervisor", 403),
    ],
)
def test_offices_open_the_page_from_the_menu_and_nobody_else(cast, web, role, code):
    client = web(cast[role])
    assert client.get(PAGE).status_code == code
    assert (PAGE in client.get("/").content.decode()) == (code == 200)


def test_a_township_office_sees_its_items_and_the_county_ones_and_may_retire_only_its_own(cast, web, items):
    page = web(cast["township_office"]).get(PAGE).content.decode()
    assert "非法采砂" in page and "金水区全县" in page
    assert "堤防护坡" in page and "有裂缝" in page
    assert retire_url(items["township"]) in page
    assert retire_url(items["county"]) not in page
    assert "为丰庆路街道增加检查项" in page

    neighbour = web(cast["other_township_office"]).get(PAGE).content.decode()
    assert "非法采砂" in neighbour and "堤防护坡" not in neighbour


def test_the_city_office_sees_every_item_and_has_no_form(cast, web, items, places):
    page = web(cast["city_office"]).get(PAGE).content.decode()
    assert "非法采砂" in page and "堤防护坡" in page
    assert NEW not in page and "/retire/" not in page
    filtered = web(cast["city_office"]).get(PAGE, {"township": places["neighbour"].pk}).content.decode()
    assert "非法采砂" in filtered and "堤防护坡" not in filtered


def test_a_township_office_names_a_place_outside_its_scope_and_still_sees_its_own(cast, web, items, places):
    # A township office always sees its own township; a county office asking for another county's township: 404.
    assert "堤防护坡" in web(cast["township_office"]).get(PAGE, {"township": places["far"].pk}).content.decode()
    assert web(cast["county_office"]).get(PAGE, {"township": places["far"].pk}).status_code == 404


def test_an_office_adds_a_list_item_on_the_page(cast, web, today, places):
    client = web(cast["township_office"])
    response = client.post(
        NEW,
        {
            "name": "堤防护坡",
            "code": "embankment",
            "kind": "choice",
            "starts_on": (today + timedelta(days=2)).isoformat(),
            "label_1": "完好",
            "label_2": "有裂缝",
            "problem_2": "on",
            "label_4": "有塌陷",
            "problem_4": "on",
        },
    )
    assert response.status_code == 302
    item = LocalCheck.objects.get()
    assert (item.township, item.created_by, item.starts_on) == (
        places["township"],
        cast["township_office"],
        today + timedelta(days=2),
    )
    assert [(v.value, v.label, v.problem) for v in item.values] == [
        ("v1", "完好", False),
        ("v2", "有裂缝", True),
        ("v3", "有塌陷", True),
    ]
    assert "已添加本地检查项“堤防护坡”" in client.get(PAGE).content.decode()


def test_a_county_office_adds_a_county_wide_yes_no_item_and_its_list_rows_are_ignored(cast, web, today, places):
    response = web(cast["county_office"]).post(
        NEW,
        {
            "name": "非法采砂",
            "code": "sand_mining",
            "kind": "yes_no",
            "starts_on": (today + timedelta(days=1)).isoformat(),
            "label_1": "x",
        },
    )
    assert response.status_code == 302
    item = LocalCheck.objects.get()
    assert (item.county, item.township, item.options) == (places["county"], None, [])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "dumping"}, "固定检查项"),
        ({"starts_on": "today"}, "最早为明天"),
        ({"kind": "choice"}, "2至8个"),
    ],
    ids=["fixed code", "starts today", "list without values"],
)
def test_a_refused_item_is_shown_again_with_the_reason(cast, web, today, change, message):
    data = {
        "name": "非法采砂",
        "code": "sand_mining",
        "kind": "yes_no",
        "starts_on": (today + timedelta(days=1)).isoformat(),
    }
    data.update(change)
    if data["starts_on"] == "today":
        data["starts_on"] = today.isoformat()
    response = web(cast["county_office"]).post(NEW, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LocalCheck.objects.exists()


@pytest.mark.parametrize("role", ["city_office", "patroller"])
def test_the_city_and_patrollers_may_not_add_items(cast, web, today, role):
    data = {
        "name": "非法采砂",
        "code": "sand_mining",
        "kind": "yes_no",
        "starts_on": (today + timedelta(days=1)).isoformat(),
    }
    assert web(cast[role]).post(NEW, data).status_code == 403


def test_the_keeping_office_retires_an_item_on_the_page(cast, web, items, today):
    client = web(cast["county_office"])
    response = client.post(
        retire_url(items["county"]), {"retired_on": (today + timedelta(days=1)).isoformat(), "reason": "已整治"}
    )
    assert response.status_code == 302
    items["county"].refresh_from_db()
    assert (items["county"].retired_on, items["county"].retired_by, items["county"].retire_reason) == (
        today + timedelta(days=1),
        cast["county_office"],
        "已整治",
    )
    too_early = client.post(retire_url(items["county"]), {"retired_on": today.isoformat()})
    assert too_early.status_code == 302
    assert "最早为明天" in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("role", "code"),
    [("county_office", 403), ("other_township_office", 404), ("other_county_office", 404), ("city_office", 403)],
)
def test_other_offices_may_not_retire_a_township_item(cast, web, items, today, role, code):
    response = web(cast[role]).post(
        retire_url(items["township"]), {"retired_on": (today + timedelta(days=3)).isoformat()}
    )
    assert response.status_code == code
    items["township"].refresh_from_db()
    assert items["township"].retired_on is None


def test_the_page_takes_the_same_queries_however_many_items(cast, web, today):
    client = web(cast["county_office"])

    def add(n: int) -> None:
        services.local_check_create(
            by=cast["county_office"],
            code=f"item_{n}",
            name=f"检查{n}",
            kind="yes_no",
            starts_on=today + timedelta(days=1),
        )
        services.local_check_create(
            by=cast["township_office"],
            code=f"town_{n}",
            name=f"乡检查{n}",
            kind="choice",
            options=[{"label": "好"}, {"label": "坏", "problem": True}],
            starts_on=today + timedelta(days=1),
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    for n in range(2):
        add(n)
    few = queries()
    for n in range(2, 8):
        add(n)
    assert queries() == few
