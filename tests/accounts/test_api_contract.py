"""The API as phones see it (API.md): schema and docs, field shapes, filters, errors, pagination, language."""

import json
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import get_resolver

from config.api import server_error
from rivers.models import Segment, WaterBody

pytestmark = pytest.mark.django_db

API_MD_PATHS = {
    "/api/v1/auth/token/",
    "/api/v1/auth/logout/",
    "/api/v1/me/",
    "/api/v1/water-bodies/",
    "/api/v1/segments/",
    "/api/v1/segments/{id}/",
    "/api/v1/staffing/",
}
NOT_FOUND = "未找到，或不在您的管辖范围内。"


# --- schema and docs ---------------------------------------------------------------------------------


def test_the_openapi_schema_is_served_and_names_the_paths_of_api_md(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= API_MD_PATHS
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_schema_describes_water_bodies_and_segments_with_the_fields_of_api_md(api):
    components = api.get("/api/v1/schema/?format=json").json()["components"]["schemas"]

    water_body = components["WaterBody"]["properties"]
    assert {"id", "code", "name", "kind", "size_class", "basin", "length_km"} <= set(water_body)
    segment = components["Segment"]["properties"]
    assert {
        "id",
        "water_body",
        "township",
        "villages",
        "length_km",
        "basis",
        "required_patrollers",
        "geometry",
    } <= set(segment)
    assert (segment["length_km"]["type"], segment["length_km"]["format"]) == ("string", "decimal")
    assert segment["villages"]["items"]["type"] == "integer"


def test_the_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (an untyped field, a view it cannot read) into an error.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))


def test_the_docs_page_renders_from_assets_the_project_serves_itself(api):
    response = api.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    # The page's own script is a separate answer (Content-Security-Policy: no inline script).
    assert '<script src="/api/v1/docs/?script="></script>' in html
    assert not re.search(r"<script>|<style", html)
    script = api.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/v1/schema/"' in script.content.decode()
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", html, re.IGNORECASE), "a CDN or other remote URL"
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in assets
    for asset in assets:
        assert finders.find(asset), f"/static/{asset} is not among the project's static files"


# --- shapes -------------------------------------------------------------------------------------------


def test_a_segment_reads_back_as_in_api_md_with_its_length_as_a_decimal_string(api, cast, segments, places):
    home = segments["home"]

    body = api.as_user(cast["township_office"]).get(f"/api/v1/segments/{home.pk}/").json()

    assert body["id"] == home.pk
    assert body["water_body"] == home.water_body_id
    assert body["township"] == places["township"].pk
    assert sorted(body["villages"]) == sorted([places["village"].pk, places["village2"].pk])
    assert body["length_km"] == "4.01"
    assert body["basis"] == "length"
    assert body["required_patrollers"] is None
    assert body["geometry"] is None


def test_a_segment_with_geometry_answers_geojson(api, cast, segments):
    line = {"type": "LineString", "coordinates": [[113.62, 34.74], [113.63, 34.75]]}
    segments["home"].geometry = line
    segments["home"].save()

    body = api.as_user(cast["county_office"]).get(f"/api/v1/segments/{segments['home'].pk}/").json()

    assert body["geometry"] == line


def test_water_bodies_answer_size_class_for_reservoirs_only_and_basin_for_rivers(api, cast, river):
    reservoir = WaterBody.objects.create(
        code="K900", name="常庄水库", kind=WaterBody.Kind.RESERVOIR, size_class=WaterBody.SizeClass.MEDIUM
    )
    client = api.as_user(cast["city_office"])

    river_body = client.get(f"/api/v1/water-bodies/{river.pk}/").json()
    reservoir_body = client.get(f"/api/v1/water-bodies/{reservoir.pk}/").json()

    assert (river_body["kind"], river_body["size_class"], river_body["basin"]) == ("river", None, "huai_river")
    assert river_body["length_km"] == "137.00"
    assert (reservoir_body["kind"], reservoir_body["size_class"], reservoir_body["basin"]) == (
        "reservoir",
        "medium",
        None,
    )
    assert reservoir_body["length_km"] is None


def test_the_segment_detail_of_a_segment_outside_scope_is_404(api, cast, segments):
    response = api.as_user(cast["township_office"]).get(f"/api/v1/segments/{segments['far'].pk}/")

    assert response.status_code == 404
    assert response.json() == {"errors": {"non_field_errors": [NOT_FOUND]}}


# --- filters ------------------------------------------------------------------------------------------


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [row["code"] for row in response.json()["results"]]


