"""The demo roster that `seed_demo` adds (issue 3 item 7): every staffing status, valid people, the demo logins."""

from collections import Counter
from io import StringIO
from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from rivers import demo as register
from staffing import demo, rules, selectors
from staffing.models import Contract, Patroller, RosterChange, Vacancy
from tests.factories import kept_for_module

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-roster")]  # one worker seeds it once


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The register, the demo logins and the roster, seeded once for the module; the number of queries the roster
    took."""
    with kept_for_module(django_db_blocker):
        register.seed_register()
        register.seed_users("demo-password-123", reset_passwords=True)
        with CaptureQueriesContext(connection) as queries:
            demo.seed_roster(stdout=StringIO(), password="demo-password-123")
        yield len(queries)


def test_the_demo_city_shows_every_staffing_status_with_a_few_thousand_valid_people(seeded):
    report = selectors.city_staffing_report(on=timezone.localdate())
    by_status = report.totals.as_dict()["by_status"]
    assert all(by_status[status] > 0 for status in rules.Status), by_status

    people = list(Patroller.objects.values_list("id_number", "birth_date", "sex"))
    assert 1000 < len(people) < 5000
    for number, birth_date, sex in people:
        assert rules.parse_id_number(number) == rules.IdNumberInfo(birth_date=birth_date, sex=sex), number
    assert len({number for number, _, _ in people}) == len(people)
    # bulk_create, not a query per person
    assert seeded < 300

    # Everyone was 35–50 周岁 on each contract start, and every contract is at most a year.
    for contract in Contract.objects.select_related("patroller"):
        assert rules.AGE_MIN <= rules.age_on(contract.patroller.birth_date, contract.start) <= rules.AGE_MAX
        assert contract.end <= rules.contract_max_end(contract.start)


def test_the_demo_logins_patrol_their_townships_and_the_demo_township_has_work_waiting(seeded):
    today = timezone.localdate()
    townships = set()
    for username in ("demo_patroller", "demo_patroller2"):
        user = User.objects.get(username=username)
        assignment = selectors.assignment_on(patroller=selectors.patroller_of(user), on=today)
        assert assignment is not None, username
        assert assignment.segment.township_id == user.township_id
        townships.add(user.township_id)
    # demo_patroller walks a river with a drawn line: the phone app draws it, the track's coverage is measured on it.
    segment = selectors.assignment_on(
        patroller=selectors.patroller_of(User.objects.get(username="demo_patroller")), on=today
    ).segment
    assert (segment.water_body.kind, segment.geometry["type"]) == ("river", "LineString")
    assert len(townships) == 2

    office = User.objects.get(username="demo_township")
    kinds = Counter(change.kind for change in selectors.unfiled_changes(user=office))
    assert kinds["hire"] >= 1 and kinds["resignation"] >= 1

    vacancies = list(selectors.vacancy_list(user=office, filters={"status": Vacancy.Status.OPEN}))
    assert len(vacancies) >= 2
    tie_breaks = 0
    for vacancy in vacancies:
        ranked = [a for a in selectors.vacancy_ranking(vacancy=vacancy) if a.rank is not None]
        assert ranked
        for first, second in pairwise(ranked):
            if first.total == second.total:
                assert first.patroller.poverty_relief and not second.patroller.poverty_relief
                tie_breaks += 1
    assert tie_breaks == 1


def test_seeding_twice_writes_nothing(seeded):
    before = (Patroller.objects.count(), Contract.objects.count(), RosterChange.objects.count())
    demo.seed_roster(stdout=StringIO(), password="demo-password-123")
    assert (Patroller.objects.count(), Contract.objects.count(), RosterChange.objects.count()) == before
