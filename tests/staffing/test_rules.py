"""Staffing ratios of 第三条 (SPEC §3) at their edges: pure functions, no database."""

from decimal import Decimal

import pytest

from staffing import rules
from staffing.rules import Requirement, Status


def river(length: str, *, villages: int | None = None) -> Requirement:
    return rules.requirement(
        kind="river",
        length_km=Decimal(length),
        village_basis=villages is not None,
        village_count=villages or 0,
    )


@pytest.mark.parametrize(
    ("length", "floor", "standard"),
    [
        ("0.30", 1, 1),  # a short stretch still needs one patroller
        ("1.00", 1, 1),
        ("1.01", 1, 2),
        ("2.00", 1, 2),  # exactly one per 2 km
        ("2.01", 2, 3),  # a hundredth of a km more needs a second one
        ("4.00", 2, 4),
        ("4.01", 3, 5),
        ("137.00", 69, 137),
    ],
)
def test_river_floor_is_one_per_two_km_and_standard_one_per_km(length, floor, standard):
    assert river(length) == Requirement(floor=floor, standard=standard)


def test_floor_and_standard_are_computed_on_exact_decimals_not_floats():
    with pytest.raises(TypeError):
        rules.river_floor(4.01)


def test_village_basis_with_more_villages_than_km_asks_one_per_village():
    assert river("2.00", villages=5) == Requirement(floor=1, standard=5)


def test_village_basis_with_fewer_villages_than_km_asks_one_per_village_not_per_km():
    # 3.50 km on the length basis would be 4; the township chose villages: 2, still above the floor of 2.
    assert river("3.50", villages=2) == Requirement(floor=2, standard=2)


def test_village_basis_never_goes_below_the_floor():
    # 4.01 km needs 3 whatever the villages say.
    assert river("4.01", villages=1) == Requirement(floor=3, standard=3)
    assert river("4.01", villages=0) == Requirement(floor=3, standard=3)


@pytest.mark.parametrize("size_class", ["small_1", "small_2"])
def test_small_reservoir_has_two_whatever_the_office_set(size_class):
    assert rules.requirement(kind="reservoir", size_class=size_class) == Requirement(floor=2, standard=2)
    assert rules.requirement(kind="reservoir", size_class=size_class, required=5) == Requirement(2, 2)


@pytest.mark.parametrize(("kind", "size_class"), [("lake", ""), ("reservoir", "large"), ("reservoir", "medium")])
def test_lakes_and_large_or_medium_reservoirs_are_undetermined_until_the_office_sets_a_number(kind, size_class):
    unset = rules.requirement(kind=kind, size_class=size_class, length_km=Decimal("12.00"))
    assert unset == Requirement(floor=None, standard=None)
    assert not unset.determined
    assert rules.status(unset, actual=3) == Status.UNDETERMINED

    set_to_three = rules.requirement(kind=kind, size_class=size_class, length_km=Decimal("12.00"), required=3)
    assert set_to_three == Requirement(floor=3, standard=3)
    assert rules.status(set_to_three, actual=3) == Status.MEETS_STANDARD


def test_a_river_segment_without_a_length_is_listed_as_undetermined():
    assert rules.requirement(kind="river", length_km=None) == Requirement(floor=None, standard=None)


@pytest.mark.parametrize("length", ["0", "-1.00"])
def test_a_river_segment_with_no_positive_length_is_refused(length):
    with pytest.raises(ValueError):
        rules.requirement(kind="river", length_km=Decimal(length))


def test_an_office_number_below_one_is_refused():
    with pytest.raises(ValueError):
        rules.requirement(kind="lake", required=0)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (0, Status.BELOW_FLOOR),
        (2, Status.BELOW_FLOOR),  # one short of the floor of 3
        (3, Status.BELOW_STANDARD),  # exactly the floor: allowed, but below the standard
        (4, Status.BELOW_STANDARD),  # one short of the standard of 5
        (5, Status.MEETS_STANDARD),  # exactly the standard
        (6, Status.MEETS_STANDARD),
    ],
)
def test_status_of_a_4_01_km_river_by_patrollers_on_it(actual, expected):
    assert rules.status(river("4.01"), actual) == expected


def test_when_floor_equals_standard_there_is_no_below_standard_band():
    small = rules.requirement(kind="reservoir", size_class="small_2")
    assert rules.status(small, 1) == Status.BELOW_FLOOR
    assert rules.status(small, 2) == Status.MEETS_STANDARD


def test_undetermined_wins_over_any_number_of_patrollers():
    unset = rules.requirement(kind="lake")
    assert rules.status(unset, 0) == Status.UNDETERMINED
    assert rules.status(unset, 10) == Status.UNDETERMINED


def test_every_status_has_a_chinese_label():
    assert [str(status.label) for status in Status] == ["低于底线(违规)", "低于标准", "达标", "待核定"]
