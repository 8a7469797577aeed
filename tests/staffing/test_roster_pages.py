"""The office pages of the roster (issue 3 item 6): roster list and .xlsx, patroller detail with contracts and
eligibility, adding a candidate, vacancies and the applicant ranking, unfiled changes and filing 备案.

The cast (tests/conftest.py): the home township 丰庆路街道 with the river segment S-HOME (villages 柳林村, 毛庄村);
its township office manages the patrollers hired there; another township office (杨金路街道) sees none of them.
"""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from staffing import rules, services
from staffing.models import Applicant, Assignment, Contract, Patroller, RosterChange, RosterFiling, Vacancy
from tests.factories import candidate, id_number, make_user
from tests.factories import hire as contract_for

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROSTER = "/staffing/patrollers/"
ROSTER_XLSX = "/staffing/patrollers.xlsx"
NEW_PATROLLER = "/staffing/patrollers/new/"
VACANCIES = "/staffing/vacancies/"
CHANGES = "/staffing/roster/"
FILE = "/staffing/roster/file/"


def born_aged(years: int) -> date:
    """A 1 January birthday: the person is `years` 周岁 from today until the next new year."""
    today = timezone.localdate()
    return date(today.year - years, 1, 1)


def this_year() -> tuple[date, date]:
    start = timezone.localdate()
    return start, rules.contract_max_end(start)


@pytest.fixture
def hire(cast, places, segments):
    """A candidate registered by the home township office; with `contract=True` on S-HOME from today."""
    office = cast["township_office"]
    counter = iter(range(100, 999))

    def make(name: str, *, age: int = 40, contract: bool = True, poverty_relief: bool = False, **data) -> Patroller:
        person = candidate(
            office,
            places["village"],
            born=born_aged(age),
            name=name,
            phone=f"139{next(counter):08d}",
            poverty_relief=poverty_relief,
            **data,
        )
        if contract:
            start, end = this_year()
            contract_for(person, segments["home"], office, start, end, today=start)
            person.refresh_from_db()
        return person

    return make


@pytest.fixture
def far_patroller(places, segments):
    """Someone on the roster of 官渡镇 in another county, hired by that township's office."""
    office = make_user("far_office", "township_office", county=places["other_county"], township=places["far"])
    person = candidate(office, places["far_village"], born=born_aged(40), name="远方", phone="13700000555")
    start, end = this_year()
    contract_for(person, segments["far"], office, start, end)
    return person


def text_of(response) -> str:
    return response.content.decode()


# ---- who may open the pages -------------------------------------------------------------------------------------


def page_urls(patroller: Patroller, vacancy: Vacancy, filing: RosterFiling, applicant: Applicant) -> list[str]:
    return [
        ROSTER,
        ROSTER_XLSX,
        NEW_PATROLLER,
        f"/staffing/patrollers/{patroller.pk}/",
        f"/staffing/patrollers/{patroller.pk}/contract/",
        f"/staffing/patrollers/{patroller.pk}/resign/",
        VACANCIES,
        f"/staffing/vacancies/{vacancy.pk}/",
        f"/staffing/vacancies/{vacancy.pk}/hire/{applicant.pk}/",
        CHANGES,
        f"/staffing/roster/filings/{filing.pk}.xlsx",
    ]


@pytest.fixture
def everything(cast, hire, segments):
    """One of each thing the pages show, all in the home township."""
    office = cast["township_office"]
    person = hire("张伟")
    vacancy = services.vacancy_open(segment=segments["home"], reason=Vacancy.Reason.BELOW_STANDARD, by=office)
    candidate = hire("李娜", contract=False)
    applicant = services.applicant_add(vacancy=vacancy, patroller=candidate, by=office)
    filing = services.roster_file(township=segments["home"].township, by=office)
    return {"patroller": person, "vacancy": vacancy, "applicant": applicant, "filing": filing}


def test_every_roster_page_loads_for_the_township_office(web, cast, everything):
    client = web(cast["township_office"])

    for url in page_urls(**everything):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["patroller", "supervisor", "village_chief"])
