"""Supervision reports (第十二条, SPEC §7): village chiefs and volunteer supervisors file, the township office
confirms or rejects, and a confirmed report lowers that month's suggested daily work."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import rules, services
from assessments.models import SupervisionReport
from rivers.models import Village

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def on_duty(hire, today):
    """An active patroller of the home township on S-HOME (which passes the village chief's village)."""
    return hire(start=today - timedelta(days=40))


@pytest.fixture
def elsewhere(hire, cast, segments, places, today):
    """An active patroller of the neighbour township."""
    village = Village.objects.create(township=places["neighbour"], code="410105002001", name="杨金村")
    return hire(
        start=today - timedelta(days=40),
        segment=segments["neighbour"],
        office=cast["other_township_office"],
        village=village,
    )


def file(cast, patroller, today, who="supervisor", **overrides):
    data = {"observed_on": today, "text": "连续两天未见巡河，河面漂浮物无人清理。"} | overrides
    return services.supervision_report_file(by=cast[who], patroller=patroller, **data)


@pytest.mark.parametrize("who", ["supervisor", "village_chief"])
def test_supervisors_and_village_chiefs_report_patrollers_they_oversee(cast, on_duty, today, who):
    report = file(cast, on_duty, today, who=who)

    assert report.status == "pending"
    assert report.reporter == cast[who]
    assert report.township_id == on_duty.township_id


@pytest.mark.parametrize("who", ["supervisor", "village_chief"])
def test_nobody_reports_a_patroller_outside_their_oversight(cast, elsewhere, today, who):
    with pytest.raises(ValidationError) as excinfo:
        file(cast, elsewhere, today, who=who)

    assert list(excinfo.value.message_dict) == ["patroller"]


@pytest.mark.parametrize("who", ["patroller", "township_office", "county_office", "city_office", "outsider"])
def test_only_village_chiefs_and_supervisors_file_reports(cast, on_duty, today, who):
    with pytest.raises(PermissionDenied):
        file(cast, on_duty, today, who=who)


def test_a_report_needs_text_and_a_day_not_in_the_future(cast, on_duty, today):
    with pytest.raises(ValidationError) as blank:
        file(cast, on_duty, today, text="   ")
    with pytest.raises(ValidationError) as future:
        file(cast, on_duty, today, observed_on=today + timedelta(days=1))

    assert list(blank.value.message_dict) == ["text"]
    assert list(future.value.message_dict) == ["observed_on"]


def test_a_confirmed_report_lowers_the_months_suggested_daily_work(cast, places, on_duty, today, log):
    month = rules.month_start(today)
    for day in range((today - month).days + 1):
        log(on_duty, month + timedelta(days=day))
    (draft,) = services.assessments_prepare(township=places["township"], month=month, by=cast["township_office"])
    assert draft.suggested["daily_work"] == 40
    report = file(cast, on_duty, today)

    services.supervision_report_confirm(report=report, by=cast["township_office"], note="经核实属实")

    report.refresh_from_db()
    assert (report.status, report.decided_by, report.decision_note) == (
        "confirmed",
        cast["township_office"],
        "经核实属实",
    )
    draft.refresh_from_db()
    assert draft.suggested["daily_work"] == 35
    assert draft.scores["daily_work"] == 35  # nobody had scored the draft yet: it follows
    assert "监督报告1件" in draft.explanation["daily_work"]


def test_a_rejected_report_changes_no_score(cast, places, on_duty, today, log):
    month = rules.month_start(today)
    for day in range((today - month).days + 1):
        log(on_duty, month + timedelta(days=day))
    report = file(cast, on_duty, today)
    (draft,) = services.assessments_prepare(township=places["township"], month=month, by=cast["township_office"])

    services.supervision_report_reject(report=report, by=cast["township_office"], note="当天系雨天停巡")

    draft.refresh_from_db()
    assert SupervisionReport.objects.get(pk=report.pk).status == "rejected"
    assert draft.suggested["daily_work"] == 40
    assert draft.facts["complaints"] == 0


@pytest.mark.parametrize("who", ["other_township_office", "county_office", "city_office", "supervisor"])
def test_only_the_patrollers_township_office_decides(cast, on_duty, today, who):
    report = file(cast, on_duty, today)

    with pytest.raises(PermissionDenied):
        services.supervision_report_confirm(report=report, by=cast[who])
    with pytest.raises(PermissionDenied):
        services.supervision_report_reject(report=report, by=cast[who])


def test_a_decided_report_is_not_decided_again(cast, on_duty, today):
    report = file(cast, on_duty, today)
    services.supervision_report_confirm(report=report, by=cast["township_office"])

    with pytest.raises(ValidationError):
        services.supervision_report_reject(report=report, by=cast["township_office"])
