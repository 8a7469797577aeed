"""Dismissal flags (第九条, SPEC §6) through the services: raised when the triggering month becomes final, the
county result prevailing, withdrawn by a correction, and what confirming a dismissal does to the roster."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.models import Assessment, AssessmentChange, Correction, DismissalFlag
from staffing import selectors as staffing_selectors
from staffing.models import Contract, Patroller, RosterChange, Vacancy
from tests.factories import FAILING, PASSING

pytestmark = pytest.mark.django_db


def m(year: int, month: int) -> date:
    return date(year, month, 1)


def flags_of(patroller) -> list[tuple[str, list[str], str]]:
    return [(f.rule, f.months, f.status) for f in patroller.dismissal_flags.order_by("trigger_month", "rule", "id")]


# --- raising -------------------------------------------------------------------------------------------------


def test_the_second_failing_month_in_a_row_raises_a_flag_when_it_becomes_final(hire, assess):
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, m(2026, 3), passed=False)
    assert flags_of(patroller) == []

    assess(patroller, m(2026, 4), passed=False)

    assert flags_of(patroller) == [("consecutive_2", ["2026-03", "2026-04"], "open")]
    flag = patroller.dismissal_flags.get()
    assert flag.trigger_month == m(2026, 4)
    assert flag.township_id == patroller.township_id


def test_december_and_january_fail_in_a_row_across_the_year_boundary(hire, assess):
    patroller = hire(start=date(2025, 7, 1))  # one contract from July 2025 to June 2026

    assess(patroller, m(2025, 12), passed=False)
    assess(patroller, m(2026, 1), passed=False)

    assert flags_of(patroller) == [("consecutive_2", ["2025-12", "2026-01"], "open")]


def test_a_month_not_assessed_between_two_failures_raises_nothing(hire, assess):
    patroller = hire(start=date(2026, 1, 1))

    assess(patroller, m(2026, 2), passed=False)
    assess(patroller, m(2026, 4), passed=False)  # March never finalized

    assert flags_of(patroller) == []


def test_a_draft_month_is_not_a_result(cast, places, hire, assess):
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, m(2026, 2), passed=False)
    services.assessments_prepare(township=places["township"], month=m(2026, 3), by=cast["township_office"])
    assert Assessment.objects.get(patroller=patroller, month=m(2026, 3)).passed is False  # no logs: 0 points

    assess(patroller, m(2026, 1), passed=True)

    assert flags_of(patroller) == []


def test_three_failing_months_in_one_year_across_two_contracts_raise_yearly_3(cast, hire, assess, segments):
    from tests.factories import hire as renew

    patroller = hire(start=date(2025, 1, 1), end=date(2025, 6, 30))
    renew(patroller, segments["home"], cast["township_office"], date(2025, 7, 1), date(2026, 6, 30))
    assert patroller.contracts.count() == 2

    assess(patroller, m(2025, 2), passed=False)
    assess(patroller, m(2025, 5), passed=False)
    assess(patroller, m(2025, 9), passed=False)

    assert flags_of(patroller) == [("yearly_3", ["2025-02", "2025-05", "2025-09"], "open")]


def test_failing_months_of_two_calendar_years_do_not_add_up(hire, assess):
    patroller = hire(start=date(2025, 7, 1))

    assess(patroller, m(2025, 8), passed=False)
    assess(patroller, m(2025, 11), passed=False)
    assess(patroller, m(2026, 2), passed=False)

    assert flags_of(patroller) == []


def test_finalizing_the_earlier_month_last_still_raises_the_flag(hire, assess):
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, m(2026, 6), passed=False)

    assess(patroller, m(2026, 5), passed=False)

    assert flags_of(patroller) == [("consecutive_2", ["2026-05", "2026-06"], "open")]


# --- county precedence ---------------------------------------------------------------------------------------


def test_a_passing_county_spot_check_overrides_a_failing_township_month_and_withdraws_the_flag(hire, assess):
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, m(2026, 3), passed=False)
    assess(patroller, m(2026, 4), passed=False)
    assert flags_of(patroller) == [("consecutive_2", ["2026-03", "2026-04"], "open")]

    assess(patroller, m(2026, 4), passed=True, level="county")

    flag = patroller.dismissal_flags.get()
    assert flag.status == "withdrawn"
    assert flag.withdrawn_at is not None
    assert "不再满足辞退条件" in flag.withdrawn_reason


def test_a_failing_county_spot_check_overrides_a_passing_township_month(hire, assess):
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, m(2026, 3), passed=False)
    assess(patroller, m(2026, 4), passed=True)

    assess(patroller, m(2026, 4), passed=False, level="county")

    assert flags_of(patroller) == [("consecutive_2", ["2026-03", "2026-04"], "open")]


# --- corrections ---------------------------------------------------------------------------------------------


@pytest.fixture
def flagged(hire, assess):
    """A patroller failing March and April 2026: one open consecutive_2 flag. Answers (patroller, April)."""
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, m(2026, 3), passed=False)
    april = assess(patroller, m(2026, 4), passed=False)
    return patroller, april


def request_correction(assessment, cast, scores=PASSING, by="township_office", reason="复核后补录巡查记录"):
    return services.correction_request(
        assessment=assessment,
        by=cast[by],
        scores=scores,
        reasons=dict.fromkeys(scores, "复核"),
        reason=reason,
    )


def test_an_approved_correction_changes_the_final_score_and_withdraws_the_flag(flagged, cast):
    patroller, april = flagged
    correction = request_correction(april, cast)
    assert Assessment.objects.get(pk=april.pk).total == 40  # nothing changes before approval

    result = services.correction_approve(correction=correction, by=cast["county_office"], note="同意")

    corrected = Assessment.objects.get(pk=april.pk)
    assert (corrected.total, corrected.passed, corrected.status) == (100, True, "final")
    assert [f.pk for f in result.flags.withdrawn] == [patroller.dismissal_flags.get().pk]
    assert flags_of(patroller) == [("consecutive_2", ["2026-03", "2026-04"], "withdrawn")]
    change = corrected.changes.get(action=AssessmentChange.Action.CORRECTION)
    assert change.user == cast["county_office"]
    assert change.reason == "复核后补录巡查记录"
    assert change.old["total"] == 40 and change.new["total"] == 100
    assert change.new["requested_by"] == cast["township_office"].pk
    assert Correction.objects.get(pk=correction.pk).status == "approved"


def test_a_correction_that_makes_a_month_fail_raises_a_flag(hire, assess, cast):
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, m(2026, 3), passed=False)
    april = assess(patroller, m(2026, 4), passed=True)

    correction = request_correction(april, cast, scores=FAILING)
    result = services.correction_approve(correction=correction, by=cast["county_office"])

    assert [f.rule for f in result.flags.raised] == ["consecutive_2"]
    assert flags_of(patroller) == [("consecutive_2", ["2026-03", "2026-04"], "open")]


def test_a_rejected_correction_changes_nothing(flagged, cast):
    patroller, april = flagged
    correction = request_correction(april, cast)

    services.correction_reject(correction=correction, by=cast["county_office"], note="理由不充分")

    assert Assessment.objects.get(pk=april.pk).total == 40
    assert flags_of(patroller) == [("consecutive_2", ["2026-03", "2026-04"], "open")]
    assert Correction.objects.get(pk=correction.pk).status == "rejected"


@pytest.mark.parametrize("who", ["township_office", "other_county_office", "city_office"])
def test_only_the_county_office_approves_a_correction(flagged, cast, who):
    _, april = flagged
    correction = request_correction(april, cast)

    with pytest.raises(PermissionDenied):
        services.correction_approve(correction=correction, by=cast[who])
    with pytest.raises(PermissionDenied):
        services.correction_reject(correction=correction, by=cast[who])


def test_a_correction_needs_a_reason_and_follows_the_scoring_rules(flagged, cast):
    _, april = flagged

    with pytest.raises(ValidationError) as no_reason:
        request_correction(april, cast, reason="  ")
    with pytest.raises(ValidationError) as out_of_range:
        request_correction(april, cast, scores={"appearance": 31})
    with pytest.raises(ValidationError) as far_without_reason:
        services.correction_request(assessment=april, by=cast["township_office"], scores=PASSING, reason="复核")

    assert list(no_reason.value.message_dict) == ["reason"]
    assert list(out_of_range.value.message_dict) == ["scores"]
    assert list(far_without_reason.value.message_dict) == ["reasons"]


def test_one_pending_correction_at_a_time_and_only_for_final_assessments(flagged, cast, places, hire):
    _, april = flagged
    request_correction(april, cast)

    with pytest.raises(ValidationError):
        request_correction(april, cast, scores={**PASSING, "records": 25})
    draft = services.assessments_prepare(township=places["township"], month=m(2026, 6), by=cast["township_office"])[0]
    with pytest.raises(ValidationError):
        request_correction(draft, cast)


@pytest.mark.parametrize("who", ["other_township_office", "other_county_office", "city_office", "patroller"])
def test_a_correction_is_requested_by_the_scoring_office_or_its_county(flagged, cast, who):
    _, april = flagged

    with pytest.raises(PermissionDenied):
        request_correction(april, cast, by=who)


def test_a_correction_that_removes_the_grounds_of_a_confirmed_dismissal_marks_it_unsupported(flagged, cast):
    patroller, april = flagged
    flag = patroller.dismissal_flags.get()
    services.dismissal_confirm(flag=flag, by=cast["township_office"], on=date(2026, 6, 10))

    correction = request_correction(april, cast)
    result = services.correction_approve(correction=correction, by=cast["county_office"])

    flag.refresh_from_db()
    assert flag.status == "unsupported"
    assert "辞退依据已不成立" in flag.unsupported_reason
    assert flag.confirmed_by == cast["township_office"]  # the confirmation stays on record
    assert [f.pk for f in result.flags.unsupported] == [flag.pk]
    assert result.flags.withdrawn == []


# --- confirming a dismissal ----------------------------------------------------------------------------------


def test_confirming_ends_contract_and_assignment_opens_a_vacancy_and_a_roster_change(flagged, cast, segments):
    patroller, _ = flagged
    flag = patroller.dismissal_flags.get()
    segment = segments["home"]
    assert staffing_selectors.actual_patrollers(segment_ids=[segment.pk], on=date(2026, 6, 11)) == {segment.pk: 1}

    result = services.dismissal_confirm(flag=flag, by=cast["township_office"], on=date(2026, 6, 10))

    flag.refresh_from_db()
    assert (flag.status, flag.confirmed_by, flag.confirmed_at is not None) == (
        "confirmed",
        cast["township_office"],
        True,
    )
    contract = Contract.objects.get(patroller=patroller)
    assert (contract.status, contract.terminated_on) == ("terminated", date(2026, 6, 10))
    assert "连续2个月考核不合格" in contract.termination_reason
    # Not counted from the dismissal day on: the assignment's last day is the day before.
    assert list(patroller.assignments.values_list("end", flat=True)) == [date(2026, 6, 9)]
    assert Patroller.objects.get(pk=patroller.pk).status == "dismissed"
    vacancy = Vacancy.objects.get(vacated_by=patroller)
    assert (vacancy.reason, vacancy.status, vacancy.segment, vacancy.opened_on) == (
        "dismissal",
        "open",
        segment,
        date(2026, 6, 10),
    )
    change = RosterChange.objects.get(patroller=patroller, kind="dismissal")
    assert change.filing is None  # waiting to be filed
    assert (flag.contract, flag.vacancy) == (contract, vacancy)
    assert result.termination.vacancy == vacancy
    # Staffing "actual" counts the patroller up to the day before the dismissal, not on the dismissal day.
    assert staffing_selectors.actual_patrollers(segment_ids=[segment.pk], on=date(2026, 6, 9)) == {segment.pk: 1}
    assert staffing_selectors.actual_patrollers(segment_ids=[segment.pk], on=date(2026, 6, 10)) == {}


def test_the_county_office_may_confirm_too(flagged, cast):
    patroller, _ = flagged

    services.dismissal_confirm(flag=patroller.dismissal_flags.get(), by=cast["county_office"], on=date(2026, 6, 1))

    assert Patroller.objects.get(pk=patroller.pk).status == "dismissed"


@pytest.mark.parametrize("who", ["other_township_office", "other_county_office", "city_office", "patroller"])
def test_no_other_office_confirms(flagged, cast, who):
    patroller, _ = flagged

    with pytest.raises(PermissionDenied):
        services.dismissal_confirm(flag=patroller.dismissal_flags.get(), by=cast[who], on=date(2026, 6, 1))
    assert Patroller.objects.get(pk=patroller.pk).status != "dismissed"


def test_confirming_twice_or_a_withdrawn_flag_is_refused(flagged, cast, assess):
    patroller, _ = flagged
    flag = patroller.dismissal_flags.get()
    assess(patroller, m(2026, 4), passed=True, level="county")  # withdraws it

    with pytest.raises(ValidationError):
        services.dismissal_confirm(flag=flag, by=cast["township_office"], on=date(2026, 6, 1))
    assert not Vacancy.objects.filter(vacated_by=patroller).exists()


def test_a_second_trigger_while_a_flag_is_open_joins_that_flag(flagged, cast, assess):
    patroller, _ = flagged
    assess(patroller, m(2026, 5), passed=False)  # consecutive again (April–May) and the third in the year

    flag = patroller.dismissal_flags.get()  # still one flag to confirm
    assert (flag.status, flag.rule, flag.rules) == ("open", "consecutive_2", ["consecutive_2", "yearly_3"])
    assert flag.months == ["2026-03", "2026-04", "2026-05"]
    assert flag.trigger_month == m(2026, 4)

    services.dismissal_confirm(flag=flag, by=cast["township_office"], on=date(2026, 6, 1))

    assert flags_of(patroller) == [("consecutive_2", ["2026-03", "2026-04", "2026-05"], "confirmed")]
    assert Vacancy.objects.filter(vacated_by=patroller).count() == 1


def test_a_flag_for_someone_whose_contract_already_ended_is_confirmed_without_touching_the_roster(flagged, cast):
    patroller, _ = flagged
    flag = patroller.dismissal_flags.get()

    # The contract (January–December 2026) is over on the dismissal day.
    result = services.dismissal_confirm(
        flag=flag, by=cast["township_office"], on=date(2027, 3, 1), today=date(2027, 3, 5)
    )

    assert result.termination is None
    assert DismissalFlag.objects.get(pk=flag.pk).status == "confirmed"
    assert not Vacancy.objects.filter(vacated_by=patroller).exists()


def test_a_day_outside_a_running_contract_is_refused(flagged, cast):
    patroller, _ = flagged

    with pytest.raises(ValidationError) as excinfo:
        services.dismissal_confirm(
            flag=patroller.dismissal_flags.get(), by=cast["township_office"], on=date(2025, 12, 1)
        )

    assert list(excinfo.value.message_dict) == ["date"]
    assert patroller.dismissal_flags.get().status == "open"


# --- excellent incumbents (SPEC §4) ----------------------------------------------------------------------------


def test_twelve_passing_months_averaging_85_make_an_excellent_incumbent(cast, places, hire, assess):
    patroller = hire(start=date(2025, 7, 1))
    for month in [*(m(2025, k) for k in range(7, 13)), *(m(2026, k) for k in range(1, 7))]:
        assess(patroller, month, passed=True)  # 100 points each

    assert staffing_selectors.is_excellent_incumbent(patroller, date(2026, 7, 1)) is True
    # The 12 months before July 2025 hold nothing: not excellent then.
    assert staffing_selectors.is_excellent_incumbent(patroller, date(2025, 7, 1)) is False


def test_one_failing_month_among_the_last_twelve_spoils_excellence(hire, assess):
    patroller = hire(start=date(2025, 7, 1))
    for month in [*(m(2025, k) for k in range(7, 13)), *(m(2026, k) for k in range(1, 6))]:
        assess(patroller, month, passed=True)
    assess(patroller, m(2026, 6), passed=False)

    assert staffing_selectors.is_excellent_incumbent(patroller, date(2026, 7, 1)) is False
