"""Rows of the assessments permission matrix (tests/assessments/test_api_permissions.py builds their world; the
completeness test of tests/accounts/test_permissions.py reads them too)."""

from collections.abc import Callable

from tests.factories import NO_LOGS_REASON, OFFICES, Row

HOME_OFFICES = frozenset({"township_office", "county_office", "city_office"})
OUTSIDE_OFFICES = frozenset({"other_township_office", "other_county_office"})


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
