"""The named cast of the suite: two townships in one county, a third in another county, and one user per role.

county 金水区 ── township 丰庆路街道 (home) ── village 柳林村
             └─ township 杨金路街道 (neighbour)
county 中牟县 ── township 官渡镇 (far)
"""

from decimal import Decimal

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import Role
from rivers.models import County, Segment, Township, Village, WaterBody
from tests.factories import PASSWORD, make_user  # noqa: F401 - PASSWORD for the modules reading it here

# Fixtures that several test packages build on: the patrol cast (a patroller under contract on S-HOME, log bodies,
# the clock at noon) and the assessment helpers `hire` and `assess`.
pytest_plugins = ["tests.patrol.fixtures", "tests.assessments.fixtures"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests marked `slow` first (a stable sort: the order stays otherwise). pytest-xdist hands the work out in this
    order, after the `xdist_group`s of several tests, so that a long test never starts when the other worker is about
    to run out of work."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request with `Accept-Language: en` activates English in
    its thread and would otherwise leak into the next test run by the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def places(db):
    jinshui = County.objects.create(code="410105", name="金水区", kind=County.Kind.DISTRICT)
    zhongmu = County.objects.create(code="410122", name="中牟县", kind=County.Kind.COUNTY)
    home = Township.objects.create(county=jinshui, code="410105001", name="丰庆路街道")
    neighbour = Township.objects.create(county=jinshui, code="410105002", name="杨金路街道")
    far = Township.objects.create(county=zhongmu, code="410122001", name="官渡镇")
    village = Village.objects.create(township=home, code="410105001001", name="柳林村")
    village2 = Village.objects.create(township=home, code="410105001002", name="毛庄村")
    far_village = Village.objects.create(township=far, code="410122001001", name="官渡村")
    return {
        "county": jinshui,
        "other_county": zhongmu,
        "township": home,
        "neighbour": neighbour,
        "far": far,
        "village": village,
        "village2": village2,
        "far_village": far_village,
    }


@pytest.fixture
def river(db):
    return WaterBody.objects.create(
        code="R001",
        name="贾鲁河",
        kind=WaterBody.Kind.RIVER,
        basin=WaterBody.Basin.HUAI_RIVER,
        length_km=Decimal("137.00"),
    )


@pytest.fixture
def segments(places, river):
    """One river segment in each township; the home one passes two villages."""
    home = Segment.objects.create(
        code="S-HOME", name="贾鲁河丰庆路段", water_body=river, township=places["township"], length_km=Decimal("4.01")
    )
    home.villages.set([places["village"], places["village2"]])
    neighbour = Segment.objects.create(
        code="S-NEIGH", name="贾鲁河杨金路段", water_body=river, township=places["neighbour"], length_km=Decimal("2.00")
    )
    far = Segment.objects.create(
        code="S-FAR", name="贾鲁河官渡段", water_body=river, township=places["far"], length_km=Decimal("0.30")
    )
    far.villages.set([places["far_village"]])
    return {"home": home, "neighbour": neighbour, "far": far}


@pytest.fixture
def cast(places):
    """One user per role, tied to the home township unless the name says otherwise."""
    county, township, village = places["county"], places["township"], places["village"]
    return {
        "patroller": make_user("patroller", Role.PATROLLER, county=county, township=township),
        "village_chief": make_user(
            "village_chief", Role.VILLAGE_CHIEF, county=county, township=township, village=village
        ),
        "township_office": make_user("township_office", Role.TOWNSHIP_OFFICE, county=county, township=township),
        "other_township_office": make_user(
            "other_township_office", Role.TOWNSHIP_OFFICE, county=county, township=places["neighbour"]
        ),
        "county_office": make_user("county_office", Role.COUNTY_OFFICE, county=county),
        "other_county_office": make_user("other_county_office", Role.COUNTY_OFFICE, county=places["other_county"]),
        "city_office": make_user("city_office", Role.CITY_OFFICE),
        "supervisor": make_user("supervisor", Role.SUPERVISOR, county=county, township=township),
        "outsider": make_user("outsider", ""),
    }


@pytest.fixture
def web():
    """`web(user)`: a browser-like client logged in as `user` (session login, for the office pages)."""

    def as_user(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates it with a real knox token."""
    client = APIClient()

    def as_user(user):
        _, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    client.as_user = as_user
    return client


@pytest.fixture
def client_for(db):
    """client_for(user) → a new API client with its own knox token (the shared `api` client holds one user)."""

    def make(user) -> APIClient:
        client = APIClient()
        _, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture(scope="session")
def moto_server():
    """A real S3 API on a free loopback port for the whole run of this worker (tests/objectstore.py)."""
    from tests.objectstore import MotoServer

    server = MotoServer.start()
    yield server
    server.stop()


@pytest.fixture
def object_storage(moto_server, settings):
    """The app's files go to a fresh, empty bucket of the moto server for this test (settings as in production:
    config.objectstore.s3_storage); answers `(server, bucket)`."""
    from config.objectstore import s3_storage
    from tests.objectstore import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY

    bucket = moto_server.new_bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=bucket,
            endpoint_url=moto_server.endpoint_url,
            access_key_id=ACCESS_KEY_ID,
            secret_access_key=SECRET_ACCESS_KEY,
            region=REGION,
        ),
    }
    return moto_server, bucket
