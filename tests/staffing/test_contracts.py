"""Yearly contracts and segment assignments (第九条, SPEC §4): one year at most, no overlap, renewal, expiry,
dismissal and resignation, vacancies with their ranking, and the roster changes awaiting filing (备案)."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from staffing import rules, selectors, services
from staffing.models import Applicant, Assignment, AuditEntry, Contract, Patroller, RosterChange, Vacancy
from tests.factories import aged, candidate, hire

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
TODAY = date(2026, 6, 15)


@pytest.fixture
def office(cast):
    return cast["township_office"]


@pytest.fixture
def person(office, places):
    return candidate(office, places["village"])


def error_keys(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# --- the one-year term ----------------------------------------------------------------------------------------------


def test_a_contract_may_run_one_year_less_a_day(person, segments, office):
    contract = hire(person, segments["home"], office, date(2026, 1, 1), date(2026, 12, 31))
    assert contract.end == date(2026, 12, 31)


def test_a_contract_one_day_longer_than_a_year_is_refused_on_its_end(person, segments, office):
    with pytest.raises(ValidationError) as excinfo:
        hire(person, segments["home"], office, date(2026, 1, 1), date(2027, 1, 1))
    assert error_keys(excinfo) == {"end"}
    assert "2026-12-31" in excinfo.value.message_dict["end"][0]
    assert not Contract.objects.exists()


def test_a_contract_from_29_february_may_end_on_28_february(person, segments, office):
    assert rules.contract_max_end(date(2028, 2, 29)) == date(2029, 2, 28)
    assert rules.contract_max_end(date(2027, 3, 1)) == date(2028, 2, 29)
    with pytest.raises(ValidationError):
        hire(person, segments["home"], office, date(2028, 2, 29), date(2029, 3, 1))
    assert hire(person, segments["home"], office, date(2028, 2, 29), date(2029, 2, 28)).pk


def test_an_end_before_the_start_is_refused(person, segments, office):
    with pytest.raises(ValidationError) as excinfo:
        hire(person, segments["home"], office, date(2026, 5, 1), date(2026, 4, 30))
    assert error_keys(excinfo) == {"end"}


def test_the_database_refuses_an_end_before_the_start_too(person, segments):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            patroller=person, segment=segments["home"], start=date(2026, 5, 1), end=date(2026, 4, 1)
        )


# --- overlap and renewal --------------------------------------------------------------------------------------------


def test_two_overlapping_contracts_for_one_person_are_refused(person, segments, office):
    hire(person, segments["home"], office, date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ValidationError) as excinfo:
        hire(person, segments["home"], office, date(2026, 12, 31), date(2027, 6, 30))
    assert error_keys(excinfo) == {"non_field_errors"}
    assert "重叠" in excinfo.value.message_dict["non_field_errors"][0]
    assert Contract.objects.count() == 1


def test_renewal_starts_the_day_after_and_moves_the_active_assignment(person, segments, office):
    first = hire(person, segments["home"], office, date(2025, 7, 1), date(2026, 6, 30))
    renewal = hire(person, segments["home"], office, date(2026, 7, 1), date(2027, 6, 30))

    assert renewal.previous == first
    assert [c.kind for c in RosterChange.objects.order_by("date")] == ["hire", "renewal"]
    old, new = Assignment.objects.order_by("start")
    assert (old.start, old.end, old.contract) == (date(2025, 7, 1), date(2026, 6, 30), first)
    assert (new.start, new.end, new.contract) == (date(2026, 7, 1), None, renewal)
    assert Assignment.objects.filter(patroller=person, end__isnull=True).count() == 1


def test_a_new_contract_after_a_gap_is_a_hire_not_a_renewal(person, segments, office):
    hire(person, segments["home"], office, date(2025, 1, 1), date(2025, 6, 30))
    later = hire(person, segments["home"], office, date(2025, 9, 1), date(2026, 8, 31))

    assert later.previous is None
    assert RosterChange.objects.get(contract=later).kind == "hire"


def test_a_contract_wholly_in_the_past_is_recorded_as_history(person, segments, office):
    contract = hire(person, segments["home"], office, date(2020, 1, 1), date(2020, 12, 31), today=TODAY)
    person.refresh_from_db()

    assert contract.status == "ended"
    assert person.status == "expired"
    assert Assignment.objects.get(contract=contract).end == date(2020, 12, 31)
    assert selectors.actual_patrollers(segment_ids=[segments["home"].pk], on=date(2020, 6, 1)) == {
        segments["home"].pk: 1
    }


def test_an_older_record_entered_late_leaves_the_current_assignment_alone(person, segments, office):
    current = hire(person, segments["home"], office, TODAY.replace(month=1, day=1), today=TODAY)
    older = hire(person, segments["home"], office, date(2024, 1, 1), date(2024, 12, 31), today=TODAY)
    person.refresh_from_db()

    assert person.status == "active"
    assert Assignment.objects.get(end__isnull=True).contract == current
    assert Assignment.objects.get(contract=older).end == date(2024, 12, 31)


def test_the_segment_must_be_on_the_patrollers_township_roster(person, segments, office):
    with pytest.raises(ValidationError) as excinfo:
        hire(person, segments["neighbour"], office, date(2026, 1, 1))
    assert "segment" in error_keys(excinfo)


def test_an_ineligible_person_gets_every_failure_code(office, places, segments):
    person = candidate(
        office, places["far_village"], born=date(1960, 1, 1), criminal_record=True, healthy=False, name="王五"
    )
    with pytest.raises(ValidationError) as excinfo:
        hire(person, segments["home"], office, date(2026, 1, 1))
    assert error_keys(excinfo) == {"age", "residence", "criminal_record", "health"}


def test_only_the_hiring_office_may_sign_a_contract(person, segments, cast):
    for other in ("county_office", "city_office", "other_township_office"):
        with pytest.raises(PermissionDenied):
            hire(person, segments["home"], cast[other], date(2026, 1, 1))


def test_a_county_hire_is_managed_by_the_county_office_not_the_township(cast, places, segments):
    person = candidate(cast["county_office"], places["village"], township=places["township"])
    assert person.hiring_level == "county"
    with pytest.raises(PermissionDenied):
        hire(person, segments["home"], cast["township_office"], date(2026, 1, 1))
    assert hire(person, segments["home"], cast["county_office"], date(2026, 1, 1)).pk


def test_a_contract_leaves_an_audit_record_without_personal_data(person, segments, office):
    contract = hire(person, segments["home"], office, date(2026, 1, 1))
    entry = AuditEntry.objects.get(entity="contract", entity_id=contract.pk)

    assert (entry.action, entry.user, entry.old) == ("hire", office, None)
    assert entry.new["end"] == "2026-12-31"
    assert person.id_number not in str(entry.new)


# --- the one active assignment: a database constraint ---------------------------------------------------------------


def test_the_database_refuses_a_second_active_assignment(person, segments, office):
    contract = hire(person, segments["home"], office, date(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(patroller=person, segment=segments["home"], contract=contract, start=date(2026, 2, 1))


# --- staffing "actual" counts assignments under contracts in force --------------------------------------------------


def test_actual_counts_a_patroller_only_while_assignment_and_contract_cover_the_day(person, segments, office):
    contract = hire(person, segments["home"], office, date(2026, 3, 1), date(2026, 12, 31))
    home = segments["home"].pk

    assert selectors.actual_patrollers(segment_ids=[home], on=date(2026, 2, 28)) == {}
    assert selectors.actual_patrollers(segment_ids=[home], on=date(2026, 3, 1)) == {home: 1}
    # Dismissed on 1 July: counted up to 30 June, not on the dismissal day itself (SPEC §6).
    services.contract_terminate(contract=contract, on=date(2026, 7, 1), reason="连续2个月考核不合格", by=office)
    assert selectors.actual_patrollers(segment_ids=[home], on=date(2026, 6, 30)) == {home: 1}
    assert selectors.actual_patrollers(segment_ids=[home], on=date(2026, 7, 1)) == {}


def test_the_staffing_api_shows_the_hired_patroller_as_actual(api, person, segments, office):
    hire(person, segments["home"], office, date(2026, 1, 1))
    response = api.as_user(office).get("/api/v1/staffing/?date=2026-06-01")

    lines = {line["segment"]: line for line in response.json()["segments"]}
    assert lines[segments["home"].pk]["actual"] == 1
    assert response.json()["totals"]["actual"] == 1


# --- expiry (the daily cron) ----------------------------------------------------------------------------------------


def test_a_contract_not_renewed_expires_the_day_after_its_end(person, segments, office):
    contract = hire(person, segments["home"], office, date(2026, 1, 1), date(2026, 12, 31))

    assert services.contracts_expire(today=date(2026, 12, 31)) == 0
    assert services.contracts_expire(today=date(2027, 1, 1)) == 1
    person.refresh_from_db()
    contract.refresh_from_db()
    assert (person.status, contract.status) == ("expired", "ended")
    assert Assignment.objects.get().end == date(2026, 12, 31)
    expiry = RosterChange.objects.get(kind="expiry")
    assert expiry.date == date(2027, 1, 1)


def test_running_the_expiry_twice_changes_nothing_the_second_time(person, segments, office):
    hire(person, segments["home"], office, date(2025, 1, 1), date(2025, 12, 31))
    out = StringIO()
    call_command("expire_contracts", "--date", "2026-01-02", stdout=out)
    call_command("expire_contracts", "--date", "2026-01-02", stdout=out)

    assert out.getvalue().splitlines() == [
        "1 contract(s) ended before 2026-01-02",
        "0 contract(s) ended before 2026-01-02",
    ]
    assert RosterChange.objects.filter(kind="expiry").count() == 1
    assert AuditEntry.objects.filter(action="expire").count() == 1


def test_a_long_expiry_run_reports_its_progress(office, places, segments):
    for year in (1976, 1980, 1984):
        hire(candidate(office, places["village"], born=date(year, 3, 1)), segments["home"], office, date(2025, 1, 1))
    out = StringIO()

    call_command("expire_contracts", "--date", "2026-01-02", "--progress-every", "2", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "2/3 contract(s) handled",
        "3 contract(s) ended before 2026-01-02",
    ]
    assert lines[0].endswith(" s)")


def test_a_renewed_contract_ends_without_an_expiry_and_the_person_stays_active(person, segments, office):
    hire(person, segments["home"], office, date(2025, 1, 1), date(2025, 12, 31))
    hire(person, segments["home"], office, date(2026, 1, 1), date(2026, 12, 31))

    assert services.contracts_expire(today=date(2026, 1, 1)) == 1
    person.refresh_from_db()
    assert person.status == "active"
    assert not RosterChange.objects.filter(kind="expiry").exists()
    assert Assignment.objects.get(end__isnull=True).start == date(2026, 1, 1)


def test_a_bad_date_for_the_expiry_command_is_an_error():
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("expire_contracts", "--date", "2026-02-30")


# --- dismissal and resignation --------------------------------------------------------------------------------------


def test_dismissal_ends_contract_and_assignment_opens_a_vacancy_and_a_roster_change(person, segments, office):
    contract = hire(person, segments["home"], office, date(2026, 1, 1))
    result = services.contract_terminate(contract=contract, on=date(2026, 5, 31), reason="年累计3个月不合格", by=office)
    person.refresh_from_db()

    assert (result.contract.status, result.contract.terminated_on) == ("terminated", date(2026, 5, 31))
    assert person.status == "dismissed"
    assert Assignment.objects.get().end == date(2026, 5, 30)  # not on duty from the dismissal day on
    assert (result.vacancy.reason, result.vacancy.status, result.vacancy.vacated_by) == ("dismissal", "open", person)
    assert (result.change.kind, result.change.date, result.change.filing) == ("dismissal", date(2026, 5, 31), None)
    assert AuditEntry.objects.filter(entity="contract", entity_id=contract.pk, action="dismissal").exists()


def test_dismissal_cancels_a_renewal_signed_in_advance(person, segments, office):
    current = hire(person, segments["home"], office, date(2026, 1, 1), date(2026, 12, 31))
    renewal = hire(person, segments["home"], office, date(2027, 1, 1), date(2027, 12, 31))
    services.contract_terminate(contract=current, on=date(2026, 10, 31), reason="辞退", by=office)

    renewal.refresh_from_db()
    assert renewal.status == "terminated"
    assert not Assignment.objects.filter(contract=renewal).exists()
    assert not Assignment.objects.filter(end__isnull=True).exists()
    assert selectors.actual_patrollers(segment_ids=[segments["home"].pk], on=date(2027, 3, 1)) == {}


def test_a_termination_date_outside_the_contract_is_refused(person, segments, office):
    contract = hire(person, segments["home"], office, date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ValidationError) as excinfo:
        services.contract_terminate(contract=contract, on=date(2027, 1, 5), reason="", by=office)
    assert error_keys(excinfo) == {"date"}


def test_resignation_is_for_the_managing_office_and_opens_a_vacancy(person, segments, office, cast):
    hire(person, segments["home"], office, date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        services.patroller_resign(patroller=person, on=date(2026, 3, 31), by=cast["county_office"])

    result = services.patroller_resign(patroller=person, on=date(2026, 3, 31), by=office, reason="外出务工")
    person.refresh_from_db()
    assert person.status == "resigned"
    assert result.vacancy.reason == "resignation"
    assert result.change.kind == "resignation"


# --- vacancies, applicants and the ranking --------------------------------------------------------------------------


@pytest.fixture
def vacancy(segments, office):
    return services.vacancy_open(segment=segments["home"], reason=Vacancy.Reason.BELOW_STANDARD, by=office)


def apply(vacancy, office, places, name, exam, interview, *, poverty=False, **data) -> Applicant:
    person = candidate(office, places["village"], name=name, poverty_relief=poverty, **data)
    return services.applicant_add(
        vacancy=vacancy, patroller=person, by=office, exam_score=exam, interview_score=interview
    )


def test_equal_totals_rank_the_poverty_relief_applicant_first(vacancy, office, places):
    apply(vacancy, office, places, "甲", Decimal("80"), Decimal("90"))  # 85.00
    apply(vacancy, office, places, "乙", Decimal("90"), Decimal("80"), poverty=True)  # 85.00, wins the tie
    apply(vacancy, office, places, "丙", Decimal("95"), Decimal("95"))  # 95.00
    apply(vacancy, office, places, "丁", Decimal("70"), None)  # interview pending: not ranked

    ranking = [(a.patroller.name, a.total, a.rank) for a in selectors.vacancy_ranking(vacancy=vacancy)]
    assert ranking == [
        ("丙", Decimal("95.00"), 1),
        ("乙", Decimal("85.00"), 2),
        ("甲", Decimal("85.00"), 3),
        ("丁", None, None),
    ]


def test_applicants_equal_in_score_and_status_share_a_rank():
    ranks = rules.rank_applicants(
        [(1, Decimal("80"), False), (2, Decimal("80"), False), (3, Decimal("70"), True), (4, Decimal("90"), False)]
    )
    assert ranks == {4: 1, 1: 2, 2: 2, 3: 4}


def test_hiring_an_applicant_fills_the_vacancy_with_a_contract(vacancy, office, places):
    # Hired from today (the service reads the clock): the new assignment is the one in force.
    start = timezone.localdate()
    applicant = apply(vacancy, office, places, "甲", Decimal("80"), Decimal("90"), born=aged(40, start))
    contract = services.applicant_hire(applicant=applicant, start=start, end=rules.contract_max_end(start), by=office)
    vacancy.refresh_from_db()

    assert (vacancy.status, vacancy.filled_by, vacancy.filled_on) == ("filled", applicant.patroller, start)
    assert contract.segment == vacancy.segment
    assert Assignment.objects.get(end__isnull=True).patroller == applicant.patroller


def test_hiring_an_ineligible_applicant_fails_and_leaves_the_vacancy_open(vacancy, office, places):
    applicant = apply(vacancy, office, places, "甲", Decimal("99"), Decimal("99"), born=date(1960, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.applicant_hire(applicant=applicant, start=date(2026, 7, 1), end=date(2027, 6, 30), by=office)

    assert error_keys(excinfo) == {"age"}
    vacancy.refresh_from_db()
    assert vacancy.status == "open"
    assert not Contract.objects.exists()


def test_an_applicant_must_be_a_candidate_of_the_vacancys_township(vacancy, office, places, segments, cast):
    busy = candidate(office, places["village"], name="在岗")
    hire(busy, segments["home"], office, date(2026, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.applicant_add(vacancy=vacancy, patroller=busy, by=office)
    assert error_keys(excinfo) == {"patroller"}

    elsewhere = candidate(cast["other_township_office"], places["village"], name="邻乡")
    with pytest.raises(ValidationError):
        services.applicant_add(vacancy=vacancy, patroller=elsewhere, by=office)


def test_below_standard_segments_each_get_one_vacancy(places, segments, office):
    # S-HOME is 4.01 km: floor 3, standard 5, nobody hired yet.
    opened = services.vacancies_open_below_standard(township=places["township"], by=office, on=date(2026, 6, 1))
    again = services.vacancies_open_below_standard(township=places["township"], by=office, on=date(2026, 6, 1))

    assert [v.segment for v in opened] == [segments["home"]]
    assert again == []


# --- roster changes and filing (备案) -------------------------------------------------------------------------------


def test_unfiled_changes_are_listed_oldest_first_and_a_filing_clears_them(office, places, segments, cast):
    late = candidate(office, places["village"], name="晚")
    early = candidate(office, places["village"], name="早")
    hire(late, segments["home"], office, date(2026, 5, 1))
    hire(early, segments["home"], office, date(2026, 2, 1))

    unfiled = selectors.unfiled_changes(user=office)
    assert [(c.patroller.name, c.date) for c in unfiled] == [("早", date(2026, 2, 1)), ("晚", date(2026, 5, 1))]
    assert list(selectors.unfiled_changes(user=cast["other_township_office"])) == []

    filing = services.roster_file(township=places["township"], by=office)
    assert filing.change_count == 2
    assert set(filing.changes.values_list("patroller__name", flat=True)) == {"早", "晚"}
    assert not selectors.unfiled_changes(user=office).exists()

    with pytest.raises(ValidationError) as excinfo:
        services.roster_file(township=places["township"], by=office)
    assert error_keys(excinfo) == {"non_field_errors"}


def test_only_offices_of_the_township_may_file_its_roster(office, places, segments, cast, person):
    hire(person, segments["home"], office, date(2026, 1, 1))
    for other in ("other_township_office", "other_county_office", "city_office", "patroller"):
        with pytest.raises(PermissionDenied):
            services.roster_file(township=places["township"], by=cast[other])
    assert services.roster_file(township=places["township"], by=cast["county_office"]).change_count == 1


def test_a_filing_keeps_the_xlsx_the_pages_build(office, places, segments, person, web):
    hire(person, segments["home"], office, date(2026, 1, 1))
    filing = services.roster_file(township=places["township"], by=office)

    assert filing.file.name.endswith(".xlsx")
    kept = load_workbook(BytesIO(filing.file.read()))
    assert kept.sheetnames == ["花名册", "本次变动"]
    changes = [row for row in kept["本次变动"].iter_rows(values_only=True) if person.name in row]
    assert [(row[1], row[3]) for row in changes] == [("聘用", segments["home"].name)]
    download = web(office).get(f"/staffing/roster/filings/{filing.pk}.xlsx")
    built = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert [list(sheet.values) for sheet in kept] == [list(sheet.values) for sheet in built]


# --- patroller records ----------------------------------------------------------------------------------------------


def test_birth_date_and_sex_are_derived_from_the_id_number(person):
    info = rules.parse_id_number(person.id_number)
    assert (person.birth_date, person.sex) == (info.birth_date, info.sex)


def test_a_duplicate_id_number_is_refused_under_id_number(office, places, person):
    with pytest.raises(ValidationError) as excinfo:
        services.patroller_create(
            by=office,
            name="重复",
            id_number=person.id_number.lower(),
            phone="13900000000",
            residence_village=places["village"],
        )
    assert error_keys(excinfo) == {"id_number"}


def test_only_county_and_township_offices_register_patrollers(cast, places):
    for role in ("city_office", "village_chief", "patroller", "supervisor"):
        with pytest.raises(PermissionDenied):
            candidate(cast[role], places["village"])


def test_a_county_office_names_a_township_of_its_county(cast, places):
    with pytest.raises(ValidationError) as excinfo:
        candidate(cast["county_office"], places["village"])
    assert error_keys(excinfo) == {"township"}
    with pytest.raises(ValidationError):
        candidate(cast["county_office"], places["village"], township=places["far"])


def test_an_update_recomputes_birth_date_and_is_audited_without_the_number(person, office):
    new_number = rules.normalize_id_number("11010519491231002x")
    updated = services.patroller_update(patroller=person, by=office, data={"id_number": new_number, "healthy": False})

    assert (updated.birth_date, updated.sex, updated.healthy) == (date(1949, 12, 31), "female", False)
    entry = AuditEntry.objects.get(entity="patroller", entity_id=person.pk, action="update")
    assert entry.new["personal_data_changed"] == ["id_number"]
    assert new_number not in str(entry.new) + str(entry.old)


def test_a_patroller_login_must_have_the_patroller_role_and_township(person, office, cast):
    with pytest.raises(ValidationError) as excinfo:
        services.patroller_update(patroller=person, by=office, data={"user": cast["supervisor"]})
    assert error_keys(excinfo) == {"user"}
    services.patroller_update(patroller=person, by=office, data={"user": cast["patroller"]})
    assert Patroller.objects.get(user=cast["patroller"]) == person
