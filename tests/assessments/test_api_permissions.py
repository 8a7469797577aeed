"""Every assessments endpoint × every member of the cast: success code / 401 / 403 / 404.

The rows are in tests/assessments/matrix.py, run by `check_access` of tests/factories.py: a row names one request;
`allowed` get the success code, `hidden` get 404 (the object or place lies outside their scope), every other role
403, anonymous callers 401.

The world (`build_world` below, built once for the module): the cast's patroller is on the home township's roster
(丰庆路街道, 金水区) with a contract in force today; two past months failed and final (an open dismissal flag), a
third month a draft; a pending correction of the second month; a supervision report filed by the home supervisor.
"""

from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone

from assessments import rules, services
from assessments.models import Assessment
from rivers.models import Village
from tests.assessments.fixtures import roster_hire
from tests.assessments.matrix import ASSESSMENT_ROUTES, ROWS
from tests.factories import (
    FAILING,
    NO_LOGS_REASON,
    PASSING,
    WHO,
    api_routes,
    check_access,
    check_rows,
    kept_for_module,
    make_cast,
    make_places,
    make_river,
    make_segments,
)
from tests.hostile_json import BODILESS_ROUTES, assert_refused

pytestmark = pytest.mark.django_db


def build_world(cast, places, segments) -> dict:
    hire = partial(roster_hire, cast, places, segments)
    village_elsewhere = Village.objects.create(township=places["neighbour"], code="410105002001", name="杨金村")
    today = timezone.localdate()
    patroller = hire(start=today - timedelta(days=200), user=cast["patroller"])
    # The neighbour township has someone to assess too (a month without anyone under contract is not prepared).
    hire(
        start=today - timedelta(days=200),
        segment=segments["neighbour"],
        office=cast["other_township_office"],
        village=village_elsewhere,
    )
    first = rules.next_month(rules.month_start(today - timedelta(days=200)))
    second, third = rules.next_month(first), rules.next_month(rules.next_month(first))
    fourth = rules.next_month(third)  # settled too: at least three months ago
    office = cast["township_office"]
    finals = []
    for month, scores in ((first, FAILING), (second, FAILING), (fourth, PASSING)):
        services.assessments_prepare(township=places["township"], month=month, by=office)
        draft = Assessment.objects.get(patroller=patroller, month=month)
        services.assessment_update(assessment=draft, by=office, scores=scores, reasons=dict.fromkeys(scores, "核查"))
        finals.append(
            services.assessment_finalize(
                assessment=draft, by=office, confirm_no_logs=True, reason=NO_LOGS_REASON
            ).assessment
        )
    (draft,) = services.assessments_prepare(township=places["township"], month=third, by=office)
    # Pending on a month outside the flag's, which may then be confirmed (its months are settled).
    correction = services.correction_request(
        assessment=finals[2], by=office, scores={"records": 12}, reasons={"records": "补录照片"}, reason="补录照片"
    )
    report = services.supervision_report_file(
        by=cast["supervisor"], patroller=patroller, observed_on=today, text="未巡河"
    )
    return {
        "patroller": patroller,
        "final": finals[1],
        "first_final": finals[0],
        "draft": draft,
        "flag": patroller.dismissal_flags.get(),
        "correction": correction,
        "report": report,
        "month": rules.month_label(third),
        "today": today.isoformat(),
    }


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker) -> dict:
    """The cast and the world, built once for the module's few hundred requests: each test runs on top of them and
    its own writes are rolled back after it (tests/factories.py `kept_for_module`)."""
    with kept_for_module(django_db_blocker):
        places = make_places()
        segments = make_segments(places, make_river())
        cast = make_cast(places)
        yield {"cast": cast, "world": build_world(cast, places, segments)}


@pytest.fixture
def cast(kept) -> dict:
    return kept["cast"]


@pytest.fixture
def world(kept) -> dict:
    return kept["world"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_caller_gets_what_their_role_and_scope_allow(row, who, api, cast, world):
    check_access(row, who, world=world, api=api, cast=cast)


def test_rows_name_only_members_of_the_cast_and_none_twice():
    check_rows(ROWS)


def test_every_assessments_endpoint_has_a_row():
    routes = {name for name in api_routes() if name.startswith(ASSESSMENT_ROUTES)}
    missing = routes - {row.route for row in ROWS}
    assert not missing, f"add rows for {sorted(missing)} to tests/assessments/matrix.py"


WRITES = [row for row in ROWS if row.method in ("post", "patch", "put")]


@pytest.mark.parametrize("row", WRITES, ids=[row.name for row in WRITES])
def test_a_hostile_json_body_is_a_400_in_the_error_shape_never_a_500(row, api, cast, world):
    """Deep nesting, numbers beyond any field, NaN: to every endpoint taking a body, as a caller allowed there."""
    client = api.as_user(cast[sorted(row.allowed)[0]])
    if row.route in BODILESS_ROUTES:
        response = getattr(client, row.method)(
            row.path(world), "[" * 2000 + "]" * 2000, content_type="application/json"
        )
        assert response.status_code == row.ok
        return
    assert_refused(client, row.method, row.path(world))
