"""Pure staffing rules (SPEC §3, 第三条). No ORM here: plain values in, plain values out."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from config.env import applicant_weights_problem


class Status(StrEnum):
    BELOW_FLOOR = "below_floor"  # a violation of the binding floor
    BELOW_STANDARD = "below_standard"  # allowed local adjustment
    MEETS_STANDARD = "meets_standard"
    UNDETERMINED = "undetermined"  # lake or large/medium reservoir with no number set

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


# The one place for the status wording: page, API, .xlsx export and the management command read it.
STATUS_LABELS = {
    Status.BELOW_FLOOR: _("低于底线(违规)"),
    Status.BELOW_STANDARD: _("低于标准"),
    Status.MEETS_STANDARD: _("达标"),
    Status.UNDETERMINED: _("待核定"),
}

# The status codes as the API lists them (the OpenAPI schema names their enum from this list).
STATUS_VALUES = [status.value for status in Status]

SMALL_RESERVOIR_PATROLLERS = 2
SMALL_RESERVOIR_CLASSES = ("small_1", "small_2")


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
    if isinstance(length_km, float):
        # Binary floats cannot say 4.01 exactly; the boundary cases of 第三条 need exact decimals.
        raise TypeError("lengths are Decimal, not float")
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
    """The staffing requirement of one segment of a water body of `kind` ("river"/"lake"/"reservoir").

    Rivers follow their length (or villages); small reservoirs have 2; lakes and large/medium reservoirs
    have the number their office set, and stay undetermined until it is set. A river segment whose length
    is missing in the register is undetermined too, so that it shows up on the office's to-do list instead
    of silently counting as one patroller.
    """
    if kind == "river":
        if length_km is None:
            return Requirement(floor=None, standard=None)
        if length_km <= 0:
            raise ValueError("a river segment needs a positive length")
        return Requirement(
            floor=river_floor(length_km),
            standard=river_standard(length_km, village_basis=village_basis, village_count=village_count),
        )
    if kind == "reservoir" and size_class in SMALL_RESERVOIR_CLASSES:
        return Requirement(floor=SMALL_RESERVOIR_PATROLLERS, standard=SMALL_RESERVOIR_PATROLLERS)
    if required is None:
        return Requirement(floor=None, standard=None)
    if required < 1:
        raise ValueError("the number set by the office is at least 1")
    return Requirement(floor=required, standard=required)


def reservoir_township(*, dam_township_id: int | None, segment_township_ids: Sequence[int]) -> tuple[int, bool]:
    """The township a small reservoir's requirement of 2 counts in, and whether the register settles it.

    A small reservoir needs 2 patrollers in all (第三条 "小型水库按每个2名配备"), not 2 per segment: its segments
    are counted together, and the reservoir counts once, in the township that holds its dam (属地管理: the dam's
    township answers for the reservoir). `segment_township_ids`: the townships of its segments in register order
    (segment code). A reservoir whose segments all lie in one township counts there. One split across townships
    whose dam township is not recorded (or holds none of its segments) counts, provisionally, in the township of
    its first segment, and is not settled: the report lists it for the office to record the dam.
    """
    townships = list(dict.fromkeys(segment_township_ids))
    if not townships:
        raise ValueError("a reservoir in the report has at least one segment")
    if len(townships) == 1:
        return townships[0], True
    if dam_township_id in townships:
        return dam_township_id, True
    return townships[0], False


def status(req: Requirement, actual: int) -> Status:
    """Below the floor is a violation; between floor and standard an allowed local adjustment."""
    if not req.determined:
        return Status.UNDETERMINED
    if actual < req.floor:
        return Status.BELOW_FLOOR
    if actual < req.standard:
        return Status.BELOW_STANDARD
    return Status.MEETS_STANDARD


# ---------------------------------------------------------------------------------------------------------
# The roster (SPEC §4; 第四条, 第九条): ID numbers, age in 周岁, eligibility, contract terms, ranking, masking.
# ---------------------------------------------------------------------------------------------------------

ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643-1999
ID_NUMBER_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
# The first two digits: province-level codes of GB/T 2260 (and 71/81/82/83 for Taiwan, HK, Macao residents).
ID_NUMBER_PROVINCES = frozenset(
    str(code)
    for low, high in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 83))
    for code in range(low, high + 1)
)
EARLIEST_BIRTH = date(1900, 1, 1)

AGE_MIN = 35
AGE_MAX = 50
AGE_MAX_EXCELLENT_INCUMBENT = 55

RESIDENCE_TOWNSHIP = "township"
RESIDENCE_COUNTY = "county"


@dataclass(frozen=True)
class IdNumberInfo:
    birth_date: date
    sex: str  # "male" / "female": the 17th digit, odd for men


def normalize_id_number(raw: str) -> str:
    """Offices type the check character as x or X, sometimes with spaces around."""
    return "".join(raw.split()).upper()


def id_check_char(first17: str) -> str:
    return ID_NUMBER_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True)) % 11]


def _birth_date_in(value: str) -> date | None:
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    return born if born >= EARLIEST_BIRTH else None


def id_number_problem(value: str, *, today: date | None = None) -> str | None:
    """Why an 18-character resident ID number is invalid (a Chinese message), or None when it is valid."""
    value = normalize_id_number(value or "")
    # ASCII only: str.isdigit() also takes other scripts' digits (１, ²), which no ID card carries.
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit() or value[17] not in "0123456789X":
        return str(_("身份证号应为18位：17位数字加1位数字或X。"))
    if value[:2] not in ID_NUMBER_PROVINCES:
        return str(_("身份证号的地区码无效。"))
    born = _birth_date_in(value)
    if born is None or (today is not None and born > today):
        return str(_("身份证号中的出生日期无效。"))
    if id_check_char(value[:17]) != value[17]:
        return str(_("身份证号校验位不正确。"))
    return None


def parse_id_number(value: str) -> IdNumberInfo | None:
    """Birth date and sex from a valid ID number; None when the number is invalid."""
    value = normalize_id_number(value or "")
    if id_number_problem(value) is not None:
        return None
    born = _birth_date_in(value)
    return IdNumberInfo(birth_date=born, sex="male" if int(value[16]) % 2 else "female")


def anniversary(day: date, years: int) -> date:
    """The same calendar day `years` later; a 29 February falls on 1 March in a common year.

    The year since 29 February is complete only once 28 February has passed, so both ages and one-year
    contracts count from 1 March in common years.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def age_on(birth: date, day: date) -> int:
    """Age in full years (周岁) on `day`: one more on each birthday."""
    years = day.year - birth.year
    return years if anniversary(birth, years) <= day else years - 1


