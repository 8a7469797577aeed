"""Reinstatement (恢复聘用): undoing an early end whose grounds proved unfounded (staffing.services.contract_reinstate,
called by assessments.services.dismissal_reinstate; the flows through dismissal flags are in
tests/assessments/test_dismissal_safety.py). A contract from the day after the old one's last day in force to its
agreed end, no eligibility check (the person's term resumes, it is not a new hire), the vacancy closed, a roster
change to file."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from staffing import services
from staffing.models import AuditEntry, Contract, Patroller, RosterChange
from tests.factories import aged, candidate, hire

pytestmark = pytest.mark.django_db

START, END, ENDED_ON = date(2026, 1, 1), date(2026, 12, 31), date(2026, 6, 10)
TODAY = date(2026, 7, 1)


@pytest.fixture
def office(cast):
    return cast["township_office"]


@pytest.fixture
def dismissed(office, places, segments):
    """A person aged 50 on 1 January 2026 and 51 from 1 June (too old for a new hire then), dismissed in June."""
    person = candidate(office, places["village"], born=aged(51, date(2026, 6, 1)))
    contract = hire(person, segments["home"], office, START, END)
    ended = services.contract_terminate(contract=contract, on=ENDED_ON, reason="连续两月不合格", by=office)
    return ended


def test_the_term_resumes_without_a_new_eligibility_check(dismissed, office, segments):
    old = dismissed.contract
    new_hire_failures = services.contract_create  # a new contract now would fail on age (51)
    with pytest.raises(ValidationError) as too_old:
        new_hire_failures(
            patroller=old.patroller, segment=segments["home"], start=date(2026, 7, 1), end=END, by=office, today=TODAY
        )
    assert "age" in too_old.value.message_dict

    done = services.contract_reinstate(
        contract=old, vacancy=dismissed.vacancy, by=office, reason="县级抽考合格", today=TODAY
    )

    assert (done.contract.start, done.contract.end) == (old.last_day + timedelta(days=1), END)
    assert done.contract.segment == segments["home"]
    assert done.vacancy == dismissed.vacancy
    assert Patroller.objects.get(pk=old.patroller_id).status == "active"
    assert RosterChange.objects.get(kind="reinstatement").get_kind_display() == "恢复聘用"
    entry = AuditEntry.objects.get(entity="contract", entity_id=done.contract.pk, action="reinstatement")
    assert (entry.user, entry.reason, entry.old) == (office, "县级抽考合格", {"reinstates": old.pk})


def test_a_contract_not_ended_early_is_not_reinstated(office, places, segments):
    person = candidate(office, places["village"])
    contract = hire(person, segments["home"], office, START, END)

    with pytest.raises(ValidationError) as excinfo:
        services.contract_reinstate(contract=contract, by=office, reason="", segment=segments["home"], today=TODAY)

    assert list(excinfo.value.message_dict) == ["non_field_errors"]


def test_a_contract_in_force_in_the_meantime_is_not_overlapped(dismissed, office, segments):
    kwargs = {"contract": dismissed.contract, "by": office, "reason": "", "segment": segments["home"], "today": TODAY}
    services.contract_reinstate(**kwargs)

    with pytest.raises(ValidationError) as excinfo:
        services.contract_reinstate(**kwargs)  # the same term again: it is already restored

    assert "重叠" in excinfo.value.message_dict["non_field_errors"][0]
    assert Contract.objects.filter(patroller=dismissed.contract.patroller).count() == 2


def test_a_contract_whose_end_has_passed_is_restored_as_ended(dismissed, office):
    done = services.contract_reinstate(
        contract=dismissed.contract, vacancy=dismissed.vacancy, by=office, reason="", today=date(2027, 2, 1)
    )

    assert done.contract.status == "ended"
    assert Patroller.objects.get(pk=dismissed.contract.patroller_id).status == "expired"
    assert done.contract.assignments.get().end == END


@pytest.mark.parametrize("who", ["other_township_office", "other_county_office", "city_office"])
def test_only_the_townships_offices_reinstate(dismissed, cast, who):
    with pytest.raises(PermissionDenied):
        services.contract_reinstate(contract=dismissed.contract, vacancy=dismissed.vacancy, by=cast[who], reason="")
