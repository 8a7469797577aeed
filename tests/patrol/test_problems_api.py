"""`/api/v1/problem-reports/`: who reads which reports, who may move them (every role × every endpoint), wrong
transitions, filters and a constant number of queries."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from patrol.models import Photo, ProblemReport
from tests.factories import escalate, put_in, sync

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/problem-reports/"
Status = ProblemReport.Status

# role → reads the home township's report?
READ = {
    "patroller": True,  # the patroller who reported it
    "township_office": True,
    "other_township_office": False,
    "county_office": True,
    "other_county_office": False,
    "city_office": True,
}
MAY_NOT_READ = ["village_chief", "supervisor", "outsider"]

# role → answer to a transition on the home report: 200 moved, 403 role may not act, 404 outside scope.
ACT = {
    "township_office": 200,
    "county_office": 200,
    "other_township_office": 404,
    "other_county_office": 404,
    "city_office": 403,
    "patroller": 403,
    "village_chief": 403,
    "supervisor": 403,
    "outsider": 403,
}

# action → (a status it is allowed from, a body it needs)
TRANSITIONS = {
    "accept": (Status.REPORTED, {}),
    "assign": (Status.ACCEPTED, {"deadline": "DEADLINE", "assignee": "村两委"}),
    "resolve": (Status.ASSIGNED, {"note": "已清理完毕", "photos": []}),
    "close": (Status.RESOLVED, {"note": ""}),
    "reopen": (Status.CLOSED, {"note": "复查仍有垃圾"}),
}


@pytest.fixture
def report(cast, patroller, submit, log_body) -> ProblemReport:
    return ProblemReport.objects.get(log_id=escalate(submit, log_body, cast["patroller"]))


def body_for(action: str, today) -> dict:
    body = dict(TRANSITIONS[action][1])
    if body.get("deadline") == "DEADLINE":
        body["deadline"] = (today + timedelta(days=7)).isoformat()
    return body


@pytest.mark.parametrize(("role", "sees"), READ.items())
def test_the_home_report_is_read_by_exactly_those_in_scope(cast, api, report, role, sees):
    client = api.as_user(cast[role])
    listed = client.get(REPORTS)
    detail = client.get(f"{REPORTS}{report.pk}/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == ([report.pk] if sees else [])
    assert detail.status_code == (200 if sees else 404)


@pytest.mark.parametrize("role", MAY_NOT_READ)
def test_roles_without_problem_reports_get_403(cast, api, report, role):
    client = api.as_user(cast[role])
    assert client.get(REPORTS).status_code == 403
    assert client.get(f"{REPORTS}{report.pk}/").status_code == 403


def test_another_patroller_does_not_see_my_report(api, report, other_patroller):
    client = api.as_user(other_patroller.user)
    assert client.get(REPORTS).json()["results"] == []
    assert client.get(f"{REPORTS}{report.pk}/").status_code == 404


def test_without_a_login_nothing_is_answered(report):
    from rest_framework.test import APIClient

    anonymous = APIClient()
    assert anonymous.get(REPORTS).status_code == 401
    assert anonymous.post(f"{REPORTS}{report.pk}/accept/", {}, format="json").status_code == 401


def test_a_report_reads_with_its_place_evidence_and_history(cast, api, report):
    data = api.as_user(cast["township_office"]).get(f"{REPORTS}{report.pk}/").json()
    assert data["category"] == "dumping" and data["category_label"] == "倾倒垃圾渣土"
    assert data["status"] == "reported" and data["status_label"] == "已上报"
    assert data["segment_name"] == "贾鲁河丰庆路段" and data["township_name"] == "丰庆路街道"
    assert data["patroller_name"] == report.log.patroller.name
    assert data["date"] == report.log.date.isoformat()
    assert data["latitude"] is not None and data["longitude"] is not None  # where the patrol ended
    assert data["overdue"] is False
    assert data["actions"] == ["accept", "close"]
    assert [(e["from_status"], e["to_status"]) for e in data["events"]] == [("", "reported")]


@pytest.mark.parametrize("action", TRANSITIONS)
@pytest.mark.parametrize(("role", "expected"), ACT.items())
def test_each_transition_endpoint_answers_each_role(cast, api, report, today, action, role, expected):
    status, _body = TRANSITIONS[action]
    put_in(report, status, deadline=today)
    response = api.as_user(cast[role]).post(f"{REPORTS}{report.pk}/{action}/", body_for(action, today), format="json")
    assert response.status_code == expected, response.content
    report.refresh_from_db()
    if expected == 200:
        assert response.json()["status"] == report.status != status
        assert report.events.order_by("-id").first().by == cast[role]
    else:
        assert report.status == status
        assert "errors" in response.json()


def test_a_transition_the_status_does_not_allow_is_a_400_in_chinese(cast, api, report, today):
    put_in(report, Status.CLOSED)
    response = api.as_user(cast["township_office"]).post(f"{REPORTS}{report.pk}/accept/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"status": ["问题当前状态为“已办结”，不能受理。"]}}


def test_assigning_without_deadline_or_assignee_is_a_400_naming_both(cast, api, report):
    put_in(report, Status.ACCEPTED)
    response = api.as_user(cast["township_office"]).post(f"{REPORTS}{report.pk}/assign/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"deadline", "assignee"}


def test_an_assigned_deadline_in_the_past_is_a_400(cast, api, report, today):
    put_in(report, Status.ACCEPTED)
    body = {"deadline": (today - timedelta(days=1)).isoformat(), "assignee": "村两委"}
    response = api.as_user(cast["township_office"]).post(f"{REPORTS}{report.pk}/assign/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["deadline"] == ["办理期限不能早于今天。"]


def test_the_fix_is_shown_with_the_photos_chosen_as_evidence(cast, api, report, today):
    put_in(report, Status.ASSIGNED, deadline=today)
    photo = Photo.objects.create(log=report.log, client_uuid=uuid.uuid4(), sha256="b" * 64, thumbnail="t.jpg")
    client = api.as_user(cast["township_office"])
    body = {"note": "已清理", "photos": [photo.pk]}
    data = client.post(f"{REPORTS}{report.pk}/resolve/", body, format="json").json()
    assert data["resolution_note"] == "已清理"
    assert [p["id"] for p in data["resolution_photos"]] == [photo.pk]
    assert data["resolution_photos"][0]["thumbnail_url"].endswith(f"/api/v1/photos/{photo.pk}/thumbnail/")


def test_wrong_photo_ids_of_a_fix_are_a_list_of_messages_like_every_other_field(cast, api, report, today):
    put_in(report, Status.ASSIGNED, deadline=today)
    client = api.as_user(cast["township_office"])

    response = client.post(f"{REPORTS}{report.pk}/resolve/", {"note": "已清理", "photos": [7, "x", 0]}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"photos": ["第2项：请填写合法的整数值。", "第3项：请确保该值大于或者等于 1。"]}
    }
    english = client.post(
        f"{REPORTS}{report.pk}/resolve/", {"note": "已清理", "photos": ["x"]}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json() == {"errors": {"photos": ["item 1: A valid integer is required."]}}
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED


def test_a_whole_workflow_through_the_api_leaves_its_history(cast, api, report, today):
    client = api.as_user(cast["township_office"])
    for action in ("accept", "assign", "resolve", "close", "reopen"):
        assert client.post(f"{REPORTS}{report.pk}/{action}/", body_for(action, today), format="json").status_code == 200
    data = client.get(f"{REPORTS}{report.pk}/").json()
    assert data["status"] == "reopened"
    assert [e["to_status"] for e in data["events"]] == [
        "reported",
        "accepted",
        "assigned",
        "resolved",
        "closed",
        "reopened",
    ]
    assert all(e["by"] == "township_office" for e in data["events"][1:])


@pytest.fixture
def three_reports(cast, patroller, submit, log_body, today):
    """A late one (assigned, deadline passed), an open one from three days ago, a closed one."""
    user = cast["patroller"]
    late = ProblemReport.objects.get(log_id=escalate(submit, log_body, user))
    old = ProblemReport.objects.get(log_id=escalate(submit, log_body, user, day=today - timedelta(days=3)))
    closed = ProblemReport.objects.get(log_id=escalate(submit, log_body, user))
    put_in(late, Status.ASSIGNED, deadline=today - timedelta(days=1))
    put_in(closed, Status.CLOSED)
    return {"late": late, "old": old, "closed": closed}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=true", {"late"}),
        ("overdue=false", {"old", "closed"}),
        ("status=closed", {"closed"}),
        ("status=reported", {"old"}),
        ("date_to=DAY-3", {"old"}),
        ("date_from=DAY-0", {"late", "closed"}),
        ("township=HOME", {"late", "old", "closed"}),
    ],
)
def test_the_list_filters_by_status_overdue_township_and_date(cast, api, places, three_reports, today, query, expected):
    query = query.replace("HOME", str(places["township"].pk))
    query = query.replace("DAY-3", (today - timedelta(days=3)).isoformat()).replace("DAY-0", today.isoformat())
    response = api.as_user(cast["township_office"]).get(f"{REPORTS}?{query}")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {three_reports[name].pk for name in expected}


def test_the_overdue_report_says_so(cast, api, three_reports):
    rows = api.as_user(cast["township_office"]).get(f"{REPORTS}?overdue=true").json()["results"]
    assert [(row["id"], row["overdue"]) for row in rows] == [(three_reports["late"].pk, True)]


@pytest.mark.parametrize(
    ("query", "code"),
    [("status=lost", 400), ("overdue=perhaps", 400), ("date_from=2026-13-01", 400), ("township=FAR", 404)],
)
def test_bad_filters_are_400_and_places_outside_scope_404(cast, api, places, report, query, code):
    query = query.replace("FAR", str(places["far"].pk))
    assert api.as_user(cast["township_office"]).get(f"{REPORTS}?{query}").status_code == code


def test_sync_lists_what_changed_since_in_update_order(cast, api, three_reports):
    client = api.as_user(cast["township_office"])
    moved = three_reports["old"]
    since = timezone.now()
    assert client.post(f"{REPORTS}{moved.pk}/accept/", {}, format="json").status_code == 200
    rows = client.get(REPORTS, {"updated_since": since.isoformat()}).json()["results"]
    assert [row["id"] for row in rows] == [moved.pk]


@pytest.fixture
def bulk_updated_reports(cast, patroller, submit, log_body) -> tuple[list[int], datetime]:
    """Four reports: a bulk update stamps the first three with one time, the fourth changes a second later."""
    ids = [ProblemReport.objects.get(log_id=escalate(submit, log_body, cast["patroller"])).pk for _ in range(4)]
    stamp = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
    ProblemReport.objects.filter(pk__in=ids[:3]).update(updated_at=stamp)
    ProblemReport.objects.filter(pk=ids[3]).update(updated_at=stamp + timedelta(seconds=1))
    return ids, stamp


def test_an_office_resuming_after_its_last_row_receives_every_report_of_a_bulk_update_once(
    cast, api, bulk_updated_reports
):
    ids, stamp = bulk_updated_reports
    client = api.as_user(cast["township_office"])

    # Pages of two: the first ends between the reports that share the stamp.
    received = sync(client, REPORTS, since=(stamp - timedelta(seconds=1)).isoformat(), page_size=2)

    assert [row["id"] for row in received] == ids


def test_updated_since_alone_still_leaves_out_reports_changed_at_that_very_time(cast, api, bulk_updated_reports):
    ids, stamp = bulk_updated_reports
    client = api.as_user(cast["township_office"])

    rows = client.get(REPORTS, {"updated_since": stamp.isoformat()}).json()["results"]

    assert [row["id"] for row in rows] == [ids[3]]


@pytest.mark.parametrize("count", [1, 4])
def test_the_list_takes_the_same_queries_however_many_reports(
    cast, api, patroller, submit, log_body, django_assert_num_queries, count
):
    for _ in range(count):
        escalate(submit, log_body, cast["patroller"])
    client = api.as_user(cast["township_office"])
    # 1 the token with its user, 2 the user's other tokens (knox deletes expired ones), 3 the count, 4 the reports
    # with log, patroller, segment, water body, township and county, 5 the photos of their logs, 6 the photos of
    # their fixes chosen among log photos, 7 those uploaded with the fix, 8 their events with who made them.
    with django_assert_num_queries(8):
        response = client.get(REPORTS)
    assert response.json()["count"] == count