def eligibility_failures(
    *,
    birth_date: date,
    on: date,
    criminal_record: bool,
    healthy: bool,
    residence_township_id: int,
    residence_county_id: int,
    segment_township_id: int,
    segment_county_id: int,
    residence_scope: str = RESIDENCE_TOWNSHIP,
    excellent_incumbent: bool = False,
) -> list[tuple[str, str]]:
    """The (code, message) failures of 第四条 for a contract starting `on`; empty when eligible.

    Codes: `age` (35–50 周岁, up to 55 for an excellent renewing incumbent), `residence` (lives in the
    segment's township, or county when `residence_scope` is "county"), `criminal_record`, `health`.
    """
    failures: list[tuple[str, str]] = []
    age = age_on(birth_date, on)
    upper = AGE_MAX_EXCELLENT_INCUMBENT if excellent_incumbent else AGE_MAX
    if not AGE_MIN <= age <= upper:
        failures.append(
            (
                "age",
                str(_("合同开始日年龄为%(age)d周岁，应在%(low)d至%(high)d周岁之间。"))
                % {"age": age, "low": AGE_MIN, "high": upper},
            )
        )
    if residence_scope == RESIDENCE_COUNTY:
        if residence_county_id != segment_county_id:
            failures.append(("residence", str(_("常住地不在该河段所在的县(市、区)，不符合本地常住居民条件。"))))
    elif residence_township_id != segment_township_id:
        failures.append(("residence", str(_("常住地不在该河段所在的乡镇(街道)，不符合本地常住居民条件。"))))
    if criminal_record:
        failures.append(("criminal_record", str(_("受过刑事处罚，不符合聘用条件。"))))
    if not healthy:
        failures.append(("health", str(_("未申报身体健康，不符合聘用条件。"))))
    return failures


def contract_max_end(start: date) -> date:
    """The last allowed end of a contract starting `start`: one year less a day (第九条, 每年一聘)."""
    return anniversary(start, 1) - timedelta(days=1)