def test_people_who_are_not_an_office_are_refused_every_roster_page(web, cast, everything, role):
    client = web(cast[role])

    vacancy, township = everything["vacancy"].pk, everything["patroller"].township_id

    for url in page_urls(**everything):
        assert client.get(url).status_code == 403, url
    for url in (
        FILE,
        NEW_PATROLLER,
        "/staffing/vacancies/open-below-standard/",
        f"/staffing/vacancies/{vacancy}/applicants/",
        f"/staffing/vacancies/{vacancy}/scores/",
    ):
        assert client.post(url, {"township": township}).status_code == 403, url
    assert RosterFiling.objects.count() == 1 and Vacancy.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, everything):
    response = client.get(ROSTER)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_office_of_another_township_does_not_find_a_patroller_outside_its_scope(web, cast, everything):
    client = web(cast["other_township_office"])
    person, vacancy = everything["patroller"], everything["vacancy"]

    assert client.get(f"/staffing/patrollers/{person.pk}/").status_code == 404
    assert client.get(f"/staffing/patrollers/{person.pk}/contract/").status_code == 404
    assert client.get(f"/staffing/vacancies/{vacancy.pk}/").status_code == 404
    assert client.get(f"/staffing/roster/filings/{everything['filing'].pk}.xlsx").status_code == 404
    assert client.get(f"/staffing/patrollers/{2**63}/").status_code == 404


def test_the_county_office_sees_the_township_hire_but_may_not_sign_or_end_its_contracts(web, cast, everything):
    client = web(cast["county_office"])
    person = everything["patroller"]

    detail = client.get(f"/staffing/patrollers/{person.pk}/")
    assert detail.status_code == 200
    assert rules.mask_id_number(person.id_number) in text_of(detail)
    assert person.id_number not in text_of(detail)
    assert client.get(f"/staffing/patrollers/{person.pk}/contract/").status_code == 403
    assert client.post(f"/staffing/patrollers/{person.pk}/resign/", {"date": "2030-01-01"}).status_code == 403


# ---- the roster list and its export ---------------------------------------------------------------------------


def test_roster_list_shows_the_township_patrollers_in_full_to_their_office(web, cast, hire, far_patroller):
    first, second = hire("张伟"), hire("王芳", contract=False)

    response = web(cast["township_office"]).get(ROSTER)

    assert response.status_code == 200
    page = text_of(response)
    assert [row.patroller.name for row in response.context["rows"]] == ["张伟", "王芳"]
    assert first.id_number in page and first.phone in page
    assert second.id_number in page
    assert "贾鲁河丰庆路段" in page
    assert "远方" not in page


def test_roster_list_masks_id_numbers_and_phones_for_an_office_that_does_not_manage_them(web, cast, hire):
    person = hire("张伟")

    page = text_of(web(cast["county_office"]).get(ROSTER))

    assert "张伟" in page
    assert person.id_number not in page and person.phone not in page
    assert rules.mask_id_number(person.id_number) in page
    assert rules.mask_phone(person.phone) in page


def test_a_masked_id_number_names_the_office_that_manages_the_person(web, cast, hire):
    person = hire("张伟")
    why = "已隐藏：由丰庆路街道河长办管理"

    county = web(cast["county_office"])
    assert why in text_of(county.get(ROSTER))
    detail = text_of(county.get(f"/staffing/patrollers/{person.pk}/"))
    assert "该巡察员由丰庆路街道河长办聘用和管理（谁聘用谁管理）" in detail
    # The managing office sees the number in full, with no such note.
    own = web(cast["township_office"])
    assert why not in text_of(own.get(ROSTER))
    assert "谁聘用谁管理），完整的身份证号" not in text_of(own.get(f"/staffing/patrollers/{person.pk}/"))


def test_roster_list_filters_by_status_name_and_segment(web, cast, hire, segments):
    hire("张伟")
    hire("王芳", contract=False)
    client = web(cast["township_office"])

    def names(**query) -> list[str]:
        return [row.patroller.name for row in client.get(ROSTER, query).context["rows"]]

    assert names(status="active") == ["张伟"]
    assert names(status="candidate") == ["王芳"]
    assert names(q="王") == ["王芳"]
    assert names(segment=segments["home"].pk) == ["张伟"]


