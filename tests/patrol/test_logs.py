"""Submitting and reading patrol logs through the API (API.md, SPEC §5).

The cast's patroller is on duty on S-HOME (a 1 km line at 34.75° N) since 60 days ago; the clock is moved to
noon today (`patrol_now`, tests/patrol/fixtures.py).
"""

from datetime import UTC, datetime, timedelta

import pytest

from patrol import services
from patrol.models import PatrolLog, ProblemEvent, ProblemReport
from staffing import services as staffing_services
from tests.factories import LAT, METRES_PER_DEGREE_LAT, local, make_user, sync, walk

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/patrol-logs/"


def errors(response) -> dict:
    return response.json()["errors"]


# --- a good log ---------------------------------------------------------------------------------------------------


def test_a_patroller_submits_todays_log_and_reads_it_back(cast, patroller, submit, log_body, api):
    body = log_body(actions=["cleaned", "stopped"])
    response = submit(cast["patroller"], body)

    assert response.status_code == 201
    log = response.json()
    assert log["client_uuid"] == body["client_uuid"]
    assert log["patroller"] == patroller.pk
    assert log["segment"] == body["segment"]
    assert log["date"] == body["date"]
    assert log["started_at"] == body["started_at"]
    assert log["checks"] == body["checks"]
    assert log["actions"] == ["stopped", "cleaned"]
    assert log["coverage"] == pytest.approx(1.0)
    assert log["flags"] == []
    assert log["photos"] == []
    assert {"created_at", "updated_at", "notes"} <= set(log)

    detail = api.as_user(cast["patroller"]).get(f"{LOGS}{log['id']}/")
    assert detail.status_code == 200
    assert detail.json()["track"][0] == {**body["track"][0], "t": body["track"][0]["t"]}


def test_a_log_three_days_late_is_accepted(cast, patroller, submit, log_body, today):
    assert submit(cast["patroller"], log_body(day=today - timedelta(days=3))).status_code == 201


# --- every rejection is a 400 under the field, in Chinese ---------------------------------------------------------


def test_a_log_for_tomorrow_is_refused(cast, patroller, submit, log_body, today):
    response = submit(cast["patroller"], log_body(day=today + timedelta(days=1)))
    assert response.status_code == 400
    assert "不能晚于今天" in errors(response)["date"][0]


def test_a_log_four_days_late_is_refused(cast, patroller, submit, log_body, today):
    response = submit(cast["patroller"], log_body(day=today - timedelta(days=4)))
    assert response.status_code == 400
    assert "3天" in errors(response)["date"][0]
    assert not PatrolLog.objects.exists()


def test_a_day_before_the_contract_is_refused(cast, places, hire_patroller, submit, log_body, today):
    # Hired from tomorrow: today is outside the contract.
    newcomer = make_user("newcomer", "patroller", county=places["county"], township=places["township"])
    hire_patroller(newcomer, start=today + timedelta(days=1))
    response = submit(newcomer, log_body())
    assert response.status_code == 400
    assert "合同期" in errors(response)["date"][0]


def test_the_dismissal_day_itself_is_refused_and_the_day_before_accepted(cast, patroller, submit, log_body, today):
    contract = patroller.contracts.get()
    dismissed_on = today - timedelta(days=1)
    staffing_services.contract_terminate(
        contract=contract, on=dismissed_on, reason="连续两月考核不合格", by=cast["township_office"]
    )
    assert submit(cast["patroller"], log_body(day=dismissed_on - timedelta(days=1))).status_code == 201
    for day in (dismissed_on, today):
        response = submit(cast["patroller"], log_body(day=day))
        assert response.status_code == 400
        assert "合同期" in errors(response)["date"][0]


def test_a_segment_not_assigned_to_the_patroller_is_refused(cast, patroller, segments, submit, log_body):
    response = submit(cast["patroller"], log_body(segment=segments["neighbour"].pk))
    assert response.status_code == 400
    assert "负责的河段" in errors(response)["segment"][0]


