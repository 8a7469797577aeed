"""The demo's yearly dismissal story (assessments/demo.py): three failing months of one calendar year, none adjacent,
found whatever the season the demo is seeded in. The demo city itself is checked in tests/demo/."""

from datetime import date
from itertools import pairwise

import pytest

from assessments import demo, rules


@pytest.mark.parametrize("month", range(1, 13))
def test_the_yearly_story_finds_three_non_adjacent_failing_months_of_one_year_in_any_season(month):
    last = date(2027, month, 1)
    before_system = rules.previous_month(rules.previous_month(last))  # the two system months end with `last`
    earliest = demo.months_back(before_system, demo.PAPER_MONTHS)[0]

    months = demo.yearly_months(last, earliest)

    assert len(months) == 3
    assert len({m.year for m in months}) == 1
    assert all(rules.next_month(a) != b for a, b in pairwise(months))
    assert earliest <= months[0] and months[-1] <= last
