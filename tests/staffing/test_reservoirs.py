"""Small reservoirs: two per reservoir (第三条 "小型水库按每个2名配备", SPEC §3, docs/staffing.md §1).

A small reservoir's segments are counted together — floor 2, standard 2, the patrollers of all its segments — and
the reservoir counts once, in the township that holds its dam. The cast (tests/conftest.py) has the river segments
home 4.01 km (floor 3, standard 5) and neighbour 2.00 km (floor 1, standard 2) in 金水区, far 0.30 km in 中牟县.
"""

from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from rivers.models import Segment, Village, WaterBody
from staffing import services
from staffing.models import Vacancy
from tests.factories import candidate, hire

pytestmark = pytest.mark.django_db

URL = "/api/v1/staffing/"
ON = date(2026, 6, 1)
HIRED = date(2026, 1, 1)


@pytest.fixture
def neighbour_village(places):
    return Village.objects.create(township=places["neighbour"], code="410105002001", name="杨金村")


def small_reservoir(code: str = "K100", name: str = "丁店水库", *, dam=None) -> WaterBody:
    return WaterBody.objects.create(
        code=code, name=name, kind=WaterBody.Kind.RESERVOIR, size_class=WaterBody.SizeClass.SMALL_1, dam_township=dam
    )


def segment_of(body: WaterBody, township, code: str) -> Segment:
    return Segment.objects.create(code=code, name=f"{body.name}{township.name}段", water_body=body, township=township)


@pytest.fixture
def staff(cast, places, neighbour_village):
    """staff(segment) → one more patroller hired on `segment` from 1 January 2026 by its township's office."""
    offices = {places["township"].pk: cast["township_office"], places["neighbour"].pk: cast["other_township_office"]}
    villages = {places["township"].pk: places["village"], places["neighbour"].pk: neighbour_village}

    def add(segment: Segment):
        office = offices[segment.township_id]
        person = candidate(office, villages[segment.township_id], name=f"巡察员{segment.code}")
        return hire(person, segment, office, HIRED)

    return add


def rows_by_segment(body: dict) -> dict[int, dict]:
    return {row["segment"]: row for row in body["segments"]}


def township_totals(body: dict) -> dict[str, dict]:
    return {entry["name"]: entry["totals"] for entry in body["townships"]}


# ---- a reservoir in one township -------------------------------------------------------------------------------


def test_a_reservoir_cut_into_two_segments_of_one_township_needs_two_in_all(api, cast, segments, places, staff):
    body = small_reservoir()
    first, second = segment_of(body, places["township"], "S-R1"), segment_of(body, places["township"], "S-R2")
    staff(first)
    staff(second)

    report = api.as_user(cast["township_office"]).get(URL, {"date": ON}).json()

    # Not 2 per segment: the reservoir's 2 are met by one patroller on each of its segments.
    (reservoir,) = report["reservoirs"]
    assert (reservoir["floor"], reservoir["standard"], reservoir["actual"], reservoir["status"]) == (
        2,
        2,
        2,
        "meets_standard",
    )
    assert reservoir["segments"] == [first.pk, second.pk]
    assert reservoir["counted_in"] == places["township"].pk and reservoir["dam_recorded"] is True
    rows = rows_by_segment(report)
    for part in (first, second):
        row = rows[part.pk]
        assert (row["floor"], row["actual"], row["segment_actual"], row["status"]) == (2, 2, 1, "meets_standard")
        assert row["reservoir"] == body.pk
    assert rows[segments["home"].pk]["reservoir"] is None
    # The river segment (floor 3, standard 5) plus the reservoir once (2), three segments.
    assert report["totals"] == {
        "floor": 5,
        "standard": 7,
        "actual": 2,
        "segments": 3,
        "by_status": {"below_floor": 1, "below_standard": 0, "meets_standard": 1, "undetermined": 0},
    }


def test_one_patroller_on_a_two_segment_reservoir_is_below_its_floor_once(api, cast, segments, places, staff):
    body = small_reservoir()
    first = segment_of(body, places["township"], "S-R1")
    segment_of(body, places["township"], "S-R2")
    staff(first)

    report = api.as_user(cast["township_office"]).get(URL, {"date": ON}).json()

    assert report["reservoirs"][0]["status"] == "below_floor"
    # The river segment and the reservoir: two units below the floor, not three.
    assert report["totals"]["by_status"]["below_floor"] == 2
    assert report["totals"]["floor"] == 5


def test_a_small_reservoir_of_one_segment_keeps_its_two(api, cast, places, staff):
    body = small_reservoir()
    only = segment_of(body, places["township"], "S-R1")
    staff(only)

    report = api.as_user(cast["township_office"]).get(URL, {"date": ON}).json()

    row = rows_by_segment(report)[only.pk]
    assert (row["floor"], row["standard"], row["actual"], row["status"]) == (2, 2, 1, "below_floor")
    assert report["reservoirs"][0]["segments"] == [only.pk]


