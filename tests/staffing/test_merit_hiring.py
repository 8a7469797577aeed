"""Merit hiring (第六条 公开、平等、择优、竞争; docs/staffing.md §3): the best-ranked applicant who may be hired, or a
written reason for each better-ranked one passed over; weights of the total as settings; how each contract came
about; the dismissed are not applicants for their own backfill; a recent dismissal is a notice, not a failure."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.env import river_settings_problems
from staffing import exports, rules, selectors, services
from staffing.models import Applicant, AuditEntry, Contract, Vacancy
from tests.factories import aged, candidate, hire

pytestmark = pytest.mark.django_db

START = date(2026, 7, 1)
END = date(2027, 6, 30)


@pytest.fixture
def office(cast):
    return cast["township_office"]


@pytest.fixture
def vacancy(segments, office):
    return services.vacancy_open(segment=segments["home"], reason=Vacancy.Reason.BELOW_STANDARD, by=office)


@pytest.fixture
def apply(vacancy, office, places):
    """apply(name, exam, interview, **person) → an applicant of the vacancy with those scores."""

    def add(name: str, exam, interview, **data) -> Applicant:
        data.setdefault("born", aged(40, START))
        person = candidate(office, places["village"], name=name, **data)
        return services.applicant_add(
            vacancy=vacancy, patroller=person, by=office, exam_score=Decimal(exam), interview_score=Decimal(interview)
        )

    return add


@pytest.fixture
def ranked(apply):
    """甲 first (95.00), 乙 second (85.00)."""
    first = apply("甲", 95, 95)
    second = apply("乙", 80, 90)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.rank, second.rank) == (1, 2)
    return first, second


def hire_url(vacancy, applicant) -> str:
    return f"/staffing/vacancies/{vacancy.pk}/hire/{applicant.pk}/"


# ---- the best-ranked applicant, or a reason ------------------------------------------------------------------


def test_hiring_the_second_without_a_reason_for_the_first_is_refused(ranked, vacancy, office):
    _first, second = ranked

    with pytest.raises(ValidationError) as refused:
        services.applicant_hire(applicant=second, start=START, end=END, by=office)

    assert list(refused.value.message_dict) == ["passed_over"]
    assert "排名第1的甲排名更靠前且可以聘用" in refused.value.message_dict["passed_over"][0]
    vacancy.refresh_from_db()
    assert vacancy.status == "open"
    assert not Contract.objects.exists()


def test_hiring_the_first_needs_no_reason(ranked, vacancy, office):
    first, _second = ranked

    contract = services.applicant_hire(applicant=first, start=START, end=END, by=office)

    assert (contract.origin, contract.vacancy) == ("recruitment", vacancy)
    assert not Applicant.objects.exclude(passed_over_reason="").exists()


def test_hiring_the_second_with_a_written_reason_records_it(ranked, vacancy, office):
    first, second = ranked

    services.applicant_hire(
        applicant=second, start=START, end=END, by=office, passed_over={first.pk: "体检未按时到场，本人放弃"}
    )

    first.refresh_from_db()
    assert first.passed_over_reason == "体检未按时到场，本人放弃"
    (entry,) = AuditEntry.objects.filter(entity="vacancy", entity_id=vacancy.pk, action="hire")
    assert entry.user == office
    assert entry.new["rank"] == 2
    assert entry.new["passed_over"] == [
        {"applicant": first.pk, "name": "甲", "rank": 1, "reason": "体检未按时到场，本人放弃", "automatic": False}
    ]


def test_a_blank_reason_is_no_reason(ranked, office):
    first, second = ranked

    with pytest.raises(ValidationError) as refused:
        services.applicant_hire(applicant=second, start=START, end=END, by=office, passed_over={first.pk: "   "})

    assert "passed_over" in refused.value.message_dict


def test_an_applicant_tied_with_the_one_hired_needs_no_reason(apply, office):
    apply("甲", 95, 95)
    tied = apply("乙", 80, 90)
    tied_too = apply("丙", 90, 80)
    tied.refresh_from_db()
    tied_too.refresh_from_db()
    assert tied.rank == tied_too.rank == 2

    with pytest.raises(ValidationError) as refused:
        services.applicant_hire(applicant=tied_too, start=START, end=END, by=office)

    # Only 甲 (first) stands above; 乙 shares the rank.
    assert len(refused.value.message_dict["passed_over"]) == 1
    assert "甲" in refused.value.message_dict["passed_over"][0]


def test_a_better_ranked_applicant_who_may_not_be_hired_is_passed_over_with_the_systems_reason(apply, office):
    too_old = apply("甲", 99, 99, born=aged(51, START))
    second = apply("乙", 80, 90)

    services.applicant_hire(applicant=second, start=START, end=END, by=office)

    too_old.refresh_from_db()
    assert too_old.passed_over_reason.startswith("不符合聘用条件：合同开始日年龄为51周岁")


def test_a_better_ranked_applicant_already_on_duty_elsewhere_is_passed_over_by_the_system(
    apply, office, segments, places
):
    first = apply("甲", 99, 99)
    second = apply("乙", 80, 90)
    hire(first.patroller, segments["home"], office, date(2026, 1, 1))  # hired meanwhile, on another post

    services.applicant_hire(applicant=second, start=date(2027, 1, 1), end=date(2027, 12, 31), by=office)

    first.refresh_from_db()
    assert first.passed_over_reason == "已在岗，不能聘用。"


def test_the_api_answers_400_without_a_reason_and_hires_with_one(api, ranked, vacancy, office):
    first, second = ranked
    client = api.as_user(office)
    url = f"/api/v1/vacancies/{vacancy.pk}/hire/"
    body = {"applicant": second.pk, "start": START.isoformat(), "end": END.isoformat()}

    refused = client.post(url, body, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["passed_over"]

    hired = client.post(url, {**body, "passed_over": [{"applicant": first.pk, "reason": "另有任用"}]}, format="json")
    assert hired.status_code == 201, hired.content
    assert hired.json()["origin"] == "recruitment"
    detail = client.get(f"/api/v1/vacancies/{vacancy.pk}/").json()
    reasons = {row["id"]: row["passed_over_reason"] for row in detail["applicants"]}
    assert reasons == {first.pk: "另有任用", second.pk: ""}


def test_the_hire_page_asks_a_reason_by_the_better_ranked_applicant_and_shows_it_in_the_history(
    web, ranked, vacancy, office
):
    first, second = ranked
    client = web(office)
    dates = {"start": START.isoformat(), "end": END.isoformat()}

    form = client.get(hire_url(vacancy, second))
    assert "可以聘用，请在下方填写未聘用的理由" in form.content.decode()

    refused = client.post(hire_url(vacancy, second), dates)
    assert refused.status_code == 400
    assert refused.context["form"].errors[f"reason_{first.pk}"]

    done = client.post(hire_url(vacancy, second), {**dates, f"reason_{first.pk}": "本人书面放弃"})
    assert done.status_code == 302
    page = client.get(f"/staffing/vacancies/{vacancy.pk}/").content.decode()
    assert "岗位记录" in page
    assert "聘用 乙(排名 2)" in page
    assert "未聘用排名第 1 名的 甲：本人书面放弃" in page


def test_the_filing_workbook_lists_the_rank_and_the_reasons_of_a_hire(ranked, vacancy, office, places):
    first, second = ranked
    services.applicant_hire(applicant=second, start=START, end=END, by=office, passed_over={first.pk: "另有任用"})

    filing = services.roster_file(township=places["township"], by=office)

    sheet = exports.roster_filing_workbook(filing=filing)["本次变动"]
    assert [cell.value for cell in sheet[2]][-3:] == ["聘用方式", "招聘排名", "未按排名聘用的说明"]
    (row,) = sheet.iter_rows(min_row=3, values_only=True)
    assert row[1:3] == ("聘用", "乙")
    assert row[-3:] == ("公开招聘", 2, "第1名 甲：另有任用")


# ---- weights of the total ------------------------------------------------------------------------------------


def test_the_exam_and_interview_weights_are_settings(settings, apply, vacancy, web, office):
    settings.RIVER = {**settings.RIVER, "APPLICANT_WEIGHTS": {"exam": 70, "interview": 30}}

    writer = apply("甲", 60, 100)  # 70% × 60 + 30% × 100 = 72.00 (80.00 at 50/50)
    talker = apply("乙", 80, 70)  # 77.00 (75.00 at 50/50)
    writer.refresh_from_db()
    talker.refresh_from_db()

    assert (writer.total, talker.total) == (Decimal("72.00"), Decimal("77.00"))
    assert (talker.rank, writer.rank) == (1, 2)
    page = web(office).get(f"/staffing/vacancies/{vacancy.pk}/").content.decode()
    assert "笔试 × 70% + 面试 × 30%" in page


def test_the_total_rounds_half_up_to_hundredths():
    assert rules.applicant_total(Decimal("80.01"), Decimal("80.00")) == Decimal("80.01")  # 80.005
    assert rules.applicant_total(Decimal("85"), Decimal("90"), exam_weight=60, interview_weight=40) == Decimal("87.00")
    assert rules.applicant_total(Decimal("85"), None) is None


@pytest.mark.parametrize(("exam", "interview"), [(60, 60), (50, "50"), (110, -10)])
def test_weights_that_do_not_add_up_to_100_are_refused_at_start_up(settings, exam, interview):
    problems = river_settings_problems({**settings.RIVER, "APPLICANT_WEIGHTS": {"exam": exam, "interview": interview}})

    assert len(problems) == 1
    assert "APPLICANT_WEIGHTS" in problems[0]
    with pytest.raises(ValueError):
        rules.applicant_total(Decimal(80), Decimal(80), exam_weight=exam, interview_weight=interview)


# ---- how a contract came about -------------------------------------------------------------------------------


def test_a_hire_without_a_vacancy_is_an_existing_record_and_listed_as_such(api, web, office, places, segments):
    keyed_in = candidate(office, places["village"], name="老王")
    contract = hire(keyed_in, segments["home"], office, date(2025, 1, 1))
    renewal = hire(keyed_in, segments["home"], office, date(2026, 1, 1))

    assert (contract.origin, renewal.origin) == ("existing_record", "renewal")
    changes = api.as_user(office).get("/api/v1/roster-changes/").json()["results"]
    assert [(c["kind"], c["origin"]) for c in changes] == [("hire", "existing_record"), ("renewal", "renewal")]
    page = web(office).get("/staffing/roster/").content.decode()
    assert '<span class="tag origin-existing_record">既有聘用录入</span>' in page
    detail = web(office).get(f"/staffing/patrollers/{keyed_in.pk}/").content.decode()
    assert "既有聘用录入" in detail and "续聘" in detail


def test_a_recruitment_contract_names_its_vacancy_and_no_other_does(office, places, segments, vacancy):
    person = candidate(office, places["village"])
    contract = hire(person, segments["home"], office, date(2026, 1, 1))
    contract.origin = Contract.Origin.RECRUITMENT

    with pytest.raises(ValidationError):
        contract.full_clean()
    contract.origin, contract.vacancy = Contract.Origin.EXISTING_RECORD, vacancy
    with pytest.raises(ValidationError):
        contract.full_clean()


# ---- the dismissed person and their backfill -----------------------------------------------------------------


@pytest.fixture
def dismissed(office, places, segments):
    """A patroller dismissed on 1 March 2025, with the backfill vacancy it opened."""
    person = candidate(office, places["village"], name="被辞退者", born=aged(40, date(2025, 1, 1)))
    contract = hire(person, segments["home"], office, date(2025, 1, 1))
    termination = services.contract_terminate(contract=contract, on=date(2025, 3, 1), reason="辞退", by=office)
    return person, termination.vacancy


def test_the_dismissed_person_is_not_offered_for_their_own_backfill(web, office, places, dismissed):
    person, backfill = dismissed
    other = candidate(office, places["village"], name="候选人")

    page = web(office).get(f"/staffing/vacancies/{backfill.pk}/")

    offered = list(page.context["add_form"].fields["patroller"].queryset)
    assert other in offered and person not in offered
    with pytest.raises(ValidationError) as refused:
        services.applicant_add(vacancy=backfill, patroller=person, by=office)
    assert list(refused.value.message_dict) == ["patroller"]


def test_the_dismissed_person_may_apply_for_another_vacancy(office, dismissed, vacancy):
    person, _backfill = dismissed

    assert services.applicant_add(vacancy=vacancy, patroller=person, by=office).pk


# Dismissed on 1 March 2025: a contract from 1 February 2026 (11 months on) is noticed, 1 April 2026 (13) is not.
@pytest.mark.parametrize(("start", "noticed"), [(date(2026, 2, 1), True), (date(2026, 4, 1), False)])
def test_a_dismissal_within_12_months_is_a_notice_not_a_failure(api, office, segments, dismissed, start, noticed):
    person, _backfill = dismissed

    response = api.as_user(office).get(
        f"/api/v1/patrollers/{person.pk}/eligibility/", {"start": start.isoformat(), "segment": segments["home"].pk}
    )

    body = response.json()
    assert body["eligible"] is True and body["failures"] == []
    assert [n["code"] for n in body["notices"]] == (["previously_dismissed"] if noticed else [])
    if noticed:
        assert "2025-03-01" in body["notices"][0]["message"]


def test_the_notice_edges_are_the_same_day_a_year_before():
    dismissed_on = date(2025, 3, 1)
    assert rules.dismissed_recently(dismissed_on=dismissed_on, on=date(2026, 3, 1))
    assert not rules.dismissed_recently(dismissed_on=dismissed_on, on=date(2026, 3, 2))
    assert not rules.dismissed_recently(dismissed_on=dismissed_on, on=date(2025, 2, 28))


def test_the_eligibility_check_page_shows_the_notice_beside_eligible(web, office, segments, dismissed):
    person, _backfill = dismissed

    check = web(office).get(
        f"/staffing/patrollers/{person.pk}/", {"check-start": "2026-01-01", "check-segment": segments["home"].pk}
    )

    assert check.context["check_result"] == []
    page = check.content.decode()
    assert "符合聘用条件" in page and "曾被辞退" in page and "2025-03-01" in page


def test_the_ranking_and_the_hire_form_show_a_recent_dismissal(web, office, places, segments, vacancy):
    # Relative to today: the hire form checks its default start, today.
    today = timezone.localdate()
    person = candidate(office, places["village"], name="前巡察员", born=aged(40, today))
    contract = hire(person, segments["home"], office, today - timedelta(days=200))
    services.contract_terminate(contract=contract, on=today - timedelta(days=100), reason="辞退", by=office)
    applicant = services.applicant_add(
        vacancy=vacancy, patroller=person, by=office, exam_score=Decimal(90), interview_score=Decimal(90)
    )
    client = web(office)

    ranking = client.get(f"/staffing/vacancies/{vacancy.pk}/").content.decode()
    hire_form = client.get(hire_url(vacancy, applicant)).content.decode()

    assert "近12个月内曾被辞退" in ranking
    assert "曾被辞退" in hire_form and (today - timedelta(days=100)).isoformat() in hire_form
    # A year and a day later the ranking no longer marks it.
    later = selectors.vacancy_ranking(vacancy=vacancy, on=today + timedelta(days=366))
    assert later[0].dismissed_on is None
