"""The assessment, spot-check and dismissal-flag endpoints as phones and offices see them (API.md), plus
corrections and supervision reports; list endpoints answer in a number of queries that does not grow."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import rules, services
from assessments.models import Assessment, DismissalFlag
from staffing.models import Contract, Vacancy
from tests.factories import FAILING, NO_LOGS_REASON, PASSING

pytestmark = pytest.mark.django_db

MARCH, APRIL = "2026-03", "2026-04"


@pytest.fixture
def office(client_for, cast):
    return client_for(cast["township_office"])


def prepare(office, month):
    response = office.post("/api/v1/assessments/prepare/", {"month": month}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def score_and_finalize(office, row, scores):
    response = office.patch(
        f"/api/v1/assessments/{row['id']}/",
        {"scores": scores, "reasons": dict.fromkeys(scores, "现场核查")},
        format="json",
    )
    assert response.status_code == 200, response.content
    # These months have no logs: the office confirms finalizing them anyway, with its reason.
    response = office.post(
        f"/api/v1/assessments/{row['id']}/finalize/",
        {"confirm_no_logs": True, "reason": NO_LOGS_REASON},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


# --- assessments ---------------------------------------------------------------------------------------------


def test_prepare_answers_every_row_of_the_month_and_is_idempotent(office, hire):
    first, second = hire(start=date(2026, 1, 1)), hire(start=date(2026, 1, 1))

    body = prepare(office, MARCH)
    again = prepare(office, MARCH)

    assert body["count"] == 2
    assert [row["id"] for row in again["results"]] == [row["id"] for row in body["results"]]
    row = body["results"][0]
    assert {row["patroller"] for row in body["results"]} == {first.pk, second.pk}
    assert {"id", "patroller", "month", "level", "suggested", "scores", "total", "grade", "passed", "status"} <= set(
        row
    )
    assert row["month"] == MARCH
    assert row["level"] == "township"
    assert row["status"] == "draft"
    assert set(row["suggested"]) == set(row["scores"]) == {"appearance", "daily_work", "records"}
    assert set(row["explanation"]) == {"appearance", "daily_work", "records"}


def test_the_explanation_follows_the_requests_language(office, hire):
    hire(start=date(2026, 1, 1))
    prepare(office, MARCH)

    chinese = office.get("/api/v1/assessments/", {"month": MARCH}).json()["results"][0]["explanation"]
    english = office.get("/api/v1/assessments/", {"month": MARCH}, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]

    assert chinese["records"] == "本月没有巡查记录，建议0分。"
    assert english["explanation"]["records"] == "No patrol logs this month: suggestion 0 points."


@pytest.mark.parametrize("month", ["2026-3", "2026/03", "March", "", "2026-13"])
def test_a_malformed_month_is_a_400(office, month):
    response = office.post("/api/v1/assessments/prepare/", {"month": month}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["month"]
    assert office.get(f"/api/v1/assessments/?month={month}").status_code == (400 if month else 200)


def test_the_list_filters_by_month_and_township(office, hire, places):
    hire(start=date(2026, 1, 1))
    prepare(office, MARCH)
    prepare(office, APRIL)

    march = office.get(f"/api/v1/assessments/?month={MARCH}&township={places['township'].pk}").json()

    assert march["count"] == 1
    assert march["results"][0]["month"] == MARCH


def test_out_of_range_scores_and_missing_reasons_are_400s_under_their_fields(office, hire):
    hire(start=date(2026, 1, 1))
    (row,) = prepare(office, MARCH)["results"]
    url = f"/api/v1/assessments/{row['id']}/"

    too_high = office.patch(url, {"scores": {"appearance": 31}}, format="json")
    not_a_number = office.patch(url, {"scores": {"daily_work": "四十"}}, format="json")
    no_reason = office.patch(url, {"scores": {"daily_work": 40}}, format="json")
    with_reason = office.patch(
        url, {"scores": {"daily_work": 40}, "reasons": {"daily_work": "全月在岗"}}, format="json"
    )

    assert too_high.status_code == 400
    assert too_high.json() == {"errors": {"scores": ["河湖面貌应为0至30之间的整数分。"]}}
    assert not_a_number.status_code == 400
    assert list(not_a_number.json()["errors"]) == ["scores"]
    assert no_reason.status_code == 400
    assert list(no_reason.json()["errors"]) == ["reasons"]
    assert with_reason.status_code == 200
    assert with_reason.json()["scores"]["daily_work"] == 40
    assert with_reason.json()["reasons"] == {"daily_work": "全月在岗"}


def test_a_final_assessment_cannot_be_patched(office, hire):
    hire(start=date(2026, 1, 1))
    (row,) = prepare(office, MARCH)["results"]
    score_and_finalize(office, row, PASSING)

    response = office.patch(f"/api/v1/assessments/{row['id']}/", {"scores": {"appearance": 1}}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_finalizing_the_second_failing_month_answers_the_raised_flag(office, hire):
    patroller = hire(start=date(2026, 1, 1))
    score_and_finalize(office, prepare(office, MARCH)["results"][0], FAILING)

    body = score_and_finalize(office, prepare(office, APRIL)["results"][0], FAILING)

    assert body["status"] == "final"
    assert (body["total"], body["grade"], body["passed"]) == (40, "fail", False)
    (raised,) = body["dismissal_flags"]["raised"]
    assert raised["patroller"] == patroller.pk
    assert raised["months"] == [MARCH, APRIL]
    assert raised["rule"] == "consecutive_2"
    assert raised["status"] == "open"


def test_the_detail_shows_every_change(office, hire):
    hire(start=date(2026, 1, 1))
    row = prepare(office, MARCH)["results"][0]
    score_and_finalize(office, row, PASSING)

    detail = office.get(f"/api/v1/assessments/{row['id']}/").json()

    assert [change["action"] for change in detail["changes"]] == ["prepare", "update", "finalize"]
    update = detail["changes"][1]
    assert update["user_name"] == "township_office"
    assert update["old"]["total"] == 0 and update["new"]["total"] == 100


def test_a_patroller_sees_only_their_own_final_results(client_for, office, cast, hire):
    own = hire(start=date(2026, 1, 1), user=cast["patroller"])
    hire(start=date(2026, 1, 1))
    for row in prepare(office, MARCH)["results"]:
        if row["patroller"] == own.pk:
            score_and_finalize(office, row, PASSING)
    prepare(office, APRIL)

    rows = client_for(cast["patroller"]).get("/api/v1/assessments/").json()["results"]

    assert [(row["patroller"], row["month"], row["status"]) for row in rows] == [(own.pk, MARCH, "final")]


# --- spot checks ---------------------------------------------------------------------------------------------


def test_drawing_answers_the_seed_and_the_patrollers_and_the_same_again(client_for, cast, hire):
    people = {hire(start=date(2026, 1, 1)).pk for _ in range(3)}
    county = client_for(cast["county_office"])

    first = county.post("/api/v1/spot-checks/draw/", {"month": MARCH}, format="json")
    second = county.post("/api/v1/spot-checks/draw/", {"month": MARCH}, format="json")

    assert first.status_code == second.status_code == 200
    body = first.json()
    assert isinstance(body["seed"], int)
    assert len(body["patrollers"]) == 1 and set(body["patrollers"]) <= people
    assert (second.json()["seed"], second.json()["patrollers"]) == (body["seed"], body["patrollers"])
    (county_row,) = Assessment.objects.filter(level="county")
    assert body["assessments"] == [county_row.pk]
    listed = county.get(f"/api/v1/spot-checks/?month={MARCH}").json()["results"]
    assert [(d["seed"], d["patrollers"]) for d in listed] == [(body["seed"], body["patrollers"])]


def test_a_township_office_reads_no_spot_check_draw_not_even_its_own_countys(client_for, cast, hire):
    """The draw lists every county patroller's risk weight and the other townships' sample: the county's record."""
    hire(start=date(2026, 1, 1))
    client_for(cast["county_office"]).post("/api/v1/spot-checks/draw/", {"month": MARCH}, format="json")

    for who in ("township_office", "other_township_office"):
        response = client_for(cast[who]).get(f"/api/v1/spot-checks/?month={MARCH}")

        assert response.status_code == 403
        assert list(response.json()) == ["errors"]
        assert b"weight" not in response.content
    city = client_for(cast["city_office"]).get(f"/api/v1/spot-checks/?month={MARCH}").json()["results"]
    assert len(city) == 1 and city[0]["weights"]


