"""Rows of the permission matrix (tests/accounts/test_permissions.py) for the checklist and the local check items
(issue 9, 第八条).

The items, added through the real service by the offices that keep them, in force from tomorrow:

    金水区 county-wide `sand_mining` (by county_office) — seen by both 金水区 townships, kept by the county office;
    丰庆路街道 (home) `embankment` (by township_office) — seen by the home township and the county, kept by the
    home township office.
"""

from datetime import timedelta

from django.utils import timezone

from patrol import rules, services
from patrol.models import LocalCheck

OFFICES = frozenset({"township_office", "other_township_office", "county_office", "other_county_office", "city_office"})
KEEPERS = frozenset({"township_office", "other_township_office", "county_office", "other_county_office"})
HOME_COUNTY_OFFICES = frozenset({"township_office", "other_township_office", "county_office", "city_office"})


def _tomorrow():
    return timezone.localdate(timezone=rules.LOCAL_TZ) + timedelta(days=1)


def county_item(get) -> LocalCheck:
    existing = LocalCheck.objects.filter(code="sand_mining").first()
    if existing is not None:
        return existing
    return services.local_check_create(
        by=get("cast")["county_office"], code="sand_mining", name="非法采砂", kind="yes_no", starts_on=_tomorrow()
    )


def township_item(get) -> LocalCheck:
    existing = LocalCheck.objects.filter(code="embankment").first()
    if existing is not None:
        return existing
    return services.local_check_create(
        by=get("cast")["township_office"],
        code="embankment",
        name="堤防护坡",
        kind="choice",
        options=[{"label": "完好"}, {"label": "有裂缝", "problem": True}],
        starts_on=_tomorrow(),
    )


def new_item(get) -> dict:
    return {"code": "flood_season", "name": "汛期值守", "kind": "yes_no", "starts_on": _tomorrow().isoformat()}


def retire_body(get) -> dict:
    return {"retired_on": (_tomorrow() + timedelta(days=1)).isoformat(), "reason": "不再需要"}


def local_check_rows(Row) -> list:
    return [
        Row(
            "checklist: patrollers, village chiefs and offices (each for their own place)",
            "checklist",
            lambda get: "/api/v1/checklist/",
            allowed=OFFICES | {"patroller", "village_chief"},
        ),
        Row(
            "checklist of the home township: those whose scope holds it",
            "checklist",
            lambda get: f"/api/v1/checklist/?township={get('places')['township'].pk}",
            allowed=frozenset({"township_office", "county_office", "city_office", "patroller", "village_chief"}),
            hidden=frozenset({"other_township_office", "other_county_office"}),
        ),
        Row(
            "checklist of the far county: its office and the city",
            "checklist",
            lambda get: f"/api/v1/checklist/?county={get('places')['other_county'].pk}",
            allowed=frozenset({"other_county_office", "city_office"}),
            hidden=frozenset(
                {"township_office", "other_township_office", "county_office", "patroller", "village_chief"}
            ),
        ),
        Row(
            "local check items: offices list their scope",
            "local-check-list",
            lambda get: "/api/v1/local-checks/",
            allowed=OFFICES,
        ),
        Row(
            "a home-township local item: the offices above it",
            "local-check-detail",
            lambda get: f"/api/v1/local-checks/{township_item(get).pk}/",
            allowed=frozenset({"township_office", "county_office", "city_office"}),
            hidden=frozenset({"other_township_office", "other_county_office"}),
        ),
        Row(
            "a county-wide local item: the county, both its townships and the city",
            "local-check-detail",
            lambda get: f"/api/v1/local-checks/{county_item(get).pk}/",
            allowed=HOME_COUNTY_OFFICES,
            hidden=frozenset({"other_county_office"}),
        ),
        Row(
            "add a local item: township and county offices, for their own area",
            "local-check-list",
            lambda get: "/api/v1/local-checks/",
            allowed=KEEPERS,
            method="post",
            ok=201,
            data=new_item,
        ),
        Row(
            "retire a home-township item: only the home township office (the county sees it but does not keep it)",
            "local-check-retire",
            lambda get: f"/api/v1/local-checks/{township_item(get).pk}/retire/",
            allowed=frozenset({"township_office"}),
            hidden=frozenset({"other_township_office", "other_county_office"}),
            method="post",
            data=retire_body,
        ),
        Row(
            "retire a county-wide item: only its county office (its townships see it but do not keep it)",
            "local-check-retire",
            lambda get: f"/api/v1/local-checks/{county_item(get).pk}/retire/",
            allowed=frozenset({"county_office"}),
            hidden=frozenset({"other_county_office"}),
            method="post",
            data=retire_body,
        ),
    ]
