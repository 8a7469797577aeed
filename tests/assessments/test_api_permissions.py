"""Every assessments endpoint × every member of the cast: success code / 401 / 403 / 404.

Same shape as tests/accounts/test_permissions.py: a row names one request; `allowed` get the success code,
`hidden` get 404 (the object or place lies outside their scope), every other role 403, anonymous callers 401.

The world (`world` below): the cast's patroller is on the home township's roster (丰庆路街道, 金水区) with a
contract in force today; two past months failed and final (an open dismissal flag), a third month a draft; a
pending correction of the second month; a supervision report filed by the home supervisor.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import get_resolver, resolve
from django.utils import timezone

from assessments import rules, services
from assessments.models import Assessment
from tests.accounts.test_permissions import CAST, OFFICES, WHO, _api_routes
from tests.assessments.conftest import FAILING, NO_LOGS_REASON, PASSING
from tests.hostile_json import BODILESS_ROUTES, assert_refused

pytestmark = pytest.mark.django_db

Get = Callable[[str], object]
HOME_OFFICES = frozenset({"township_office", "county_office", "city_office"})
OUTSIDE_OFFICES = frozenset({"other_township_office", "other_county_office"})


@dataclass(frozen=True)
class Row:
    name: str
    route: str
    path: Callable[[dict], str]
    allowed: frozenset[str]
    hidden: frozenset[str] = frozenset()
    method: str = "get"
    ok: int = 200
    data: Callable[[dict], dict] | None = None

    def expected(self, who: str) -> int:
        if who == "anonymous":
            return 401
        if who in self.allowed:
            return self.ok
        if who in self.hidden:
            return 404
        return 403


@pytest.fixture
def world(cast, places, segments, hire, village_elsewhere):
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


def assessment(key: str, suffix: str = "") -> Callable[[dict], str]:
    return lambda w: f"/api/v1/assessments/{w[key].pk}/{suffix}"


ROWS = [
    # --- assessments -----------------------------------------------------------------------------------------
    Row("assessments", "assessment-list", lambda w: "/api/v1/assessments/", allowed=OFFICES | {"patroller"}),
    Row(
        "assessments of the home township",
        "assessment-list",
        lambda w: f"/api/v1/assessments/?township={w['patroller'].township_id}&month={w['month']}",
        allowed=HOME_OFFICES | {"patroller"},
        hidden=OUTSIDE_OFFICES,
    ),
    Row(
        "a final assessment",
        "assessment-detail",
        assessment("final"),
        allowed=HOME_OFFICES | {"patroller"},
        hidden=OUTSIDE_OFFICES,
    ),
    Row(
        "a draft is the office's work in progress",
        "assessment-detail",
        assessment("draft"),
        allowed=HOME_OFFICES,
        hidden=OUTSIDE_OFFICES | {"patroller"},
    ),
    Row(
        "score a draft (the township office that owns it)",
        "assessment-detail",
        assessment("draft"),
        allowed=frozenset({"township_office"}),
        hidden=OUTSIDE_OFFICES,
        method="patch",
        data=lambda w: {"scores": {"appearance": 1}, "reasons": {"appearance": "河面脏乱"}},
    ),
    Row(
        "prepare one's own township's month",
        "assessment-prepare",
        lambda w: "/api/v1/assessments/prepare/",
        allowed=frozenset({"township_office", "other_township_office"}),
        method="post",
        data=lambda w: {"month": w["month"]},
    ),
    Row(
        "finalize a draft",
        "assessment-finalize",
        assessment("draft", "finalize/"),
        allowed=frozenset({"township_office"}),
        hidden=OUTSIDE_OFFICES,
        method="post",
        data=lambda w: {"confirm_no_logs": True, "reason": NO_LOGS_REASON},
    ),
    Row(
        "request a correction of a final assessment",
        "assessment-corrections",
        assessment("first_final", "corrections/"),
        allowed=frozenset({"township_office", "county_office"}),
        hidden=OUTSIDE_OFFICES,
        method="post",
        ok=201,
        data=lambda w: {"scores": {"records": 11}, "reasons": {"records": "补录照片"}, "reason": "复核"},
    ),
    # --- spot checks -----------------------------------------------------------------------------------------
    # A township office reads no draws, its own county's included (the seed and the county's risk weights are the
    # county's; the 县级抽考 page and its .xlsx answer 403 alike).
    Row(
        "spot-check draws: county and city offices",
        "spot-check-list",
        lambda w: "/api/v1/spot-checks/",
        allowed=frozenset({"county_office", "other_county_office", "city_office"}),
    ),
    Row(
        "the home county's spot-check draws",
        "spot-check-list",
        lambda w: f"/api/v1/spot-checks/?county={w['patroller'].township.county_id}&month={w['month']}",
        allowed=frozenset({"county_office", "city_office"}),
        hidden=frozenset({"other_county_office"}),
    ),
    Row(
        "draw one's own county's sample",
        "spot-check-draw",
        lambda w: "/api/v1/spot-checks/draw/",
        allowed=frozenset({"county_office", "other_county_office"}),
        method="post",
        data=lambda w: {"month": w["month"]},
    ),
    # --- dismissal flags -------------------------------------------------------------------------------------
    Row("dismissal flags", "dismissal-flag-list", lambda w: "/api/v1/dismissal-flags/", allowed=OFFICES),
    Row(
        "a dismissal flag of the home township",
        "dismissal-flag-detail",
        lambda w: f"/api/v1/dismissal-flags/{w['flag'].pk}/",
        allowed=HOME_OFFICES,
        hidden=OUTSIDE_OFFICES,
    ),
    Row(
        "confirm a dismissal",
        "dismissal-flag-confirm",
        lambda w: f"/api/v1/dismissal-flags/{w['flag'].pk}/confirm/",
        allowed=frozenset({"township_office", "county_office"}),
        hidden=OUTSIDE_OFFICES,
        method="post",
        data=lambda w: {"date": w["today"]},
    ),
    Row(
        # Past the role and the scope, the service refuses an open flag: nothing to reinstate.
        "reinstate a person whose dismissal lost its grounds",
        "dismissal-flag-reinstate",
        lambda w: f"/api/v1/dismissal-flags/{w['flag'].pk}/reinstate/",
        allowed=frozenset({"township_office", "county_office"}),
        hidden=OUTSIDE_OFFICES,
        method="post",
        ok=400,
    ),
    # --- corrections -----------------------------------------------------------------------------------------
    Row("corrections", "correction-list", lambda w: "/api/v1/corrections/", allowed=OFFICES),
    Row(
        "a correction of the home township",
        "correction-detail",
        lambda w: f"/api/v1/corrections/{w['correction'].pk}/",
        allowed=HOME_OFFICES,
        hidden=OUTSIDE_OFFICES,
    ),
    Row(
        "approve a correction",
        "correction-approve",
        lambda w: f"/api/v1/corrections/{w['correction'].pk}/approve/",
        allowed=frozenset({"county_office"}),
        hidden=frozenset({"other_county_office"}),
        method="post",
        data=lambda w: {"note": "同意"},
    ),
    Row(
        "reject a correction",
        "correction-reject",
        lambda w: f"/api/v1/corrections/{w['correction'].pk}/reject/",
        allowed=frozenset({"county_office"}),
        hidden=frozenset({"other_county_office"}),
        method="post",
    ),
    # --- supervision reports ---------------------------------------------------------------------------------
    Row(
        "supervision reports",
        "supervision-report-list",
        lambda w: "/api/v1/supervision-reports/",
        allowed=OFFICES | {"supervisor", "village_chief"},
    ),
    Row(
        "file a supervision report",
        "supervision-report-list",
        lambda w: "/api/v1/supervision-reports/",
        allowed=frozenset({"supervisor", "village_chief"}),
        method="post",
        ok=201,
        data=lambda w: {"patroller": w["patroller"].pk, "observed_on": w["today"], "text": "河面垃圾未清理"},
    ),
    Row(
        "a supervision report (its reporter and the offices above)",
        "supervision-report-detail",
        lambda w: f"/api/v1/supervision-reports/{w['report'].pk}/",
        allowed=HOME_OFFICES | {"supervisor"},
        hidden=OUTSIDE_OFFICES | {"village_chief"},
    ),
    Row(
        "confirm a supervision report",
        "supervision-report-confirm",
        lambda w: f"/api/v1/supervision-reports/{w['report'].pk}/confirm/",
        allowed=frozenset({"township_office"}),
        hidden=frozenset({"other_township_office"}),
        method="post",
    ),
    Row(
        "reject a supervision report",
        "supervision-report-reject",
        lambda w: f"/api/v1/supervision-reports/{w['report'].pk}/reject/",
        allowed=frozenset({"township_office"}),
        hidden=frozenset({"other_township_office"}),
        method="post",
    ),
]

ASSESSMENT_ROUTES = ("assessment-", "spot-check-", "dismissal-flag-", "correction-", "supervision-report-")


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_caller_gets_what_their_role_and_scope_allow(row, who, api, cast, world):
    url = row.path(world)
    assert resolve(urlsplit(url).path).url_name == row.route, "the row's path does not lead to its route"
    client = api if who == "anonymous" else api.as_user(cast[who])

    response = getattr(client, row.method)(url, row.data(world) if row.data else None, format="json")

    expected = row.expected(who)
    assert response.status_code == expected, response.content.decode()
    if expected >= 400:
        assert list(response.json()) == ["errors"]


def test_rows_name_only_members_of_the_cast_and_none_twice():
    for row in ROWS:
        assert row.allowed <= set(CAST), row.name
        assert row.hidden <= set(CAST), row.name
        assert not row.allowed & row.hidden, row.name
    assert len({row.name for row in ROWS}) == len(ROWS)


def test_every_assessments_endpoint_has_a_row():
    routes = {name for name in _api_routes(get_resolver().url_patterns) if name.startswith(ASSESSMENT_ROUTES)}
    missing = routes - {row.route for row in ROWS}
    assert not missing, f"add rows for {sorted(missing)}"


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
