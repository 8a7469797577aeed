"""Every assessment table downloads as an .xlsx an office can print: a title row, a bold header
frozen under it, column widths, and the values of the page."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from assessments import rules, services
from assessments.models import Assessment, DismissalFlag

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JAN_1 = date(2026, 1, 1)


@pytest.fixture
def flagged(hire, assess):
    """Failed April and May 2026 at township level: an open consecutive_2 flag."""
    patroller = hire(start=JAN_1)
    assess(patroller, date(2026, 4, 1), passed=False)
    assess(patroller, date(2026, 5, 1), passed=False)
    return patroller


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def assert_printable(sheet, header: list[str]) -> None:
    """Title in row 1, the bold header in row 2 frozen above the data, every column given a width."""
    assert sheet["A1"].font.bold and sheet["A1"].value
    assert [cell.value for cell in sheet[2]][: len(header)] == header
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$2:$2"
    assert all(sheet.column_dimensions[cell.column_letter].width > 5 for cell in sheet[2])


def test_the_monthly_sheet_downloads_one_line_per_patroller(cast, flagged, web):
    book = workbook(web(cast["township_office"]).get("/assessments/sheet.xlsx", {"month": "2026-05"}))

    sheet = book.active
    assert sheet.title == "月度考评"
    assert sheet["A1"].value == "金水区丰庆路街道 2026年5月 河湖巡察员月度考评表"
    assert_printable(sheet, ["序号", "姓名", "河湖面貌建议分", "河湖面貌(30分)"])
    (line,) = rows(sheet)[2:]
    assert line[:2] == (1, flagged.name)
    assert line[2:8] == (0, 10, 0, 20, 0, 10)  # suggested and final parts: no logs, scored 10/20/10
    assert line[8:12] == (40, "不合格", "不合格", "已定稿")
    assert "现场核查" in line[14]  # the reasons
    assert "巡查天数0/31" in line[15]  # the explanations


def test_the_flag_list_downloads_with_rule_months_and_state(cast, flagged, web):
    book = workbook(web(cast["county_office"]).get("/assessments/flags.xlsx"))

    sheet = book.active
    assert_printable(sheet, ["姓名", "乡镇(街道)", "规则", "不合格月份", "触发月份", "状态"])
    (line,) = rows(sheet)[2:]
    assert line[:6] == (
        flagged.name,
        "丰庆路街道",
        "连续2个月考核不合格",
        "2026年4月、2026年5月",
        "2026年5月",
        "待确认",
    )


def test_the_spot_check_downloads_in_draw_order_with_the_seed(cast, places, hire, web):
    people = [hire(start=JAN_1) for _ in range(3)]
    drawn = services.spot_check_draw(county=places["county"], month=date(2026, 5, 1), by=cast["county_office"])

    book = workbook(web(cast["county_office"]).get("/assessments/spot-checks.xlsx", {"month": "2026-05"}))

    sample = book["抽考名单"]
    assert_printable(sample, ["抽取顺序", "姓名", "乡镇(街道)", "风险权重"])
    names = {p.pk: p.name for p in people}
    assert [line[1] for line in rows(sample)[2:]] == [names[pk] for pk in drawn.draw.patrollers]
    record = dict(rows(book["抽样记录"])[2:])
    assert record["随机种子"] == str(drawn.draw.seed)
    assert record["在岗人数"] == 3


def test_a_patrollers_year_downloads_its_months_and_its_changes(cast, flagged, web):
    book = workbook(web(cast["township_office"]).get(f"/assessments/patrollers/{flagged.pk}.xlsx", {"year": 2026}))

    months = book["逐月结果"]
    assert_printable(months, ["月份", "乡级总分"])
    lines = rows(months)[2:]
    assert len(lines) == 12
    assert lines[3][0] == "2026年4月" and lines[3][6] == "不合格" and lines[3][7] == 40
    assert lines[0][6] == "未考核"
    changes = rows(book["变更记录"])[2:]
    assert {line[3] for line in changes} == {"评分", "定稿"}
    assert all(line[4] == "township_office" for line in changes)


def test_the_years_results_download_with_renewal_and_pay_rise_sheets(cast, up_for_renewal, web):
    star, renewal_start = up_for_renewal(months=10)  # an incumbent up for renewal, whatever the day
    assessed = rules.excellence_window(renewal_start)[:10]
    year = assessed[0].year
    in_year = [month for month in assessed if month.year == year]

    book = workbook(web(cast["township_office"]).get("/assessments/results.xlsx", {"year": year}))

    assert book.sheetnames == ["年度结果", "续聘资格", "提薪推荐"]
    result = rows(book["年度结果"])
    assert result[1][:4] == ("姓名", "乡镇(街道)", "1月", "2月")
    assert result[2][:2] == (star.name, "丰庆路街道")
    assert [result[2][1 + month.month] for month in in_year] == [100] * len(in_year)
    assert result[2][-3:] == (len(in_year), 0, 100.0)
    assert rows(book["续聘资格"])[2][:2] == (star.name, "丰庆路街道")
    assert rows(book["提薪推荐"])[2][:2] == (1, star.name)


def test_the_supervision_reports_download(cast, hire, web):
    patroller = hire(start=JAN_1)
    services.supervision_report_file(
        by=cast["supervisor"], patroller=patroller, observed_on=date(2026, 5, 12), text="连续三天未见巡河。"
    )

    book = workbook(web(cast["township_office"]).get("/assessments/supervision.xlsx"))

    sheet = book.active
    assert_printable(sheet, ["提交时间", "发现日期", "巡察员"])
    (line,) = rows(sheet)[2:]
    assert line[2:7] == (patroller.name, "丰庆路街道", "supervisor", "连续三天未见巡河。", "待核实")


@pytest.mark.parametrize(
    "url",
    [
        "/assessments/sheet.xlsx",
        "/assessments/flags.xlsx",
        "/assessments/results.xlsx",
        "/assessments/supervision.xlsx",
    ],
)
def test_the_downloads_follow_the_pages_roles(cast, web, url):
    assert web(cast["patroller"]).get(url).status_code == 403


def test_a_download_outside_scope_is_not_found(cast, places, flagged, web):
    client = web(cast["other_township_office"])

    assert client.get("/assessments/sheet.xlsx", {"township": places["township"].pk}).status_code == 404
    assert client.get(f"/assessments/patrollers/{flagged.pk}.xlsx").status_code == 404
    assert not DismissalFlag.objects.exclude(status="open").exists()
    assert Assessment.objects.count() == 2
