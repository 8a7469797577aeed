"""Eligibility on a contract start (第四条, SPEC §4): age in 周岁, local residence, record, health; ID numbers."""

from datetime import date, timedelta

import pytest

from staffing import rules, selectors
from staffing.selectors import hiring
from tests.factories import aged, candidate, hire, id_number

START = date(2026, 3, 10)
DAY = timedelta(days=1)


def failures(birth: date, *, on: date = START, excellent: bool = False, **overrides) -> list[str]:
    facts = {
        "criminal_record": False,
        "healthy": True,
        "residence_township_id": 1,
        "residence_county_id": 10,
        "segment_township_id": 1,
        "segment_county_id": 10,
    }
    facts.update(overrides)
    return [
        code for code, _ in rules.eligibility_failures(birth_date=birth, on=on, excellent_incumbent=excellent, **facts)
    ]


# --- age in full years (周岁) at every boundary day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("birthday_of", "start_offset", "age", "eligible"),
    [
        (35, -1, 34, False),  # the contract starts the day before the 35th birthday
        (35, 0, 35, True),  # on the 35th birthday
        (35, +1, 35, True),  # the day after
        (51, -1, 50, True),  # the day before the 51st birthday: still 50
        (51, 0, 51, False),  # on the 51st birthday
        (51, +1, 51, False),
    ],
)
def test_age_window_is_35_to_50_inclusive_on_the_contract_start(birthday_of, start_offset, age, eligible):
    birthday = date(2026, 3, 10)
    birth = rules.anniversary(birthday, -birthday_of)
    start = birthday + start_offset * DAY

    assert rules.age_on(birth, start) == age
    assert ("age" not in failures(birth, on=start)) is eligible


@pytest.mark.parametrize(
    ("birthday_of", "start_offset", "eligible"),
    [(55, -1, True), (55, 0, True), (55, +1, True), (56, -1, True), (56, 0, False), (56, +1, False)],
)
def test_excellent_incumbent_may_be_renewed_up_to_55(birthday_of, start_offset, eligible):
    birthday = date(2026, 3, 10)
    birth = rules.anniversary(birthday, -birthday_of)
    start = birthday + start_offset * DAY

    assert ("age" not in failures(birth, on=start, excellent=True)) is eligible
    assert "age" in failures(birth, on=start, excellent=False)


def test_age_failure_says_the_age_and_the_window_in_chinese():
    [(code, message)] = rules.eligibility_failures(
        birth_date=date(1970, 1, 1),
        on=START,
        criminal_record=False,
        healthy=True,
        residence_township_id=1,
        residence_county_id=1,
        segment_township_id=1,
        segment_county_id=1,
    )
    assert code == "age"
    assert "56周岁" in message
    assert "35至50周岁" in message


def test_someone_born_on_29_february_turns_a_year_older_on_1_march_in_common_years():
    born = date(1992, 2, 29)
    assert rules.age_on(born, date(2027, 2, 28)) == 34
    assert rules.age_on(born, date(2027, 3, 1)) == 35
    assert rules.age_on(born, date(2028, 2, 28)) == 35
    assert rules.age_on(born, date(2028, 2, 29)) == 36  # a leap year has the birthday itself
    assert "age" in failures(born, on=date(2027, 2, 28))
    assert "age" not in failures(born, on=date(2027, 3, 1))


# --- residence, record, health ---------------------------------------------------------------------------------


def test_a_resident_of_another_township_is_not_local():
    assert failures(date(1980, 1, 1), residence_township_id=2) == ["residence"]


def test_with_the_county_setting_a_resident_of_another_township_of_the_county_is_local():
    assert failures(date(1980, 1, 1), residence_township_id=2, residence_scope="county") == []
    assert failures(date(1980, 1, 1), residence_township_id=2, residence_county_id=11, residence_scope="county") == [
        "residence"
    ]


def test_a_criminal_record_and_an_undeclared_health_each_fail_with_their_code():
    assert failures(date(1980, 1, 1), criminal_record=True) == ["criminal_record"]
    assert failures(date(1980, 1, 1), healthy=False) == ["health"]
    assert failures(date(1960, 1, 1), criminal_record=True, healthy=False, residence_township_id=3) == [
        "age",
        "residence",
        "criminal_record",
        "health",
    ]


# --- the same rules read from the roster -------------------------------------------------------------------------


@pytest.mark.django_db
def test_eligibility_reads_the_residence_village_of_the_record(cast, places, segments):
    office = cast["township_office"]
    local = candidate(office, places["village"])
    away = candidate(office, places["far_village"], name="李秀英")

    assert selectors.eligibility(patroller=local, segment=segments["home"], start=START) == []
    assert [code for code, _ in selectors.eligibility(patroller=away, segment=segments["home"], start=START)] == [
        "residence"
    ]