# ---- a reservoir in two townships ------------------------------------------------------------------------------


@pytest.fixture
def shared(places, segments, staff):
    """丁店水库 with a segment in 丰庆路街道 (home) and one in 杨金路街道 (neighbour), the dam in 杨金路街道, one
    patroller on each segment."""
    body = small_reservoir(dam=places["neighbour"])
    home_part = segment_of(body, places["township"], "S-R1")
    neighbour_part = segment_of(body, places["neighbour"], "S-R2")
    staff(home_part)
    staff(neighbour_part)
    return {"body": body, "home_part": home_part, "neighbour_part": neighbour_part}


def test_a_reservoir_in_two_townships_counts_once_in_the_township_of_its_dam(api, cast, places, shared):
    report = api.as_user(cast["county_office"]).get(URL, {"date": ON}).json()

    (reservoir,) = report["reservoirs"]
    assert (reservoir["floor"], reservoir["actual"], reservoir["status"]) == (2, 2, "meets_standard")
    assert reservoir["counted_in"] == places["neighbour"].pk and reservoir["counted_in_name"] == "杨金路街道"
    assert reservoir["townships"] == [places["township"].pk, places["neighbour"].pk]
    townships = township_totals(report)
    # 丰庆路街道: its river segment only (floor 3, standard 5); its reservoir segment's patroller counts at the dam.
    assert (townships["丰庆路街道"]["floor"], townships["丰庆路街道"]["actual"]) == (3, 0)
    assert townships["丰庆路街道"]["segments"] == 2
    # 杨金路街道: its river segment (floor 1, standard 2) and the whole reservoir with both patrollers.
    assert (townships["杨金路街道"]["floor"], townships["杨金路街道"]["standard"]) == (3, 4)
    assert townships["杨金路街道"]["actual"] == 2
    assert townships["杨金路街道"]["by_status"]["meets_standard"] == 1
    # The townships add up to the county: the reservoir is in the sums once.
    county = report["counties"][0]["totals"]
    for key in ("floor", "standard", "actual", "segments"):
        assert county[key] == sum(t[key] for t in townships.values()) == report["totals"][key]
    assert county["floor"] == 3 + 1 + 2


def test_the_township_without_the_dam_sees_the_reservoir_but_does_not_count_it(api, cast, places, shared):
    report = api.as_user(cast["township_office"]).get(URL, {"date": ON}).json()

    row = rows_by_segment(report)[shared["home_part"].pk]
    assert (row["floor"], row["actual"], row["segment_actual"], row["status"]) == (2, 2, 1, "meets_standard")
    assert row["counted_in"] == places["neighbour"].pk
    # Its segment's patroller is part of the reservoir's 2, counted in 杨金路街道, not here.
    assert (report["totals"]["floor"], report["totals"]["actual"], report["totals"]["segments"]) == (3, 0, 2)
    assert report["reservoirs"][0]["segments"] == [shared["home_part"].pk, shared["neighbour_part"].pk]


def test_the_township_with_the_dam_counts_the_patrollers_of_every_segment(api, cast, places, shared):
    report = api.as_user(cast["other_township_office"]).get(URL, {"date": ON}).json()

    assert set(rows_by_segment(report)) == {
        Segment.objects.get(code="S-NEIGH").pk,
        shared["neighbour_part"].pk,
    }
    assert (report["totals"]["floor"], report["totals"]["actual"]) == (1 + 2, 2)


def test_moving_the_dam_moves_the_reservoir_between_township_rows(api, cast, places, shared):
    body = shared["body"]
    body.dam_township = places["township"]
    body.save()

    townships = township_totals(api.as_user(cast["county_office"]).get(URL, {"date": ON}).json())

    assert (townships["丰庆路街道"]["floor"], townships["丰庆路街道"]["actual"]) == (3 + 2, 2)
    assert (townships["杨金路街道"]["floor"], townships["杨金路街道"]["actual"]) == (1, 0)


def test_without_a_dam_township_the_reservoir_counts_in_its_first_segment_and_is_listed(api, web, cast, places, shared):
    body = shared["body"]
    body.dam_township = None
    body.save()

    report = api.as_user(cast["county_office"]).get(URL, {"date": ON}).json()
    assert report["reservoirs"][0]["dam_recorded"] is False
    assert report["reservoirs"][0]["counted_in"] == places["township"].pk  # S-R1 comes first
    assert township_totals(report)["丰庆路街道"]["floor"] == 3 + 2

    page = web(cast["county_office"]).get("/staffing/report/", {"date": ON}).content.decode()
    assert "待登记坝址的小型水库" in page and "坝址未登记，暂计入丰庆路街道" in page
    output = StringIO()
    call_command("staffing_report", "--date", ON.isoformat(), stdout=output)
    assert "待登记坝址的小型水库(1座)" in output.getvalue()


