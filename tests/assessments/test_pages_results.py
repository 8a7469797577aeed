"""The dismissal-flag list, a patroller's year and the year's results with the renewal and pay-rise lists.
Months are finalized through the real services (the `assess` fixture)."""

from datetime import date

import pytest

from assessments import rules as assessment_rules
from assessments import services
from assessments.models import Assessment, DismissalFlag
from staffing import services as staffing_services
from staffing.models import Contract, Patroller, Vacancy

pytestmark = pytest.mark.django_db

FLAGS = "/assessments/flags/"
RESULTS = "/assessments/results/"
JAN_1 = date(2026, 1, 1)


def month(n: int, year: int = 2026) -> date:
    return date(year, n, 1)


@pytest.fixture
def flagged(hire, assess):
    """A patroller who failed April and May 2026: an open consecutive_2 flag."""
    patroller = hire(start=JAN_1)
    assess(patroller, month(4), passed=False)
    assess(patroller, month(5), passed=False)
    return patroller


def text(response) -> str:
    return response.content.decode()


# ---- dismissal flags -------------------------------------------------------------------------------------------


def test_the_flag_list_names_the_rule_and_the_months_in_chinese(cast, flagged, web):
    page = text(web(cast["township_office"]).get(FLAGS))

    assert flagged.name in page
    assert "连续2个月考核不合格" in page
    assert "2026年4月、2026年5月" in page
    assert "确认辞退" in page


def test_open_flags_come_first_even_when_a_withdrawn_one_is_newer(cast, flagged, hire, assess, web):
    later = hire(start=JAN_1)
    assess(later, month(4), passed=False)
    may = assess(later, month(5), passed=False)
    correction = services.correction_request(
        assessment=may,
        by=cast["township_office"],
        scores={"appearance": 25, "daily_work": 30, "records": 25},
        reasons=dict.fromkeys(("appearance", "daily_work", "records"), "复核"),
        reason="复核",
    )
    services.correction_approve(correction=correction, by=cast["county_office"])

    page = text(web(cast["township_office"]).get(FLAGS))

    assert DismissalFlag.objects.get(patroller=later).status == "withdrawn"
    assert page.index(flagged.name) < page.index(later.name)


def test_the_confirm_button_dismisses_ends_the_contract_and_opens_a_vacancy(cast, flagged, segments, web):
    flag = DismissalFlag.objects.get(patroller=flagged)
    client = web(cast["township_office"])

    response = client.post(f"/assessments/flags/{flag.pk}/confirm/", {"date": "2026-06-10", "reason": ""})

    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == "confirmed"
    contract = Contract.objects.get(patroller=flagged)
    assert (contract.status, contract.terminated_on) == ("terminated", date(2026, 6, 10))
    assert Patroller.objects.get(pk=flagged.pk).status == Patroller.Status.DISMISSED
    vacancy = Vacancy.objects.get(vacated_by=flagged)
    assert (vacancy.segment, vacancy.reason, vacancy.status) == (segments["home"], "dismissal", "open")
    assert "已开放补聘岗位" in text(client.get(FLAGS))


def test_the_county_office_may_confirm_too(cast, flagged, web):
    flag = DismissalFlag.objects.get(patroller=flagged)

    response = web(cast["county_office"]).post(f"/assessments/flags/{flag.pk}/confirm/", {"date": "2026-06-10"})

    assert response.status_code == 302
    assert DismissalFlag.objects.get(pk=flag.pk).status == "confirmed"


def test_the_city_office_reads_flags_but_has_no_confirm_button(cast, flagged, web):
    flag = DismissalFlag.objects.get(patroller=flagged)
    client = web(cast["city_office"])

    page = text(client.get(FLAGS))

    assert flagged.name in page and "确认辞退</button>" not in page
    assert client.post(f"/assessments/flags/{flag.pk}/confirm/", {}).status_code == 403
    assert DismissalFlag.objects.get(pk=flag.pk).status == "open"


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_township_office", 404), ("other_county_office", 404), ("patroller", 403), ("supervisor", 403)],
)
def test_no_one_else_confirms(cast, flagged, web, who, status):
    flag = DismissalFlag.objects.get(patroller=flagged)

    assert web(cast[who]).post(f"/assessments/flags/{flag.pk}/confirm/", {}).status_code == status
    assert DismissalFlag.objects.get(pk=flag.pk).status == "open"


def test_an_office_of_another_township_sees_none_of_the_flags(cast, flagged, web):
    page = web(cast["other_township_office"]).get(FLAGS)

    assert page.status_code == 200
    assert flagged.name not in text(page)


