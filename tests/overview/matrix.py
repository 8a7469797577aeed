"""Rows of the permission matrix (tests/accounts/test_permissions.py) for the overview endpoints (issue 13).

Offices only; a place outside the caller's scope is 404. A township office naming its county, even its own, is 404
too: the county's rows (its other townships) are not a township's to see."""

OFFICES = frozenset({"township_office", "other_township_office", "county_office", "other_county_office", "city_office"})


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
                allowed=frozenset({"county_office", "city_office"}),
                hidden=OFFICES - {"county_office", "city_office"},
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
