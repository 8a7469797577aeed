"""Every list endpoint answers in a number of queries that does not grow with the rows it lists.

Each test lists N rows, then 3N, and asserts the same number of queries both times (page_size=500 so
that every row is serialized: a query per row would show).
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rivers.models import Segment, Village, WaterBody

pytestmark = pytest.mark.django_db

N = 4

# Token authentication (knox), before any endpoint's own queries:
#   1. the token with its user (select_related), by the token's key
#   2. the user's other tokens, which knox scans to delete expired ones
AUTH_QUERIES = 2


def add_rivers(places, count: int) -> None:
    """`count` more rivers, each with a segment in the home township passing both home villages."""
    start = WaterBody.objects.count()
    bodies = WaterBody.objects.bulk_create(
        WaterBody(
            code=f"QR{start + i:04d}",
            name=f"测试河{start + i}",
            kind=WaterBody.Kind.RIVER,
            basin=WaterBody.Basin.HUAI_RIVER,
            length_km=Decimal("10.00"),
        )
        for i in range(count)
    )
    segments = Segment.objects.bulk_create(
        Segment(
            code=f"QS{body.code}",
            name=f"{body.name}丰庆路段",
            water_body=body,
            township=places["township"],
            length_km=Decimal("3.50"),
        )
        for body in bodies
    )
    villages: list[Village] = [places["village"], places["village2"]]
    Segment.villages.through.objects.bulk_create(
        Segment.villages.through(segment=segment, village=village) for segment in segments for village in villages
    )


def get_counting_queries(client, url: str) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return response.json(), len(queries)


@pytest.mark.parametrize("who", ["township_office", "county_office", "city_office"])
def test_water_body_list_takes_the_same_queries_for_n_and_3n_rivers(who, api, cast, places, django_assert_num_queries):
    client = api.as_user(cast[who])
    # AUTH_QUERIES, then
    #   3. COUNT(*) of the water bodies in scope (scope as an EXISTS over the segments, one statement)
    #   4. the page of water bodies; nothing per row (no relations are shown)
    for total in (N, 3 * N):
        add_rivers(places, total - WaterBody.objects.count())
        with django_assert_num_queries(AUTH_QUERIES + 2):
            body = client.get("/api/v1/water-bodies/?page_size=500").json()
        assert body["count"] == total
        assert len(body["results"]) == total


@pytest.mark.parametrize("who", ["village_chief", "supervisor", "township_office", "county_office", "city_office"])
def test_segment_list_takes_the_same_queries_for_n_and_3n_segments(who, api, cast, places, django_assert_num_queries):
    client = api.as_user(cast[who])
    # AUTH_QUERIES, then
    #   3. COUNT(*) of the segments in scope
    #   4. the page of segments joined with their water body, township and county (select_related)
    #   5. the villages of all segments on the page (prefetch_related), one query for the whole page
    for total in (N, 3 * N):
        add_rivers(places, total - Segment.objects.count())
        with django_assert_num_queries(AUTH_QUERIES + 3):
            body = client.get("/api/v1/segments/?page_size=500").json()
        assert body["count"] == total
        assert all(len(row["villages"]) == 2 for row in body["results"])


@pytest.mark.parametrize(
    ("who", "query"),
    [("township_office", ""), ("county_office", ""), ("city_office", ""), ("city_office", "?township={township}")],
)
def test_staffing_report_takes_the_same_queries_for_n_and_3n_segments(who, query, api, cast, places):
    client = api.as_user(cast[who])
    url = "/api/v1/staffing/" + query.format(township=places["township"].pk)
    # AUTH_QUERIES, then (staffing.selectors.report owns the report and may add the roster's queries):
    #   - the named township, when ?township= is given: checked against the scope, then loaded
    #   - the segments in scope with water body, township and county, and their village counts as a subquery
    #   - the actual patrollers of all those segments at once (none until the roster exists)
    # The number is compared between N and 3N segments rather than pinned here.
    add_rivers(places, N)
    small, queries_for_n = get_counting_queries(client, url)
    add_rivers(places, 2 * N)
    large, queries_for_3n = get_counting_queries(client, url)

    assert len(small["segments"]) == N
    assert len(large["segments"]) == 3 * N
    assert queries_for_3n == queries_for_n
