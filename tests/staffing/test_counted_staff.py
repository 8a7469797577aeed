"""Who is counted (SPEC §6, docs/staffing.md §2): a patroller dismissed or resigning on day D is counted up to
D − 1 and not on D — in the staffing report (API, page, workbook, command), the township roster and the day's
missing logs, the patrol log check and the month's contract days — while the contract keeps D as the day of the
dismissal or resignation."""

from datetime import date, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from patrol import selectors as patrol_selectors
from staffing import rules, selectors, services
from staffing.models import Assignment, Contract
from tests.factories import candidate, hire

pytestmark = pytest.mark.django_db

URL = "/api/v1/staffing/"
DAY = timedelta(days=1)
D = date(2026, 6, 10)  # the day of the dismissal or resignation


@pytest.fixture
def office(cast):
    return cast["township_office"]


@pytest.fixture
def hired(office, places, segments):
    person = candidate(office, places["village"])
    hire(person, segments["home"], office, date(2026, 1, 1))
    return person


def actual_on(client, day: date, segment) -> tuple[int, int]:
    """(the segment's actual, the report's total actual) that day, from the API."""
    body = client.get(URL, {"date": day.isoformat()}).json()
    row = next(row for row in body["segments"] if row["segment"] == segment.pk)
    return row["actual"], body["totals"]["actual"]


def test_a_dismissal_on_d_counts_the_patroller_on_d_minus_1_and_not_on_d(api, web, office, hired, segments):
    contract = hired.contracts.get()
    services.contract_terminate(contract=contract, on=D, reason="连续2个月考核不合格", by=office)
    client = api.as_user(office)

    assert actual_on(client, D - DAY, segments["home"]) == (1, 1)
    assert actual_on(client, D, segments["home"]) == (0, 0)
    # The page and its workbook say the same on D.
    page = web(office).get("/staffing/report/", {"date": D.isoformat()})
    assert [line.actual for line in page.context["report"].lines] == [0]
    download = web(office).get("/staffing/report.xlsx", {"date": D.isoformat()})
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert next(book["河段"].iter_rows(min_row=2, values_only=True))[11] == 0
    # The contract keeps D as the dismissal day; its last day in force is the day before.
    contract.refresh_from_db()
    assert (contract.terminated_on, contract.last_day) == (D, D - DAY)
    assert Assignment.objects.get(patroller=hired).end == D - DAY


def test_the_command_agrees_with_the_api_on_the_dismissal_day(office, hired):
    services.contract_terminate(contract=hired.contracts.get(), on=D, reason="辞退", by=office)

    def actual(day: date) -> str:
        out = StringIO()
        call_command("staffing_report", "--township", "410105001", "--date", day.isoformat(), stdout=out)
        rows = [line.split() for line in out.getvalue().splitlines()]
        # The township's row (not the title, which names the same place): 县 乡镇 河段数 底线 标准 实有 …
        row = next(cells for cells in rows if cells[:2] == ["金水区", "丰庆路街道"] and cells[2].isdigit())
        return row[5]

    assert (actual(D - DAY), actual(D)) == ("1", "0")


def test_a_resignation_through_the_api_on_d_is_counted_up_to_the_day_before(api, office, hired, segments):
    client = api.as_user(office)

    response = client.post(f"/api/v1/patrollers/{hired.pk}/resign/", {"date": D.isoformat(), "reason": "外出务工"})

    assert response.status_code == 200
    (contract,) = client.get(f"/api/v1/patrollers/{hired.pk}/contracts/").json()
    assert (contract["terminated_on"], contract["last_day"]) == (D.isoformat(), (D - DAY).isoformat())
    assert actual_on(client, D - DAY, segments["home"])[0] == 1
    assert actual_on(client, D, segments["home"])[0] == 0


def test_the_roster_and_the_missing_logs_of_the_dismissal_day_leave_the_patroller_out(office, hired, places):
    services.contract_terminate(contract=hired.contracts.get(), on=D, reason="辞退", by=office)

    assert [p.pk for p in selectors.township_roster(township=places["township"], on=D - DAY)] == [hired.pk]
    assert selectors.township_roster(township=places["township"], on=D) == []
    assert [p.pk for p in patrol_selectors.missing_logs(township=places["township"], on=D - DAY)] == [hired.pk]
    assert patrol_selectors.missing_logs(township=places["township"], on=D) == []
    assert selectors.contract_in_force(patroller=hired, on=D) is None
    assert selectors.assignment_on(patroller=hired, on=D - DAY) is not None


def test_a_dismissal_on_the_first_day_of_a_contract_leaves_no_day_in_force(office, places, segments):
    person = candidate(office, places["village"])
    contract = hire(person, segments["home"], office, D)

    services.contract_terminate(contract=contract, on=D, reason="辞退", by=office)

    contract.refresh_from_db()
    assert contract.last_day < contract.start
    assert not Assignment.objects.filter(patroller=person).exists()
    assert selectors.actual_patrollers(segment_ids=[segments["home"].pk], on=D) == {}


def test_a_new_contract_may_start_on_the_dismissal_day(office, hired, segments):
    services.contract_terminate(contract=hired.contracts.get(), on=D, reason="辞退", by=office)

    # A successor contract for the same person (a reinstatement) no longer overlaps the ended one.
    again = services.contract_create(
        patroller=hired, segment=segments["home"], start=D, end=date(2026, 12, 31), by=office, today=D
    )

    assert again.start == D
    assert selectors.actual_patrollers(segment_ids=[segments["home"].pk], on=D) == {segments["home"].pk: 1}


def test_a_contract_one_day_before_the_dismissal_day_still_overlaps(office, hired, segments):
    services.contract_terminate(contract=hired.contracts.get(), on=D, reason="辞退", by=office)

    with pytest.raises(Exception, match="重叠"):
        services.contract_create(
            patroller=hired, segment=segments["home"], start=D - DAY, end=date(2026, 12, 31), by=office, today=D
        )


@pytest.mark.parametrize(
    ("end", "terminated_on", "last_day"),
    [
        (date(2026, 12, 31), None, date(2026, 12, 31)),
        (date(2026, 12, 31), D, D - DAY),
        (date(2026, 12, 31), date(2026, 12, 31), date(2026, 12, 30)),
    ],
)
def test_the_last_day_in_force_is_the_end_or_the_day_before_the_termination(end, terminated_on, last_day):
    assert rules.last_day_in_force(end=end, terminated_on=terminated_on) == last_day
    contract = Contract(start=date(2026, 1, 1), end=end, terminated_on=terminated_on)
    assert contract.last_day == last_day
