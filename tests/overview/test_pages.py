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


def test_a_township_office_asking_for_its_county_is_not_found(web, cast, places):
    office = web(cast["township_office"])

    assert office.get("/overview/", {"county": places["county"].pk}).status_code == 404
    assert office.get("/overview/overview.xlsx", {"county": places["county"].pk}).status_code == 404
    assert office.get("/overview/", {"township": places["township"].pk}).status_code == 200


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


def test_a_patroller_row_opens_their_logs_of_the_month_and_names_their_segment(
    web, cast, places, patroller, other_patroller, submit, log_body, today
):
    submit(cast["patroller"], log_body())
    submit(other_patroller.user, log_body())
    month = f"{today:%Y-%m}"
    office = web(cast["township_office"])

    page = office.get("/overview/", {"month": month}).content.decode()
    link = f"/patrol/review/?township={places['township'].pk}&amp;month={month}&amp;patroller={patroller.pk}#logs"
    assert f'href="{link}"' in page
    assert "贾鲁河丰庆路段" in page  # the segment tells two patrollers of one name apart
    ranked = office.get("/overview/", {"month": month}).context["chart_data"]["ranked"]
    assert {row["name"] for row in ranked} == {f"{p.name} · 贾鲁河丰庆路段" for p in (patroller, other_patroller)}

    query = {"township": places["township"].pk, "month": month}
    review = office.get("/patrol/review/", {**query, "patroller": patroller.pk})
    assert review.status_code == 200
    assert {row.log.patroller_id for row in review.context["review"].logs} == {patroller.pk}
    assert f"只看 {patroller.name} 的日志" in review.content.decode()
    everyone = office.get("/patrol/review/", query)
    assert {row.log.patroller_id for row in everyone.context["review"].logs} == {patroller.pk, other_patroller.pk}


def test_a_place_with_patroller_days_and_no_log_says_no_logs_were_received(web, cast, places, patroller, today):
    page = web(cast["county_office"]).get("/overview/", {"month": f"{today:%Y-%m}"}).content.decode()

    row = page.split("丰庆路街道</a>", 1)[1].split("</tr>", 1)[0]
    assert "未收到日志" in row and "0%" not in row
    # A township without patrollers has no patroller-days: a dash, not "no logs received".
    other = page.split("杨金路街道</a>", 1)[1].split("</tr>", 1)[0]
    assert "未收到日志" not in other and "—" in other


def test_the_workbook_formats_the_rate_and_the_average_score(web, cast, places, patroller, today):
    from assessments.models import Assessment

    month = previous_month(today)
    Assessment.objects.all().delete()
    response = web(cast["county_office"]).get("/overview/overview.xlsx", {"month": f"{month:%Y-%m}"})
    summary = load_workbook(BytesIO(b"".join(response.streaming_content)))["汇总"]
    headers = [cell.value for cell in summary[2]]

    rate, average = headers.index("巡查率") + 1, headers.index("平均分") + 1
    for row in range(3, summary.max_row + 1):
        assert summary.cell(row=row, column=rate).number_format == "0.0%"
        assert summary.cell(row=row, column=average).number_format == "0.0"


def test_english_headers_count_patrollers_and_failures(web, cast, places, patroller, today):
    client = web(cast["county_office"])
    client.cookies.load({"django_language": "en"})
    page = client.get("/overview/").content.decode()

    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert ">Patrollers<" in head and ">Failed<" in head
    assert ">Patroller<" not in head and ">Fail<" not in head


def test_past_months_with_patroller_days_and_no_log_read_no_logs_received_in_the_trend(
    web, cast, places, patroller, submit, log_body, today
):
    submit(cast["patroller"], log_body())
    response = web(cast["township_office"]).get("/overview/", {"month": f"{today:%Y-%m}"})

    trend = response.context["overview"].trend
    assert trend[-1].no_logs is False  # this month: a log came in
    assert trend[-2].no_logs is True  # last month: on duty (hired 60 days ago), not one log
    chart = response.context["chart_data"]["trend"]
    assert chart[-2]["patrol_rate"] is None and chart[-1]["patrol_rate"] is not None
    table = response.content.decode().split("近12个月</h2>", 1)[1]
    assert f'<td>{trend[-2].month:%Y-%m}</td><td class="num"><span class="no-logs">未收到日志</span>' in table


def test_english_figures_count_one_patroller_in_the_singular(web, cast, places, patroller):
    client = web(cast["township_office"])
    client.cookies.load({"django_language": "en"})

    page = client.get("/overview/").content.decode()

    assert "1 patroller<" in page and "1 patrollers" not in page
