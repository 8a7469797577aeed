"""`GET /api/v1/me/month/`: the patroller's own month for the phone app (assessments.my_month)."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from assessments import rules as assessment_rules
from assessments.models import Assessment, DismissalFlag
from staffing.models import Contract
from tests.factories import local, make_user, walk
from tests.patrol.photo_images import jpeg_bytes, picture

URL = "/api/v1/me/month/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def this_month(today: date) -> str:
    return f"{today:%Y-%m}"


def final(patroller, month: date, *, level="township", parts=(25, 30, 20)) -> Assessment:
    appearance, daily_work, records = parts
    total = appearance + daily_work + records
    return Assessment.objects.create(
        patroller=patroller,
        month=month,
        level=level,
        township_id=patroller.township_id,
        county_id=patroller.hiring_county_id,
        appearance=appearance,
        daily_work=daily_work,
        records=records,
        total=total,
        grade=assessment_rules.grade(total),
        passed=total >= 60,
        suggested_appearance=appearance,
        suggested_daily_work=daily_work,
        suggested_records=records,
        status=Assessment.Status.FINAL,
        finalized_at=timezone.now(),
    )


def test_the_patroller_sees_days_patrolled_missing_and_to_come(api, cast, patroller, submit, log_body, today):
    submit(cast["patroller"], log_body())
    body = api.as_user(cast["patroller"]).get(URL).json()

    days = {d["date"]: d["status"] for d in body["days"]}
    assert body["month"] == this_month(today)
    assert days[today.isoformat()] == "patrolled"
    assert body["days_patrolled"] == 1
    earlier = [d for d in body["days"] if d["date"] < today.isoformat()]
    # The contract started 60 days ago: every earlier day of the month is due and has no log.
    assert all(d["status"] == "missing" for d in earlier)
    assert body["days_missing"] == len(earlier)
    assert all(d["status"] == "future" for d in body["days"] if d["date"] > today.isoformat())
    assert body["duty"]["status"] == "on_duty"
    assert body["duty"]["segment"]["name"] == "贾鲁河丰庆路段"


def test_days_outside_the_contract_are_off_not_missing(api, cast, hire_patroller, today):
    hire_patroller(cast["patroller"], start=today)
    body = api.as_user(cast["patroller"]).get(URL).json()

    statuses = {d["date"]: d["status"] for d in body["days"]}
    assert statuses[today.isoformat()] == "today"
    assert all(statuses[d] == "off" for d in statuses if d < today.isoformat())
    assert body["days_missing"] == 0


def test_log_flags_are_explained_in_plain_words(api, cast, patroller, submit, log_body, today):
    answer = submit(cast["patroller"], log_body(track=[])).json()
    client = api.as_user(cast["patroller"])
    for seed in (1, 2):  # two photos without EXIF and without a reported time
        client.post(
            f"/api/v1/patrol-logs/{answer['id']}/photos/",
            {"client_uuid": str(uuid.uuid4()), "file": SimpleUploadedFile("p.jpg", jpeg_bytes(picture(seed=seed)))},
            format="multipart",
        )

    (log,) = client.get(URL).json()["logs"]

    assert log["photos"] == 2
    assert {"code": "no_exif", "text": "照片缺少拍摄时间", "photos": 2} in log["flags"]
    assert log["flags"][0]["code"] == "no_track"
    assert "轨迹" in log["flags"][0]["text"]


def test_flags_read_in_english_on_request(api, cast, patroller, submit, log_body):
    submit(cast["patroller"], log_body(track=[]))

    body = api.as_user(cast["patroller"]).get(URL, HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["logs"][0]["flags"][0]["text"].startswith("No track")


def test_only_the_callers_own_logs_and_reports_are_shown(api, cast, patroller, other_patroller, submit, log_body):
    problem = {**log_body()["checks"], "dumping": "problem"}
    submit(other_patroller.user, log_body(checks=problem, actions=["escalated"]))
    mine = submit(cast["patroller"], log_body()).json()

    body = api.as_user(cast["patroller"]).get(URL).json()

    assert [log["id"] for log in body["logs"]] == [mine["id"]]
    assert body["problems"] == []


def test_problem_reports_say_where_each_stands(api, cast, patroller, submit, log_body):
    problem = {**log_body()["checks"], "dumping": "problem"}
    submit(cast["patroller"], log_body(checks=problem, actions=["escalated"]))

    (report,) = api.as_user(cast["patroller"]).get(URL).json()["problems"]

    assert (report["category_label"], report["status"], report["status_label"]) == (
        "倾倒垃圾渣土",
        "reported",
        "已上报",
    )


def test_final_scores_by_month_with_the_county_result_prevailing_and_no_drafts(api, cast, patroller, today):
    month = assessment_rules.month_start(today)
    last = assessment_rules.previous_month(month)
    final(patroller, last, parts=(20, 30, 20))
    final(patroller, last, level="county", parts=(10, 20, 10))
    draft = final(patroller, month)
    Assessment.objects.filter(pk=draft.pk).update(status="draft", finalized_at=None)

    scores = api.as_user(cast["patroller"]).get(URL).json()["scores"]

    assert scores == [
        {
            "month": f"{last:%Y-%m}",
            "level": "county",
            "level_label": "县级抽考",
            "appearance": 10,
            "daily_work": 20,
            "records": 10,
            "total": 40,
            "grade": "fail",
            "grade_label": "不合格",
            "passed": False,
        }
    ]


def test_an_open_dismissal_flag_is_announced(api, cast, patroller, today):
    DismissalFlag.objects.create(
        patroller=patroller,
        rule=DismissalFlag.Rule.CONSECUTIVE_2,
        trigger_month=assessment_rules.month_start(today),
        months=["2026-10", "2026-11"],
        township_id=patroller.township_id,
        county_id=patroller.hiring_county_id,
    )

    flag = api.as_user(cast["patroller"]).get(URL).json()["dismissal_flag"]

    assert flag["months"] == ["2026-10", "2026-11"]
    assert "连续2个月考核不合格" in flag["message"] and "第九条" in flag["message"]


def test_without_a_contract_today_the_patroller_is_told_why_and_whom_to_call(api, cast, patroller, today):
    Contract.objects.filter(patroller=patroller).update(
        status=Contract.Status.TERMINATED, terminated_on=today - timedelta(days=1)
    )

    duty = api.as_user(cast["patroller"]).get(URL).json()["duty"]

    assert (duty["status"], duty["segment"]) == ("no_contract", None)
    assert "金水区丰庆路街道河长办" in duty["message"]
    assert duty["office"] == {"name": "金水区丰庆路街道河长办", "contacts": ["township_office"], "phone": ""}


def test_the_dismissal_day_is_not_a_day_under_contract(api, cast, patroller, today):
    """Dismissed on day D (terminated_on = D): in force up to D − 1, so D is neither due nor missing."""
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    dismissed = last_month.replace(day=15)  # the contract started 60 days ago: all of last month was under it
    Contract.objects.filter(patroller=patroller).update(status=Contract.Status.TERMINATED, terminated_on=dismissed)

    body = api.as_user(cast["patroller"]).get(URL, {"month": f"{last_month:%Y-%m}"}).json()

    statuses = {d["date"]: d["status"] for d in body["days"]}
    assert statuses[(dismissed - timedelta(days=1)).isoformat()] == "missing"
    assert statuses[dismissed.isoformat()] == "off"
    assert body["days_missing"] == 14


def test_the_office_phone_is_given_to_call(api, cast, patroller, today, places):
    places["township"].__class__.objects.filter(pk=places["township"].pk).update(office_phone="0371-12345678")
    Contract.objects.filter(patroller=patroller).update(
        status=Contract.Status.TERMINATED, terminated_on=today - timedelta(days=1)
    )

    office = api.as_user(cast["patroller"]).get(URL).json()["duty"]["office"]

    assert office["phone"] == "0371-12345678"


def test_a_patroller_login_without_a_roster_record_gets_the_reason_not_an_error(api, cast):
    body = api.as_user(cast["patroller"]).get(URL).json()

    assert body["patroller"] is None
    assert body["duty"]["status"] == "no_record"
    assert "金水区丰庆路街道河长办" in body["duty"]["message"]
    assert body["logs"] == [] and body["days"] == []


@pytest.mark.parametrize(
    "role", ["village_chief", "township_office", "county_office", "city_office", "supervisor", "outsider"]
)
def test_every_other_role_is_refused_with_403(api, cast, patroller, role):
    assert api.as_user(cast[role]).get(URL).status_code == 403


def test_anonymous_is_401(client, db):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("month", ["2026-13", "26-11", "2026/11", "abcd-ef", "２０２６-１１"])
def test_a_malformed_month_is_a_400(api, cast, patroller, month):
    response = api.as_user(cast["patroller"]).get(URL, {"month": month})

    assert response.status_code == 400
    assert "month" in response.json()["errors"]


def test_a_month_after_this_one_is_a_400(api, cast, patroller, today):
    later = assessment_rules.next_month(assessment_rules.month_start(today))

    response = api.as_user(cast["patroller"]).get(URL, {"month": f"{later:%Y-%m}"})

    assert response.status_code == 400


def test_an_earlier_month_shows_that_months_logs(api, cast, patroller, submit, log_body, today):
    submit(cast["patroller"], log_body())
    earlier = assessment_rules.previous_month(assessment_rules.month_start(today))

    body = api.as_user(cast["patroller"]).get(URL, {"month": f"{earlier:%Y-%m}"}).json()

    assert body["month"] == f"{earlier:%Y-%m}"
    assert body["logs"] == []
    assert all(d["status"] in ("missing", "off") for d in body["days"])


def test_the_month_costs_the_same_queries_whatever_the_number_of_logs_and_photos(
    api, cast, patroller, submit, log_body, today
):
    client = api.as_user(cast["patroller"])
    problem = {**log_body()["checks"], "dumping": "problem"}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    submit(cast["patroller"], log_body(checks=problem, actions=["escalated"]))
    one = queries()
    for hour in (9, 10, 11):
        answer = submit(
            cast["patroller"],
            log_body(
                checks=problem,
                actions=["escalated"],
                started_at=local(today, hour).isoformat(),
                ended_at=local(today, hour, 30).isoformat(),
                track=walk(today, start=(hour, 0)),
            ),
        ).json()
        client.post(
            f"/api/v1/patrol-logs/{answer['id']}/photos/",
            {"client_uuid": str(uuid.uuid4()), "file": SimpleUploadedFile("p.jpg", jpeg_bytes(picture(seed=hour)))},
            format="multipart",
        )
    many = queries()

    # Token (and its renewal) + user; patroller with township; office staff; assignment today; the contracts of the
    # month; logs; their photos; problem reports; final scores; open dismissal flag.
    assert many == one
    assert many <= 12


def test_the_endpoint_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()

    assert "/api/v1/me/month/" in schema


def test_a_user_with_another_role_but_patroller_record_never_happens_and_role_decides(api, places, patroller):
    office = make_user("office2", Role.TOWNSHIP_OFFICE, county=places["county"], township=places["township"])

    assert api.as_user(office).get(URL).status_code == 403
