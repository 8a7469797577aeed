"""Months that are settled and drafts that stay true (SPEC §6):

- a month is finalized only once late logs can no longer arrive (day LOG_LATE_DAYS + 1 of the next month);
- every draft's suggestion (township and county) follows the current facts: refreshed whenever drafts are
  refreshed and again at finalize, where a score now too far from the fresh suggestion without a reason refuses;
- the county draws a month from the 1st of the next month on (risk weights over the whole month);
- a month with no contract day is not prepared; a township month without any log is finalized only with an
  explicit, reasoned confirmation kept in the history.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import rules, services
from assessments.models import Assessment, AssessmentChange
from tests.factories import NO_LOGS_REASON, township_of

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAY, JUNE = date(2026, 5, 1), date(2026, 6, 1)
JAN_1 = date(2026, 1, 1)


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def messages(excinfo) -> str:
    return " ".join(m for ms in excinfo.value.message_dict.values() for m in ms)


@pytest.fixture
def patrolled(hire, log):
    """A patroller with a log every day of May 2026 (suggestion 30/40/30)."""
    patroller = hire(start=JAN_1)
    for day in range(1, 32):
        log(patroller, date(2026, 5, day))
    return patroller


def township_draft(cast, places, patroller, month=MAY) -> Assessment:
    services.assessments_prepare(township=places["township"], month=month, by=cast["township_office"])
    return Assessment.objects.get(patroller=patroller, month=month, level="township")


def county_draft(cast, patroller, month=MAY) -> Assessment:
    services.spot_check_draw(county=township_of(patroller).county, month=month, by=cast["county_office"])
    return Assessment.objects.get(patroller=patroller, month=month, level="county")


# --- item 3: the late-log window ---------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["township", "county"])
def test_a_month_is_not_finalized_on_the_last_day_logs_may_still_arrive(cast, places, patrolled, level):
    draft = township_draft(cast, places, patrolled) if level == "township" else county_draft(cast, patrolled)
    office = cast["township_office"] if level == "township" else cast["county_office"]

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_finalize(assessment=draft, by=office, now=at(date(2026, 6, 3), 23, 59))

    assert "2026年5月的巡查日志可补报至2026-06-03，2026-06-04起才能定稿" in messages(excinfo)
    assert Assessment.objects.get(pk=draft.pk).status == "draft"
    done = services.assessment_finalize(assessment=draft, by=office, now=at(date(2026, 6, 4), 0, 0))
    assert done.assessment.status == "final"


def test_the_window_follows_the_late_days_setting(cast, places, patrolled, settings):
    settings.RIVER = {**settings.RIVER, "LOG_LATE_DAYS": 0}
    draft = township_draft(cast, places, patrolled)

    done = services.assessment_finalize(assessment=draft, by=cast["township_office"], now=at(date(2026, 6, 1), 8))

    assert done.assessment.status == "final"


@pytest.fixture
def unsettled(settings):
    """A late-log window so long that last month is not settled yet, whatever day the suite runs."""
    settings.RIVER = {**settings.RIVER, "LOG_LATE_DAYS": 40}
    return rules.previous_month(rules.month_start(timezone.localdate()))


def test_the_month_is_still_prepared_on_the_first_while_logs_may_arrive(cast, places, hire, unsettled):
    patroller = hire(start=rules.previous_month(unsettled))

    (draft,) = services.assessments_prepare(township=places["township"], month=unsettled, by=cast["township_office"])
    done = services.assessments_prepare_month(month=unsettled)

    assert draft.patroller == patroller and draft.status == "draft"
    assert done.patrollers == 1


def test_the_sheet_and_the_api_refuse_to_finalize_an_unsettled_month(cast, places, hire, unsettled, web, client_for):
    hire(start=rules.previous_month(unsettled))
    (draft,) = services.assessments_prepare(township=places["township"], month=unsettled, by=cast["township_office"])
    label = rules.month_label(unsettled)

    page = web(cast["township_office"]).get("/assessments/sheet/", {"month": label}).content.decode()
    response = client_for(cast["township_office"]).post(
        f"/api/v1/assessments/{draft.pk}/finalize/", {"confirm_no_logs": True, "reason": "纸质台账"}, format="json"
    )

    assert 'value="finalize" class="danger" disabled' in page
    assert "起才能定稿" in page
    assert response.status_code == 400
    assert "起才能定稿" in response.json()["errors"]["non_field_errors"][0]
    assert Assessment.objects.get(pk=draft.pk).status == "draft"


# --- item 2: drafts stay true -----------------------------------------------------------------------------------


@pytest.fixture
def half_month(hire, log):
    """A patroller whose logs of 1–15 May arrived; the rest will come late."""
    patroller = hire(start=JAN_1)
    for day in range(1, 16):
        log(patroller, date(2026, 5, day))
    return patroller


def late_logs(log, patroller) -> None:
    for day in range(16, 32):
        log(patroller, date(2026, 5, day))


def test_an_untouched_county_draft_is_finalized_at_the_fresh_suggestion(cast, half_month, log):
    draft = county_draft(cast, half_month)
    assert draft.suggested["daily_work"] == 19  # 15 of 31 days when drawn
    late_logs(log, half_month)

    final = services.assessment_finalize(assessment=draft, by=cast["county_office"]).assessment

    assert final.suggested == {"appearance": 30, "daily_work": 40, "records": 30}
    assert final.scores == final.suggested
    assert final.facts["days_patrolled"] == 31


def test_a_stored_score_too_far_from_the_fresh_suggestion_refuses_to_finalize(cast, half_month, log):
    draft = county_draft(cast, half_month)
    services.assessment_update(assessment=draft, by=cast["county_office"], scores={"daily_work": 25})  # 6 away
    late_logs(log, half_month)

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_finalize(assessment=draft, by=cast["county_office"])

    assert list(excinfo.value.message_dict) == ["reasons"]
    assert "日常工作表现评分25与建议分40相差超过10分" in messages(excinfo)
    kept = Assessment.objects.get(pk=draft.pk)
    assert (kept.status, kept.daily_work, kept.suggested_daily_work) == ("draft", 25, 40)  # refreshed, not final
    reasons = {"appearance": "抽查发现河面不洁", "daily_work": "抽查发现漏巡"}  # both kept parts are now far
    services.assessment_update(assessment=kept, by=cast["county_office"], reasons=reasons)
    assert services.assessment_finalize(assessment=kept, by=cast["county_office"]).assessment.daily_work == 25


def test_the_township_prepare_refreshes_the_county_drafts_too(cast, places, half_month, log):
    draft = county_draft(cast, half_month)
    late_logs(log, half_month)

    services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])

    assert Assessment.objects.get(pk=draft.pk).suggested["daily_work"] == 40


def test_drawing_again_refreshes_the_samples_drafts_and_keeps_the_sample(cast, half_month, log):
    draft = county_draft(cast, half_month)
    first = draft.facts
    late_logs(log, half_month)

    again = services.spot_check_draw(county=township_of(half_month).county, month=MAY, by=cast["county_office"])

    assert again.created is False and again.draw.patrollers == [half_month.pk]
    refreshed = Assessment.objects.get(pk=draft.pk)
    assert (first["days_patrolled"], refreshed.facts["days_patrolled"]) == (15, 31)


@pytest.mark.parametrize(("today", "allowed"), [(date(2026, 5, 31), False), (date(2026, 6, 1), True)])
def test_the_county_draws_a_month_from_the_first_of_the_next(cast, places, patrolled, today, allowed):
    if not allowed:
        with pytest.raises(ValidationError) as excinfo:
            services.spot_check_draw(county=places["county"], month=MAY, by=cast["county_office"], today=today)
        assert list(excinfo.value.message_dict) == ["month"]
        assert "2026-06-01" in messages(excinfo)
        return
    drawn = services.spot_check_draw(county=places["county"], month=MAY, by=cast["county_office"], today=today)
    assert drawn.draw.weights[str(patrolled.pk)]["weight"] == "1.0000"  # every day of May patrolled


def test_a_draft_whose_patroller_has_no_contract_day_any_more_is_not_finalized(cast, places, hire, segments):
    from staffing.models import Contract

    patroller = hire(start=date(2026, 4, 1), end=date(2026, 5, 31))
    draft = township_draft(cast, places, patroller, month=MAY)
    # The contract is found to have been entered wrongly and is cancelled before its start.
    Contract.objects.filter(patroller=patroller).update(status="terminated", terminated_on=date(2026, 3, 31))

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_finalize(
            assessment=draft, by=cast["township_office"], confirm_no_logs=True, reason=NO_LOGS_REASON
        )

    assert "没有合同期内的日子" in messages(excinfo)


# --- item 4: empty months --------------------------------------------------------------------------------------


def test_a_month_before_anyone_has_a_contract_is_not_prepared(cast, places, hire):
    hire(start=JUNE)  # the township's first contract starts in June

    with pytest.raises(ValidationError) as excinfo:
        services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])

    assert list(excinfo.value.message_dict) == ["month"]
    assert "没有在合同期内的巡察员" in messages(excinfo)
    assert not Assessment.objects.exists()


def test_a_patroller_without_a_contract_day_in_the_month_gets_no_draft(cast, places, hire):
    present = hire(start=JAN_1)
    hire(start=JUNE)  # from the 1st of the next month
    hire(start=date(2025, 5, 1), end=date(2026, 4, 30))  # ended the day before the month

    rows = services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])

    assert [row.patroller for row in rows] == [present]


def test_the_prepare_button_and_the_api_say_why_an_empty_month_has_no_sheet(cast, web, client_for):
    page = web(cast["township_office"]).post(
        "/assessments/sheet/", {"action": "prepare", "month": "2026-05"}, follow=True
    )
    api = client_for(cast["township_office"]).post("/api/v1/assessments/prepare/", {"month": "2026-05"}, format="json")

    assert "没有在合同期内的巡察员，无需生成考评表" in page.content.decode()
    assert api.status_code == 400
    assert list(api.json()["errors"]) == ["month"]


def test_the_monthly_command_leaves_a_township_without_contracts_alone(cast, places, hire):
    hire(start=JAN_1)

    done = services.assessments_prepare_month(month=MAY)

    assert (done.townships, done.patrollers) == (1, 1)
    assert set(Assessment.objects.values_list("township", flat=True)) == {places["township"].pk}


@pytest.fixture
def empty_month(cast, places, hire):
    """Two patrollers of the home township with no log at all in May: their drafts suggest 0."""
    hire(start=JAN_1)
    hire(start=JAN_1)
    return services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])


def test_finalizing_a_township_month_without_any_log_needs_a_confirmation_and_a_reason(cast, empty_month):
    draft = empty_month[0]
    office = cast["township_office"]

    with pytest.raises(ValidationError) as unconfirmed:
        services.assessment_finalize(assessment=draft, by=office)
    with pytest.raises(ValidationError) as no_reason:
        services.assessment_finalize(assessment=draft, by=office, confirm_no_logs=True, reason="  ")
    final = services.assessment_finalize(
        assessment=draft, by=office, confirm_no_logs=True, reason="本月系统尚未启用，按纸质台账考评"
    ).assessment

    assert list(unconfirmed.value.message_dict) == ["confirm_no_logs"]
    assert "丰庆路街道2026年5月没有任何巡查记录" in messages(unconfirmed)
    assert list(no_reason.value.message_dict) == ["reason"]
    change = final.changes.get(action=AssessmentChange.Action.FINALIZE)
    assert (change.reason, change.new["no_logs_confirmed"], change.user) == (
        "本月系统尚未启用，按纸质台账考评",
        True,
        office,
    )


def test_one_log_in_the_township_is_enough_to_finalize_without_the_confirmation(cast, empty_month, log):
    log(empty_month[1].patroller, date(2026, 5, 20))

    final = services.assessment_finalize(assessment=empty_month[0], by=cast["township_office"]).assessment

    change = final.changes.get(action=AssessmentChange.Action.FINALIZE)
    assert (final.status, change.reason, "no_logs_confirmed" in change.new) == ("final", "", False)


def test_the_api_finalizes_an_empty_month_with_the_confirmation(cast, empty_month, client_for):
    office = client_for(cast["township_office"])
    url = f"/api/v1/assessments/{empty_month[0].pk}/finalize/"

    refused = office.post(url, {}, format="json")
    done = office.post(url, {"confirm_no_logs": True, "reason": "按纸质台账考评"}, format="json")

    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["confirm_no_logs"]
    assert done.status_code == 200 and done.json()["status"] == "final"


def sheet_post(client, *drafts, **extra):
    data = {"action": "finalize", "month": "2026-05", "row": [str(d.pk) for d in drafts], **extra}
    for draft in drafts:
        for part in rules.PARTS:
            data[f"s-{draft.pk}-{part}"] = str(draft.scores[part])
            data[f"r-{draft.pk}-{part}"] = ""
    return client.post("/assessments/sheet/", data)


def test_the_sheet_asks_for_the_confirm_step_before_finalizing_an_empty_month(cast, empty_month, web):
    client = web(cast["township_office"])

    page = client.get("/assessments/sheet/", {"month": "2026-05"}).content.decode()
    refused = sheet_post(client, *empty_month)
    done = sheet_post(client, *empty_month, confirm_no_logs="on", no_logs_reason="按纸质台账考评")

    assert 'name="confirm_no_logs"' in page and "本月没有任何巡查记录" in page
    assert refused.status_code == 400 and "没有任何巡查记录" in refused.content.decode()
    assert done.status_code == 302
    finals = Assessment.objects.filter(month=MAY, status="final")
    assert finals.count() == 2
    assert set(AssessmentChange.objects.filter(action="finalize").values_list("reason", flat=True)) == {
        "按纸质台账考评"
    }
