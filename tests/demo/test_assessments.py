"""The demo assessments of `seed_demo`: finalized months for the demo county, county spot checks,
open dismissal flags of both rules, one withdrawn after a correction, supervision reports — and nothing new on a
second run. The demo city is seeded once for the package (tests/demo/conftest.py); one test checks it all.
"""

import io

import pytest
from django.utils import timezone

from assessments import demo, rules
from assessments.models import Assessment, AssessmentChange, Correction, DismissalFlag, SpotCheckDraw, SupervisionReport
from rivers import demo as register
from staffing import selectors as staffing_selectors

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-city")]


def snapshot() -> dict[str, list]:
    return {
        "assessments": list(Assessment.objects.order_by("pk").values_list("pk", "status", "total", "updated_at")),
        "changes": list(AssessmentChange.objects.order_by("pk").values_list("pk")),
        "flags": list(DismissalFlag.objects.order_by("pk").values_list("pk", "status")),
        "draws": list(SpotCheckDraw.objects.order_by("pk").values_list("pk", "seed", "patrollers")),
        "reports": list(SupervisionReport.objects.order_by("pk").values_list("pk", "status")),
        "corrections": list(Correction.objects.order_by("pk").values_list("pk", "status")),
    }


def test_seed_demo_adds_finalized_months_flags_of_both_rules_and_a_second_run_adds_nothing(demo_city):
    assert "演示考核" in demo_city.output
    last = rules.last_settled_month(timezone.localdate())  # finalized months are settled ones
    system = [rules.previous_month(last), last]

    # Every patroller of the demo county under contract in the last two months has a final township assessment.
    # (How many that is depends on the season: the demo's new hires start on 1 January, so in January and February
    # the last two months had the renewing half of the roster only.)
    demo_county = Assessment.objects.filter(county__code=register.DEMO_COUNTY_CODE)
    for month in system:
        under_contract = set(
            staffing_selectors.contracts_in_force_between(month, rules.month_end(month))
            .filter(segment__township__county__code=register.DEMO_COUNTY_CODE)
            .values_list("patroller_id", flat=True)
        )
        township_rows = demo_county.filter(month=month, level=Assessment.Level.TOWNSHIP)
        assert set(township_rows.values_list("patroller_id", flat=True)) == under_contract
        assert township_rows.count() > 20
        assert set(township_rows.values_list("status", flat=True)) == {"final"}
        assert township_rows.values("township").distinct().count() > 1  # not just the demo township
        # The county spot check: a recorded draw and its county-level finals.
        draw = SpotCheckDraw.objects.get(county__code=register.DEMO_COUNTY_CODE, month=month)
        county_rows = demo_county.filter(month=month, level=Assessment.Level.COUNTY)
        assert sorted(county_rows.values_list("patroller_id", flat=True)) == sorted(draw.patrollers)
        assert set(county_rows.values_list("status", flat=True)) == {"final"}
    assert not Assessment.objects.filter(status="draft").exists()

    # Open flags of both rules, a withdrawn one after an approved correction.
    flags = DismissalFlag.objects.all()
    assert flags.filter(status="open", rule="consecutive_2").exists()
    yearly = flags.get(status="open", rule="yearly_3")
    assert len(yearly.months) == 3
    assert len({label[:4] for label in yearly.months}) == 1  # one calendar year
    withdrawn = flags.get(status="withdrawn")
    assert Correction.objects.get(status="approved").assessment.patroller_id == withdrawn.patroller_id
    assert not flags.filter(status="confirmed").exists()

    # Supervision reports: confirmed, rejected, pending; the confirmed one counted in its month.
    assert set(SupervisionReport.objects.values_list("status", flat=True)) == {"confirmed", "rejected", "pending"}
    confirmed = SupervisionReport.objects.get(status="confirmed")
    counted = Assessment.objects.get(
        patroller=confirmed.patroller, month=rules.month_start(confirmed.observed_on), level="township"
    )
    assert counted.facts["supervision_confirmed"] == 1

    before = snapshot()
    again = io.StringIO()
    demo.seed_assessments(stdout=again)
    assert "演示考核已存在" in again.getvalue()
    assert snapshot() == before
