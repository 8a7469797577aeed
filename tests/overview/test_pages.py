"""The overview page (总览) and its workbook: offices only, the same figures as the API, links down and up."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.overview.helpers import previous_month


@pytest.mark.parametrize("role", ["city_office", "county_office", "township_office"])
def test_every_office_has_an_overview_in_its_menu(web, cast, role):
    response = web(cast[role]).get("/overview/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/overview/"' in page
    assert 'id="overview-data"' in page and 'id="overview-map-data"' in page
    assert "/static/vendor/echarts/echarts.common.min.js" in page
    assert "<script>" not in page  # no inline script (CSP): data travels in json_script elements


@pytest.mark.parametrize("role", ["patroller", "village_chief", "supervisor"])
def test_other_roles_may_not_see_it(web, cast, role):
    assert web(cast[role]).get("/overview/").status_code == 403
    assert web(cast[role]).get("/overview/overview.xlsx").status_code == 403


def test_a_place_outside_scope_is_not_found(web, cast, places):
    assert web(cast["county_office"]).get("/overview/", {"county": places["other_county"].pk}).status_code == 404


def test_the_county_page_links_down_to_its_townships_and_up_to_the_city(web, cast, places, patroller, today):
    page = web(cast["city_office"]).get("/overview/", {"county": places["county"].pk}).content.decode()
    month = f"{previous_month(today):%Y-%m}"

    assert f'href="?month={month}&amp;township={places["township"].pk}"' in page
    assert f'href="/overview/?month={month}"' in page  # up: the city
    county_page = web(cast["county_office"]).get("/overview/").content.decode()
    assert "↑" not in county_page  # the county office's own top


def test_a_bad_month_is_shown_and_the_last_complete_month_used(web, cast, today):
    response = web(cast["county_office"]).get("/overview/", {"month": "2026-13"})

    assert response.status_code == 200
    assert "月份格式应为 YYYY-MM。" in response.content.decode()
    assert response.context["overview"].month == previous_month(today)


def test_every_table_downloads_as_xlsx(web, cast, places, patroller, today):
    response = web(cast["county_office"]).get("/overview/overview.xlsx", {"month": f"{today:%Y-%m}"})

    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["汇总", "核查标记", "近12个月", "分数分布"]
    summary = book["汇总"]
    names = [summary.cell(row=row, column=1).value for row in range(3, summary.max_row + 1)]
    assert names == ["丰庆路街道", "杨金路街道", "合计"]
    assert summary.cell(row=3, column=3).value == today.day  # patroller-days so far this month
    assert book["近12个月"].max_row == 2 + 12
