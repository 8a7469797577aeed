"""GET /api/v1/overview/ (API.md): scope, levels, sums, the month's figures moving with the writes that change them
(a log today, a late log, a correction), the trend, and a query count that does not grow with the patrollers."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from assessments import rules
from assessments import services as assessment_services
from assessments.models import Assessment
from rivers.models import County, Township, Village
from staffing import summaries
from tests.factories import FAILING, PASSING, local, on_duty
from tests.overview.helpers import previous_month, row_of

URL = "/api/v1/overview/"
SEGMENTS_URL = "/api/v1/overview/segments/"


def month_of(day) -> str:
    return f"{day:%Y-%m}"


@pytest.fixture
def neighbour_patroller(cast, places, segments, today):
    village = Village.objects.create(township=places["neighbour"], code="410105002001", name="杨金村")
    return on_duty(
        office=cast["other_township_office"],
        segment=segments["neighbour"],
        village=village,
        today=today,
    )


# --- who may ask ------------------------------------------------------------------------------------------------

ROLE_STATUS = [
    ("city_office", 200),
    ("county_office", 200),
    ("township_office", 200),
    ("other_township_office", 200),
    ("patroller", 403),
    ("village_chief", 403),
    ("supervisor", 403),
    ("outsider", 403),
]


@pytest.mark.parametrize("url", [URL, SEGMENTS_URL])
@pytest.mark.parametrize(("role", "status"), ROLE_STATUS)
def test_offices_read_the_overview_and_no_one_else(api, cast, role, status, url):
    response = api.as_user(cast[role]).get(url)

    assert response.status_code == status, response.content
    if status == 403:
        assert "non_field_errors" in response.json()["errors"]


@pytest.mark.parametrize("url", [URL, SEGMENTS_URL])
def test_an_anonymous_caller_is_turned_away(db, url):
    assert APIClient().get(url).status_code == 401


@pytest.mark.parametrize("url", [URL, SEGMENTS_URL])
@pytest.mark.parametrize(
    ("role", "params"),
    [
        ("county_office", {"county": "other_county"}),
        ("county_office", {"township": "far"}),
        ("township_office", {"township": "neighbour"}),
        ("township_office", {"county": "other_county"}),
        ("township_office", {"county": "county"}),  # its own county: the county's rows are not a township's
        ("other_county_office", {"township": "township"}),
        ("city_office", {"county": None}),
    ],
)
def test_a_place_outside_the_callers_scope_is_not_found(api, cast, places, role, params, url):
    query = {key: places[value].pk if value else 999_999 for key, value in params.items()}

    response = api.as_user(cast[role]).get(url, query)

    assert response.status_code == 404
    assert response.json()["errors"]["non_field_errors"]


@pytest.mark.parametrize("url", [URL, SEGMENTS_URL])
@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-01", "abc", "2026-00", "２０２６-01"])
def test_a_bad_month_is_a_400_on_the_month(api, cast, month, url):
    response = api.as_user(cast["county_office"]).get(url, {"month": month})

    assert response.status_code == 400
    assert response.json()["errors"]["month"]


def test_a_month_not_yet_begun_is_a_400(api, cast, today):
    next_month = summaries.month_end(today) + timedelta(days=1)

    response = api.as_user(cast["county_office"]).get(URL, {"month": month_of(next_month)})

    assert response.status_code == 400
    assert response.json()["errors"]["month"]


def test_a_bad_place_id_is_a_400(api, cast):
    response = api.as_user(cast["city_office"]).get(URL, {"county": "abc"})

    assert response.status_code == 400
    assert "county" in response.json()["errors"]


# --- levels -----------------------------------------------------------------------------------------------------


def test_the_city_office_opens_on_the_city_by_county_for_the_last_complete_month(api, cast, places, today):
    answer = api.as_user(cast["city_office"]).get(URL).json()

    assert answer["level"] == "city"
    assert answer["place"] == {"id": None, "name": "郑州市"}
    assert answer["month"] == month_of(previous_month(today))
    assert [row["place"]["name"] for row in answer["rows"]] == ["金水区", "中牟县"]


def test_a_county_office_sees_its_townships_and_a_township_office_its_patrollers(
    api, cast, places, patroller, other_patroller, neighbour_patroller
):
    county = api.as_user(cast["county_office"]).get(URL).json()
    township = api.as_user(cast["township_office"]).get(URL).json()

    assert county["level"] == "county"
    assert county["place"]["name"] == "金水区"
    assert [row["place"]["name"] for row in county["rows"]] == ["丰庆路街道", "杨金路街道"]
    assert township["level"] == "township"
    assert township["place"]["name"] == "丰庆路街道"
    assert sorted(row["place"]["id"] for row in township["rows"]) == sorted([patroller.pk, other_patroller.pk])
    assert {row["segment"] for row in township["rows"]} == {"贾鲁河丰庆路段"}
    assert all(row["staffing"] is None for row in township["rows"])
    assert township["totals"]["staffing"] == {"floor": 3, "standard": 5, "actual": 2, "below_floor": 1}


def test_offices_drill_down_within_their_scope(api, cast, places, patroller):
    city = api.as_user(cast["city_office"])
    assert city.get(URL, {"county": places["county"].pk}).json()["level"] == "county"
    assert city.get(URL, {"township": places["far"].pk}).json()["place"]["name"] == "官渡镇"

    county = api.as_user(cast["county_office"])
    assert county.get(URL, {"township": places["township"].pk}).json()["level"] == "township"
    # A township office sees its own township; naming its county (the county's rows) is outside its scope.
    township = api.as_user(cast["township_office"])
    own = township.get(URL).json()
    assert (own["level"], own["place"]["name"]) == ("township", "丰庆路街道")
    assert township.get(URL, {"county": places["county"].pk}).status_code == 404


# --- the figures --------------------------------------------------------------------------------------------------


def test_a_log_submitted_today_moves_days_patrolled_by_one(client_for, cast, patroller, submit, log_body, today):
    office = client_for(cast["county_office"])
    month = {"month": month_of(today)}
    before = row_of(office.get(URL, month).json(), "丰庆路街道")

    assert submit(cast["patroller"], log_body()).status_code == 201
    after = row_of(office.get(URL, month).json(), "丰庆路街道")
    assert submit(cast["patroller"], log_body()).status_code == 201  # a second walk the same day
    again = row_of(office.get(URL, month).json(), "丰庆路街道")

    assert after["days_patrolled"] == before["days_patrolled"] + 1
    assert after["missing_logs"] == before["missing_logs"] - 1
    assert after["logs"] == before["logs"] + 1
    assert after["patroller_days"] == before["patroller_days"] == today.day
    assert again["days_patrolled"] == after["days_patrolled"]
    assert again["logs"] == after["logs"] + 1


def test_a_month_in_progress_counts_patroller_days_up_to_today(api, cast, patroller, today):
    answer = api.as_user(cast["township_office"]).get(URL, {"month": month_of(today)}).json()

    assert answer["through"] == today.isoformat()
    assert answer["totals"]["patroller_days"] == today.day
    assert answer["totals"]["patrollers"] == 1


def test_a_late_log_counts_in_the_month_of_its_day(client_for, cast, patroller, log_body, today):
    first = summaries.month_start(today)
    last_day = first - timedelta(days=1)  # two days late: within the 3-day window
    with time_machine.travel(local(first + timedelta(days=1), 12), tick=True):  # noon on the 2nd of this month
        office = client_for(cast["township_office"])
        before = office.get(URL, {"month": month_of(last_day)}).json()["totals"]

        response = client_for(cast["patroller"]).post("/api/v1/patrol-logs/", log_body(day=last_day), format="json")

        assert response.status_code == 201, response.content
        after = office.get(URL, {"month": month_of(last_day)}).json()["totals"]
    assert after["days_patrolled"] == before["days_patrolled"] + 1
    assert after["patrol_rate"] == round(after["days_patrolled"] / after["patroller_days"], 4)


def test_a_flag_of_the_log_is_counted_by_code(api, cast, patroller, submit, log_body, today):
    assert submit(cast["patroller"], log_body(track=[])).status_code == 201  # no track: `no_track`

    totals = api.as_user(cast["township_office"]).get(URL, {"month": month_of(today)}).json()["totals"]

    assert totals["flagged_logs"] == 1
    assert totals["flags"] == {"no_track": 1}


def _final(patroller, month, office, scores):
    township = Township.objects.get(pk=office.township_id)
    assessment_services.assessments_prepare(township=township, month=month, by=office)
    assessment = Assessment.objects.get(patroller=patroller, month=month, level="township")
    reasons = dict.fromkeys(scores, "现场核查")
    assessment_services.assessment_update(assessment=assessment, by=office, scores=scores, reasons=reasons)
    # Finalized once the month is settled (late logs can no longer arrive), whatever today is; the month has no logs
    # of the township unless the test added some, which the office confirms.
    now = max(timezone.now(), local(rules.settles_on(month), 9))
    return assessment_services.assessment_finalize(
        assessment=assessment, by=office, now=now, confirm_no_logs=True, reason="本月另有纸质台账"
    ).assessment


def test_a_finalized_month_and_its_approved_correction_are_reflected(api, cast, patroller, today):
    month = previous_month(today)
    office = api.as_user(cast["county_office"])
    assessment = _final(patroller, month, cast["township_office"], FAILING)
    failing = office.get(URL, {"month": month_of(month)}).json()

    correction = assessment_services.correction_request(
        assessment=assessment,
        by=cast["township_office"],
        scores=PASSING,
        reason="复核后更正",
        reasons=dict.fromkeys(PASSING, "复核"),
    )
    assessment_services.correction_approve(correction=correction, by=cast["county_office"])
    corrected = office.get(URL, {"month": month_of(month)}).json()

    assert (failing["totals"]["assessed"], failing["totals"]["failed"]) == (1, 1)
    assert failing["totals"]["average_score"] == 40.0
    assert (corrected["totals"]["assessed"], corrected["totals"]["failed"]) == (1, 0)
    assert corrected["totals"]["average_score"] == 100.0
    assert corrected["trend"][-1] == {
        "month": month_of(month),
        "patrol_rate": 0.0,
        "average_score": 100.0,
        "failed": 0,
        "assessed": 1,
    }
    assert corrected["score_distribution"] == [0] * 9 + [1]


def test_the_totals_are_the_sums_of_the_rows_with_rates_from_the_sums(
    api, cast, patroller, other_patroller, neighbour_patroller, submit, log_body, today
):
    submit(cast["patroller"], log_body())
    answer = api.as_user(cast["county_office"]).get(URL, {"month": month_of(today)}).json()
    rows, totals = answer["rows"], answer["totals"]

    for name in (
        "patrollers",
        "patroller_days",
        "days_patrolled",
        "logs",
        "flagged_logs",
        "problems_open",
        "problems_overdue",
        "assessed",
        "failed",
        "open_flags",
        "unfiled_changes",
        "missing_logs",
    ):
        assert totals[name] == sum(row[name] for row in rows), name
    for name in ("floor", "standard", "actual", "below_floor"):
        assert totals["staffing"][name] == sum(row["staffing"][name] for row in rows), name
    assert totals["patrollers"] == 3
    assert totals["patrol_rate"] == round(totals["days_patrolled"] / totals["patroller_days"], 4)
    assert row_of(answer, "杨金路街道")["patrol_rate"] == 0.0


def test_the_trend_is_the_twelve_months_ending_at_the_month(api, cast, patroller, today):
    month = previous_month(today)

    trend = api.as_user(cast["city_office"]).get(URL, {"month": month_of(month)}).json()["trend"]

    assert len(trend) == 12
    assert trend[-1]["month"] == month_of(month)
    assert trend[0]["month"] == month_of(summaries.months_between(month - timedelta(days=330), month)[0])
    assert all(point["patrol_rate"] is None or 0 <= point["patrol_rate"] <= 1 for point in trend)
    assert trend[-1]["patrol_rate"] == 0.0  # on duty all month, no log
    assert trend[0]["patrol_rate"] is None  # no one on duty yet: no patroller-days


def test_problems_open_and_overdue_count_the_months_reports(api, cast, patroller, submit, log_body, today):
    body = log_body(checks={**log_body()["checks"], "dumping": "problem"}, actions=["escalated"])
    assert submit(cast["patroller"], body).status_code == 201

    totals = api.as_user(cast["county_office"]).get(URL, {"month": month_of(today)}).json()["totals"]

    assert (totals["problems_open"], totals["problems_overdue"]) == (1, 0)


def test_open_flags_and_unfiled_roster_changes_are_counted_now(api, cast, patroller, today):
    answer = api.as_user(cast["county_office"]).get(URL).json()

    # Hiring the patroller left one roster change to file.
    assert row_of(answer, "丰庆路街道")["unfiled_changes"] == 1
    assert answer["totals"]["open_flags"] == 0


# --- queries ------------------------------------------------------------------------------------------------------


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_patrollers(
    api, cast, places, segments, patroller, submit, log_body, today
):
    """Queries per answer, whatever the number of patrollers (knox's two — the token with its user, the user's
    tokens — come first in each):
    city (11) — counties; the township sums: the counts of the 12 months summed per month and county, and the
        month's flags and score distribution; staffing (segments as values, their village counts, actual
        patrollers per segment); open problem reports; open dismissal flags; unfiled roster changes;
    county (13) — the county checked and read; its townships; their sums (2); staffing (3); problems; flags;
        changes;
    township (15) — the township checked and read; its patroller rows with names; its sums (2); staffing (3);
        problems; flags; changes; the day's roster with its assignments (the segment of each patroller).
    """
    submit(cast["patroller"], log_body())
    client = api.as_user(cast["city_office"])
    month = {"month": month_of(today)}
    levels = [month, {**month, "county": places["county"].pk}, {**month, "township": places["township"].pk}]
    before = [_queries(client, params) for params in levels]

    village = places["village"]
    for _ in range(6):
        on_duty(office=cast["township_office"], segment=segments["home"], village=village, today=today)
    County.objects.create(code="410106", name="上街区")
    after = [_queries(client, params) for params in levels]

    assert after == before
    assert before == [11, 13, 15]


# --- the map --------------------------------------------------------------------------------------------------------


def test_the_segments_answer_geojson_with_rate_coverage_and_status(
    api, cast, places, patroller, submit, log_body, today
):
    assert submit(cast["patroller"], log_body()).status_code == 201

    answer = api.as_user(cast["county_office"]).get(SEGMENTS_URL, {"month": month_of(today)}).json()

    assert answer["type"] == "FeatureCollection"
    (feature,) = answer["features"]  # only the home segment has a geometry
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "LineString"
    properties = feature["properties"]
    assert set(properties) >= {"id", "name", "township", "patrol_rate", "coverage", "status"}
    assert properties["township"] == places["township"].pk
    assert properties["patrol_rate"] == pytest.approx(1 / today.day)
    assert properties["coverage"] == pytest.approx(1.0, abs=0.05)
    assert properties["status"] == "below_floor"


def test_the_segments_of_another_county_are_not_on_the_county_map(api, cast, places, segments):
    segments["far"].geometry = {"type": "Point", "coordinates": [114.0, 34.7]}
    segments["far"].save()

    county = api.as_user(cast["county_office"]).get(SEGMENTS_URL).json()
    city = api.as_user(cast["city_office"]).get(SEGMENTS_URL).json()

    assert county["features"] == []
    assert [f["properties"]["name"] for f in city["features"]] == ["贾鲁河官渡段"]


def test_the_overview_is_in_the_openapi_schema(api, cast):
    schema = api.as_user(cast["city_office"]).get("/api/v1/schema/", {"format": "json"}).json()

    assert "/api/v1/overview/" in schema["paths"]
    assert "/api/v1/overview/segments/" in schema["paths"]
