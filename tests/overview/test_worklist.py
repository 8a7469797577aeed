"""The home page (工作台) of an office: the counts that need action today, in its scope, each linked to the page
where it is dealt with, read in a number of queries that does not grow with the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services as assessment_services
from assessments.models import Assessment
from patrol.models import ProblemReport
from rivers.models import Village
from staffing import summaries
from tests.factories import ALL_NORMAL, on_duty
from tests.overview.helpers import previous_month


def counts(client) -> dict[str, int]:
    response = client.get("/")
    assert response.status_code == 200
    return {item.code: item.count for item in response.context["worklist"]}


def months_ago(today, n: int):
    month = summaries.month_start(today)
    for _step in range(n):
        month = previous_month(month)
    return month


@pytest.fixture
def neighbour_patroller(cast, places, segments, today):
    village = Village.objects.create(township=places["neighbour"], code="410105002001", name="杨金村")
    office = cast["other_township_office"]
    return on_duty(office=office, segment=segments["neighbour"], village=village, today=today)


def test_missing_logs_today_count_the_patrollers_on_duty_without_a_log_in_scope(
    web, cast, patroller, other_patroller, neighbour_patroller, submit, log_body
):
    township, county = web(cast["township_office"]), web(cast["county_office"])
    assert counts(township)["missing_logs"] == 2  # its own two patrollers, not the neighbour's
    assert counts(county)["missing_logs"] == 3

    assert submit(cast["patroller"], log_body()).status_code == 201

    assert counts(township)["missing_logs"] == 1
    assert counts(county)["missing_logs"] == 2
    assert counts(web(cast["other_county_office"]))["missing_logs"] == 0


def test_overdue_problems_count_reports_past_their_deadline(web, cast, patroller, submit, log_body, today):
    body = log_body(checks={**ALL_NORMAL, "dumping": "problem"}, actions=["stopped", "escalated"])
    assert submit(cast["patroller"], body).status_code == 201
    office = web(cast["township_office"])
    assert counts(office)["overdue_problems"] == 0

    ProblemReport.objects.update(status=ProblemReport.Status.ASSIGNED, deadline=today - timedelta(days=1))

    assert counts(office)["overdue_problems"] == 1
    assert counts(web(cast["other_township_office"]))["overdue_problems"] == 0


def test_drafts_to_score_link_to_the_sheet_of_their_month(web, cast, places, patroller, today):
    month = previous_month(today)
    assessment_services.assessments_prepare(township=places["township"], month=month, by=cast["township_office"])
    office = web(cast["township_office"])

    response = office.get("/")
    drafts = next(item for item in response.context["worklist"] if item.code == "drafts")
    assert drafts.count == Assessment.objects.filter(status="draft").count() == 1
    assert drafts.url == f"/assessments/sheet/?month={month:%Y-%m}"
    assert f'href="/assessments/sheet/?month={month:%Y-%m}"' in response.content.decode()
    # The county office scores its spot checks, not the township's drafts.
    assert counts(web(cast["county_office"]))["drafts"] == 0


def test_open_dismissal_flags_and_unfiled_roster_changes_are_counted(web, cast, hire, assess, today):
    patroller = hire(start=months_ago(today, 5))
    assess(patroller, months_ago(today, 3), passed=False)
    assess(patroller, months_ago(today, 2), passed=False)
    office = web(cast["township_office"])

    found = counts(office)
    assert found["open_flags"] == 1
    assert found["unfiled"] == 1  # the hire waits to be filed
    assert counts(web(cast["other_township_office"])) == dict.fromkeys(found, 0)
    assert 'href="/assessments/flags/?status=open"' in office.get("/").content.decode()


def test_the_home_page_links_each_count_to_its_page(web, cast, patroller, today):
    page = web(cast["township_office"]).get("/").content.decode()

    assert "待办" in page and "今天未交日志" in page
    assert f'href="/patrol/review/?date={today.isoformat()}#missing"' in page
    assert 'href="/patrol/review/#problems"' in page
    assert 'href="/staffing/roster/"' in page


@pytest.mark.parametrize("role", ["patroller", "supervisor", "village_chief"])
def test_other_roles_see_no_counts(web, cast, role):
    response = web(cast[role]).get("/")

    assert response.context["worklist"] == []
    assert "待办" not in response.content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["township_office", "county_office", "city_office"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    web, cast, places, segments, patroller, submit, log_body, today, role
):
    """Per home page, whatever the number of patrollers, logs and reports: the session and its user (2), then one
    COUNT each — patrollers on duty without a log today, overdue problem reports, open dismissal flags, unfiled
    roster changes, drafts with their earliest month (5)."""
    client = web(cast[role])
    before = _queries(client)

    for _ in range(5):
        on_duty(office=cast["township_office"], segment=segments["home"], village=places["village"], today=today)
    submit(cast["patroller"], log_body(checks={**ALL_NORMAL, "dumping": "problem"}, actions=["stopped", "escalated"]))
    after = _queries(client)

    assert after == before == 7
