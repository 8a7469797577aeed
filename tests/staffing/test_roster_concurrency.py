"""Two offices hiring the same person at the same moment: exactly one active assignment survives (PostgreSQL).

Each thread has its own database connection, so these tests need real concurrent transactions: PostgreSQL.
SQLite serialises every write transaction (BEGIN IMMEDIATE) and cannot show a race at all.
"""

from collections import Counter
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from knox.models import AuthToken
from rest_framework.test import APIClient

from staffing.models import Assignment, Contract
from tests.factories import candidate, run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"),
]

THREADS = 6


def test_concurrent_contract_requests_for_one_person_create_one_contract_and_one_active_assignment(
    cast, places, segments
):
    office = cast["township_office"]
    person = candidate(office, places["village"])
    tokens = [AuthToken.objects.create(user=office)[1] for _ in range(THREADS)]
    url = f"/api/v1/patrollers/{person.pk}/contracts/"

    def post(index: int) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[index]}")
        # Every request a different but overlapping year: each alone would be valid.
        start = date(2026, 1, 1 + index)
        body = {"start": start.isoformat(), "end": date(2026, 12, 31).isoformat(), "segment": segments["home"].pk}
        return client.post(url, body, format="json").status_code

    outcomes = [o if isinstance(o, int) else type(o).__name__ for o in run_together(post)]

    assert Counter(outcomes) == {201: 1, 400: THREADS - 1}, outcomes
    assert Contract.objects.filter(patroller=person).count() == 1
    assert Assignment.objects.filter(patroller=person, end__isnull=True).count() == 1


def test_the_database_itself_refuses_a_second_active_assignment_written_concurrently(cast, places, segments):
    office = cast["township_office"]
    person = candidate(office, places["village"])
    contract = Contract.objects.create(
        patroller=person, segment=segments["home"], start=date(2026, 1, 1), end=date(2026, 12, 31)
    )

    def insert(index: int) -> str:
        # Bypasses the services on purpose: the constraint must hold even for a careless writer.
        with transaction.atomic():
            Assignment.objects.create(
                patroller=person, segment=segments["home"], contract=contract, start=date(2026, 1, 1)
            )
        return "inserted"

    outcomes = run_together(insert, 2)

    assert sorted(type(o).__name__ if isinstance(o, Exception) else o for o in outcomes) == [
        "IntegrityError",
        "inserted",
    ]
    assert isinstance(next(o for o in outcomes if isinstance(o, Exception)), IntegrityError)
    assert Assignment.objects.filter(patroller=person, end__isnull=True).count() == 1
