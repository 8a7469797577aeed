"""Preparing a township's month (SPEC §6): a draft with suggested scores for every patroller under contract,
idempotent, with the month's facts gathered in a number of queries that does not grow with the patrollers."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentChange, SupervisionReport
from staffing import services as staffing_services

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)  # 31 days


def prepare(cast, places, month=MAY):
    return services.assessments_prepare(township=places["township"], month=month, by=cast["township_office"])


def test_every_patroller_under_contract_in_the_month_gets_one_draft(cast, places, segments, hire, village_elsewhere):
    first = hire(start=date(2026, 1, 1))
    joined_mid_month = hire(start=date(2026, 5, 20))
    hire(start=date(2026, 6, 1))  # not yet under contract in May
    ended_before = hire(start=date(2025, 5, 1), end=date(2026, 4, 30))  # the contract ended in April
    hire(segment=segments["neighbour"], office=cast["other_township_office"], village=village_elsewhere)

    rows = prepare(cast, places)

    assert sorted(a.patroller_id for a in rows) == sorted([first.pk, joined_mid_month.pk])
    assert ended_before.pk not in [a.patroller_id for a in rows]
    assert {a.status for a in rows} == {Assessment.Status.DRAFT}
    assert {a.level for a in rows} == {Assessment.Level.TOWNSHIP}
    assert {a.township_id for a in rows} == {places["township"].pk}
    by_patroller = {a.patroller_id: a for a in rows}
    assert by_patroller[first.pk].facts["days_under_contract"] == 31
    assert by_patroller[joined_mid_month.pk].facts["days_under_contract"] == 12


def test_a_patroller_dismissed_mid_month_is_assessed_for_the_days_under_contract(cast, places, hire):
    patroller = hire(start=date(2026, 1, 1))
    contract = patroller.contracts.get()
    staffing_services.contract_terminate(
        contract=contract, on=date(2026, 5, 10), reason="辞退", by=cast["township_office"]
    )

    (row,) = prepare(cast, places)

    assert row.facts["days_under_contract"] == 9  # 1–9 May: from the dismissal day on, no longer under contract


def test_suggestions_come_from_the_months_logs_with_their_explanations(cast, places, hire, log):
    patroller = hire(start=date(2026, 1, 1))
    for day in range(1, 21):  # 20 of 31 days patrolled
        log(patroller, date(2026, 5, day))
    # A problem found and left without action, without a photo (flagged), on a day already patrolled.
    log(patroller, date(2026, 5, 3), checks={"dumping": "problem"}, flags=["evidence_missing"])
    # A problem escalated the day after the patrol: late.
    log(patroller, date(2026, 5, 4), checks={"signboard": "damaged"}, actions=["escalated"], late=timedelta(days=2))
    log(patroller, date(2026, 4, 30))  # another month

    (row,) = prepare(cast, places)

    assert row.facts == {
        "days_under_contract": 31,
        "days_patrolled": 20,
        "days_unhandled": 1,
        "logs": 22,
        "logs_flagged": 1,
        "problem_logs": 2,
        "problem_logs_with_evidence": 1,
        "escalations": 1,
        "escalations_on_time": 0,
        "supervision_confirmed": 0,
        "complaints": 0,
    }
    # appearance 30 × 19/31 = 18.4 → 18; daily work 40 × 20/31 − 2 (late) = 23.8 → 24;
    # records 30 × (21/22 + 1/2) / 2 = 21.8 → 22
    assert row.suggested == {"appearance": 18, "daily_work": 24, "records": 22}
    assert row.scores == row.suggested
    assert "未及时上报1次" in row.explanation["daily_work"]


def test_a_photo_flag_counts_the_log_as_flagged(cast, places, hire, log):
    from patrol.models import Photo

    patroller = hire(start=date(2026, 1, 1))
    entry = log(patroller, date(2026, 5, 2))
    Photo.objects.create(log=entry, client_uuid=entry.client_uuid, file="x.jpg", sha256="0" * 64, flags=["no_exif"])

    (row,) = prepare(cast, places)

    assert row.facts["logs_flagged"] == 1


def test_confirmed_supervision_reports_of_the_month_lower_the_suggested_daily_work(cast, places, hire, log):
    patroller = hire(start=date(2026, 1, 1))
    for day in range(1, 32):
        log(patroller, date(2026, 5, day))
    for status in ("confirmed", "pending", "rejected"):
        report = SupervisionReport(
            patroller=patroller,
            reporter=cast["supervisor"],
            observed_on=date(2026, 5, 7),
            text="未巡河",
            township=places["township"],
            county=places["county"],
            status=status,
        )
        if status != "pending":
            report.decided_at = timezone.now()
        report.save()

    (row,) = prepare(cast, places)

    assert row.facts["supervision_confirmed"] == 1
    assert row.facts["complaints"] == 2
    assert row.suggested["daily_work"] == 35


def test_preparing_again_creates_nothing_and_keeps_what_the_assessor_set(cast, places, hire, log):
    scored, untouched = hire(start=date(2026, 1, 1)), hire(start=date(2026, 1, 1))
    first = {a.patroller_id: a for a in prepare(cast, places)}
    services.assessment_update(assessment=first[scored.pk], by=cast["township_office"], scores={"appearance": 5})
    for day in range(1, 32):  # logs arrive late: the suggestions change
        log(scored, date(2026, 5, day))
        log(untouched, date(2026, 5, day))

    second = {a.patroller_id: a for a in prepare(cast, places)}

    assert {a.pk for a in second.values()} == {a.pk for a in first.values()}
    assert Assessment.objects.count() == 2
    assert second[untouched.pk].scores == second[untouched.pk].suggested == PASS_ALL
    assert second[scored.pk].suggested == PASS_ALL
    assert second[scored.pk].scores == {"appearance": 5, "daily_work": 0, "records": 0}
    assert AssessmentChange.objects.filter(action="prepare").count() == 2


PASS_ALL = {"appearance": 30, "daily_work": 40, "records": 30}


def test_preparing_again_never_touches_a_final_assessment(cast, places, hire, log, assess):
    patroller = hire(start=date(2026, 1, 1))
    final = assess(patroller, MAY, passed=False)
    log(patroller, date(2026, 5, 1))

    (row,) = prepare(cast, places)

    assert row.pk == final.pk
    assert row.status == "final"
    assert row.scores == final.scores
    assert row.facts["logs"] == 0


def test_a_month_not_yet_begun_cannot_be_prepared(cast, places):
    with pytest.raises(ValidationError) as excinfo:
        prepare(cast, places, month=date(2099, 1, 1))

    assert "month" in excinfo.value.message_dict


@pytest.mark.parametrize("who", ["other_township_office", "county_office", "city_office", "patroller"])
def test_only_the_townships_own_office_prepares_its_month(cast, places, who):
    with pytest.raises(PermissionDenied):
        services.assessments_prepare(township=places["township"], month=MAY, by=cast[who])


def test_prepare_query_count(cast, places, add_patrollers, django_assert_num_queries):
    """The queries of one prepare, with new and existing drafts, whatever the number of patrollers:

    1. savepoint (atomic)
    2. the township row, locked (concurrent prepares of one township queue)
    3. the month's contracts
    4. GROUP BY patroller over the month's patrol logs
    5. GROUP BY patroller over the month's supervision reports
    6. the existing assessments of those patrollers this month and level (locked)
    7. bulk insert of the new drafts (returning ids)
    8. bulk insert of their "prepare" history rows
    (one upsert of the existing drafts whose suggestion changed: none here, their logs are unchanged)
    9. the county's drafts of those patrollers this month (locked; refreshed the same way: none here)
    10. the township's rows of the month, answered
    11. release savepoint
    """
    add_patrollers(2)
    prepare(cast, places)
    add_patrollers(2)

    with django_assert_num_queries(11):
        prepare(cast, places)
    add_patrollers(5)
    with django_assert_num_queries(11):
        prepare(cast, places)
