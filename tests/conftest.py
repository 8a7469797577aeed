"""The named cast of the suite: two townships in one county, a third in another county, and one user per role.

county 金水区 ── township 丰庆路街道 (home) ── village 柳林村
             └─ township 杨金路街道 (neighbour)
county 中牟县 ── township 官渡镇 (far)
"""

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import make_cast, make_places, make_river, make_segments

# Fixtures that several test packages build on: the patrol cast (a patroller under contract on S-HOME, log bodies,
# the clock at noon) and the assessment helpers `hire` and `assess`.
pytest_plugins = ["tests.patrol.fixtures", "tests.assessments.fixtures"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Tests marked `slow` first (a stable sort: the order stays otherwise). pytest-xdist hands the work out in this
    order, after the `xdist_group`s of several tests, so that a long test never starts when the other worker is about
    to run out of work.

    And `xdist_group` as pytest-xdist means it: pytest-xdist 3.8 marks a test's group by appending `@group` to
    `item._nodeid`, which pytest 9 no longer reads (a node's id is `item._id`), so every group was spread over both
    workers (each seeding its own demo city, starting its own demo server). On the workers of `--dist loadgroup` the
    group is appended where pytest 9 reads it."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        marks = item.iter_markers("xdist_group")
        groups = {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default")) for mark in marks}
        if groups and "@" not in item.nodeid.rsplit("]", 1)[-1]:
            item._id = type(item._id).parse(f"{item.nodeid}@{'_'.join(sorted(groups))}")


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
    return make_places()


@pytest.fixture
def river(db):
    return make_river()


@pytest.fixture
def segments(places, river):
    """One river segment in each township; the home one passes two villages."""
    return make_segments(places, river)


@pytest.fixture
def cast(places):
    """One user per role, tied to the home township unless the name says otherwise."""
    return make_cast(places)


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