def test_a_township_outside_scope_in_the_filter_shows_nothing_outside_scope(web, cast, hire, places, far_patroller):
    hire("张伟")

    response = web(cast["county_office"]).get(ROSTER, {"township": places["far"].pk})

    assert "远方" not in text_of(response)
    assert response.context["filters"].errors["township"]


def test_roster_export_is_a_workbook_with_title_header_and_the_rows_the_viewer_may_see(web, cast, hire):
    person = hire("张伟")
    candidate = hire("王芳", contract=False)

    office = web(cast["township_office"]).get(ROSTER_XLSX, {"status": "active"})
    county = web(cast["county_office"]).get(ROSTER_XLSX)

    assert office.status_code == 200 and office["Content-Type"] == XLSX_TYPE
    sheet = load_workbook(BytesIO(b"".join(office.streaming_content))).active
    assert "巡察员花名册" in sheet["A1"].value
    header = [cell.value for cell in sheet[2]]
    assert header[:5] == ["姓名", "性别", "年龄(周岁)", "身份证号", "手机号码"]
    assert sheet.freeze_panes == "A3" and sheet["A2"].font.bold
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[3], r[4], r[8]) for r in rows] == [("张伟", person.id_number, person.phone, "贾鲁河丰庆路段")]

    county_sheet = load_workbook(BytesIO(b"".join(county.streaming_content))).active
    assert [(r[0], r[3], r[4]) for r in county_sheet.iter_rows(min_row=3, values_only=True)] == [
        (p.name, rules.mask_id_number(p.id_number), rules.mask_phone(p.phone)) for p in (person, candidate)
    ]


# ---- adding a candidate ----------------------------------------------------------------------------------------


def new_patroller_form(places, **changes) -> dict:
    data = {
        "name": "赵强",
        "id_number": id_number(born_aged(40)),
        "phone": "13812345678",
        "residence_village": places["village"].pk,
        "healthy": "on",
    }
    return {**data, **changes}


def test_adding_a_patroller_registers_a_candidate_of_the_township(web, cast, places):
    data = new_patroller_form(places, id_number=id_number(born_aged(40)).lower(), poverty_relief="on")

    response = web(cast["township_office"]).post(NEW_PATROLLER, data)

    person = Patroller.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staffing/patrollers/{person.pk}/"
    assert person.status == Patroller.Status.CANDIDATE
    assert person.township == places["township"] and person.poverty_relief and person.healthy
    assert person.sex == "male" and person.birth_date == born_aged(40)


def test_adding_a_patroller_with_a_wrong_check_digit_shows_the_error_by_the_field_and_creates_nothing(
    web, cast, places
):
    good = id_number(born_aged(40))
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    response = web(cast["township_office"]).post(NEW_PATROLLER, new_patroller_form(places, id_number=bad))

    assert response.status_code == 400
    assert response.context["form"].errors["id_number"] == ["身份证号校验位不正确。"]
    assert "身份证号校验位不正确。" in text_of(response)
    assert not Patroller.objects.exists()


def test_adding_a_patroller_with_a_short_id_number_shows_the_length_rule(web, cast, places):
    response = web(cast["township_office"]).post(NEW_PATROLLER, new_patroller_form(places, id_number="41010519800"))

    assert response.context["form"].errors["id_number"] == ["身份证号应为18位：17位数字加1位数字或X。"]
    assert not Patroller.objects.exists()


def test_a_bad_id_number_is_reported_together_with_the_other_mistakes_of_the_form(web, cast, places):
    data = new_patroller_form(places, id_number="410105198013010011", phone="12345")
    del data["residence_village"]

    response = web(cast["township_office"]).post(NEW_PATROLLER, data)

    errors = response.context["form"].errors
    assert errors["id_number"] == ["身份证号中的出生日期无效。"]
    assert errors["phone"] == ["手机号码应为11位数字。"]
    assert "residence_village" in errors
    assert not Patroller.objects.exists()


def test_an_id_number_already_registered_is_refused_by_the_field(web, cast, places, hire):
    existing = hire("张伟", contract=False)

    response = web(cast["township_office"]).post(
        NEW_PATROLLER, new_patroller_form(places, id_number=existing.id_number)
    )

    assert response.context["form"].errors["id_number"] == ["该身份证号已登记。"]
    assert Patroller.objects.count() == 1


