"""The building blocks every test module shares (test modules import helpers from here, never from each other).

- people: `make_user`, `id_number`, `aged`, `candidate`, `hire` and `on_duty`, through the real roster services;
- patrol: the home segment's line, a walked track, the check answers, Zhengzhou local time;
- assessments: passing and failing scores, the reason an office gives for a month without logs;
- `run_together`: work released from several threads at once (a barrier), each with its own connection;
- the permission matrix: `Row`, the cast's names, `api_routes()` and `check_access()`, which every matrix runs.
"""

import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.urls import URLPattern, URLResolver, resolve

PASSWORD = "correct horse battery"
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

# --- people ---------------------------------------------------------------------------------------------------------

_sequence = count(101)
_names = count(1)


def make_user(username: str, role: str, **place):
    """A login with `role` (and its county/township/village), password PASSWORD, validated like the admin does."""
    from accounts.models import User

    user = User(username=username, role=role, display_name=username, **place)
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


def staff(user, *apps: str):
    """Give `user` admin access with every permission of the named apps (what a group would grant)."""
    from django.contrib.auth.models import Permission

    from accounts.models import User

    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=apps))
    return User.objects.get(pk=user.pk)  # fresh, without the permission cache


def id_number(born: date, *, region: str = "410105", male: bool = True) -> str:
    """A resident ID number with a correct GB 11643 check character, unique within the test run."""
    from staffing import rules

    sequence = next(_sequence) % 500 * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + rules.id_check_char(first17)


def aged(years: int, on: date) -> date:
    """A birthday that makes the person exactly `years` 周岁 on `on` (their birthday is that day)."""
    from staffing import rules

    return rules.anniversary(on, -years)


def candidate(office, village, *, born: date = date(1980, 6, 15), township=None, **data):
    """A candidate registered by `office` (its township; a county office names `township`)."""
    from staffing import services

    data.setdefault("name", "张建国")
    data.setdefault("phone", "13812345678")
    return services.patroller_create(
        by=office,
        id_number=id_number(born),
        residence_village=village,
        township=township,
        **data,
    )


def hire(patroller, segment, office, start: date, end: date | None = None, *, today: date | None = None):
    """A contract entered on its first day unless `today` says otherwise, so that tests never read the clock."""
    from staffing import rules, services

    return services.contract_create(
        patroller=patroller,
        segment=segment,
        start=start,
        end=end or rules.contract_max_end(start),
        by=office,
        today=today or start,
    )


def on_duty(*, office, segment, village, today: date, start: date | None = None, user=None, age: int = 45):
    """A patroller of `office`'s township under a one-year contract on `segment` since `start` (60 days before
    `today` by default), `age` 周岁 at the start, with `user` as their login if given."""
    start = start or today - timedelta(days=60)
    number = next(_names)
    patroller = candidate(
        office,
        village,
        born=aged(age, start),
        name=f"巡察员{number}",
        phone=f"138{number:08d}",
        user=user,
    )
    hire(patroller, segment, office, start, today=today)
    patroller.refresh_from_db()
    return patroller


# --- patrol ---------------------------------------------------------------------------------------------------------

# The home segment's line: (113.6200, 34.7500) → (113.6310, 34.7500), about 1 005 m long.
WEST, EAST, LAT = 113.6200, 113.6310, 34.7500
HOME_LINE = {"type": "LineString", "coordinates": [[WEST, LAT], [113.6255, LAT], [EAST, LAT]]}
# One degree of latitude is about 111 km: 0.0018° is 200 m.
METRES_PER_DEGREE_LAT = 111_000

ALL_NORMAL = {
    "sewage_outfall": "normal",
    "dumping": "normal",
    "reclamation": "normal",
    "illegal_building": "normal",
    "illegal_fishing": "normal",
    "surface_cleanliness": "clean",
    "signboard": "intact",
}


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """That moment of `day` in Zhengzhou."""
    return datetime.combine(day, time(hour, minute, second), tzinfo=LOCAL_TZ)