# --- dismissal flags -----------------------------------------------------------------------------------------


@pytest.fixture
def flagged(office, hire):
    patroller = hire(start=date(2026, 1, 1))
    score_and_finalize(office, prepare(office, MARCH)["results"][0], FAILING)
    score_and_finalize(office, prepare(office, APRIL)["results"][0], FAILING)
    return patroller


def test_the_flag_list_names_the_months_and_the_rule(client_for, cast, flagged):
    rows = client_for(cast["county_office"]).get("/api/v1/dismissal-flags/?status=open").json()["results"]

    assert len(rows) == 1
    assert {k: rows[0][k] for k in ("patroller", "months", "rule", "status")} == {
        "patroller": flagged.pk,
        "months": [MARCH, APRIL],
        "rule": "consecutive_2",
        "status": "open",
    }


def test_confirming_a_flag_dismisses_the_patroller(office, flagged):
    flag = DismissalFlag.objects.get()

    response = office.post(
        f"/api/v1/dismissal-flags/{flag.pk}/confirm/", {"date": "2026-06-30", "reason": "连续两月不合格"}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "confirmed"
    contract = Contract.objects.get(patroller=flagged)
    assert body["termination"] == {
        "contract": contract.pk,
        "terminated_on": "2026-06-30",
        "vacancy": Vacancy.objects.get(vacated_by=flagged).pk,
        "roster_change": body["termination"]["roster_change"],
    }
    assert contract.termination_reason == "连续两月不合格"
    again = office.post(f"/api/v1/dismissal-flags/{flag.pk}/confirm/", {}, format="json")
    assert again.status_code == 400


def test_a_correction_approved_through_the_api_withdraws_the_flag(client_for, office, cast, flagged):
    april = Assessment.objects.get(patroller=flagged, month=date(2026, 4, 1))
    requested = office.post(
        f"/api/v1/assessments/{april.pk}/corrections/",
        {"scores": PASSING, "reasons": dict.fromkeys(PASSING, "补录"), "reason": "漏录巡查记录"},
        format="json",
    )
    assert requested.status_code == 201, requested.content
    assert requested.json()["old_scores"] == FAILING

    approved = client_for(cast["county_office"]).post(
        f"/api/v1/corrections/{requested.json()['id']}/approve/", {"note": "同意"}, format="json"
    )

    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert [f["status"] for f in approved.json()["dismissal_flags"]["withdrawn"]] == ["withdrawn"]
    assert office.get(f"/api/v1/assessments/{april.pk}/").json()["total"] == 100


# --- supervision reports -------------------------------------------------------------------------------------


def test_a_supervisor_files_a_report_and_the_township_office_confirms_it(client_for, office, cast, hire):
    today = timezone.localdate()
    patroller = hire(start=today - timedelta(days=30))
    supervisor = client_for(cast["supervisor"])

    filed = supervisor.post(
        "/api/v1/supervision-reports/",
        {"patroller": patroller.pk, "observed_on": today.isoformat(), "text": "河面垃圾三天无人清理"},
        format="json",
    )
    assert filed.status_code == 201, filed.content
    assert filed.json()["status"] == "pending"

    confirmed = office.post(f"/api/v1/supervision-reports/{filed.json()['id']}/confirm/", {}, format="json")

    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    assert [r["status"] for r in supervisor.get("/api/v1/supervision-reports/").json()["results"]] == ["confirmed"]


@pytest.mark.parametrize("patroller", [0, 999999, "abc", None])
def test_a_report_about_nobody_is_a_400(client_for, cast, patroller):
    response = client_for(cast["supervisor"]).post(
        "/api/v1/supervision-reports/",
        {"patroller": patroller, "observed_on": "2026-05-01", "text": "未巡河"},
        format="json",
    )

    assert response.status_code == 400
    assert "patroller" in response.json()["errors"]


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "1x"])
def test_odd_ids_are_404s(office, pk):
    assert office.get(f"/api/v1/assessments/{pk}/").status_code == 404
    assert office.post(f"/api/v1/dismissal-flags/{pk}/confirm/").status_code in (404, 403)


