"""Offices clicking at the same moment (PostgreSQL): one draw per county-month, one draft per patroller-month,
and two months finalized at once still raise the dismissal flag.

Each thread has its own database connection, so these tests need real concurrent transactions: PostgreSQL.
SQLite serialises every write transaction (BEGIN IMMEDIATE) and cannot show a race at all.
"""

from collections import Counter
from datetime import date

import pytest
from django.db import connection

from assessments import services
from assessments.models import Assessment, DismissalFlag, SpotCheckDraw
from tests.factories import FAILING, NO_LOGS_REASON, run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"),
]

MAY = date(2026, 5, 1)


def test_concurrent_draws_record_one_sample_and_answer_it_to_everyone(cast, places, hire):
    for _ in range(12):
        hire(start=date(2026, 1, 1))

    results = run_together(
        lambda i: services.spot_check_draw(county=places["county"], month=MAY, by=cast["county_office"]), count=4
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert SpotCheckDraw.objects.count() == 1
    assert {tuple(r.draw.patrollers) for r in results} == {tuple(SpotCheckDraw.objects.get().patrollers)}
    assert Counter(r.created for r in results) == {True: 1, False: 3}
    assert Assessment.objects.filter(level="county").count() == 2


def test_concurrent_prepares_create_each_draft_once(cast, places, hire):
    for _ in range(5):
        hire(start=date(2026, 1, 1))

    results = run_together(
        lambda i: services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"]),
        count=4,
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Assessment.objects.count() == 5
    assert {len(r) for r in results} == {5}


def test_two_failing_months_finalized_at_once_raise_the_flag(cast, places, hire):
    patroller = hire(start=date(2026, 1, 1))
    office = cast["township_office"]
    drafts = []
    for month in (date(2026, 3, 1), date(2026, 4, 1)):
        services.assessments_prepare(township=places["township"], month=month, by=office)
        draft = Assessment.objects.get(patroller=patroller, month=month)
        services.assessment_update(assessment=draft, by=office, scores=FAILING, reasons=dict.fromkeys(FAILING, "核查"))
        drafts.append(draft)

    results = run_together(
        lambda i: services.assessment_finalize(
            assessment=drafts[i], by=office, confirm_no_logs=True, reason=NO_LOGS_REASON
        ),
        count=2,
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert list(DismissalFlag.objects.values_list("rule", "months", "status")) == [
        ("consecutive_2", ["2026-03", "2026-04"], "open")
    ]