@pytest.mark.django_db
def test_residence_scope_setting_county_accepts_a_neighbour_township_resident(cast, places, segments, settings):
    neighbour_village = places["village"].__class__.objects.create(
        township=places["neighbour"], code="410105002001", name="杨金村"
    )
    person = candidate(cast["township_office"], neighbour_village)

    settings.RIVER = {**settings.RIVER, "RESIDENCE_SCOPE": "township"}
    assert [c for c, _ in selectors.eligibility(patroller=person, segment=segments["home"], start=START)] == [
        "residence"
    ]
    settings.RIVER = {**settings.RIVER, "RESIDENCE_SCOPE": "county"}
    assert selectors.eligibility(patroller=person, segment=segments["home"], start=START) == []
    # The far township lies in another county: not local under either setting.
    far_person = candidate(cast["township_office"], places["far_village"], name="王五")
    assert [c for c, _ in selectors.eligibility(patroller=far_person, segment=segments["home"], start=START)] == [
        "residence"
    ]


@pytest.mark.django_db
def test_an_incumbent_without_assessed_months_is_not_excellent(cast, places, segments):
    office = cast["township_office"]
    person = candidate(office, places["village"], born=aged(49, date(2025, 1, 1)))
    hire(person, segments["home"], office, date(2025, 1, 1), date(2025, 12, 31))

    assert selectors.is_excellent_incumbent(person, date(2026, 1, 1)) is False


@pytest.mark.django_db
def test_a_renewing_excellent_incumbent_aged_51_is_eligible_but_a_newcomer_of_the_same_age_is_not(
    cast, places, segments, monkeypatch
):
    monkeypatch.setattr(hiring, "is_excellent_incumbent", lambda patroller, on: True)
    office = cast["township_office"]
    incumbent = candidate(office, places["village"], born=date(1972, 6, 1))
    hire(incumbent, segments["home"], office, date(2022, 6, 1), date(2023, 5, 31))  # 50 on that start
    newcomer = candidate(office, places["village"], born=date(1972, 6, 1), name="李秀英")
    renewal_start = date(2023, 6, 1)

    assert selectors.eligibility(patroller=incumbent, segment=segments["home"], start=renewal_start) == []
    codes = [c for c, _ in selectors.eligibility(patroller=newcomer, segment=segments["home"], start=renewal_start)]
    assert codes == ["age"]


@pytest.mark.django_db
def test_an_incumbent_who_was_not_excellent_stops_at_50(cast, places, segments):
    office = cast["township_office"]
    incumbent = candidate(office, places["village"], born=date(1974, 6, 1))
    hire(incumbent, segments["home"], office, date(2024, 6, 1), date(2025, 5, 31))  # 50 on that start, 51 on renewal

    codes = [c for c, _ in selectors.eligibility(patroller=incumbent, segment=segments["home"], start=date(2025, 6, 1))]
    assert codes == ["age"]


# --- resident ID numbers (GB 11643) -------------------------------------------------------------------------------


def test_the_published_example_id_number_is_valid_with_its_x_check_character():
    assert rules.id_number_problem("11010519491231002X") is None
    assert rules.id_number_problem("11010519491231002x") is None  # typed in lower case
    info = rules.parse_id_number("11010519491231002x")
    assert info == rules.IdNumberInfo(birth_date=date(1949, 12, 31), sex="female")


def test_birth_date_and_sex_come_from_the_id_number():
    number = id_number(date(1985, 7, 9), male=True)
    assert rules.parse_id_number(number) == rules.IdNumberInfo(birth_date=date(1985, 7, 9), sex="male")
    number = id_number(date(1985, 7, 9), male=False)
    assert rules.parse_id_number(number).sex == "female"


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("110105194912310021", "校验位"),  # one check character off
        ("41010519900230123X", "出生日期"),  # 30 February
        ("41010518991231123X", "出生日期"),  # before 1900
        ("4101051990010112", "18位"),
        ("41010519900101123Y", "18位"),
        ("00010519900101123X", "地区码"),
        ("１１０１０５１９４９１２３１００２X", "18位"),  # fullwidth digits look like digits to str.isdigit()
    ],
)
def test_an_invalid_id_number_is_rejected_with_the_reason(number, problem):
    assert problem in rules.id_number_problem(number)
    assert rules.parse_id_number(number) is None


def test_a_birth_date_in_the_future_is_rejected_when_today_is_known():
    number = id_number(date(2030, 1, 1))
    assert rules.id_number_problem(number) is None
    assert "出生日期" in rules.id_number_problem(number, today=date(2026, 1, 1))


def test_masking_keeps_region_and_last_four_of_an_id_and_the_ends_of_a_phone():
    assert rules.mask_id_number("410102199001011234") == "410102********1234"
    assert rules.mask_id_number("41010219900101123X") == "410102********123X"
    assert rules.mask_phone("13812345678") == "138****5678"
