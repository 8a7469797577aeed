"""Days on duty (`staffing.summaries.duty_masks`: the overview's patroller-days and the maps' staffing) are exactly
the days the roster's "in force" rule (`selectors.assignment_in_force_q`) counts, day by day, whatever the contracts
did in the month: signed mid-month, ended early, dismissed on the 1st, renewed mid-month, dismissed before a renewal
signed for mid-month began (the renewal cancelled), over before, not begun."""

from datetime import date

import pytest

from staffing import selectors, services
from staffing.models import Assignment
from staffing.summaries import duty_masks
from tests.factories import candidate, hire

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def roster(cast, places, segments) -> dict[str, int]:
    office, home = cast["township_office"], segments["home"]

    def person(name: str):
        return candidate(office, places["village"], name=name, born=date(1980, 1, 1 + len(name)))

    people = {
        name: person(name)
        for name in ("全月", "月中签", "提前解除", "一号辞退", "月中续签", "续签作废", "九月到期", "十一月起")
    }
    hire(people["全月"], home, office, date(2026, 1, 1), date(2026, 12, 31))
    hire(people["月中签"], home, office, date(2026, 10, 10))
    ended = hire(people["提前解除"], home, office, date(2026, 1, 1), date(2026, 12, 31))
    services.contract_terminate(contract=ended, on=date(2026, 10, 20), reason="辞退", by=office)
    first = hire(people["一号辞退"], home, office, date(2026, 1, 1), date(2026, 12, 31))
    services.contract_terminate(contract=first, on=date(2026, 10, 1), reason="辞退", by=office)
    hire(people["月中续签"], home, office, date(2025, 10, 16), date(2026, 10, 15))
    hire(people["月中续签"], home, office, date(2026, 10, 16), date(2027, 10, 15), today=date(2026, 10, 16))
    current = hire(people["续签作废"], home, office, date(2025, 10, 16), date(2026, 10, 15))
    hire(people["续签作废"], home, office, date(2026, 10, 16), date(2027, 10, 15), today=date(2026, 10, 1))
    services.contract_terminate(contract=current, on=date(2026, 10, 10), reason="辞退", by=office)
    hire(people["九月到期"], home, office, date(2025, 10, 1), date(2026, 9, 30))
    hire(people["十一月起"], home, office, date(2026, 11, 1), date(2027, 10, 31), today=date(2026, 10, 1))
    return {name: p.pk for name, p in people.items()}


def days_on_duty(masks: dict[tuple, int], patroller_id: int) -> list[int]:
    mask = masks.get((patroller_id,), 0)
    return [day for day in range(1, 32) if mask >> (day - 1) & 1]


def test_the_days_on_duty_are_the_days_the_in_force_rule_counts(roster):
    masks = duty_masks(month=OCTOBER)

    for day in range(1, 32):
        on = OCTOBER.replace(day=day)
        in_force = set(
            Assignment.objects.filter(selectors.assignment_in_force_q(on)).values_list("patroller_id", flat=True)
        )
        counted = {pk for (pk,), mask in masks.items() if mask >> (day - 1) & 1}
        assert counted == in_force, on
    assert days_on_duty(masks, roster["全月"]) == list(range(1, 32))
    assert days_on_duty(masks, roster["月中签"]) == list(range(10, 32))
    assert days_on_duty(masks, roster["提前解除"]) == list(range(1, 20))  # dismissed on the 20th: not that day
    assert days_on_duty(masks, roster["月中续签"]) == list(range(1, 32))  # two assignments, no gap
    assert days_on_duty(masks, roster["续签作废"]) == list(range(1, 10))  # the renewal cancelled: no day after
    for name in ("一号辞退", "九月到期", "十一月起"):
        assert days_on_duty(masks, roster[name]) == [], name


def test_the_days_on_duty_follow_the_grouping_and_the_filters(roster, segments):
    by_township = duty_masks(month=OCTOBER, group=("patroller_id", "segment__township_id"))
    township = segments["home"].township_id
    assert {key[1] for key in by_township} == {township}
    assert by_township[(roster["提前解除"], township)] == (1 << 19) - 1

    assert duty_masks(month=OCTOBER, patroller_ids=[roster["月中签"]]) == {
        (roster["月中签"],): ((1 << 31) - 1) ^ ((1 << 9) - 1)
    }
    assert duty_masks(month=OCTOBER, segment__township_id=segments["far"].township_id) == {}