# --- query counts --------------------------------------------------------------------------------------------

# Token authentication (knox), before any endpoint's own queries: the token with its user, then the user's
# other tokens (knox scans them for expired ones).
AUTH_QUERIES = 2


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.fixture
def busy_month(cast, office, hire):
    """add(n): n more patrollers, each with a final failing first and second month of their contract (a flag), a
    pending correction of the second and a supervision report today. Contracts start 300 days ago, so those months
    (and the third, that the county draws) are over whatever the day the suite runs."""
    today = timezone.localdate()
    start = today - timedelta(days=300)
    first = rules.next_month(rules.month_start(start))
    months = [first, rules.next_month(first), rules.next_month(rules.next_month(first))]

    def add(count: int) -> None:
        for _ in range(count):
            patroller = hire(start=start)
            for month in months[:2]:
                services.assessments_prepare(
                    township=cast["township_office"].township,
                    month=month,
                    by=cast["township_office"],
                )
                row = Assessment.objects.get(patroller=patroller, month=month)
                services.assessment_update(
                    assessment=row, by=cast["township_office"], scores=FAILING, reasons=dict.fromkeys(FAILING, "核查")
                )
                services.assessment_finalize(
                    assessment=row, by=cast["township_office"], confirm_no_logs=True, reason=NO_LOGS_REASON
                )
            services.correction_request(
                assessment=row, by=cast["township_office"], scores={"records": 9}, reason="复核"
            )
            services.supervision_report_file(
                by=cast["supervisor"], patroller=patroller, observed_on=today, text="未巡河"
            )

    add.months = months
    return add


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/assessments/?page_size=500",
        "/api/v1/dismissal-flags/?page_size=500",
        "/api/v1/corrections/?page_size=500",
        "/api/v1/supervision-reports/?page_size=500",
        "/api/v1/spot-checks/?page_size=500",
    ],
)
def test_list_endpoints_take_the_same_queries_for_2_or_6_patrollers(client_for, cast, busy_month, url):
    """Each list: auth (2), COUNT for the pagination, the page with its related rows joined (1); the flags'
    list then what its open flags wait for: the open county drafts (1) and the pending corrections (1) of the
    page's patrollers and months (here every flag waits for its correction)."""
    busy_month(2)
    client = client_for(cast["county_office"])
    client.post("/api/v1/spot-checks/draw/", {"month": f"{busy_month.months[2]:%Y-%m}"}, format="json")
    few = queries_for(client, url)
    busy_month(4)

    waits = 2 if url.startswith("/api/v1/dismissal-flags/") else 0
    assert queries_for(client, url) == few == AUTH_QUERIES + 2 + waits


@pytest.mark.parametrize("path", ["/api/v1/assessments/prepare/", "/api/v1/spot-checks/draw/"])
def test_a_superuser_without_a_place_of_their_own_may_not_prepare_or_draw(api, cast, path):
    # Found by the contract run as demo_city (a superuser): the role check let it through, the view then looked for
    # the caller's township or county and answered 500.
    admin = cast["city_office"]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])

    response = api.as_user(admin).post(path, {"month": "2026-05"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"errors": {"non_field_errors": ["您的角色无权执行此操作。"]}}
