"""Every API endpoint × every member of the cast: 200 (or the row's success code) / 401 / 403 / 404.

A row names one request and who may make it: `allowed` get the success code, `hidden` get 404 (the object
or place lies outside their scope), every other role 403, and anonymous callers 401. A new endpoint adds rows
here; `test_every_api_endpoint_has_a_row` fails until it does.

The world (tests/conftest.py, tests/accounts/conftest.py):

    金水区 (county_office)
      丰庆路街道 home (township_office, patroller, supervisor; village_chief of 柳林村)  segment S-HOME
      杨金路街道 neighbour (other_township_office)                                    S-NEIGH, 杨金水库
    中牟县 (other_county_office)
      官渡镇 far                                                                       S-FAR, 官渡湖
    city_office sees everything; outsider has no role.
"""

from collections.abc import Callable

import pytest

from tests.assessments.matrix import ROWS as ASSESSMENT_ROWS  # that app's own matrix
from tests.factories import EVERY_ROLE, OFFICES, WHO, Row, api_routes, check_access, check_rows
from tests.hostile_json import BODILESS_ROUTES, assert_refused
from tests.overview.matrix import overview_rows
from tests.patrol.local_check_matrix import local_check_rows
from tests.patrol.log_matrix import patrol_log_rows
from tests.patrol.photo_matrix import photo_rows
from tests.patrol.problem_matrix import problem_report_rows
from tests.staffing.roster_matrix import roster_rows

pytestmark = pytest.mark.django_db

Get = Callable[[str], object]  # request.getfixturevalue: a row's path reads any fixture by name

# Home township as its scope sees it: the patroller (their own township), the home village chief and
# supervisor, the home township office, the county office above it and the city office.
HOME = frozenset({"patroller", "village_chief", "supervisor", "township_office", "county_office", "city_office"})
# Home county, seen from the offices (a township office sees the county it lies in).
HOME_COUNTY_OFFICES = frozenset({"township_office", "other_township_office", "county_office", "city_office"})


def segment(key: str) -> Callable[[Get], str]:
    return lambda get: f"/api/v1/segments/{get('segments')[key].pk}/"