def walk(
    day: date,
    *,
    start: tuple[int, int] = (8, 0),
    lat: float = LAT,
    west: float = WEST,
    east: float = EAST,
    legs: int = 24,
    seconds_per_leg: int = 40,
    acc: float = 8.0,
) -> list[dict[str, Any]]:
    """A track walked due east along `lat` from `west` to `east` in `legs` equal legs (about 42 m each along the
    home line: 1.05 m/s, a walk)."""
    begin = local(day, *start)
    return [
        {
            "t": (begin + timedelta(seconds=i * seconds_per_leg)).isoformat(),
            "lat": lat,
            "lng": round(west + (east - west) * i / legs, 7),
            "acc": acc,
        }
        for i in range(legs + 1)
    ]


def escalate(submit, log_body, user, **overrides) -> int:
    """Submit a log escalating dumping (and whatever `overrides` add) with the patrol fixtures `submit` and
    `log_body`; the log's id."""
    checks = {**ALL_NORMAL, "dumping": "problem", **overrides.pop("checks", {})}
    body = log_body(checks=checks, actions=["stopped", "escalated"], **overrides)
    response = submit(user, body)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def put_in(report, status: str, *, deadline=None):
    """Skip a problem report ahead to `status` (a shortcut; the office would have got there through the services)."""
    from patrol.models import ProblemReport

    ProblemReport.objects.filter(pk=report.pk).update(status=status, deadline=deadline, assignee="村两委")
    report.refresh_from_db()
    return report


def as_serialized(pk: int) -> dict:
    """The stored log as the list and detail endpoints' serializer shows it (read back from the database)."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from patrol.models import PatrolLog
    from patrol.serializers import PatrolLogSerializer

    log = PatrolLog.objects.select_related("patroller", "segment").prefetch_related("photos").get(pk=pk)
    request = Request(APIRequestFactory().get("/api/v1/patrol-logs/"))
    return dict(PatrolLogSerializer(log, context={"request": request}).data)


# --- assessments ----------------------------------------------------------------------------------------------------

PASSING = {"appearance": 30, "daily_work": 40, "records": 30}
FAILING = {"appearance": 10, "daily_work": 20, "records": 10}
NO_LOGS_REASON = "本月按纸质巡查台账考评"


def township_of(patroller):
    from rivers.models import Township

    return Township.objects.select_related("county").get(pk=patroller.township_id)


# --- language -------------------------------------------------------------------------------------------------------

# Chinese characters and the full-width punctuation that goes with them (、，：；（）).
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


# --- data kept for a whole module ----------------------------------------------------------------------------------


@contextmanager
def kept_for_module(django_db_blocker):
    """For a module-scoped fixture: what it writes inside stays for every test of the module (each test runs in a
    savepoint on top of it and is rolled back as usual) and is rolled back after the module's last test.

        @pytest.fixture(scope="module")
        def demo_city(django_db_setup, django_db_blocker):
            with kept_for_module(django_db_blocker):
                yield seed()
    """
    from django.db import transaction

    block = transaction.atomic()
    # Marked as Django's TestCase marks its own blocks: the photo pipeline's durable transaction (that a real
    # caller may not nest) runs inside, as it does inside every test.
    block._from_testcase = True
    with django_db_blocker.unblock(), block:
        yield
        transaction.set_rollback(True)


# --- threads --------------------------------------------------------------------------------------------------------


def run_together(work: Callable[[int], Any], count: int = 6) -> list:
    """Run `work(i)` for i in range(count) in as many threads, released together by a barrier; answers what each
    returned or raised, in the order of i. Each thread closes the database connections it opened."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # the outcome under test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


# --- the cast (tests/conftest.py) ------------------------------------------------------------------------------------


def make_places() -> dict:
    """The cast's places: two townships in one county, a third in another county, and their villages."""
    from rivers.models import County, Township, Village

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