def test_the_county_office_adds_a_patroller_to_a_township_it_chooses(web, cast, places):
    client = web(cast["county_office"])

    missing = client.post(NEW_PATROLLER, new_patroller_form(places))
    added = client.post(NEW_PATROLLER, new_patroller_form(places, township=places["township"].pk))

    assert missing.status_code == 400 and missing.context["form"].errors["township"]
    assert added.status_code == 302
    person = Patroller.objects.get()
    assert person.hiring_level == Patroller.HiringLevel.COUNTY and person.township == places["township"]


def test_the_city_office_may_not_add_patrollers(web, cast, places):
    assert web(cast["city_office"]).post(NEW_PATROLLER, new_patroller_form(places)).status_code == 403
    assert not Patroller.objects.exists()


# ---- patroller detail, eligibility, contracts, resignation ---------------------------------------------------


def test_patroller_detail_shows_personal_data_current_segment_and_contract_history(web, cast, hire):
    person = hire("张伟")
    contract = person.contracts.get()

    response = web(cast["township_office"]).get(f"/staffing/patrollers/{person.pk}/")

    page = text_of(response)
    assert person.id_number in page and person.phone in page
    assert response.context["assignment"].segment.name == "贾鲁河丰庆路段"
    assert list(response.context["contracts"]) == [contract]
    assert contract.start.isoformat() in page and contract.end.isoformat() in page
    assert "签订/续签合同" in page and "登记辞职" in page


def test_the_eligibility_check_names_every_failure_in_chinese(web, cast, hire, segments):
    person = hire("刘洋", age=60, contract=False, criminal_record=True, healthy=False)
    start = timezone.localdate()

    response = web(cast["township_office"]).get(
        f"/staffing/patrollers/{person.pk}/", {"check-start": start.isoformat(), "check-segment": segments["home"].pk}
    )

    codes = [code for code, _heading, _messages in response.context["check_result"]]
    assert codes == ["age", "criminal_record", "health"]
    page = text_of(response)
    assert "应在35至50周岁之间" in page
    assert "受过刑事处罚，不符合聘用条件。" in page
    assert "未申报身体健康，不符合聘用条件。" in page


def test_the_eligibility_check_says_so_when_the_person_qualifies(web, cast, hire, segments):
    person = hire("陈静", contract=False)

    response = web(cast["township_office"]).get(
        f"/staffing/patrollers/{person.pk}/",
        {"check-start": timezone.localdate().isoformat(), "check-segment": segments["home"].pk},
    )

    assert response.context["check_result"] == []
    assert "符合聘用条件" in text_of(response)


def test_a_contract_for_someone_too_old_shows_the_age_failure_and_creates_nothing(web, cast, hire, segments):
    person = hire("刘洋", age=52, contract=False)
    start, end = this_year()

    response = web(cast["township_office"]).post(
        f"/staffing/patrollers/{person.pk}/contract/",
        {"segment": segments["home"].pk, "start": start.isoformat(), "end": end.isoformat()},
    )

    assert response.status_code == 400
    assert [code for code, _h, _m in response.context["failures"]] == ["age"]
    assert "合同开始日年龄为52周岁" in text_of(response)
    assert not Contract.objects.exists() and not Assignment.objects.exists() and not RosterChange.objects.exists()
    person.refresh_from_db()
    assert person.status == Patroller.Status.CANDIDATE


