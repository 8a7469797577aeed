"""County spot checks (县级每月抽考, SPEC §6): sample size, one per township, risk-weighted seeded draw, recorded
and stable, county-level drafts for the sample."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import rules, services
from assessments.models import Assessment, SpotCheckDraw
from rivers.models import Village

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)


@pytest.fixture
def neighbour_village(places):
    return Village.objects.create(township=places["neighbour"], code="410105002001", name="杨金村")


def staff(hire, cast, segments, neighbour_village, *, home: int, neighbour: int) -> list:
    people = [hire(start=date(2026, 1, 1)) for _ in range(home)]
    people += [
        hire(
            start=date(2026, 1, 1),
            segment=segments["neighbour"],
            office=cast["other_township_office"],
            village=neighbour_village,
        )
        for _ in range(neighbour)
    ]
    return people


def draw(cast, places, month=MAY, **kwargs):
    return services.spot_check_draw(county=places["county"], month=month, by=cast["county_office"], **kwargs)


def test_ten_percent_rounded_up_with_one_from_every_township(cast, places, segments, hire, neighbour_village):
    people = staff(hire, cast, segments, neighbour_village, home=12, neighbour=1)

    drawn = draw(cast, places)

    sample = drawn.draw.patrollers
    assert len(sample) == 2  # 10% of 13 is 1.3 → 2, and two townships have patrollers
    townships = {p.pk: p.township_id for p in people}
    assert {townships[pk] for pk in sample} == {places["township"].pk, places["neighbour"].pk}
    assert drawn.draw.population == 13


def test_a_larger_county_draws_more_than_one_per_township(cast, places, segments, hire, neighbour_village):
    staff(hire, cast, segments, neighbour_village, home=21, neighbour=0)

    drawn = draw(cast, places)

    assert len(drawn.draw.patrollers) == 3  # 10% of 21 → 3; the neighbour township has nobody to draw


def test_the_sample_gets_county_level_drafts_and_nobody_else(cast, places, segments, hire, neighbour_village):
    staff(hire, cast, segments, neighbour_village, home=12, neighbour=1)

    drawn = draw(cast, places)

    county_rows = Assessment.objects.filter(month=MAY, level=Assessment.Level.COUNTY)
    assert sorted(county_rows.values_list("patroller_id", flat=True)) == sorted(drawn.draw.patrollers)
    assert [a.patroller_id for a in drawn.assessments] == drawn.draw.patrollers
    assert {a.status for a in drawn.assessments} == {"draft"}
    assert not Assessment.objects.filter(level=Assessment.Level.TOWNSHIP).exists()


def test_drawing_again_answers_the_recorded_sample(cast, places, segments, hire, neighbour_village):
    staff(hire, cast, segments, neighbour_village, home=12, neighbour=1)
    first = draw(cast, places)
    staff(hire, cast, segments, neighbour_village, home=20, neighbour=0)  # the county grows afterwards

    again = draw(cast, places)

    assert again.created is False
    assert (again.draw.pk, again.draw.seed, again.draw.patrollers) == (
        first.draw.pk,
        first.draw.seed,
        first.draw.patrollers,
    )
    assert SpotCheckDraw.objects.count() == 1
    assert Assessment.objects.filter(level=Assessment.Level.COUNTY).count() == 2


def test_the_seed_and_weights_recorded_reproduce_the_draw(cast, places, segments, hire, neighbour_village):
    staff(hire, cast, segments, neighbour_village, home=15, neighbour=3)

    record = draw(cast, places).draw

    candidates = [
        rules.Candidate(int(pk), entry["township"], Decimal(entry["weight"])) for pk, entry in record.weights.items()
    ]
    assert len(candidates) == record.population == 18
    size = rules.spot_check_size(population=18, townships=2)
    assert rules.weighted_draw(candidates, size=size, seed=record.seed) == record.patrollers
    assert record.drawn_by == cast["county_office"]
    assert 0 <= record.seed < 2**53  # exact in a phone's JSON parser


def test_the_same_seed_draws_the_same_sample_for_another_month(cast, places, segments, hire, neighbour_village):
    staff(hire, cast, segments, neighbour_village, home=15, neighbour=3)

    may = draw(cast, places, seed=42).draw
    june = draw(cast, places, month=date(2026, 6, 1), seed=42).draw

    assert may.patrollers == june.patrollers  # same population, same weights (no logs), same seed


def test_patrollers_without_logs_weigh_more_than_those_patrolling_every_day(cast, places, hire, log):
    idle, diligent = hire(start=date(2026, 1, 1)), hire(start=date(2026, 1, 1))
    for day in range(1, 32):
        log(diligent, date(2026, 5, day))

    weights = draw(cast, places).draw.weights

    assert Decimal(weights[str(idle.pk)]["weight"]) == 3
    assert Decimal(weights[str(diligent.pk)]["weight"]) == 1


def test_another_countys_patrollers_are_never_in_the_sample(cast, places, segments, hire):
    far_village = places["far_village"]
    far_office = cast["township_office"].__class__.objects.create(
        username="far_office", role="township_office", county=places["other_county"], township=places["far"]
    )
    hire(start=date(2026, 1, 1), segment=segments["far"], office=far_office, village=far_village)

    drawn = draw(cast, places)

    assert drawn.draw.patrollers == []
    assert drawn.draw.population == 0


@pytest.mark.parametrize("who", ["township_office", "other_county_office", "city_office", "patroller"])
def test_only_the_county_office_draws_its_county(cast, places, who):
    with pytest.raises(PermissionDenied):
        services.spot_check_draw(county=places["county"], month=MAY, by=cast[who])


def test_a_month_not_yet_begun_cannot_be_drawn(cast, places):
    with pytest.raises(ValidationError):
        draw(cast, places, month=date(2099, 1, 1))