def make_river():
    """贾鲁河, the river of the three segments."""
    from rivers.models import WaterBody

    return WaterBody.objects.create(
        code="R001",
        name="贾鲁河",
        kind=WaterBody.Kind.RIVER,
        basin=WaterBody.Basin.HUAI_RIVER,
        length_km=Decimal("137.00"),
    )


def make_segments(places: dict, river) -> dict:
    """One river segment in each township; the home one passes two villages."""
    from rivers.models import Segment

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


def make_cast(places: dict) -> dict:
    """One user per role, tied to the home township unless the name says otherwise."""
    from accounts.models import Role

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


# --- the permission matrix ------------------------------------------------------------------------------------------

OFFICES = frozenset({"township_office", "other_township_office", "county_office", "other_county_office", "city_office"})
EVERY_ROLE = OFFICES | {"patroller", "village_chief", "supervisor"}
CAST = sorted(EVERY_ROLE | {"outsider"})
WHO = [*CAST, "anonymous"]


@dataclass(frozen=True)
class Row:
    """One request of a permission matrix and who may make it: `allowed` get the success code `ok`, `hidden` get
    404 (the object or place lies outside their scope), every other role 403 and anonymous callers 401.

    `path` and a callable `data` take the matrix's world: `request.getfixturevalue`, or a dict built by a fixture."""

    name: str
    route: str  # URL name: the completeness tests check every API route has a row
    path: Callable[[Any], str]
    allowed: frozenset[str]
    hidden: frozenset[str] = frozenset()
    method: str = "get"
    ok: int = 200
    data: dict | Callable[[Any], dict] | None = None

    def expected(self, who: str) -> int:
        if who == "anonymous":
            return 401
        if who in self.allowed:
            return self.ok
        if who in self.hidden:
            return 404
        return 403


def check_access(row: Row, who: str, *, world, api, cast) -> None:
    """Make the row's request as `who` and check the answer: the row's code, and the error shape when refused."""
    url = row.path(world)
    assert resolve(urlsplit(url).path).url_name == row.route, "the row's path does not lead to its route"
    client = api if who == "anonymous" else api.as_user(cast[who])
    data = row.data(world) if callable(row.data) else row.data

    response = getattr(client, row.method)(url, data, format="json")

    expected = row.expected(who)
    assert response.status_code == expected, response.content.decode()
    if expected >= 400:
        assert list(response.json()) == ["errors"]


def check_rows(rows: list[Row]) -> None:
    """A matrix names only members of the cast, never one both allowed and hidden, and no row twice."""
    for row in rows:
        assert row.allowed <= set(CAST), row.name
        assert row.hidden <= set(CAST), row.name
        assert not row.allowed & row.hidden, row.name
    assert len({row.name for row in rows}) == len(rows)


def api_routes(patterns=None, prefix: str = "") -> set[str]:
    """The names of every route under api/."""
    if patterns is None:
        from django.urls import get_resolver

        patterns = get_resolver().url_patterns
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= api_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and (prefix + str(pattern.pattern)).startswith("api/") and pattern.name:
            names.add(pattern.name)
    return names


# --- sync -----------------------------------------------------------------------------------------------------------


def sync(client, url: str, *, since: str, page_size: int) -> list[dict]:
    """Every row a phone receives syncing `url` page by page (API.md: ordered by updated_at, id): it asks for what
    changed after `since`, then resumes after the last row received, with `updated_since` = its updated_at and
    `after_id` = its id, until an answer is empty."""
    received: list[dict] = []
    cursor = {"updated_since": since}
    for _ in range(50):  # a cursor that never moves on must fail the test, not hang it
        response = client.get(url, {**cursor, "page_size": page_size})
        assert response.status_code == 200, response.content
        page = response.json()["results"]
        if not page:
            return received
        received += page
        cursor = {"updated_since": page[-1]["updated_at"], "after_id": page[-1]["id"]}
    raise AssertionError(f"syncing {url} never came to an end")