def test_water_bodies_filter_by_kind_county_and_township(api, cast, places, segments, river):
    lake = WaterBody.objects.create(code="L900", name="龙湖", kind=WaterBody.Kind.LAKE)
    Segment.objects.create(code="S-L900", name="龙湖丰庆路", water_body=lake, township=places["township"])
    client = api.as_user(cast["city_office"])

    assert codes(client.get("/api/v1/water-bodies/")) == ["L900", "R001"]
    assert codes(client.get("/api/v1/water-bodies/?kind=lake")) == ["L900"]
    assert codes(client.get("/api/v1/water-bodies/?kind=reservoir")) == []
    assert codes(client.get(f"/api/v1/water-bodies/?county={places['other_county'].pk}")) == ["R001"]
    assert codes(client.get(f"/api/v1/water-bodies/?township={places['township'].pk}")) == ["L900", "R001"]
    assert codes(client.get(f"/api/v1/water-bodies/?township={places['far'].pk}&kind=lake")) == []
    # An empty value is no filter, as an HTML form leaves it when nothing is chosen.
    assert codes(client.get("/api/v1/water-bodies/?kind=&county=&township=")) == ["L900", "R001"]


def test_segments_filter_by_water_body_county_and_township(api, cast, places, segments, far_lake):
    client = api.as_user(cast["city_office"])

    assert codes(client.get("/api/v1/segments/")) == ["S-FAR", "S-HOME", "S-L001", "S-NEIGH"]
    assert codes(client.get(f"/api/v1/segments/?water_body={far_lake.pk}")) == ["S-L001"]
    assert codes(client.get(f"/api/v1/segments/?county={places['county'].pk}")) == ["S-HOME", "S-NEIGH"]
    assert codes(client.get(f"/api/v1/segments/?township={places['far'].pk}")) == ["S-FAR", "S-L001"]
    river = segments["home"].water_body_id
    assert codes(client.get(f"/api/v1/segments/?water_body={river}&township={places['far'].pk}")) == ["S-FAR"]


def test_a_county_office_sees_only_its_county_in_every_list(api, cast, segments, far_lake, neighbour_reservoir):
    client = api.as_user(cast["county_office"])

    assert codes(client.get("/api/v1/segments/")) == ["S-HOME", "S-K001", "S-NEIGH"]
    assert codes(client.get("/api/v1/water-bodies/")) == ["K001", "R001"]


def test_a_township_filter_on_water_bodies_counts_only_segments_the_caller_may_see(
    api, cast, places, segments, neighbour_reservoir
):
    # The river also runs through the neighbour township, but that stretch is not the home office's to know.
    client = api.as_user(cast["county_office"])

    assert codes(client.get(f"/api/v1/water-bodies/?township={places['neighbour'].pk}")) == ["K001", "R001"]
    assert codes(client.get(f"/api/v1/water-bodies/?township={places['township'].pk}")) == ["R001"]


BAD_FILTERS = [
    ("water-bodies", "kind", "canal"),
    ("water-bodies", "county", "abc"),
    ("water-bodies", "township", "1.5"),
    ("water-bodies", "township", "0"),
    ("water-bodies", "county", "-3"),
    ("water-bodies", "county", "99999999999999999999999"),
    ("segments", "water_body", "abc"),
    ("segments", "water_body", "99999999999999999999999"),
    ("segments", "township", "1e3"),
    ("staffing", "township", "abc"),
    ("staffing", "county", "99999999999999999999999"),
    ("staffing", "date", "2026-02-30"),
]


@pytest.mark.parametrize(("endpoint", "name", "value"), BAD_FILTERS)
def test_an_invalid_filter_value_is_a_400_on_that_filter_never_a_500(endpoint, name, value, api, cast, segments):
    response = api.as_user(cast["city_office"]).get(f"/api/v1/{endpoint}/", {name: value})

    assert response.status_code == 400, response.content.decode()
    assert list(response.json()["errors"]) == [name]


@pytest.mark.parametrize("endpoint", ["water-bodies", "segments", "staffing"])
def test_a_place_that_does_not_exist_is_404_even_for_the_city_office(endpoint, api, cast, segments):
    response = api.as_user(cast["city_office"]).get(f"/api/v1/{endpoint}/", {"township": 987654321})

    assert response.status_code == 404
    assert response.json() == {"errors": {"non_field_errors": [NOT_FOUND]}}


# --- phone sync ---------------------------------------------------------------------------------------

# The lists phones sync (API.md): `?updated_since=`, with `?after_id=` to resume after the last row received.
SYNCED_LISTS = ["patrollers", "patrol-logs", "problem-reports"]


