"""Assessment fixtures shared beyond the assessment tests (registered in tests/conftest.py; the overview's worklist
builds on them).

`hire(...)` puts a patroller on the home township's roster through the roster services (a contract on S-HOME by
default). `assess(patroller, month, passed=…)` takes a month through the real services: prepare (or the county
draw), score, finalize (confirming, as an office would, a month without any log).
"""

from datetime import date
from functools import partial
from itertools import count

import pytest

from assessments import rules, services
from assessments.models import Assessment
from rivers.models import Township
from staffing import rules as staffing_rules
from tests.factories import FAILING, NO_LOGS_REASON, PASSING, aged, candidate, township_of
from tests.factories import hire as contract_for

_names = count(1)


def roster_hire(
    cast: dict,
    places: dict,
    segments: dict,
    *,
    start: date = date(2025, 7, 1),
    end: date | None = None,
    segment=None,
    user=None,
    office=None,
    village=None,
):
    """`hire` without the fixture: for a module-scoped world built from the cast's parts."""
    segment = segment or segments["home"]
    office = office or cast["township_office"]
    village = village or places["village"]
    patroller = candidate(office, village, name=f"巡察员{next(_names)}", user=user, born=aged(40, start))
    contract_for(patroller, segment, office, start, end or staffing_rules.contract_max_end(start))
    patroller.refresh_from_db()
    return patroller


@pytest.fixture
def hire(cast, places, segments):
    """hire(start=…, end=…, user=None) → an active patroller of the home township on S-HOME; elsewhere pass the
    segment, its township office and a village of its township. The patroller is 40 on the start, whatever the
    start: a start relative to today never ages them out of 第四条's window."""
    return partial(roster_hire, cast, places, segments)


@pytest.fixture
def assess(cast):
    """assess(patroller, month, passed=True, level="township") → the final assessment of that month."""

    def make(patroller, month: date, *, passed: bool = True, level: str = Assessment.Level.TOWNSHIP):
        scores = PASSING if passed else FAILING
        if level == Assessment.Level.TOWNSHIP:
            office = cast["township_office"]
            township = Township.objects.get(pk=office.township_id)
            services.assessments_prepare(township=township, month=month, by=office)
        else:
            office = cast["county_office"]
            services.spot_check_draw(county=township_of(patroller).county, month=month, by=office)
        assessment = Assessment.objects.get(patroller=patroller, month=month, level=level)
        reasons = dict.fromkeys(rules.PARTS, "现场核查")
        services.assessment_update(assessment=assessment, by=office, scores=scores, reasons=reasons)
        # These months have no logs unless a test adds some: the office confirms finalizing an empty month.
        return services.assessment_finalize(
            assessment=assessment, by=office, confirm_no_logs=True, reason=NO_LOGS_REASON
        ).assessment

    return make
