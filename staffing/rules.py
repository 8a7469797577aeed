"""Pure staffing rules (SPEC §3, 第三条). No ORM here: plain values in, plain values out."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum


class Status(StrEnum):
    BELOW_FLOOR = "below_floor"  # a violation of the binding floor
    BELOW_STANDARD = "below_standard"  # allowed local adjustment
    MEETS_STANDARD = "meets_standard"
    UNDETERMINED = "undetermined"  # lake or large/medium reservoir with no number set


SMALL_RESERVOIR_PATROLLERS = 2


@dataclass(frozen=True)
class Requirement:
    """The floor and standard of one segment; both None when the office has not set a number yet."""

    floor: int | None
    standard: int | None

    @property
    def determined(self) -> bool:
        return self.floor is not None


def ceil_div(length_km: Decimal, per_km: Decimal) -> int:
    """ceil(length / per) on exact decimals: 4.00/2 → 2, 4.01/2 → 3."""
    return int((Decimal(length_km) / per_km).to_integral_value(rounding=ROUND_CEILING))


def river_floor(length_km: Decimal) -> int:
    """Never fewer than one patroller per 2 km, and at least one."""
    return max(1, ceil_div(length_km, Decimal(2)))


def river_standard(length_km: Decimal, *, village_basis: bool, village_count: int) -> int:
    """One per km, or one per village along the segment on the village basis; never below the floor."""
    floor = river_floor(length_km)
    wanted = village_count if village_basis else ceil_div(length_km, Decimal(1))
    return max(floor, wanted)


def requirement(
    *,
    kind: str,
    size_class: str = "",
    length_km: Decimal | None = None,
    village_basis: bool = False,
    village_count: int = 0,
    required: int | None = None,
) -> Requirement:
    """The staffing requirement of one segment of a water body of `kind` ("river"/"lake"/"reservoir")."""
    if kind == "river":
        if length_km is None or length_km <= 0:
            raise ValueError("a river segment needs a positive length")
        return Requirement(
            floor=river_floor(length_km),
            standard=river_standard(length_km, village_basis=village_basis, village_count=village_count),
        )
    if kind == "reservoir" and size_class in ("small_1", "small_2"):
        return Requirement(floor=SMALL_RESERVOIR_PATROLLERS, standard=SMALL_RESERVOIR_PATROLLERS)
    if required is None:
        return Requirement(floor=None, standard=None)
    return Requirement(floor=required, standard=required)


def status(req: Requirement, actual: int) -> Status:
    if not req.determined:
        return Status.UNDETERMINED
    if actual < req.floor:
        return Status.BELOW_FLOOR
    if actual < req.standard:
        return Status.BELOW_STANDARD
    return Status.MEETS_STANDARD