def test_a_segment_that_does_not_exist_is_refused(cast, patroller, submit, log_body):
    response = submit(cast["patroller"], log_body(segment=999999))
    assert response.status_code == 400
    assert "segment" in errors(response)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"checks": {"dumping": "normal"}}, "checks"),
        ({"actions": ["prayed"]}, "actions"),
        ({"actions": ["escalated"]}, "actions"),  # nothing to escalate: every check is fine
        ({"notes": "字" * 2001}, "notes"),
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"client_uuid": 123}, "client_uuid"),  # a number is no UUID string (DRF alone would make 00…007b of it)
        ({"date": "2026-13-40"}, "date"),
        ({"segment": "S-HOME"}, "segment"),
    ],
)
def test_a_malformed_body_is_refused_under_the_field(cast, patroller, submit, log_body, change, field):
    response = submit(cast["patroller"], log_body(**change))
    assert response.status_code == 400
    assert field in errors(response)
    assert not PatrolLog.objects.exists()


def test_a_log_sent_as_a_form_is_refused_with_415_in_the_error_shape(cast, patroller, api, patrol_now, log_body):
    body = {key: value for key, value in log_body().items() if isinstance(value, str | int)}
    response = api.as_user(cast["patroller"]).post("/api/v1/patrol-logs/", body)  # multipart/form-data
    assert response.status_code == 415
    assert list(response.json()["errors"]) == ["non_field_errors"]
    assert not PatrolLog.objects.exists()


def test_times_that_do_not_fit_the_day_are_refused(cast, patroller, submit, log_body, today):
    wrong_day = submit(cast["patroller"], log_body(started_at=local(today - timedelta(days=1), 8).isoformat()))
    assert "started_at" in errors(wrong_day)
    backwards = submit(cast["patroller"], log_body(ended_at=local(today, 7).isoformat()))
    assert "结束时间不能早于开始时间" in errors(backwards)["ended_at"][0]
    # The clock says noon: a patrol ending at 15:00 today has not happened yet.
    future = submit(
        cast["patroller"],
        log_body(started_at=local(today, 14).isoformat(), ended_at=local(today, 15).isoformat(), track=[]),
    )
    assert "ended_at" in errors(future)


def test_a_track_point_off_the_globe_is_refused_and_named(cast, patroller, submit, log_body, today):
    track = walk(today)
    track[3] = {**track[3], "lat": 134.75}
    response = submit(cast["patroller"], log_body(track=track))
    assert response.status_code == 400
    assert "第4个轨迹点" in errors(response)["track"][0]


def test_a_track_recorded_at_another_time_is_refused(cast, patroller, submit, log_body, today):
    response = submit(cast["patroller"], log_body(track=walk(today, start=(6, 0))))
    assert response.status_code == 400
    assert "track" in errors(response)


def test_a_patroller_login_without_a_roster_record_may_not_submit(cast, segments, submit, log_body):
    assert submit(cast["patroller"], log_body()).status_code == 403


# --- evidence flags: computed, stored, never rejecting -----------------------------------------------------------


def test_a_log_without_a_track_is_flagged_no_track(cast, patroller, submit, log_body):
    response = submit(cast["patroller"], log_body(track=[]))
    assert response.status_code == 201
    assert response.json()["flags"] == ["no_track"]
    assert response.json()["coverage"] == 0.0


def test_a_walk_200_m_from_the_river_is_flagged_low_coverage(cast, patroller, submit, log_body, today):
    response = submit(cast["patroller"], log_body(track=walk(today, lat=LAT + 200 / METRES_PER_DEGREE_LAT)))
    assert response.status_code == 201
    assert response.json()["coverage"] == 0.0
    assert response.json()["flags"] == ["low_coverage"]


def test_a_segment_without_a_line_has_no_coverage_and_no_coverage_flag(cast, patroller, submit, log_body, today):
    segment = patroller.contracts.get().segment
    segment.geometry = None
    segment.save()
    response = submit(cast["patroller"], log_body(track=walk(today, lat=LAT + 0.01)))
    assert response.status_code == 201
    assert response.json()["coverage"] is None
    assert response.json()["flags"] == []


def test_driving_along_the_segment_is_flagged_vehicle_speed(cast, patroller, submit, log_body, today):
    # 1 km in two minutes: 30 km/h.
    response = submit(cast["patroller"], log_body(track=walk(today, legs=4, seconds_per_leg=30)))
    assert response.status_code == 201
    assert response.json()["flags"] == ["vehicle_speed"]


