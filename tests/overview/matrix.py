"""Rows of the permission matrix (tests/accounts/test_permissions.py) for the overview endpoints (issue 13).

Offices only; a place outside the caller's scope is 404. A township office naming its own county still gets its
township (allowed), as the staffing report does."""

OFFICES = frozenset({"township_office", "other_township_office", "county_office", "other_county_office", "city_office"})
HOME_COUNTY_OFFICES = frozenset({"township_office", "other_township_office", "county_office", "city_office"})


def overview_rows(Row) -> list:
    rows = []
    for route, url in (("overview-api", "/api/v1/overview/"), ("overview-segments-api", "/api/v1/overview/segments/")):
        rows += [
            Row(f"{route}: one's whole scope", route, lambda get, url=url: url, allowed=OFFICES),
            Row(
                f"{route}: the home township",
                route,
                lambda get, url=url: f"{url}?township={get('places')['township'].pk}",
                allowed=frozenset({"township_office", "county_office", "city_office"}),
                hidden=frozenset({"other_township_office", "other_county_office"}),
            ),
            Row(
                f"{route}: the home county",
                route,
                lambda get, url=url: f"{url}?county={get('places')['county'].pk}",
                allowed=HOME_COUNTY_OFFICES,
                hidden=frozenset({"other_county_office"}),
            ),
            Row(
                f"{route}: the other county",
                route,
                lambda get, url=url: f"{url}?county={get('places')['other_county'].pk}",
                allowed=frozenset({"other_county_office", "city_office"}),
                hidden=OFFICES - {"other_county_office", "city_office"},
            ),
        ]
    return rows
