"""An "excellent" incumbent (第四条(二): renewable up to 55 周岁; SPEC §4, docs/staffing.md §4) needs a year's record:
over the 12 calendar months before the month the renewal starts, at least 10 assessed (setting
EXCELLENT_MIN_MONTHS), none failed, an average of at least 85."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from assessments import rules
from staffing import selectors as staffing_selectors
from staffing import services as staffing_services
from tests.factories import aged, candidate
from tests.factories import hire as contract_for

pytestmark = pytest.mark.django_db

RENEWAL = date(2026, 7, 1)  # the 12 months before: July 2025 to June 2026


def m(year: int, month: int) -> date:
    return date(year, month, 1)


def last_months(n: int) -> list[date]:
    """The n latest of the 12 months before RENEWAL (June 2026 backwards)."""
    return rules.excellence_window(RENEWAL)[-n:]


def rows(months, total: int = 100) -> list[tuple[date, int, bool]]:
    return [(month, total, total >= 60) for month in months]


# ---- the rule ------------------------------------------------------------------------------------------------


def test_the_window_is_the_12_calendar_months_before_the_renewal_month():
    window = rules.excellence_window(date(2026, 7, 15))
    assert (window[0], window[-1], len(window)) == (m(2025, 7), m(2026, 6), 12)
    assert rules.excellence_window(date(2027, 1, 1))[0] == m(2026, 1)


@pytest.mark.parametrize(("assessed", "excellent"), [(1, False), (9, False), (10, True), (12, True)])
def test_at_least_10_of_the_12_months_must_be_assessed(assessed, excellent):
    assert rules.is_excellent(rows(last_months(assessed)), before=RENEWAL) is excellent


def test_months_before_the_window_do_not_make_up_the_ten():
    older = rows([m(2025, 5), m(2025, 6)])  # just before July 2025

    assert not rules.is_excellent(older + rows(last_months(9)), before=RENEWAL)


def test_a_failing_month_or_a_low_average_in_the_window_spoils_it():
    assert not rules.is_excellent(rows(last_months(11)) + rows([m(2025, 7)], total=59), before=RENEWAL)
    assert not rules.is_excellent(rows(last_months(12), total=84), before=RENEWAL)
    assert rules.is_excellent(rows(last_months(12), total=85), before=RENEWAL)


def test_the_number_of_months_is_a_setting(settings):
    settings.RIVER = {**settings.RIVER, "EXCELLENT_MIN_MONTHS": 6}

    assert rules.is_excellent(rows(last_months(6)), before=RENEWAL)
    assert not rules.is_excellent(rows(last_months(5)), before=RENEWAL)


# ---- through the services: 9 vs 10 assessed months -----------------------------------------------------------


@pytest.fixture
def aged_51_at_renewal(cast, places, segments):
    """A patroller hired at 50 for July 2025 – June 2026: 51 when the renewal starts, so only an excellent record
    lets them be renewed (第四条(二))."""
    office = cast["township_office"]
    person = candidate(office, places["village"], name="老李", born=aged(50, m(2025, 7)))
    contract_for(person, segments["home"], office, m(2025, 7), date(2026, 6, 30))
    return person


@pytest.mark.parametrize(("assessed", "renewable"), [(9, False), (10, True)])
def test_an_incumbent_aged_51_is_renewed_only_with_10_assessed_months(
    cast, segments, assess, aged_51_at_renewal, assessed, renewable
):
    person = aged_51_at_renewal
    for month in last_months(assessed):
        assess(person, month)  # 100 points

    assert staffing_selectors.is_excellent_incumbent(person, RENEWAL) is renewable
    renew = {
        "patroller": person,
        "segment": segments["home"],
        "start": RENEWAL,
        "end": date(2027, 6, 30),
        "by": cast["township_office"],
        "today": RENEWAL,
    }
    if renewable:
        assert staffing_services.contract_create(**renew).origin == "renewal"
    else:
        with pytest.raises(ValidationError) as refused:
            staffing_services.contract_create(**renew)
        assert list(refused.value.message_dict) == ["age"]
