"""The staffing report of SPEC §3 in every form: API, management command, .xlsx, page and download.

The cast's river segments (tests/conftest.py) with nobody assigned yet:
home 4.01 km → floor 3, standard 5; neighbour 2.00 km → floor 1, standard 2; far 0.30 km → floor 1, standard 1.
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from rivers.models import Segment, Township, Village, WaterBody
from staffing.exports import STATUS_COLOURS
from staffing.rules import Status
from tests.factories import aged, candidate, hire

pytestmark = pytest.mark.django_db

URL = "/api/v1/staffing/"
PAGE = "/staffing/report/"
DOWNLOAD = "/staffing/report.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def assigned(cast, places, segments):
    """assigned(segment, n, on=…) → n patrollers put on `segment` through the roster services, under contract on
    `on` (since 30 days before it), each living in a village of the segment's township."""
    offices = {places["township"].pk: cast["township_office"], places["neighbour"].pk: cast["other_township_office"]}
    neighbour_village = Village.objects.create(township=places["neighbour"], code="410105002001", name="杨金村")
    villages = {places["township"].pk: places["village"], places["neighbour"].pk: neighbour_village}

    def put(segment, n: int, *, on: date) -> None:
        office, village = offices[segment.township_id], villages[segment.township_id]
        start = on - timedelta(days=30)
        for _ in range(n):
            hire(candidate(office, village, born=aged(40, start)), segment, office, start)

    return put


@pytest.fixture
def lake(places):
    body = WaterBody.objects.create(code="L001", name="龙湖", kind=WaterBody.Kind.LAKE)
    return Segment.objects.create(code="S-LAKE", name="龙湖丰庆路片", water_body=body, township=places["township"])


def rows_by_segment(body: dict) -> dict[int, dict]:
    return {row["segment"]: row for row in body["segments"]}


def by_status(**counts: int) -> dict[str, int]:
    return {status.value: counts.get(status.value, 0) for status in Status}


# ---- API ----------------------------------------------------------------------------------------------------------


def test_city_office_sees_every_segment_with_floor_standard_and_totals(api, cast, segments):
    response = api.as_user(cast["city_office"]).get(URL, {"date": "2026-11-20"})

    assert response.status_code == 200
    body = response.json()
    assert body["date"] == "2026-11-20"
    assert body["totals"] == {
        "floor": 5,
        "standard": 8,
        "actual": 0,
        "segments": 3,
        "by_status": by_status(below_floor=3),
    }
    rows = rows_by_segment(body)
    assert {pk: (r["floor"], r["standard"], r["actual"], r["status"]) for pk, r in rows.items()} == {
        segments["home"].pk: (3, 5, 0, "below_floor"),
        segments["neighbour"].pk: (1, 2, 0, "below_floor"),
        segments["far"].pk: (1, 1, 0, "below_floor"),
    }
    assert rows[segments["home"].pk]["status_label"] == "低于底线(违规)"


def test_status_follows_the_active_patrollers_of_each_segment(api, cast, segments, assigned):
    assigned(segments["home"], 4, on=timezone.localdate())
    assigned(segments["neighbour"], 2, on=timezone.localdate())

    body = api.as_user(cast["city_office"]).get(URL).json()

    statuses = {pk: row["status"] for pk, row in rows_by_segment(body).items()}
    assert statuses == {
        segments["home"].pk: "below_standard",  # 4: above the floor of 3, below the standard of 5
        segments["neighbour"].pk: "meets_standard",
        segments["far"].pk: "below_floor",
    }
    assert body["totals"]["actual"] == 6
    assert body["totals"]["by_status"] == by_status(below_floor=1, below_standard=1, meets_standard=1)


def test_village_basis_changes_the_standard_in_the_report(api, cast, segments):
    home = segments["home"]
    home.basis = Segment.Basis.VILLAGE
    home.save()

    row = rows_by_segment(api.as_user(cast["township_office"]).get(URL).json())[home.pk]

    # Two villages along 4.01 km: the standard would be 2 but never goes below the floor of 3.
    assert (row["floor"], row["standard"]) == (3, 3)