@pytest.mark.parametrize("endpoint", SYNCED_LISTS)
def test_after_id_without_updated_since_is_a_400_that_says_why(endpoint, api, cast):
    client = api.as_user(cast["township_office"])

    chinese = client.get(f"/api/v1/{endpoint}/", {"after_id": 7})
    english = client.get(f"/api/v1/{endpoint}/", {"after_id": 7}, HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.status_code == english.status_code == 400
    assert chinese.json() == {"errors": {"after_id": ["after_id 只能与 updated_since 一起使用。"]}}
    assert english.json() == {"errors": {"after_id": ["after_id can only be used together with updated_since."]}}


@pytest.mark.parametrize("endpoint", SYNCED_LISTS)
@pytest.mark.parametrize("value", ["x", "-1", "99999999999999999999999"])
def test_an_after_id_that_is_not_an_id_is_a_400_on_after_id(endpoint, value, api, cast):
    response = api.as_user(cast["township_office"]).get(
        f"/api/v1/{endpoint}/", {"updated_since": "2026-03-01T08:00:00+08:00", "after_id": value}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["after_id"]


def test_the_schema_offers_the_sync_cursor_on_every_synced_list(api):
    paths = api.get("/api/v1/schema/?format=json").json()["paths"]

    for endpoint in SYNCED_LISTS:
        parameters = {p["name"]: p for p in paths[f"/api/v1/{endpoint}/"]["get"]["parameters"]}
        assert parameters["updated_since"]["schema"]["format"] == "date-time", endpoint
        assert parameters["after_id"]["schema"]["type"] == "integer", endpoint
        assert parameters["after_id"]["schema"]["title"] == "续传起点编号", endpoint
        assert "updated_since" in parameters["after_id"]["description"], endpoint


# --- errors -------------------------------------------------------------------------------------------


def test_errors_have_one_shape_for_400_401_403_404_and_405(api, cast, segments):
    anonymous = api.get("/api/v1/segments/")
    patroller = api.as_user(cast["patroller"])
    responses = {
        400: patroller.get("/api/v1/segments/", {"county": "x"}),
        401: anonymous,
        403: patroller.get("/api/v1/water-bodies/"),
        404: patroller.get(f"/api/v1/segments/{segments['far'].pk}/"),
        405: patroller.delete(f"/api/v1/segments/{segments['far'].pk}/"),
    }

    for status, response in responses.items():
        assert response.status_code == status
        body = response.json()
        assert list(body) == ["errors"], status
        assert all(isinstance(messages, list) and messages for messages in body["errors"].values()), status


def test_an_unknown_api_path_is_a_404_in_the_error_shape(api, cast):
    response = api.as_user(cast["city_office"]).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"errors": {"non_field_errors": [NOT_FOUND]}}


def test_a_server_error_under_the_api_answers_in_the_error_shape(rf):
    assert get_resolver().resolve_error_handler(500) is server_error

    response = server_error(rf.get("/api/v1/segments/"))

    assert response.status_code == 500
    assert json.loads(response.content) == {"errors": {"non_field_errors": ["服务器内部错误，请稍后再试。"]}}


def test_an_unknown_page_path_keeps_the_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- language -----------------------------------------------------------------------------------------


def test_messages_are_chinese_by_default(api, cast):
    response = api.as_user(cast["patroller"]).get("/api/v1/water-bodies/")

    assert response.status_code == 403
    assert response["Content-Language"] == "zh-hans"
    assert response.json() == {"errors": {"non_field_errors": ["您的角色无权执行此操作。"]}}


def test_accept_language_en_switches_the_language_of_the_answer(api):
    chinese = api.get("/api/v1/me/")
    english = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese["Content-Language"] == "zh-hans"
    assert english["Content-Language"] == "en"
    # DRF ships both languages of this message; the project's own messages follow once locale/en exists.
    assert chinese.json()["errors"]["non_field_errors"] == ["身份认证信息未提供。"]
    assert english.json()["errors"]["non_field_errors"] == ["Authentication credentials were not provided."]


# --- pagination ---------------------------------------------------------------------------------------


@pytest.fixture
def many_lakes(db):
    WaterBody.objects.bulk_create(
        WaterBody(code=f"L{i:04d}", name=f"湖{i}", kind=WaterBody.Kind.LAKE, length_km=Decimal("1.00"))
        for i in range(520)
    )


@pytest.mark.parametrize(
    ("query", "page_length"),
    [("", 50), ("?page_size=10", 10), ("?page_size=500", 500), ("?page_size=100000", 500), ("?page_size=x", 50)],
)
def test_lists_are_paginated_up_to_500_a_page(query, page_length, api, cast, many_lakes):
    body = api.as_user(cast["city_office"]).get(f"/api/v1/water-bodies/{query}").json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 520
    assert len(body["results"]) == page_length
    assert body["previous"] is None
    assert body["next"] is not None


def test_the_next_link_leads_to_the_rest_of_the_list(api, cast, many_lakes):
    client = api.as_user(cast["city_office"])

    first = client.get("/api/v1/water-bodies/?page_size=500").json()
    rest = client.get(first["next"]).json()

    assert len(first["results"]) + len(rest["results"]) == 520
    assert rest["next"] is None
    assert {row["code"] for row in first["results"]}.isdisjoint(row["code"] for row in rest["results"])