ROWS = [
    # --- accounts ---------------------------------------------------------------------------------------
    Row("me", "me", lambda get: "/api/v1/me/", allowed=EVERY_ROLE),
    Row(
        "logout revokes one's own token, with or without a role",
        "auth-logout",
        lambda get: "/api/v1/auth/logout/",
        allowed=EVERY_ROLE | {"outsider"},
        method="post",
        ok=204,
    ),
    Row(
        "logout-all revokes every token of one's own, with or without a role",
        "auth-logout-all",
        lambda get: "/api/v1/auth/logout-all/",
        allowed=EVERY_ROLE | {"outsider"},
        method="post",
        ok=204,
    ),
    # --- rivers: water bodies (offices only) ------------------------------------------------------------
    Row("water bodies", "water-body-list", lambda get: "/api/v1/water-bodies/", allowed=OFFICES),
    Row(
        "water bodies of the neighbour township",
        "water-body-list",
        lambda get: f"/api/v1/water-bodies/?township={get('places')['neighbour'].pk}",
        allowed=frozenset({"other_township_office", "county_office", "city_office"}),
        hidden=frozenset({"township_office", "other_county_office"}),
    ),
    Row(
        "water bodies of the home county",
        "water-body-list",
        lambda get: f"/api/v1/water-bodies/?county={get('places')['county'].pk}",
        allowed=HOME_COUNTY_OFFICES,
        hidden=frozenset({"other_county_office"}),
    ),
    Row(
        "a river through every township",
        "water-body-detail",
        lambda get: f"/api/v1/water-bodies/{get('river').pk}/",
        allowed=OFFICES,
    ),
    Row(
        "a reservoir only in the neighbour township",
        "water-body-detail",
        lambda get: f"/api/v1/water-bodies/{get('neighbour_reservoir').pk}/",
        allowed=frozenset({"other_township_office", "county_office", "city_office"}),
        hidden=frozenset({"township_office", "other_county_office"}),
    ),
    Row(
        "a lake only in the other county",
        "water-body-detail",
        lambda get: f"/api/v1/water-bodies/{get('far_lake').pk}/",
        allowed=frozenset({"other_county_office", "city_office"}),
        hidden=frozenset({"township_office", "other_township_office", "county_office"}),
    ),
    # --- rivers: segments (everyone with a role, each inside their scope) --------------------------------
    Row("segments", "segment-list", lambda get: "/api/v1/segments/", allowed=EVERY_ROLE),
    Row(
        "segments of the home township",
        "segment-list",
        lambda get: f"/api/v1/segments/?township={get('places')['township'].pk}",
        allowed=HOME,
        hidden=frozenset({"other_township_office", "other_county_office"}),
    ),
    Row(
        "segments of the other county",
        "segment-list",
        lambda get: f"/api/v1/segments/?county={get('places')['other_county'].pk}",
        allowed=frozenset({"other_county_office", "city_office"}),
        hidden=EVERY_ROLE - {"other_county_office", "city_office"},
    ),
    Row(
        "segments of a reservoir only in the neighbour township",
        "segment-list",
        lambda get: f"/api/v1/segments/?water_body={get('neighbour_reservoir').pk}",
        allowed=frozenset({"other_township_office", "county_office", "city_office"}),
        hidden=EVERY_ROLE - {"other_township_office", "county_office", "city_office"},
    ),
    Row(
        "the home segment (through the chief's village; not the patroller's until assigned)",
        "segment-detail",
        segment("home"),
        allowed=HOME - {"patroller"},
        hidden=frozenset({"patroller", "other_township_office", "other_county_office"}),
    ),
    Row(
        "the neighbour township's segment",
        "segment-detail",
        segment("neighbour"),
        allowed=frozenset({"other_township_office", "county_office", "city_office"}),
        hidden=EVERY_ROLE - {"other_township_office", "county_office", "city_office"},
    ),
    Row(
        "the other county's segment",
        "segment-detail",
        segment("far"),
        allowed=frozenset({"other_county_office", "city_office"}),
        hidden=EVERY_ROLE - {"other_county_office", "city_office"},
    ),
    # --- staffing (offices only) ------------------------------------------------------------------------
    Row("staffing of one's whole scope", "staffing", lambda get: "/api/v1/staffing/", allowed=OFFICES),
    Row(
        "staffing of the home township",
        "staffing",
        lambda get: f"/api/v1/staffing/?township={get('places')['township'].pk}",
        allowed=frozenset({"township_office", "county_office", "city_office"}),
        hidden=frozenset({"other_township_office", "other_county_office"}),
    ),
    Row(
        "staffing of another township",
        "staffing",
        lambda get: f"/api/v1/staffing/?township={get('places')['neighbour'].pk}",
        allowed=frozenset({"other_township_office", "county_office", "city_office"}),
        hidden=frozenset({"township_office", "other_county_office"}),
    ),
    Row(
        "staffing of the home county",
        "staffing",
        lambda get: f"/api/v1/staffing/?county={get('places')['county'].pk}",
        allowed=HOME_COUNTY_OFFICES,
        hidden=frozenset({"other_county_office"}),
    ),
    Row(
        "staffing of a township named under the wrong county",
        "staffing",
        lambda get: f"/api/v1/staffing/?county={get('places')['county'].pk}&township={get('places')['far'].pk}",
        allowed=frozenset(),
        hidden=OFFICES,
    ),
]
ROWS += roster_rows(Row)  # the roster endpoints (issue 3)
ROWS += patrol_log_rows(Row)  # the patrol-log endpoints (issue 4)
ROWS += problem_report_rows(Row)  # the problem-report endpoints (issue 4)
ROWS += photo_rows(Row)  # the photo upload and thumbnail endpoints (issue 4)
ROWS += local_check_rows(Row)  # the checklist and the local check items (issue 9, 第八条)
ROWS += overview_rows(Row)  # the overview and its map (issue 13)

# The patroller's own month for the phone app (issue 12): patrollers only, whatever their scope.
ROWS.append(Row("my month", "me-month", lambda get: "/api/v1/me/month/", allowed=frozenset({"patroller"})))

# Routes outside the matrix: open to everyone on purpose (login, the schema and its docs page).
PUBLIC_ROUTES = {"auth-token", "schema", "docs"}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_caller_gets_what_their_role_and_scope_allow(row, who, request, api, cast, segments):
    check_access(row, who, world=request.getfixturevalue, api=api, cast=cast)


def test_rows_name_only_members_of_the_cast_and_none_twice():
    check_rows(ROWS)


def test_every_api_endpoint_has_a_row():
    routes = api_routes() - PUBLIC_ROUTES
    missing = routes - {row.route for row in [*ROWS, *ASSESSMENT_ROWS]}
    assert not missing, f"add rows for {sorted(missing)} to tests/accounts/test_permissions.py"


WRITES = [row for row in ROWS if row.method in ("post", "patch", "put")]


@pytest.mark.parametrize("row", WRITES, ids=[row.name for row in WRITES])
def test_a_hostile_json_body_is_a_400_in_the_error_shape_never_a_500(row, request, api, cast, segments):
    """Deep nesting, numbers beyond any field, NaN: to every endpoint taking a body, as a caller allowed there."""
    url = row.path(request.getfixturevalue)
    client = api.as_user(cast[sorted(row.allowed)[0]])
    if row.route in BODILESS_ROUTES:
        response = getattr(client, row.method)(url, "[" * 2000 + "]" * 2000, content_type="application/json")
        assert response.status_code == row.ok
        return
    assert_refused(client, row.method, url)


def test_the_unauthenticated_token_login_refuses_a_hostile_body_with_a_400(api, cast):
    assert_refused(api, "post", "/api/v1/auth/token/")
