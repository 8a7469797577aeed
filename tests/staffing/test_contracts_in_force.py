"""One "in force over a period" rule (staffing.selectors.contracts_in_force_between) for every period read: the
month's population of the assessments, the phone's month, renewals. A contract ended early on day D counts up to
D − 1; a renewal cancelled before it began counts no day anywhere."""

from datetime import date

import pytest

from assessments import selectors as assessment_selectors
from assessments.my_month import my_month
from staffing import selectors, services
from tests.factories import candidate, hire

DISMISSED_ON = date(2026, 10, 31)


@pytest.fixture
def dismissed(cast, places, segments):
    """A patroller (with the phone login) dismissed on 31 October 2026, whose renewal for 2027 was signed before."""
    office = cast["township_office"]
    person = candidate(office, places["village"])
    person.user = cast["patroller"]
    person.save(update_fields=["user"])
    current = hire(person, segments["home"], office, date(2026, 1, 1), date(2026, 12, 31))
    renewal = hire(person, segments["home"], office, date(2027, 1, 1), date(2027, 12, 31), today=date(2026, 9, 1))
    services.contract_terminate(contract=current, on=DISMISSED_ON, reason="辞退", by=office)
    current.refresh_from_db()
    renewal.refresh_from_db()
    return person, current, renewal


def days_with(status: str, answer: dict) -> list[str]:
    return [day["date"] for day in answer["days"] if day["status"] == status]


def test_a_renewal_cancelled_before_it_began_is_in_force_in_no_period(dismissed):
    person, _current, renewal = dismissed
    assert renewal.terminated_on is not None and renewal.terminated_on <= renewal.start

    assert not selectors.contracts_in_force_between(date(2027, 1, 1), date(2027, 12, 31)).filter(pk=renewal.pk)
    assert assessment_selectors.month_facts(month=date(2027, 1, 1), through=date(2027, 1, 31)) == []
    january = my_month(user=person.user, month=date(2027, 1, 1), today=date(2027, 2, 10))
    assert days_with("missing", january) == []
    assert len(days_with("off", january)) == 31


def test_a_contract_ended_early_counts_up_to_the_day_before(dismissed):
    person, current, _renewal = dismissed

    assert not selectors.contracts_in_force_between(DISMISSED_ON, DISMISSED_ON).exists()
    assert list(selectors.contracts_in_force_between(date(2026, 10, 30), DISMISSED_ON)) == [current]
    (row,) = assessment_selectors.month_facts(month=date(2026, 10, 1), through=DISMISSED_ON)
    assert row.facts.days_under_contract == 30
    october = my_month(user=person.user, month=date(2026, 10, 1), today=date(2026, 11, 15))
    assert days_with("off", october) == ["2026-10-31"]
    assert len(days_with("missing", october)) == 30