def contract_term_problems(*, start: date, end: date) -> dict[str, list[str]]:
    """Errors of a contract term on its own, keyed by field (`end`)."""
    if end < start:
        return {"end": [str(_("结束日期不能早于开始日期。"))]}
    latest = contract_max_end(start)
    if end > latest:
        return {"end": [str(_("合同期限最长一年：结束日期不能晚于%(latest)s。")) % {"latest": latest.isoformat()}]}
    return {}


def periods_overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    """Whether two inclusive date ranges share at least one day."""
    return a_start <= b_end and b_start <= a_end


def contract_overlap_problem(*, start: date, end: date, others: Iterable[tuple[date, date]]) -> str | None:
    """A message when [start, end] shares a day with another contract (start, last day) of the same person."""
    for other_start, other_end in others:
        if periods_overlap(start, end, other_start, other_end):
            return str(_("与该巡察员%(start)s至%(end)s的合同重叠。")) % {
                "start": other_start.isoformat(),
                "end": other_end.isoformat(),
            }
    return None


def last_day_in_force(*, end: date, terminated_on: date | None) -> date:
    """The last day a contract is in force: its agreed end, or the day before it was ended early.

    `terminated_on` is the day of the dismissal or resignation (D): from that day on the person is no longer staff
    (SPEC §6), so the contract's last day is D − 1. A contract ended on or before its start covers no day (its last
    day falls before its start). Every "in force" rule reads this, or `selectors.contract_in_force_q`, its form
    for database queries.
    """
    return terminated_on - timedelta(days=1) if terminated_on is not None else end


def is_renewal(*, previous_end: date, start: date) -> bool:
    """A renewal is a new contract starting the day after the previous one ends."""
    return start == previous_end + timedelta(days=1)


DEFAULT_APPLICANT_WEIGHTS = (50, 50)  # exam, interview: percent of the total (setting RIVER["APPLICANT_WEIGHTS"])


def applicant_total(
    exam: Decimal | None,
    interview: Decimal | None,
    *,
    exam_weight: int = DEFAULT_APPLICANT_WEIGHTS[0],
    interview_weight: int = DEFAULT_APPLICANT_WEIGHTS[1],
) -> Decimal | None:
    """总成绩 = 笔试 × exam_weight% + 面试 × interview_weight% (50/50 by default), rounded half up (四舍五入) to two
    decimals; None until both scores are in."""
    problem = applicant_weights_problem(exam_weight, interview_weight)
    if problem:
        raise ValueError(problem)
    if exam is None or interview is None:
        return None
    weighted = Decimal(exam) * exam_weight + Decimal(interview) * interview_weight
    return (weighted / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ranks_above(rank: int | None, other: int | None) -> bool:
    """Whether an applicant ranked `rank` stands before one ranked `other` (None: not ranked yet, after everyone
    ranked). Equal ranks (a tie, 1, 2, 2, 4) stand together: neither is above the other."""
    return rank is not None and (other is None or rank < other)


def dismissed_recently(*, dismissed_on: date, on: date) -> bool:
    """Whether a dismissal on `dismissed_on` lies within the 12 months up to `on` (a year earlier counts): the
    eligibility check then notes it (`previously_dismissed`) without blocking the hire."""
    return anniversary(on, -1) <= dismissed_on <= on


def rank_applicants(rows: Iterable[tuple[int, Decimal | None, bool]]) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4) of (key, total, poverty_relief) rows.

    Higher totals first; among equal totals poverty-relief applicants come first (第四条(四) 同等条件下优先);
    equal on both share a rank. Applicants without a total are not ranked (None).
    """
    rows = list(rows)
    scored = [(key, total, poverty) for key, total, poverty in rows if total is not None]
    scored.sort(key=lambda row: (-row[1], not row[2], row[0]))
    ranks: dict[int, int | None] = {key: None for key, total, _poverty in rows if total is None}
    previous = None
    for position, (key, total, poverty) in enumerate(scored, start=1):
        if previous is None or (total, poverty) != previous[0]:
            previous = ((total, poverty), position)
        ranks[key] = previous[1]
    return ranks


def mask_id_number(value: str) -> str:
    """410102199001011234 → 410102********1234: region and last four stay, birth date and sequence hidden."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def is_mobile_phone(value: str) -> bool:
    """A mainland mobile number: 11 digits starting with 1."""
    return len(value) == 11 and value.isascii() and value.isdigit() and value.startswith("1")
