"""A dismissal confirmed for day D (第九条) takes the patroller off the staff from D on (SPEC §6, docs/staffing.md
§2): the flags page, the staffing report and the month's contract days agree on the same day."""

from datetime import date

import pytest

from assessments import selectors
from staffing.models import Contract

pytestmark = pytest.mark.django_db

D = date(2026, 6, 10)


def test_the_flags_page_and_the_staffing_report_agree_on_the_dismissal_day(cast, hire, assess, client_for, web):
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, date(2026, 3, 1), passed=False)
    assess(patroller, date(2026, 4, 1), passed=False)
    flag = patroller.dismissal_flags.get()
    office = client_for(cast["township_office"])

    confirmed = office.post(f"/api/v1/dismissal-flags/{flag.pk}/confirm/", {"date": D.isoformat()}, format="json")

    assert confirmed.status_code == 200, confirmed.content
    page = web(cast["township_office"]).get("/assessments/flags/").content.decode()
    assert f"自 {D.isoformat()} 起不再在岗" in page

    def actual(day: str) -> int:
        return office.get("/api/v1/staffing/", {"date": day}).json()["totals"]["actual"]

    assert (actual("2026-06-09"), actual(D.isoformat())) == (1, 0)
    contract = Contract.objects.get(patroller=patroller)
    assert contract.last_day == date(2026, 6, 9)
    # June's contract days, the base of its suggested scores: 1–9 June.
    (row,) = selectors.month_facts(month=date(2026, 6, 1), through=date(2026, 6, 30), patroller_ids=[patroller.pk])
    assert row.facts.days_under_contract == 9