def test_a_lake_without_a_number_is_undetermined_and_adds_nothing_to_the_sums(api, cast, segments, lake):
    client = api.as_user(cast["township_office"])
    body = client.get(URL).json()

    row = rows_by_segment(body)[lake.pk]
    assert (row["floor"], row["standard"], row["status"]) == (None, None, "undetermined")
    assert body["totals"]["floor"] == 3
    assert body["totals"]["by_status"] == by_status(below_floor=1, undetermined=1)

    lake.required_patrollers = 2
    lake.save()
    body = client.get(URL).json()
    assert rows_by_segment(body)[lake.pk]["floor"] == 2
    assert body["totals"]["floor"] == 5


def test_township_and_county_sums_come_with_the_report(api, cast, segments):
    body = api.as_user(cast["county_office"]).get(URL).json()

    townships = {t["name"]: t["totals"] for t in body["townships"]}
    assert townships["丰庆路街道"]["floor"] == 3
    assert townships["杨金路街道"]["standard"] == 2
    assert [c["name"] for c in body["counties"]] == ["金水区"]
    assert body["counties"][0]["totals"]["segments"] == 2


def test_township_office_sees_only_its_township(api, cast, segments, places):
    client = api.as_user(cast["township_office"])
    body = client.get(URL).json()

    assert set(rows_by_segment(body)) == {segments["home"].pk}
    assert body["totals"]["floor"] == 3
    assert [t["name"] for t in body["townships"]] == ["丰庆路街道"]
    # Naming its own county does not widen the report beyond the township.
    assert client.get(URL, {"county": places["county"].pk}).json() == body


def test_county_office_sees_its_county_and_can_narrow_to_a_township(api, cast, segments):
    client = api.as_user(cast["county_office"])

    assert set(rows_by_segment(client.get(URL).json())) == {segments["home"].pk, segments["neighbour"].pk}
    narrowed = client.get(URL, {"township": cast["other_township_office"].township_id}).json()
    assert set(rows_by_segment(narrowed)) == {segments["neighbour"].pk}


def test_city_office_can_narrow_to_a_county(api, cast, segments, places):
    body = api.as_user(cast["city_office"]).get(URL, {"county": places["other_county"].pk}).json()

    assert set(rows_by_segment(body)) == {segments["far"].pk}


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("township_office", {"township": "neighbour"}),
        ("township_office", {"county": "other_county"}),
        ("county_office", {"township": "far"}),
        ("county_office", {"county": "other_county"}),
        ("other_township_office", {"township": "township"}),
        ("city_office", {"township": None}),  # no such township
        ("city_office", {"county": "other_county", "township": "township"}),  # township not in that county
    ],
)
def test_a_place_outside_the_callers_scope_is_404(api, cast, segments, places, who, query):
    params = {key: places[name].pk if name else 999999 for key, name in query.items()}

    response = api.as_user(cast[who]).get(URL, params)

    assert response.status_code == 404
    assert "non_field_errors" in response.json()["errors"]


@pytest.mark.parametrize("who", ["patroller", "village_chief", "supervisor", "outsider"])
def test_roles_other_than_offices_are_refused_with_403(api, cast, segments, who):
    assert api.as_user(cast[who]).get(URL).status_code == 403