@pytest.mark.parametrize("who", ["patroller", "village_chief", "supervisor", "outsider"])
def test_the_flag_list_is_for_offices(cast, who, web):
    assert web(cast[who]).get(FLAGS).status_code == 403


@pytest.mark.parametrize("people", [1, 3])
def test_the_flag_list_takes_the_same_queries_however_many_flags(
    cast, hire, assess, web, people, django_assert_num_queries
):
    for _ in range(people):
        patroller = hire(start=JAN_1)
        assess(patroller, month(4), passed=False)
        assess(patroller, month(5), passed=False)
    client = web(cast["township_office"])
    # 1 the session, 2 its user, 3 the number of flags, 4 the page of flags with patroller, township, who
    # confirmed and reinstated, the contracts and the vacancy; what the open flags wait for: 5 the open county
    # drafts and 6 the pending corrections of their patrollers and months.
    with django_assert_num_queries(6):
        assert client.get(FLAGS).status_code == 200


# ---- a patroller's year ----------------------------------------------------------------------------------------


def test_the_year_page_shows_each_month_and_the_county_result_prevails(cast, hire, assess, web):
    patroller = hire(start=JAN_1)
    assess(patroller, month(3))
    assess(patroller, month(4))
    assess(patroller, month(4), passed=False, level=Assessment.Level.COUNTY)

    page = text(web(cast["township_office"]).get(f"/assessments/patrollers/{patroller.pk}/", {"year": 2026}))

    march, april, june = page.split("2026年3月")[1], page.split("2026年4月")[1], page.split("2026年6月")[1]
    assert "<strong>合格</strong>" in march.split("</tr>")[0]
    assert "<strong>不合格</strong>" in april.split("</tr>")[0] and "以抽考为准" in april.split("</tr>")[0]
    assert "未考核" in june.split("</tr>")[0]


def test_the_year_page_keeps_every_change_of_a_correction_who_when_old_new_why(cast, flagged, web):
    may = Assessment.objects.get(patroller=flagged, month=month(5))
    correction = services.correction_request(
        assessment=may,
        by=cast["township_office"],
        scores={"appearance": 25, "daily_work": 30, "records": 25},
        reasons={"appearance": "复核", "daily_work": "复核", "records": "复核"},
        reason="补交了当月的纸质巡查记录",
    )
    services.correction_approve(correction=correction, by=cast["county_office"], note="同意")

    page = text(web(cast["township_office"]).get(f"/assessments/patrollers/{flagged.pk}/", {"year": 2026}))

    assert "补交了当月的纸质巡查记录" in page  # why
    assert "county_office" in page  # who approved
    assert "10/20/10，总分40" in page and "25/30/25，总分80" in page  # old and new
    assert "已撤销" in page  # the flag the correction withdrew
    assert "已批准" in page  # the correction request itself


def test_the_patroller_detail_page_links_to_the_year_results(cast, flagged, web):
    page = text(web(cast["township_office"]).get(f"/staffing/patrollers/{flagged.pk}/"))

    assert f'href="/assessments/patrollers/{flagged.pk}/"' in page


@pytest.mark.parametrize(
    ("who", "status"), [("other_township_office", 404), ("patroller", 403), ("village_chief", 403)]
)
def test_the_year_page_is_for_the_offices_in_scope(cast, flagged, web, who, status):
    assert web(cast[who]).get(f"/assessments/patrollers/{flagged.pk}/").status_code == status


# ---- the year's results ----------------------------------------------------------------------------------------


@pytest.fixture
def year(cast, hire, assess, renew, last_year):
    """Three patrollers under last year's contracts, January to June: `star` 100 every month, `steady` 100 but 70 in
    June (a correction; average 95), `slipped` 100 but a failing March. All three renewed for this year, so that
    they are incumbents (a contract in force today) whatever the day the suite runs."""
    star, steady, slipped = (hire(start=date(last_year, 1, 1)) for _ in range(3))
    for n in range(1, 7):
        assess(star, month(n, last_year))
        assess(steady, month(n, last_year))
        assess(slipped, month(n, last_year), passed=n != 3)
    june = Assessment.objects.get(patroller=steady, month=month(6, last_year))
    correction = services.correction_request(
        assessment=june,
        by=cast["township_office"],
        scores={"appearance": 20, "daily_work": 30, "records": 20},
        reasons=dict.fromkeys(("appearance", "daily_work", "records"), "复核"),
        reason="复核",
    )
    services.correction_approve(correction=correction, by=cast["county_office"])
    for patroller in (star, steady, slipped):
        renew(patroller)
    return {"star": star, "steady": steady, "slipped": slipped, "year": last_year}


