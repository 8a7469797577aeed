"""Scoring a draft and finalizing it (SPEC §6): ranges, the written reason far from a suggestion, draft only,
the owning office only, and every change kept."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import services
from assessments.models import PARTS, Assessment
from tests.factories import township_of

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)


@pytest.fixture
def draft(cast, places, hire, log) -> Assessment:
    """A May draft whose suggestion is 30/40/30 (patrolled every day)."""
    patroller = hire(start=date(2026, 1, 1))
    for day in range(1, 32):
        log(patroller, date(2026, 5, day))
    (row,) = services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])
    assert row.suggested == {"appearance": 30, "daily_work": 40, "records": 30}
    return row


def test_saving_a_page_of_drafts_keeps_the_good_rows_when_one_is_refused(cast, places, hire, log):
    office = cast["township_office"]
    for patroller in [hire(start=date(2026, 1, 1)) for _ in range(3)]:
        for day in range(1, 32):
            log(patroller, date(2026, 5, day))
    good, bad, untouched = services.assessments_prepare(township=places["township"], month=MAY, by=office)
    no_reasons = dict.fromkeys(PARTS, "")
    typed = {
        good.pk: ({"appearance": 25, "daily_work": 40, "records": 30}, no_reasons),
        bad.pk: ({"appearance": 31, "daily_work": 40, "records": 30}, no_reasons),
        untouched.pk: (untouched.scores, no_reasons),
    }

    applied = services.assessments_apply(assessments=[good, bad, untouched], by=office, typed=typed, finalize=False)

    assert (applied.saved, applied.finalized, list(applied.failed)) == (1, 0, [bad.pk])
    assert list(applied.failed[bad.pk].message_dict) == ["scores"]
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.appearance, bad.appearance) == (25, 30)
    assert good.changes.get(action="update").user == office
    assert not untouched.changes.filter(action="update").exists()


def update(draft, cast, **body):
    return services.assessment_update(assessment=draft, by=cast["township_office"], **body)


def test_the_office_sets_the_parts_and_total_grade_and_pass_follow(draft, cast):
    scored = update(draft, cast, scores={"appearance": 25, "daily_work": 35})

    assert scored.scores == {"appearance": 25, "daily_work": 35, "records": 30}
    assert (scored.total, scored.grade, scored.passed) == (90, "excellent", True)
    assert scored.edited is True
    change = scored.changes.get(action="update")
    assert change.user == cast["township_office"]
    assert change.old["appearance"] == 30
    assert change.new["appearance"] == 25


@pytest.mark.parametrize(
    "scores",
    [{"appearance": 31}, {"daily_work": 41}, {"records": -1}, {"appearance": 12.5}, {"records": "20"}],
)
def test_a_part_outside_its_range_is_refused_under_scores(draft, cast, scores):
    with pytest.raises(ValidationError) as excinfo:
        update(draft, cast, scores=scores)

    assert list(excinfo.value.message_dict) == ["scores"]
    draft.refresh_from_db()
    assert draft.scores == {"appearance": 30, "daily_work": 40, "records": 30}


def test_an_unknown_part_is_refused(draft, cast):
    with pytest.raises(ValidationError) as excinfo:
        update(draft, cast, scores={"attitude": 5})

    assert "scores" in excinfo.value.message_dict


def test_a_part_more_than_10_points_below_its_suggestion_needs_a_reason(draft, cast):
    update(draft, cast, scores={"daily_work": 30})  # exactly 10 below: fine

    with pytest.raises(ValidationError) as excinfo:
        update(draft, cast, scores={"daily_work": 29})

    assert list(excinfo.value.message_dict) == ["reasons"]
    assert "日常工作表现" in excinfo.value.message_dict["reasons"][0]
    scored = update(draft, cast, scores={"daily_work": 29}, reasons={"daily_work": "抽查发现连续三天未巡河"})
    assert scored.daily_work == 29
    assert scored.reasons == {"daily_work": "抽查发现连续三天未巡河"}


def test_removing_a_needed_reason_is_refused(draft, cast):
    update(draft, cast, scores={"records": 5}, reasons={"records": "巡查记录不全"})

    with pytest.raises(ValidationError) as excinfo:
        update(draft, cast, reasons={"records": ""})

    assert list(excinfo.value.message_dict) == ["reasons"]


def test_a_final_assessment_cannot_be_scored_again(draft, cast):
    services.assessment_finalize(assessment=draft, by=cast["township_office"])

    with pytest.raises(ValidationError) as excinfo:
        update(draft, cast, scores={"appearance": 20})

    assert "non_field_errors" in excinfo.value.message_dict


@pytest.mark.parametrize("who", ["other_township_office", "county_office", "city_office", "patroller"])
def test_only_the_township_office_scores_a_township_assessment(draft, cast, who):
    with pytest.raises(PermissionDenied):
        services.assessment_update(assessment=draft, by=cast[who], scores={"appearance": 20})
    with pytest.raises(PermissionDenied):
        services.assessment_finalize(assessment=draft, by=cast[who])


def test_finalizing_freezes_the_result_and_records_who_and_when(draft, cast):
    result = services.assessment_finalize(assessment=draft, by=cast["township_office"])

    final = Assessment.objects.get(pk=draft.pk)
    assert final.status == "final"
    assert final.finalized_by == cast["township_office"]
    assert final.finalized_at is not None
    assert result.flags.raised == []
    assert list(final.changes.values_list("action", flat=True)) == ["prepare", "finalize"]


def test_finalizing_twice_is_refused(draft, cast):
    services.assessment_finalize(assessment=draft, by=cast["township_office"])

    with pytest.raises(ValidationError):
        services.assessment_finalize(assessment=draft, by=cast["township_office"])


def test_a_month_is_finalized_only_once_it_is_over(cast, places, hire):
    this_month = timezone.localdate().replace(day=1)
    hire(start=this_month)
    (row,) = services.assessments_prepare(township=places["township"], month=this_month, by=cast["township_office"])

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_finalize(assessment=row, by=cast["township_office"])

    assert "月份结束后" in excinfo.value.message_dict["non_field_errors"][0]


def test_finalizing_checks_the_reasons_again(draft, cast, settings):
    settings.RIVER = {**settings.RIVER, "SUGGESTION_REASON_GAP": 15}
    update(draft, cast, scores={"appearance": 18})  # 12 below: no reason needed while the gap is 15
    draft.refresh_from_db()
    settings.RIVER = {**settings.RIVER, "SUGGESTION_REASON_GAP": 10}

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_finalize(assessment=draft, by=cast["township_office"])

    assert list(excinfo.value.message_dict) == ["reasons"]


def test_the_county_office_scores_its_spot_check_and_the_township_office_may_not(cast, hire):
    patroller = hire(start=date(2026, 1, 1))
    drawn = services.spot_check_draw(county=township_of(patroller).county, month=MAY, by=cast["county_office"])
    (county_draft,) = drawn.assessments

    with pytest.raises(PermissionDenied):
        services.assessment_update(assessment=county_draft, by=cast["township_office"], scores={"appearance": 0})
    scored = services.assessment_update(
        assessment=county_draft, by=cast["county_office"], scores={"appearance": 0}, reasons={"appearance": "河面脏乱"}
    )
    assert scored.appearance == 0
    assert scored.level == "county"
