"""Building blocks for the roster tests: valid ID numbers and people hired through the real services."""

from datetime import date
from itertools import count

from staffing import rules, services
from staffing.models import Contract, Patroller

_sequence = count(101)


def id_number(born: date, *, region: str = "410105", male: bool = True) -> str:
    """A resident ID number with a correct GB 11643 check character, unique within the test run."""
    sequence = next(_sequence) % 500 * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + rules.id_check_char(first17)


def aged(years: int, on: date) -> date:
    """A birthday that makes the person exactly `years` 周岁 on `on` (their birthday is that day)."""
    return rules.anniversary(on, -years)


def candidate(office, village, *, born: date = date(1980, 6, 15), township=None, **data) -> Patroller:
    """A candidate registered by `office` (its township; a county office names `township`)."""
    data.setdefault("name", "张建国")
    data.setdefault("phone", "13812345678")
    return services.patroller_create(
        by=office,
        id_number=id_number(born),
        residence_village=village,
        township=township,
        **data,
    )


def hire(patroller: Patroller, segment, office, start: date, end: date | None = None, *, today=None) -> Contract:
    """A contract entered on its first day unless `today` says otherwise, so that tests never read the clock."""
    return services.contract_create(
        patroller=patroller,
        segment=segment,
        start=start,
        end=end or rules.contract_max_end(start),
        by=office,
        today=today or start,
    )