def test_a_problem_without_a_photo_is_flagged_until_one_arrives(cast, patroller, submit, log_body):
    body = log_body(checks={**log_body()["checks"], "dumping": "problem"})
    response = submit(cast["patroller"], body)
    assert response.status_code == 201
    assert response.json()["flags"] == ["evidence_missing"]

    log = PatrolLog.objects.get()
    before = log.updated_at
    log.photos.create(client_uuid="6f1c0000-0000-4000-8000-0000000000aa", sha256="0" * 64, check_code="dumping")
    services.patrol_log_refresh_flags(log=log)
    log.refresh_from_db()
    assert log.flags == []
    assert log.updated_at > before  # phone sync sees the change


def test_a_photo_of_another_check_leaves_the_problem_without_evidence(cast, patroller, submit, log_body):
    submit(cast["patroller"], log_body(checks={**log_body()["checks"], "dumping": "problem"}))
    log = PatrolLog.objects.get()
    log.photos.create(client_uuid="6f1c0000-0000-4000-8000-0000000000ab", sha256="0" * 64, check_code="signboard")
    assert services.patrol_log_refresh_flags(log=log).flags == ["evidence_missing"]


# --- escalation ----------------------------------------------------------------------------------------------------


def test_an_escalated_log_reports_each_problem_to_the_township_office(cast, places, patroller, submit, log_body):
    checks = {**log_body()["checks"], "dumping": "problem", "signboard": "damaged"}
    body = log_body(checks=checks, actions=["escalated", "stopped"])
    assert submit(cast["patroller"], body).status_code == 201

    reports = ProblemReport.objects.order_by("category")
    assert [r.category for r in reports] == ["dumping", "signboard"]
    last = body["track"][-1]
    for report in reports:
        assert report.status == ProblemReport.Status.REPORTED
        assert report.township == places["township"]
        assert report.segment_id == body["segment"]
        assert (report.latitude, report.longitude) == (last["lat"], last["lng"])
    events = ProblemEvent.objects.all()
    assert [(e.from_status, e.to_status, e.by) for e in events] == [("", "reported", cast["patroller"])] * 2


def test_an_escalation_without_a_track_has_no_location(cast, patroller, submit, log_body):
    body = log_body(checks={**log_body()["checks"], "dumping": "problem"}, actions=["escalated"], track=[])
    assert submit(cast["patroller"], body).status_code == 201
    report = ProblemReport.objects.get()
    assert (report.latitude, report.longitude) == (None, None)


def test_problems_not_escalated_file_no_report(cast, patroller, submit, log_body):
    body = log_body(checks={**log_body()["checks"], "dumping": "problem"}, actions=["stopped"])
    assert submit(cast["patroller"], body).status_code == 201
    assert not ProblemReport.objects.exists()


# --- listing, filters and sync --------------------------------------------------------------------------------------


def test_sync_returns_logs_changed_after_a_moment_in_update_order(cast, patroller, submit, log_body, today, api):
    first = submit(cast["patroller"], log_body(day=today - timedelta(days=1))).json()
    second = submit(cast["patroller"], log_body(day=today - timedelta(days=2))).json()
    third = submit(cast["patroller"], log_body()).json()
    # The first log changes last (a photo arrived): it moves to the end of the sync order.
    services.patrol_log_refresh_flags(log=PatrolLog.objects.get(pk=first["id"]))

    client = api.as_user(cast["patroller"])
    everything = client.get(LOGS).json()["results"]
    assert [row["id"] for row in everything] == [second["id"], third["id"], first["id"]]

    since = client.get(LOGS, {"updated_since": third["updated_at"]}).json()["results"]
    assert [row["id"] for row in since] == [first["id"]]


@pytest.fixture
def bulk_updated_logs(cast, patroller, submit, log_body) -> tuple[list[int], datetime]:
    """Four logs: a bulk update stamps the first three with one time, the fourth changes a second later."""
    ids = [submit(cast["patroller"], log_body()).json()["id"] for _ in range(4)]
    stamp = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
    PatrolLog.objects.filter(pk__in=ids[:3]).update(updated_at=stamp)
    PatrolLog.objects.filter(pk=ids[3]).update(updated_at=stamp + timedelta(seconds=1))
    return ids, stamp


def test_a_phone_resuming_after_its_last_row_receives_every_log_of_a_bulk_update_once(cast, api, bulk_updated_logs):
    ids, stamp = bulk_updated_logs
    client = api.as_user(cast["patroller"])

    # Pages of two: the first ends between the logs that share the stamp.
    received = sync(client, LOGS, since=(stamp - timedelta(seconds=1)).isoformat(), page_size=2)

    assert [row["id"] for row in received] == ids