def test_a_dam_in_another_county_keeps_the_reservoir_out_of_this_countys_sums(api, cast, places, segments, staff):
    body = small_reservoir(dam=places["far"])
    here = segment_of(body, places["township"], "S-R1")
    segment_of(body, places["far"], "S-R2")
    staff(here)

    county = api.as_user(cast["county_office"]).get(URL, {"date": ON}).json()
    city = api.as_user(cast["city_office"]).get(URL, {"date": ON}).json()

    assert county["totals"]["floor"] == 3 + 1  # the two river segments of 金水区
    assert county["reservoirs"][0]["actual"] == 1
    zhongmu = {c["name"]: c["totals"] for c in city["counties"]}["中牟县"]
    assert (zhongmu["floor"], zhongmu["actual"]) == (1 + 2, 1)
    assert city["totals"]["floor"] == 3 + 1 + 1 + 2


# ---- every form of the report ----------------------------------------------------------------------------------


def test_the_page_shows_the_reservoir_once_with_its_segments_and_where_it_counts(web, cast, shared):
    response = web(cast["county_office"]).get("/staffing/report/", {"date": ON})

    units = response.context["report"].units
    assert [getattr(unit, "water_body", None) for unit in units].count(shared["body"]) == 1
    page = response.content.decode()
    assert "丁店水库丰庆路街道段（丰庆路街道）1人" in page and "丁店水库杨金路街道段（杨金路街道）1人" in page
    assert "计入坝址所在的杨金路街道" in page


def test_the_workbook_lists_each_reservoir_once_and_marks_its_segments(web, cast, shared):
    response = web(cast["county_office"]).get("/staffing/report.xlsx", {"date": ON})
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))

    reservoirs = list(book["小型水库"].iter_rows(min_row=2, values_only=True))
    assert reservoirs == [
        (
            "K100",
            "丁店水库",
            "小(1)型",
            2,
            "丰庆路街道、杨金路街道",
            "杨金路街道",
            "坝址所在乡镇(街道)",
            2,
            2,
            2,
            "达标",
        )
    ]
    rows = {row[0]: row for row in book["河段"].iter_rows(min_row=2, values_only=True)}
    assert rows["S-R1"][9:] == (2, 2, 2, "达标", 1, "丁店水库", "杨金路街道")
    assert rows["S-HOME"][13:] == (0, None, "丰庆路街道")
    townships = {row[0]: row for row in book["乡镇"].iter_rows(min_row=2, values_only=True)}
    assert townships["杨金路街道"][2:6] == (2, 3, 4, 2)


def test_the_command_prints_the_township_rows_and_the_shared_reservoir(shared):
    output = StringIO()
    call_command("staffing_report", "--date", ON.isoformat(), "--county", "410105", stdout=output)
    text = output.getvalue()

    rows = {tuple(line.split()[:2]): line.split()[2:6] for line in text.splitlines() if line.split()}
    assert rows[("金水区", "丰庆路街道")] == ["2", "3", "5", "0"]
    assert rows[("金水区", "杨金路街道")] == ["2", "3", "4", "2"]
    assert "K100  丁店水库  丰庆路街道、杨金路街道  计入杨金路街道  底线2  实有2  达标" in text


def test_report_queries_do_not_grow_with_the_number_of_shared_reservoirs(api, cast, places, shared):
    client = api.as_user(cast["county_office"])
    # auth (2), the county, the segments in scope, every segment of their small reservoirs, the patrollers.
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"date": ON}).status_code == 200
    for n in range(5):
        body = small_reservoir(f"K2{n}", f"水库{n}", dam=places["township"])
        segment_of(body, places["township"], f"S-A{n}")
        segment_of(body, places["neighbour"], f"S-B{n}")
        segment_of(body, places["far"], f"S-C{n}")  # outside the county: read for its patrollers only

    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"date": ON})

    assert len(response.json()["reservoirs"]) == 6
    assert len(many) == len(few) == 6, [q["sql"] for q in many.captured_queries]


# ---- opening vacancies below standard --------------------------------------------------------------------------


def test_a_reservoir_short_of_staff_gets_one_vacancy_not_one_per_segment(cast, places, segments):
    body = small_reservoir(dam=places["neighbour"])
    home_part = segment_of(body, places["township"], "S-R1")
    neighbour_part = segment_of(body, places["neighbour"], "S-R2")

    at_dam = services.vacancies_open_below_standard(
        township=places["neighbour"], by=cast["other_township_office"], on=ON
    )
    upstream = services.vacancies_open_below_standard(township=places["township"], by=cast["township_office"], on=ON)

    assert {v.segment for v in at_dam} == {segments["neighbour"], neighbour_part}
    # The reservoir already has its vacancy (on its segment in 杨金路街道): 丰庆路街道 opens one for its river only.
    assert [v.segment for v in upstream] == [segments["home"]]
    assert not Vacancy.objects.filter(segment=home_part).exists()
