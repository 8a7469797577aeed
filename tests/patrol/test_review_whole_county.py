"""The county office's "全县" on the review page (issue 13 item 4): the logs, the missing logs and the open problems
of every township of its county on one page, in as many queries as one township."""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from patrol.models import PatrolLog
from tests.factories import local

pytestmark = pytest.mark.django_db

REVIEW = "/patrol/review/"


def get(user, **params):
    client = Client()
    client.force_login(user)
    return client.get(REVIEW, params)


@pytest.fixture
def logs_in_two_townships(cast, patroller, other_patroller, segments, submit, log_body, today):
    """A log in the home township (through the API) and one on the neighbour township's segment."""
    assert submit(cast["patroller"], log_body()).status_code == 201
    return PatrolLog.objects.create(
        client_uuid=uuid.uuid4(),
        patroller=other_patroller,
        segment=segments["neighbour"],
        date=today,
        started_at=local(today, 9),
        ended_at=local(today, 10),
        checks={},
        fingerprint="0" * 64,
    )


def test_the_county_office_picks_whole_county_and_sees_every_township(cast, logs_in_two_townships):
    html = get(cast["county_office"], township="all").content.decode()
    assert '<option value="all" selected>全县</option>' in html
    assert "金水区 · 全县" in html
    logs = html.split('id="logs"')[1].split("</table>")[0]
    assert "贾鲁河丰庆路段" in logs and "贾鲁河杨金路段" in logs
    # One township is still one township.
    one = get(cast["county_office"], township=cast["county_office"].county.townships.order_by("code")[0].pk)
    assert "贾鲁河杨金路段" not in one.content.decode().split('id="logs"')[1].split("</table>")[0]


def test_the_city_office_reads_a_whole_county_by_its_id_and_nobody_outside_it(cast, places, logs_in_two_townships):
    assert get(cast["city_office"], county=places["county"].pk).status_code == 200
    assert get(cast["city_office"], township="all").status_code == 404  # "全县" is the county office's own
    assert get(cast["other_county_office"], county=places["county"].pk).status_code == 404
    # A township office asking for more than its township is answered as for any place outside its scope.
    assert get(cast["township_office"], township="all").status_code == 404
    assert get(cast["township_office"], county=places["county"].pk).status_code == 404


def test_the_whole_county_export_has_every_townships_logs(cast, logs_in_two_townships):
    client = Client()
    client.force_login(cast["county_office"])
    response = client.get("/patrol/review.xlsx", {"township": "all"})
    assert response.status_code == 200
    assert "金水区" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]


def queries(user, **params) -> int:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(REVIEW, params).status_code == 200
    return len(captured)


def test_whole_county_costs_the_queries_of_one_township(cast, places, logs_in_two_townships):
    # The same queries as one township (tests/patrol/test_review_pages.py lists them), with the county in scope and
    # the county itself read instead of the township.
    township = queries(cast["county_office"], township=places["township"].pk)
    assert queries(cast["county_office"], township="all") == township