def test_anonymous_caller_is_401(api, segments):
    assert api.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", "2026-13-01"), ("township", "abc"), ("township", "0"), ("county", "99999999999999999999999")],
)
def test_a_malformed_filter_is_a_400_naming_the_field(api, cast, segments, field, value):
    response = api.as_user(cast["city_office"]).get(URL, {field: value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_api_query_count_does_not_grow_with_the_number_of_segments(api, cast, segments, places, river):
    client = api.as_user(cast["county_office"])
    # Queries: the knox token with its user; the user's tokens (knox); the county the report covers (the
    # caller's own); the segments in scope with water body, township, county and village count in one SELECT;
    # the active patrollers of those segments.
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200

    extra_township = Township.objects.create(county=places["county"], code="410105003", name="花园路街道")
    village = Village.objects.create(township=extra_township, code="410105003001", name="姚桥村")
    lake_body = WaterBody.objects.create(code="L002", name="如意湖", kind=WaterBody.Kind.LAKE)
    for n in range(12):
        segment = Segment.objects.create(
            code=f"S-X{n}",
            name=f"测试段{n}",
            water_body=river if n % 2 else lake_body,
            township=extra_township if n % 3 else places["neighbour"],
            length_km=Decimal("1.50") if n % 2 else None,
            required_patrollers=None if n % 2 else 2,
        )
        segment.villages.set([village])

    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.json()["segments"]) == 14
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(few) <= 5


# ---- management command --------------------------------------------------------------------------------------------


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("staffing_report", *args, stdout=out)
    return out.getvalue()


def test_command_prints_a_chinese_table_per_township_with_county_and_city_totals(segments):
    output = run_command("--date", "2026-11-20")

    assert "郑州市 巡察员配备情况 2026-11-20" in output
    header = next(line for line in output.splitlines() if line.startswith("县(市、区)"))
    assert header.split() == [
        "县(市、区)",
        "乡镇(街道)",
        "河段数",
        "底线",
        "标准",
        "实有",
        "低于底线(违规)",
        "低于标准",
        "达标",
        "待核定",
    ]
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in output.splitlines() if line.split()}
    assert rows[("金水区", "丰庆路街道")] == ["1", "3", "5", "0", "1", "0", "0", "0"]
    assert rows[("金水区", "小计")] == ["2", "4", "7", "0", "2", "0", "0", "0"]
    assert rows[("中牟县", "小计")] == ["1", "1", "1", "0", "1", "0", "0", "0"]
    assert rows[("郑州市", "合计")] == ["3", "5", "8", "0", "3", "0", "0", "0"]


def test_command_lists_undetermined_segments_for_the_office(segments, lake):
    output = run_command()

    assert "待核定河段(1个)" in output
    assert "S-LAKE  龙湖丰庆路片  湖泊  丰庆路街道" in output


