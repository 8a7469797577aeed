"""`manage.py seed_demo`: the demo data set of SPEC §2 and the demo accounts of API.md.

The demo city is seeded once for the package (tests/demo/conftest.py); this module checks the register, the logins
and the roster, and the command's own behaviour on a second run.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role, User
from rivers import demo
from rivers.geometry import geojson_problem
from rivers.models import County, Segment, Township, Village, WaterBody
from staffing import selectors as staffing_selectors

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-city")]  # one worker seeds it once

DEMO_USERNAMES = [
    "demo_patroller",
    "demo_patroller2",
    "demo_village_chief",
    "demo_township",
    "demo_county",
    "demo_city",
    "demo_supervisor",
]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--force", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    """Every value the seed writes, so two runs can be compared as a whole."""
    return {
        "counties": list(County.objects.order_by("code").values_list()),
        "townships": list(Township.objects.order_by("code").values_list()),
        "villages": list(Village.objects.order_by("code").values_list()),
        "water_bodies": list(WaterBody.objects.order_by("code").values_list()),
        "segments": list(Segment.objects.order_by("code").values_list()),
        "segment_villages": sorted(Segment.villages.through.objects.values_list("segment__code", "village__code")),
        "users": list(User.objects.filter(username__startswith="demo_").order_by("username").values_list()),
    }


def test_demo_city_has_111_rivers_16_lakes_141_reservoirs_in_16_county_level_units(demo_city):
    output = demo_city.output

    assert County.objects.count() == 16
    assert set(County.objects.values_list("name", flat=True)) >= {"中原区", "金水区", "巩义市", "郑东新区"}
    assert County.objects.get(name="中原区").code == "410102"
    kinds = dict(WaterBody.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds == {"river": 111, "lake": 16, "reservoir": 141}
    assert not WaterBody.objects.filter(is_demo=False).exists()
    assert not Segment.objects.filter(is_demo=False).exists()
    assert "河流111条" in output and "湖泊16个" in output and "水库141座" in output


def test_every_county_has_townships_and_every_township_has_villages(demo_city):
    assert not County.objects.annotate(n=Count("townships")).filter(n__lt=4).exists()
    assert not Township.objects.annotate(n=Count("villages")).filter(n__lt=3).exists()


def test_well_known_water_bodies_have_their_real_names_basins_and_classes(demo_city):
    assert WaterBody.objects.get(name="贾鲁河").basin == WaterBody.Basin.HUAI_RIVER
    assert WaterBody.objects.get(name="伊洛河").basin == WaterBody.Basin.YELLOW_RIVER
    assert WaterBody.objects.get(name="常庄水库").size_class == WaterBody.SizeClass.MEDIUM
    assert WaterBody.objects.get(name="龙湖").kind == WaterBody.Kind.LAKE
    assert WaterBody.objects.filter(name__startswith="示范河流").count() > 50
    sizes = dict(WaterBody.objects.filter(kind="reservoir").values_list("size_class").annotate(n=Count("pk")))
    assert sizes["small_1"] + sizes["small_2"] > 120
    assert sizes["medium"] >= 5


def test_every_water_body_has_a_segment(demo_city):
    assert not WaterBody.objects.filter(segments__isnull=True).exists()
    assert not Segment.objects.filter(villages__isnull=True).exists()


def test_river_segments_are_one_per_township_and_sum_to_the_river_length(demo_city):
    for river in WaterBody.objects.filter(kind="river").annotate(
        total=Sum("segments__length_km"), townships=Count("segments__township", distinct=True), n=Count("segments")
    ):
        assert river.total == river.length_km, river.name
        assert 1 <= river.n <= 3 and river.townships == river.n, river.name
    assert Segment.objects.get(water_body__name="东风渠", township__name="丰庆路街道").length_km == Decimal("4.01")


def test_lakes_and_medium_reservoirs_leave_some_numbers_for_the_office_to_decide(demo_city):
    decided_by_office = Segment.objects.filter(water_body__kind="lake") | Segment.objects.filter(
        water_body__size_class__in=["large", "medium"]
    )
    assert decided_by_office.filter(required_patrollers__isnull=True).exists()
    assert decided_by_office.filter(required_patrollers__gte=1).exists()
    small = WaterBody.objects.filter(size_class__in=["small_1", "small_2"]).annotate(n=Count("segments"))
    assert {body.n for body in small} == {1}
    assert not Segment.objects.filter(water_body__in=small, required_patrollers__isnull=False).exists()
    assert not Segment.objects.filter(water_body__kind="river", required_patrollers__isnull=False).exists()


def test_geometries_are_valid_geojson_around_zhengzhou(demo_city):
    for segment in Segment.objects.select_related("water_body"):
        assert geojson_problem(segment.geometry) is None, segment.code
        expected = "LineString" if segment.water_body.kind == "river" else {"Point", "Polygon"}
        assert segment.geometry["type"] in expected
    river = Segment.objects.get(water_body__name="金水河", township__name="人民路街道").geometry
    for lng, lat in river["coordinates"]:
        assert 34.4 <= lat <= 34.95 and 112.9 <= lng <= 114.2


def test_every_demo_row_passes_the_models_own_validation(demo_city):
    for model in (County, Township, Village, WaterBody, Segment):
        for row in model.objects.all():
            row.full_clean()


def test_demo_users_have_their_roles_and_places_in_one_demo_township(demo_city):

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("township")}
    assert set(users) == set(DEMO_USERNAMES)
    township = users["demo_township"].township
    assert Segment.objects.filter(township=township, water_body__name__in=["金水河", "贾鲁河"]).exists()
    assert users["demo_patroller"].role == Role.PATROLLER and users["demo_patroller"].township == township
    assert users["demo_village_chief"].village.township == township
    assert users["demo_supervisor"].role == Role.SUPERVISOR and users["demo_supervisor"].township == township
    assert users["demo_county"].county == township.county and users["demo_county"].township is None
    assert users["demo_city"].role == Role.CITY_OFFICE and users["demo_city"].is_superuser
    assert all(users[name].is_staff for name in ("demo_township", "demo_county", "demo_city"))
    assert not users["demo_patroller"].is_staff
    other = users["demo_patroller2"]
    assert other.role == Role.PATROLLER and other.township != township and other.township.segments.exists()
    assert all(check_password(demo.DEFAULT_PASSWORD, user.password) for user in users.values())
    assert users["demo_patroller"].display_name == "张建国(巡察员)"


def test_running_twice_changes_nothing(demo_city):
    before = snapshot()

    output = seed()

    assert snapshot() == before
    assert "新建0条、更新0条" in output


@pytest.fixture
def later_seeders(monkeypatch) -> list[str]:
    """The command's options are about the register and the accounts: its later seeders (logs, assessments,
    summaries; a whole second run is `test_running_twice_changes_nothing`) only say that they were called."""
    from overview.management.commands import seed_demo as command

    called: list[str] = []
    for name in ("seed_patrol_logs", "seed_assessments", "seed_summaries"):
        monkeypatch.setattr(command, name, lambda *, stdout, name=name: called.append(name))
    return called


def test_existing_passwords_are_kept_unless_a_password_is_given(demo_city, later_seeders):
    seed("--password", "second-pass")
    assert check_password("second-pass", User.objects.get(username="demo_county").password)

    seed()
    assert check_password("second-pass", User.objects.get(username="demo_county").password)
    assert later_seeders == ["seed_patrol_logs", "seed_assessments", "seed_summaries"] * 2


def test_demo_accounts_get_the_documented_default_password(demo_city):
    assert check_password(demo.DEFAULT_PASSWORD, User.objects.get(username="demo_patroller").password)


def test_changed_demo_rows_are_put_back(demo_city):
    WaterBody.objects.filter(name="贾鲁河").update(basin="yellow_river")
    User.objects.filter(username="demo_township").update(role=Role.SUPERVISOR)

    # The register and the accounts are what this is about: their seeders, as the command calls them.
    assert demo.seed_register().updated == 1
    assert demo.seed_users(demo.DEFAULT_PASSWORD, reset_passwords=False).updated == 1

    assert WaterBody.objects.get(name="贾鲁河").basin == "huai_river"
    assert User.objects.get(username="demo_township").role == Role.TOWNSHIP_OFFICE


@override_settings(DEBUG=False)
def test_refuses_to_run_without_debug_unless_forced(demo_city):
    before = snapshot()
    User.objects.filter(username="demo_county").update(role=Role.SUPERVISOR)

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())

    assert User.objects.get(username="demo_county").role == Role.SUPERVISOR  # nothing put back
    # The module's city was seeded with --force and DEBUG off (the test settings).
    assert WaterBody.objects.count() == 268 and snapshot()["water_bodies"] == before["water_bodies"]


@override_settings(DEBUG=True)
def test_runs_without_force_when_debug_is_on(demo_city, later_seeders):
    User.objects.filter(username="demo_county").update(role=Role.SUPERVISOR)

    call_command("seed_demo", stdout=StringIO())

    assert User.objects.get(username="demo_county").role == Role.COUNTY_OFFICE
    assert later_seeders == ["seed_patrol_logs", "seed_assessments", "seed_summaries"]


def test_the_demo_logins_get_the_roster_the_staffing_seed_adds_after_them(demo_city):
    today = timezone.localdate()
    for username in ("demo_patroller", "demo_patroller2"):
        user = User.objects.get(username=username)
        patroller = staffing_selectors.patroller_of(user)
        assert patroller is not None, username
        assert staffing_selectors.assignment_on(patroller=patroller, on=today) is not None, username
    assert "演示花名册：" in demo_city.output