def test_updated_since_alone_still_leaves_out_logs_changed_at_that_very_time(cast, api, bulk_updated_logs):
    ids, stamp = bulk_updated_logs
    client = api.as_user(cast["patroller"])

    rows = client.get(LOGS, {"updated_since": stamp.isoformat()}).json()["results"]

    assert [row["id"] for row in rows] == [ids[3]]


def test_the_date_and_flag_filters_narrow_the_list(cast, patroller, submit, log_body, today, api):
    old = submit(cast["patroller"], log_body(day=today - timedelta(days=2), track=[])).json()
    new = submit(cast["patroller"], log_body()).json()
    client = api.as_user(cast["township_office"])

    def ids(**params):
        response = client.get(LOGS, params)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(date_from=today.isoformat()) == [new["id"]]
    assert ids(date_to=(today - timedelta(days=1)).isoformat()) == [old["id"]]
    assert ids(flag="no_track") == [old["id"]]
    assert ids(patroller=patroller.pk) == [old["id"], new["id"]]
    assert ids(segment=new["segment"]) == [old["id"], new["id"]]


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "yesterday"},
        {"updated_since": "soon"},
        {"patroller": "x"},
        {"flag": "late"},
        {"segment": "99999999999999999999999"},
        {"date_from": "2026-11-20", "date_to": "2026-11-19"},
    ],
)
def test_a_bad_filter_is_a_400(cast, api, params):
    assert api.as_user(cast["township_office"]).get(LOGS, params).status_code == 400


def test_a_huge_id_is_simply_not_found(cast, api):
    assert api.as_user(cast["township_office"]).get(f"{LOGS}99999999999999999999999/").status_code == 404


def test_listing_costs_the_same_queries_for_one_log_or_many(
    cast, patroller, submit, log_body, today, api, django_assert_num_queries
):
    def add_logs(n):
        for i in range(n):
            submit(cast["patroller"], log_body(day=today - timedelta(days=i % 3)))
        for log in PatrolLog.objects.all():
            log.photos.create(client_uuid=f"6f1c0000-0000-4000-8000-{log.pk:012d}", sha256="0" * 64)

    client = api.as_user(cast["township_office"])
    add_logs(1)
    # Queries: the token, the user, COUNT(*) of the page, the logs joined with patroller and segment, their photos.
    with django_assert_num_queries(5):
        assert len(client.get(LOGS).json()["results"]) == 1
    PatrolLog.objects.all().delete()
    add_logs(6)
    with django_assert_num_queries(5):
        assert len(client.get(LOGS).json()["results"]) == 6


def test_times_read_back_in_zhengzhou_time(cast, patroller, submit, log_body, today):
    utc_start = local(today, 8).astimezone(UTC).isoformat()
    response = submit(cast["patroller"], log_body(started_at=utc_start))
    assert response.json()["started_at"] == local(today, 8).isoformat()


# --- odd input is a 400, never a 500 (API.md) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"track": [{"t": "2026-02-30T08:00:00+08:00", "lat": 34.75, "lng": 113.62, "acc": 5}]},
        {"track": [{"t": "2026-11-20T08:00:00+25:00", "lat": 34.75, "lng": 113.62, "acc": 5}]},
        {"track": {"t": "2026-11-20T08:00:00+08:00"}},
        {"track": [[113.62, 34.75]]},
        {"date": "0001-01-01", "started_at": "0001-01-01T00:05:00+08:00", "ended_at": "0001-01-01T00:30:00+08:00"},
        {"date": "9999-12-31", "started_at": "9999-12-31T23:00:00+08:00", "ended_at": "9999-12-31T23:30:00+08:00"},
        {"started_at": "9999-12-31T23:59:59-12:00"},
        {"checks": {"dumping": {"value": "problem"}}},
        {"checks": {"dumping": ["problem"]}},
        {"checks": None},
        {"actions": [{"code": "stopped"}]},
        {"actions": "stopped"},
        {"notes": "a\x00b"},
        {"segment": -1},
        {"segment": 2**70},
    ],
)
def test_odd_input_is_refused_with_400(cast, patroller, submit, log_body, change):
    response = submit(cast["patroller"], log_body(**change))
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["errors"]


def test_a_body_that_is_not_an_object_is_refused_with_400(cast, patroller, submit):
    response = submit(cast["patroller"], [1, 2, 3])
    assert response.status_code == 400