def test_a_contract_longer_than_a_year_shows_the_error_by_the_end_date(web, cast, hire, segments):
    person = hire("陈静", contract=False)
    start, end = this_year()

    response = web(cast["township_office"]).post(
        f"/staffing/patrollers/{person.pk}/contract/",
        {"segment": segments["home"].pk, "start": start.isoformat(), "end": (end + timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 400
    assert "合同期限最长一年" in response.context["form"].errors["end"][0]
    assert not Contract.objects.exists()


def test_a_renewal_starts_the_day_after_the_contract_in_force_and_is_a_roster_change(web, cast, hire, segments):
    person = hire("张伟")
    first = person.contracts.get()
    client = web(cast["township_office"])

    proposed = client.get(f"/staffing/patrollers/{person.pk}/contract/").context["form"].initial
    assert proposed["start"] == first.end + timedelta(days=1)
    assert proposed["end"] == rules.contract_max_end(proposed["start"])

    response = client.post(
        f"/staffing/patrollers/{person.pk}/contract/",
        {"segment": segments["home"].pk, "start": proposed["start"], "end": proposed["end"]},
    )

    assert response.status_code == 302
    renewal = person.contracts.get(start=proposed["start"])
    assert renewal.previous == first
    assert RosterChange.objects.filter(kind=RosterChange.Kind.RENEWAL, contract=renewal).exists()


def test_resignation_ends_the_contract_and_opens_a_vacancy(web, cast, hire):
    person = hire("张伟")
    last_day = timezone.localdate() + timedelta(days=10)

    response = web(cast["township_office"]).post(
        f"/staffing/patrollers/{person.pk}/resign/", {"date": last_day.isoformat(), "reason": "外出务工"}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Patroller.Status.RESIGNED
    assert person.contracts.get().terminated_on == last_day
    assert Vacancy.objects.get().reason == Vacancy.Reason.RESIGNATION
    assert RosterChange.objects.filter(kind=RosterChange.Kind.RESIGNATION, patroller=person).exists()


def test_resignation_on_a_day_without_a_contract_is_refused_by_the_date_field(web, cast, hire):
    person = hire("王芳", contract=False)

    response = web(cast["township_office"]).post(f"/staffing/patrollers/{person.pk}/resign/", {"date": "2020-01-01"})

    assert response.status_code == 400
    assert response.context["form"].errors["date"] == ["该日期不在巡察员的任何有效合同期内。"]


# ---- vacancies and hiring from the ranking ---------------------------------------------------------------------


@pytest.fixture
def vacancy(cast, segments):
    return services.vacancy_open(
        segment=segments["home"], reason=Vacancy.Reason.BELOW_STANDARD, by=cast["township_office"]
    )


def test_vacancy_list_shows_the_open_vacancies_of_the_township(web, cast, vacancy, segments):
    filled_elsewhere = services.vacancy_open(
        segment=segments["home"], reason=Vacancy.Reason.DISMISSAL, by=cast["township_office"]
    )
    services.vacancy_cancel(vacancy=filled_elsewhere, by=cast["township_office"])

    response = web(cast["township_office"]).get(VACANCIES)

    assert [v.pk for v in response.context["page"]] == [vacancy.pk]
    assert "贾鲁河丰庆路段" in text_of(response)
    every = web(cast["township_office"]).get(VACANCIES, {"status": ""})
    assert {v.pk for v in every.context["page"]} == {vacancy.pk, filled_elsewhere.pk}


def test_the_township_office_opens_vacancies_where_its_segments_are_below_standard(web, cast, segments):
    response = web(cast["township_office"]).post("/staffing/vacancies/open-below-standard/", {"township": ""})

    assert response.status_code == 302
    assert list(Vacancy.objects.values_list("segment", flat=True)) == [segments["home"].pk]


def test_applicants_are_ranked_with_poverty_relief_first_on_equal_totals_and_marked(web, cast, hire, vacancy):
    client = web(cast["township_office"])
    plain, poor, best = (
        hire("甲", contract=False),
        hire("乙", contract=False, poverty_relief=True),
        hire("丙", contract=False),
    )
    for person, exam, interview in ((plain, "80", "70"), (poor, "70", "80"), (best, "90", "90")):
        response = client.post(
            f"/staffing/vacancies/{vacancy.pk}/applicants/",
            {"add-patroller": person.pk, "add-exam_score": exam, "add-interview_score": interview},
        )
        assert response.status_code == 302

    page = client.get(f"/staffing/vacancies/{vacancy.pk}/")

    ranking = page.context["ranking"]
    assert [(a.patroller.name, a.rank, a.total) for a in ranking] == [
        ("丙", 1, Decimal("90.00")),
        ("乙", 2, Decimal("75.00")),
        ("甲", 3, Decimal("75.00")),
    ]
    assert "扶贫对象·优先" in text_of(page)


def test_an_active_patroller_cannot_apply_and_the_reason_is_shown(web, cast, hire, vacancy):
    person = hire("张伟")

    response = web(cast["township_office"]).post(
        f"/staffing/vacancies/{vacancy.pk}/applicants/", {"add-patroller": person.pk}
    )

    assert response.status_code == 400
    assert response.context["add_form"].errors["patroller"]
    assert not Applicant.objects.exists()


def test_scores_entered_later_rank_the_applicant(web, cast, hire, vacancy):
    office = cast["township_office"]
    applicant = services.applicant_add(vacancy=vacancy, patroller=hire("甲", contract=False), by=office)

    response = web(office).post(
        f"/staffing/vacancies/{vacancy.pk}/scores/",
        {"score-applicant": applicant.pk, "score-exam_score": "88", "score-interview_score": "92"},
    )

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.total, applicant.rank) == (Decimal("90.00"), 1)


def test_hiring_the_top_applicant_signs_the_contract_and_fills_the_vacancy(web, cast, hire, vacancy):
    office = cast["township_office"]
    top = services.applicant_add(
        vacancy=vacancy, patroller=hire("丙", contract=False), by=office, exam_score=90, interview_score=90
    )
    start, end = this_year()
    client = web(office)

    ranking_page = client.get(f"/staffing/vacancies/{vacancy.pk}/")
    assert f"/staffing/vacancies/{vacancy.pk}/hire/{top.pk}/" in text_of(ranking_page)
    response = client.post(
        f"/staffing/vacancies/{vacancy.pk}/hire/{top.pk}/", {"start": start.isoformat(), "end": end.isoformat()}
    )

    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.FILLED and vacancy.filled_by == top.patroller
    assert top.patroller.contracts.get().start == start
    assert Patroller.objects.get(pk=top.patroller_id).status == Patroller.Status.ACTIVE


def test_hiring_an_ineligible_applicant_shows_the_failures_and_changes_nothing(web, cast, hire, vacancy):
    office = cast["township_office"]
    applicant = services.applicant_add(
        vacancy=vacancy, patroller=hire("老刘", age=56, contract=False), by=office, exam_score=95, interview_score=95
    )
    start, end = this_year()
    url = f"/staffing/vacancies/{vacancy.pk}/hire/{applicant.pk}/"
    client = web(office)

    preview = client.get(url)
    response = client.post(url, {"start": start.isoformat(), "end": end.isoformat()})

    assert [code for code, _h, _m in preview.context["failures"]] == ["age"]
    assert response.status_code == 400
    assert [code for code, _h, _m in response.context["failures"]] == ["age"]
    assert "合同开始日年龄为56周岁" in text_of(response)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.OPEN
    assert not Contract.objects.exists()


# ---- unfiled changes and filing --------------------------------------------------------------------------------


def test_unfiled_changes_are_listed_oldest_first(web, cast, hire, segments):
    office = cast["township_office"]
    later, earlier = hire("张伟", contract=False), hire("王芳", contract=False)
    today = timezone.localdate()
    services.contract_create(
        patroller=later, segment=segments["home"], start=today, end=rules.contract_max_end(today), by=office
    )
    past = today - timedelta(days=30)
    services.contract_create(
        patroller=earlier, segment=segments["home"], start=past, end=rules.contract_max_end(past), by=office
    )

    response = web(office).get(CHANGES)

    assert [(c.patroller.name, c.kind) for c in response.context["changes"]] == [("王芳", "hire"), ("张伟", "hire")]
    assert response.context["may_file"]


def test_filing_clears_the_unfiled_list_and_offers_the_masked_roster_workbook(web, cast, hire, segments, places):
    first, second = hire("张伟"), hire("王芳", poverty_relief=True)
    hire("候选", contract=False)
    client = web(cast["township_office"])

    response = client.post(FILE, {"township": places["township"].pk})

    filing = RosterFiling.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGES}?township={places['township'].pk}&filed={filing.pk}"
    assert filing.change_count == 2
    assert not RosterChange.objects.filter(filing__isnull=True).exists()
    after = client.get(response["Location"])
    assert list(after.context["changes"]) == []
    assert f"/staffing/roster/filings/{filing.pk}.xlsx" in text_of(after)

    download = client.get(f"/staffing/roster/filings/{filing.pk}.xlsx")
    assert download.status_code == 200 and download["Content-Type"] == XLSX_TYPE
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    roster = book.worksheets[0]
    assert "丰庆路街道" in roster["A1"].value and timezone.localdate().isoformat() in roster["A1"].value
    assert roster.freeze_panes == "A3" and roster["A2"].font.bold
    header = [cell.value for cell in roster[2]]
    rows = {row[1]: dict(zip(header, row, strict=True)) for row in roster.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"张伟", "王芳"}  # the candidate has no contract: not on the roster
    for person in (first, second):
        row = rows[person.name]
        assert row["身份证号"] == rules.mask_id_number(person.id_number)
        assert row["手机号码"] == rules.mask_phone(person.phone)
        assert row["河段"] == "贾鲁河丰庆路段"
        assert row["合同开始日期"].date() == person.contracts.get().start
        assert row["合同结束日期"].date() == person.contracts.get().end
    assert rows["王芳"]["扶贫对象"] == "是"
    every_cell = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    assert first.id_number not in every_cell and first.phone not in every_cell
    changes = book.worksheets[1]
    assert [row[1:3] for row in changes.iter_rows(min_row=3, values_only=True)] == [("聘用", "张伟"), ("聘用", "王芳")]


def test_filing_with_nothing_unfiled_says_so(web, cast, places):
    response = web(cast["township_office"]).post(FILE, {"township": places["township"].pk}, follow=True)

    assert "没有待备案的花名册变动。" in text_of(response)
    assert not RosterFiling.objects.exists()


def test_an_office_may_not_file_a_township_outside_its_scope(web, cast, hire, places):
    hire("张伟")

    response = web(cast["other_township_office"]).post(FILE, {"township": places["township"].pk})

    assert response.status_code == 404
    assert not RosterFiling.objects.exists()


def test_the_county_office_files_for_a_township_it_picks(web, cast, hire, places):
    hire("张伟")
    client = web(cast["county_office"])

    page = client.get(CHANGES, {"township": places["township"].pk})
    response = client.post(FILE, {"township": places["township"].pk})

    assert page.context["may_file"] and len(page.context["changes"]) == 1
    assert response.status_code == 302
    assert RosterFiling.objects.get().filed_by == cast["county_office"]


# ---- constant numbers of queries -------------------------------------------------------------------------------


@pytest.fixture
def many(cast, places, segments):
    """`many(n)` puts n more contracted patrollers on the home roster, each with an unfiled hire and a vacancy."""
    office = cast["township_office"]
    made = iter(range(1000, 9999))

    def add(n: int) -> None:
        start, end = this_year()
        for _ in range(n):
            number = next(made)
            person = candidate(
                office, places["village"], born=born_aged(40), name=f"巡察员{number}", phone=f"138{number:08d}"
            )
            contract_for(person, segments["home"], office, start, end)
            services.vacancy_open(segment=segments["home"], reason=Vacancy.Reason.BELOW_STANDARD, by=office)

    return add


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # session, user; count; page of patrollers with places; their active assignments; the segment filter
        (ROSTER, 6),
        # session, user; the filtered patrollers with places; their active assignments
        (ROSTER_XLSX, 4),
        # session, user; count; the office's township (for its button); page of vacancies with applicant counts
        (VACANCIES, 5),
        # session, user; the office's township; unfiled changes with patroller and contract; filings
        (CHANGES, 5),
    ],
)
def test_list_pages_take_the_same_number_of_queries_for_n_and_3n_rows(
    web, cast, many, django_assert_num_queries, url, queries
):
    client = web(cast["township_office"])
    many(3)
    with django_assert_num_queries(queries):
        small = client.get(url)
    many(6)
    with django_assert_num_queries(queries):
        large = client.get(url)

    assert small.status_code == large.status_code == 200
    if url == ROSTER:
        assert (len(small.context["rows"]), len(large.context["rows"])) == (3, 9)