def test_command_narrows_by_township_code_or_county_id(segments, places):
    by_code = run_command("--township", places["far"].code)
    assert "中牟县 官渡镇 巡察员配备情况" in by_code
    assert "丰庆路街道" not in by_code

    by_id = run_command("--county", str(places["county"].pk))
    assert "金水区 巡察员配备情况" in by_id
    assert "官渡镇" not in by_id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--county", "nowhere"], "找不到县(市、区)：nowhere"),
        (["--date", "20261120"], "日期格式应为 YYYY-MM-DD"),
    ],
)
def test_command_refuses_unknown_places_and_bad_dates_in_chinese(segments, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run_command(*args)


def test_command_refuses_a_township_outside_the_given_county(segments, places):
    with pytest.raises(CommandError, match="官渡镇 不属于 金水区"):
        run_command("--county", places["county"].code, "--township", places["far"].code)


def test_command_writes_the_workbook_with_five_sheets(segments, lake, tmp_path, assigned):
    assigned(segments["home"], 4, on=date(2026, 11, 20))
    target = tmp_path / "staffing.xlsx"

    output = run_command("--date", "2026-11-20", "--xlsx", str(target))

    assert f"已写入 {target}" in output
    book = load_workbook(target)
    assert book.sheetnames == ["河段", "乡镇", "县区", "全市", "小型水库"]

    sheet = book["河段"]
    assert [c.value for c in sheet[1]] == [
        "河段编码",
        "河段",
        "河湖库",
        "类型",
        "乡镇(街道)",
        "县(市、区)",
        "长度(公里)",
        "配备依据",
        "途经村数",
        "底线人数",
        "标准人数",
        "实有人数",
        "状态",
        "本河段实有人数",
        "所属小型水库",
        "计入乡镇(街道)",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width == 24
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["S-HOME"] == (
        "S-HOME",
        "贾鲁河丰庆路段",
        "贾鲁河",
        "河流",
        "丰庆路街道",
        "金水区",
        4.01,
        "按长度(每公里1名)",
        2,
        3,
        5,
        4,
        "低于标准",
        4,
        None,
        "丰庆路街道",
    )
    assert rows["S-LAKE"][3:4] + rows["S-LAKE"][7:13] == ("湖泊", "河长办核定", 0, None, None, 0, "待核定")
    status_cells = {row[0].value: row[12] for row in sheet.iter_rows(min_row=2)}
    assert status_cells["S-HOME"].fill.start_color.rgb.endswith(STATUS_COLOURS[Status.BELOW_STANDARD])
    assert status_cells["S-FAR"].fill.start_color.rgb.endswith(STATUS_COLOURS[Status.BELOW_FLOOR])

    townships = {row[0]: row for row in book["乡镇"].iter_rows(min_row=2, values_only=True)}
    assert townships["丰庆路街道"] == ("丰庆路街道", "金水区", 2, 3, 5, 4, 0, 1, 0, 1)
    counties = {row[0]: row for row in book["县区"].iter_rows(min_row=2, values_only=True)}
    assert counties["中牟县"] == ("中牟县", 1, 1, 1, 0, 1, 0, 0, 0)
    city = list(book["全市"].iter_rows(values_only=True))
    assert city[0][:3] == ("范围", "日期", "河段数")
    assert city[1][0] == "郑州市"
    assert city[1][1].date().isoformat() == "2026-11-20"
    assert city[1][2:] == (4, 5, 8, 4, 2, 1, 0, 1)


# ---- page and download ---------------------------------------------------------------------------------------------


def test_township_office_page_shows_its_segments_with_chinese_statuses_and_an_export_link(client, cast, segments, lake):
    client.force_login(cast["township_office"])

    response = client.get(PAGE, {"date": "2026-11-20"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "贾鲁河丰庆路段" in page
    assert "贾鲁河杨金路段" not in page
    assert "低于底线(违规)" in page
    assert 'class="badge below_floor"' in page
    assert "待核定河段" in page and "龙湖丰庆路片" in page
    assert f"/staffing/report.xlsx?date=2026-11-20&amp;township={cast['township_office'].township_id}" in page
    assert "导出Excel" in page


def test_county_office_page_offers_only_its_own_townships_as_filters(client, cast, segments, places):
    client.force_login(cast["county_office"])

    response = client.get(PAGE)

    assert [t.name for t in response.context["townships"]] == ["丰庆路街道", "杨金路街道"]
    assert response.context["counties"] == []
    assert "官渡镇" not in response.content.decode()


def test_page_narrowed_to_a_township_outside_scope_is_404(client, cast, segments, places):
    client.force_login(cast["county_office"])

    assert client.get(PAGE, {"township": places["far"].pk}).status_code == 404
    assert client.get(DOWNLOAD, {"township": places["far"].pk}).status_code == 404


def test_city_office_changing_the_county_in_the_form_drops_the_township_of_the_old_county(
    client, cast, segments, places
):
    client.force_login(cast["city_office"])

    response = client.get(PAGE, {"county": places["other_county"].pk, "township": places["township"].pk})

    assert response.status_code == 200
    assert [line.segment for line in response.context["report"].lines] == [segments["far"]]
    assert [t.name for t in response.context["townships"]] == ["官渡镇"]


def test_page_with_a_malformed_date_shows_the_error_and_todays_report(client, cast, segments):
    client.force_login(cast["township_office"])

    response = client.get(PAGE, {"date": "yesterday"})

    assert response.status_code == 200
    assert response.context["filters"].errors["date"]
    assert "贾鲁河丰庆路段" in response.content.decode()


@pytest.mark.parametrize("who", ["patroller", "village_chief", "supervisor", "outsider"])
def test_page_and_download_are_for_offices_only(client, cast, segments, who):
    client.force_login(cast[who])

    assert client.get(PAGE).status_code == 403
    assert client.get(DOWNLOAD).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, segments):
    response = client.get(DOWNLOAD)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_county_office_downloads_the_workbook_of_its_county(client, cast, segments):
    client.force_login(cast["county_office"])

    response = client.get(DOWNLOAD, {"date": "2026-11-20"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    codes = [row[0] for row in book["河段"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["S-HOME", "S-NEIGH"]
    assert book["全市"]["A2"].value == "金水区"
