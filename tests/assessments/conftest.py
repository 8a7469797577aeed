"""Assessment fixtures on top of the cast (tests/conftest.py) and of `hire` and `assess`
(tests/assessments/fixtures.py, shared with the overview tests).

`log(...)` writes a patrol log row directly (the patrol service's 3-day window would refuse the past months these
tests assess).
"""

import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments import rules
from patrol.models import PatrolLog
from rivers.models import Village
from staffing import rules as staffing_rules
from tests.factories import ALL_NORMAL, local
from tests.factories import hire as contract_for


@pytest.fixture
def renew(cast):
    """renew(patroller) → the one-year renewal starting the day after their latest contract ends."""

    def make(patroller, *, office=None):
        latest = patroller.contracts.order_by("-start").first()
        start = latest.end + timedelta(days=1)
        office = office or cast["township_office"]
        return contract_for(patroller, latest.segment, office, start, staffing_rules.contract_max_end(start))

    return make


@pytest.fixture
def up_for_renewal(hire, assess):
    """up_for_renewal(months=10, failing=()) → (patroller, renewal start). An incumbent whatever the day the suite
    runs: a one-year contract ending with this month, so that the renewal starts on the 1st of next month, with the
    oldest `months` of the 12 months before it assessed (100 points; the n-th oldest failed for n in `failing`) —
    all of them months long over."""

    def make(months: int = 10, failing=()) -> tuple:
        renewal_start = rules.next_month(rules.month_start(timezone.localdate()))
        patroller = hire(start=staffing_rules.anniversary(renewal_start, -1), end=renewal_start - timedelta(days=1))
        for n, month in enumerate(rules.excellence_window(renewal_start)[:months], start=1):
            assess(patroller, month, passed=n not in failing)
        return patroller, renewal_start

    return make


@pytest.fixture
def last_year() -> int:
    """The calendar year before today's: its months are all over, so they can all be assessed and finalized."""
    return timezone.localdate().year - 1


@pytest.fixture
def village_elsewhere(places):
    """A village of the neighbour township (its patrollers must live there)."""
    return Village.objects.create(township=places["neighbour"], code="410105002001", name="杨金村")


@pytest.fixture
def log(db):
    """log(patroller, day, checks=…, actions=…, flags=…, late=timedelta) → a stored patrol log."""

    def make(patroller, day: date, *, checks=None, actions=(), flags=(), late: timedelta = timedelta(hours=1)):
        segment = patroller.assignments.order_by("-start").first().segment
        entry = PatrolLog.objects.create(
            client_uuid=uuid.uuid4(),
            patroller=patroller,
            segment=segment,
            date=day,
            started_at=local(day, 8),
            ended_at=local(day, 9),
            checks={**ALL_NORMAL, **(checks or {})},
            actions=list(actions),
            flags=list(flags),
            fingerprint="0" * 64,
        )
        # created_at is auto_now_add: move the submission time afterwards (escalations on time or late).
        PatrolLog.objects.filter(pk=entry.pk).update(created_at=local(day, 9) + late)
        return entry

    return make


@pytest.fixture
def add_patrollers(hire, log):
    """add_patrollers(n) → n more patrollers on S-HOME since 2026-01-01, each with three escalating logs in May."""

    def add(count: int) -> None:
        for _ in range(count):
            patroller = hire(start=date(2026, 1, 1))
            for day in (1, 2, 3):
                log(patroller, date(2026, 5, day), checks={"dumping": "problem"}, actions=["escalated"])

    return add