def test_the_results_page_lists_every_patroller_month_by_month(cast, year, web):
    page = text(web(cast["township_office"]).get(RESULTS, {"year": year["year"]}))

    for person in ("star", "steady", "slipped"):
        assert year[person].name in page
    assert '<td class="num fail">40</td>' in page  # slipped's failing March


def test_excellent_incumbents_are_listed_for_renewal_and_a_failing_month_or_too_few_months_are_not(
    cast, up_for_renewal, web
):
    star, renewal_start = up_for_renewal(months=10)
    slipped, _start = up_for_renewal(months=10, failing=(4,))
    too_few, _start = up_for_renewal(months=9)
    first_month = assessment_rules.excellence_window(renewal_start)[0]

    page = text(web(cast["township_office"]).get(RESULTS, {"year": first_month.year}))

    renewals = page.split('id="renewals"')[1].split('id="pay-rises"')[0]
    assert star.name in renewals
    assert slipped.name not in renewals  # a failing month among the 12
    assert too_few.name not in renewals  # 9 of the 12 months assessed: not a year's record
    # The renewal would start the day after the contract in force today ends.
    assert renewal_start.isoformat() in renewals
    assert "至少 10 个月已考核" in page


def test_the_pay_rise_list_takes_the_best_average_within_the_share(cast, year, web, settings):
    settings.RIVER = {**settings.RIVER, "PAY_RISE_SHARE": "0.20"}  # 20% of 3 assessed → 1 recommended

    page = text(web(cast["township_office"]).get(RESULTS, {"year": year["year"]}))

    pay = page.split('id="pay-rises"')[1]
    assert year["star"].name in pay
    assert year["steady"].name not in pay  # excellent too, but a lower average and the quota is one
    assert year["slipped"].name not in pay  # a failing month


def test_a_larger_share_recommends_every_excellent_patroller_but_never_one_with_a_failing_month(
    cast, year, web, settings
):
    settings.RIVER = {**settings.RIVER, "PAY_RISE_SHARE": "1"}

    pay = text(web(cast["township_office"]).get(RESULTS, {"year": year["year"]})).split('id="pay-rises"')[1]

    assert year["star"].name in pay and year["steady"].name in pay
    assert year["slipped"].name not in pay


def test_someone_who_has_left_is_not_recommended_for_a_pay_rise(cast, year, web, settings):
    settings.RIVER = {**settings.RIVER, "PAY_RISE_SHARE": "0.20"}
    staffing_services.patroller_resign(patroller=year["star"], on=date(year["year"], 7, 15), by=cast["township_office"])

    pay = text(web(cast["township_office"]).get(RESULTS, {"year": year["year"]})).split('id="pay-rises"')[1]

    assert year["star"].name not in pay  # still in the year's table, but gone
    assert year["steady"].name in pay


def test_the_county_office_sees_its_county_and_may_narrow_to_a_township(cast, places, year, web):
    client = web(cast["county_office"])

    county, neighbour = {"year": year["year"]}, {"year": year["year"], "township": places["neighbour"].pk}
    assert year["star"].name in text(client.get(RESULTS, county))
    assert year["star"].name not in text(client.get(RESULTS, neighbour))


@pytest.mark.parametrize(
    ("who", "query", "status"),
    [
        ("patroller", {}, 403),
        ("supervisor", {}, 403),
        ("other_township_office", {"township": "home"}, 404),
        ("other_county_office", {"county": "county"}, 404),
    ],
)
def test_the_results_are_for_the_offices_in_scope(cast, places, web, who, query, status):
    params = {key: places[value].pk if value == "county" else places["township"].pk for key, value in query.items()}

    assert web(cast[who]).get(RESULTS, params).status_code == status


@pytest.mark.parametrize("people", [1, 3])
def test_the_results_page_takes_the_same_queries_however_many_patrollers(
    cast, hire, assess, web, people, django_assert_num_queries
):
    for _ in range(people):
        patroller = hire(start=JAN_1)
        assess(patroller, month(1))
        assess(patroller, month(2))
    client = web(cast["township_office"])
    # 1 the session, 2 its user, 3 the township is in scope, 4 the township with its county, 5 who has final
    # assessments in the year, 6 those patrollers with their township, 7 their month results, 8 their contracts
    # in force from today.
    with django_assert_num_queries(8):
        assert client.get(RESULTS, {"year": 2026}).status_code == 200
