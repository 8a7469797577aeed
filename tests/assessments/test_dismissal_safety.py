"""No dismissal that a later or higher result undoes (SPEC §6 "Settled months"): a flag is confirmed
only once its months are settled, on a day between the end of its last failing month and today; a confirmed
dismissal whose grounds a county result or a correction removes turns `unsupported` and the office reinstates the
person; the months of a confirmed dismissal are consumed; one open flag per patroller.

The cast's home township has one patroller on S-HOME under a contract for 2026 failing March and April 2026 (an
open consecutive_2 flag), unless a test says otherwise.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments import services
from assessments.models import Assessment, Correction, DismissalFlag
from rivers.models import Segment
from staffing import selectors as staffing_selectors
from staffing import services as staffing_services
from staffing.models import AuditEntry, Contract, Patroller, RosterChange, Vacancy
from tests.factories import FAILING, NO_LOGS_REASON, PASSING, aged, candidate, township_of
from tests.factories import hire as contract_for

pytestmark = pytest.mark.django_db

MARCH, APRIL, JUNE = date(2026, 3, 1), date(2026, 4, 1), date(2026, 6, 1)
DISMISSED_ON = date(2026, 6, 10)
TODAY = date(2026, 8, 1)  # the day the office reinstates, in the contract's year (it runs to 31 December 2026)


def m(year: int, month: int) -> date:
    return date(year, month, 1)


@pytest.fixture
def flagged(hire, assess):
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, MARCH, passed=False)
    assess(patroller, APRIL, passed=False)
    return patroller


def open_flag(patroller) -> DismissalFlag:
    return patroller.dismissal_flags.get(status="open")


def confirm(patroller, cast, *, on=DISMISSED_ON, today=None, by="township_office"):
    return services.dismissal_confirm(flag=open_flag(patroller), by=cast[by], on=on, today=today)


def county_result(cast, patroller, month: date, *, passed: bool) -> Assessment:
    """The county draws `month` (everyone of a one-patroller township is drawn) and finalizes its result."""
    office = cast["county_office"]
    services.spot_check_draw(county=township_of(patroller).county, month=month, by=office)
    draft = Assessment.objects.get(patroller=patroller, month=month, level="county")
    scores = PASSING if passed else FAILING
    services.assessment_update(assessment=draft, by=office, scores=scores, reasons=dict.fromkeys(scores, "抽考"))
    return services.assessment_finalize(
        assessment=draft, by=office, confirm_no_logs=True, reason=NO_LOGS_REASON
    ).assessment


def refused(excinfo) -> str:
    return " ".join(m for messages in excinfo.value.message_dict.values() for m in messages)


# --- settled months ----------------------------------------------------------------------------------------------


def test_a_flag_waits_while_the_county_draft_of_one_of_its_months_is_open(flagged, cast, places):
    services.spot_check_draw(county=places["county"], month=APRIL, by=cast["county_office"])

    with pytest.raises(ValidationError) as excinfo:
        confirm(flagged, cast)

    assert "2026年4月" in refused(excinfo) and "等待县级抽考" in refused(excinfo)
    assert open_flag(flagged).status == "open"
    assert not Vacancy.objects.filter(vacated_by=flagged).exists()
    assert Patroller.objects.get(pk=flagged.pk).status == "active"


def test_once_the_county_result_is_final_the_flag_may_be_confirmed(flagged, cast):
    county_result(cast, flagged, APRIL, passed=False)

    confirm(flagged, cast)

    assert flagged.dismissal_flags.get().status == "confirmed"


def test_a_county_pass_of_a_waiting_month_withdraws_the_flag_instead(flagged, cast):
    county_result(cast, flagged, APRIL, passed=True)

    assert flagged.dismissal_flags.get().status == "withdrawn"
    with pytest.raises(ValidationError):
        confirm_any(flagged, cast)


def confirm_any(patroller, cast):
    return services.dismissal_confirm(flag=patroller.dismissal_flags.get(), by=cast["township_office"], on=DISMISSED_ON)


def test_a_flag_waits_while_a_correction_of_one_of_its_months_is_pending(flagged, cast):
    march = Assessment.objects.get(patroller=flagged, month=MARCH)
    correction = services.correction_request(
        assessment=march,
        by=cast["township_office"],
        scores={"records": 12},
        reasons={"records": "补录照片"},
        reason="补录",
    )

    with pytest.raises(ValidationError) as excinfo:
        confirm(flagged, cast)

    assert "2026年3月" in refused(excinfo) and "等待更正审批" in refused(excinfo)
    services.correction_reject(correction=correction, by=cast["county_office"], note="维持原评分")
    confirm(flagged, cast)
    assert flagged.dismissal_flags.get().status == "confirmed"


@pytest.mark.parametrize(
    ("today", "settled"),
    [(date(2026, 5, 3), False), (date(2026, 5, 4), True)],  # April's logs may arrive until 3 May
)
def test_a_flag_waits_for_the_late_log_window_of_its_months(flagged, cast, today, settled):
    if not settled:
        with pytest.raises(ValidationError) as excinfo:
            confirm(flagged, cast, on=date(2026, 5, 1), today=today)
        assert "2026年4月" in refused(excinfo) and "2026-05-03" in refused(excinfo)
        assert open_flag(flagged).status == "open"
        return
    confirm(flagged, cast, on=date(2026, 5, 1), today=today)
    assert flagged.dismissal_flags.get().dismissed_on == date(2026, 5, 1)


# --- the dismissal day -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "today", "allowed"),
    [
        (date(2026, 4, 30), date(2026, 6, 10), False),  # April, the last failing month, is not over
        (date(2026, 5, 1), date(2026, 6, 10), True),  # the day after it ends
        (date(2026, 6, 10), date(2026, 6, 10), True),  # today
        (date(2026, 6, 11), date(2026, 6, 10), False),  # tomorrow
    ],
)
def test_the_dismissal_day_lies_between_the_end_of_the_last_failing_month_and_today(flagged, cast, on, today, allowed):
    if not allowed:
        with pytest.raises(ValidationError) as excinfo:
            confirm(flagged, cast, on=on, today=today)
        assert list(excinfo.value.message_dict) == ["date"]
        assert open_flag(flagged).status == "open"
        return
    result = confirm(flagged, cast, on=on, today=today)
    assert result.flag.dismissed_on == on
    assert Vacancy.objects.get(vacated_by=flagged).opened_on == on


# --- one open flag per patroller -------------------------------------------------------------------------------


def test_the_database_keeps_one_open_flag_per_patroller(flagged):
    first = open_flag(flagged)

    with pytest.raises(IntegrityError), transaction.atomic():
        DismissalFlag.objects.create(
            patroller=flagged,
            rule="yearly_3",
            rules=["yearly_3"],
            trigger_month=m(2026, 9),
            months=["2026-09"],
            township_id=first.township_id,
            county_id=first.county_id,
        )


# --- unsupported dismissals ------------------------------------------------------------------------------------


def test_a_county_pass_after_the_dismissal_leaves_it_without_grounds(flagged, cast):
    confirm(flagged, cast)

    county = county_result(cast, flagged, APRIL, passed=True)

    flag = flagged.dismissal_flags.get()
    assert (flag.status, flag.get_status_display()) == ("unsupported", "辞退依据已不成立")
    assert flag.unsupported_at is not None and "2026-04" in flag.unsupported_reason
    assert (flag.confirmed_by, flag.dismissed_on) == (cast["township_office"], DISMISSED_ON)  # still on record
    entry = AuditEntry.objects.get(entity="dismissal_flag", entity_id=flag.pk, action="unsupported")
    assert (entry.user, entry.old["status"], entry.new["status"]) == (cast["county_office"], "confirmed", "unsupported")
    assert county.passed


def test_an_approved_correction_that_fails_the_month_again_restores_an_unsupported_dismissal(flagged, cast):
    confirm(flagged, cast)
    county = county_result(cast, flagged, APRIL, passed=True)
    correction = services.correction_request(
        assessment=county,
        by=cast["county_office"],
        scores=FAILING,
        reasons=dict.fromkeys(FAILING, "复核"),
        reason="复核",
    )

    result = services.correction_approve(correction=correction, by=cast["city_office"])

    flag = flagged.dismissal_flags.get()
    assert (flag.status, flag.unsupported_at) == ("confirmed", None)
    assert [f.pk for f in result.flags.confirmed_again] == [flag.pk]
    assert Correction.objects.get(pk=correction.pk).decided_by == cast["city_office"]


# --- reinstatement ---------------------------------------------------------------------------------------------


def in_force_days(patroller, first: date, last: date) -> list[int]:
    """How many contracts are in force on each day (1 everywhere: no day lost, none doubled)."""
    counts = []
    day = first
    while day <= last:
        counts.append(Contract.objects.filter(staffing_selectors.contract_in_force_q(day), patroller=patroller).count())
        day += timedelta(days=1)
    return counts


def test_reinstating_while_the_vacancy_is_still_open_puts_the_person_back_on_the_old_segment(flagged, cast, segments):
    old = Contract.objects.get(patroller=flagged)
    confirm(flagged, cast)
    county_result(cast, flagged, APRIL, passed=True)
    vacancy = Vacancy.objects.get(vacated_by=flagged)

    result = services.dismissal_reinstate(flag=flagged.dismissal_flags.get(), by=cast["township_office"], today=TODAY)

    old.refresh_from_db()
    new = result.reinstatement.contract
    # From the dismissal day (the first day the dismissal took away) to the old contract's agreed end.
    assert new.start == old.last_day + timedelta(days=1)
    assert (new.end, new.segment, new.status) == (old.end, segments["home"], "active")
    assert in_force_days(flagged, date(2026, 1, 1), date(2026, 12, 31)) == [1] * 365
    assert Patroller.objects.get(pk=flagged.pk).status == "active"
    assert staffing_selectors.actual_patrollers(segment_ids=[segments["home"].pk], on=date(2026, 6, 20)) == {
        segments["home"].pk: 1
    }
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.filled_by, vacancy.filled_on) == ("filled", flagged, new.start)
    change = RosterChange.objects.get(patroller=flagged, kind="reinstatement")
    assert (change.filing, change.date, change.contract, change.created_by) == (
        None,
        new.start,
        new,
        cast["township_office"],
    )
    flag = flagged.dismissal_flags.get()
    assert (flag.status, flag.reinstated_by, flag.reinstated_contract) == ("unsupported", cast["township_office"], new)
    assert flag.reinstated_at is not None
    actions = set(AuditEntry.objects.filter(user=cast["township_office"]).values_list("entity", "action"))
    assert {("contract", "reinstatement"), ("vacancy", "reinstatement"), ("dismissal_flag", "reinstated")} <= actions


def hire_backfill(cast, places, vacancy, start: date) -> Patroller:
    """Someone else hired from the dismissal's vacancy (the post is no longer open)."""
    office = cast["township_office"]
    person = candidate(office, places["village"], name="李补聘", born=aged(40, start))
    applicant = staffing_services.applicant_add(
        vacancy=vacancy, patroller=person, by=office, exam_score=80, interview_score=80
    )
    staffing_services.applicant_hire(applicant=applicant, start=start, end=date(2026, 12, 31), by=office)
    return person


@pytest.fixture
def second_segment(places, river):
    return Segment.objects.create(
        code="S-HOME-2", name="贾鲁河柳林段", water_body=river, township=places["township"], length_km="3.50"
    )


def test_reinstating_after_the_vacancy_was_filled_needs_a_segment_chosen_by_the_office(
    flagged, cast, places, segments, second_segment
):
    confirm(flagged, cast)
    vacancy = Vacancy.objects.get(vacated_by=flagged)
    backfill = hire_backfill(cast, places, vacancy, date(2026, 7, 1))
    county_result(cast, flagged, APRIL, passed=True)
    elsewhere = staffing_services.vacancy_open(
        segment=second_segment, reason=Vacancy.Reason.BELOW_STANDARD, by=cast["township_office"]
    )
    flag = flagged.dismissal_flags.get()

    with pytest.raises(ValidationError) as excinfo:
        services.dismissal_reinstate(flag=flag, by=cast["township_office"])
    assert list(excinfo.value.message_dict) == ["segment"]

    result = services.dismissal_reinstate(flag=flag, by=cast["county_office"], segment=second_segment, today=TODAY)

    assert result.reinstatement.contract.segment == second_segment
    elsewhere.refresh_from_db()
    assert (elsewhere.status, elsewhere.filled_by) == ("filled", flagged)
    vacancy.refresh_from_db()
    assert vacancy.filled_by == backfill  # the old post stays with whoever filled it
    assert flagged.dismissal_flags.get().reinstated_by == cast["county_office"]


def test_only_an_unsupported_flag_is_reinstated_and_only_once(flagged, cast):
    with pytest.raises(ValidationError):
        services.dismissal_reinstate(flag=open_flag(flagged), by=cast["township_office"])
    confirm(flagged, cast)
    with pytest.raises(ValidationError):
        services.dismissal_reinstate(flag=flagged.dismissal_flags.get(), by=cast["township_office"])
    county_result(cast, flagged, APRIL, passed=True)
    services.dismissal_reinstate(flag=flagged.dismissal_flags.get(), by=cast["township_office"])

    with pytest.raises(ValidationError):
        services.dismissal_reinstate(flag=flagged.dismissal_flags.get(), by=cast["township_office"])
    assert Contract.objects.filter(patroller=flagged).count() == 2


@pytest.mark.parametrize("who", ["other_township_office", "other_county_office", "city_office", "patroller"])
def test_no_other_office_reinstates(flagged, cast, who):
    from django.core.exceptions import PermissionDenied

    confirm(flagged, cast)
    county_result(cast, flagged, APRIL, passed=True)

    with pytest.raises(PermissionDenied):
        services.dismissal_reinstate(flag=flagged.dismissal_flags.get(), by=cast[who])
    assert Contract.objects.filter(patroller=flagged).count() == 1


# --- consumed months -------------------------------------------------------------------------------------------


def test_months_of_a_confirmed_dismissal_never_count_after_a_rehire(flagged, cast, segments, assess):
    confirm(flagged, cast, on=date(2026, 5, 1))
    contract_for(flagged, segments["home"], cast["township_office"], JUNE, date(2026, 12, 31))

    assess(flagged, JUNE, passed=False)  # with March and April, the third of the year — but those are consumed
    assess(flagged, m(2026, 8), passed=False)

    assert not flagged.dismissal_flags.filter(status="open").exists()
    assess(flagged, m(2026, 10), passed=False)
    flag = open_flag(flagged)
    assert (flag.rules, flag.months) == (["yearly_3"], ["2026-06", "2026-08", "2026-10"])


def test_the_month_after_a_consumed_one_does_not_make_two_in_a_row(flagged, cast, segments, assess):
    confirm(flagged, cast, on=date(2026, 5, 1))
    contract_for(flagged, segments["home"], cast["township_office"], date(2026, 5, 2), date(2026, 12, 31))

    assess(flagged, m(2026, 5), passed=False)

    assert not flagged.dismissal_flags.filter(status="open").exists()


# --- the API and the page ----------------------------------------------------------------------------------------


def test_the_api_lists_what_an_open_flag_waits_for_and_refuses_to_confirm_it(flagged, cast, places, client_for):
    services.spot_check_draw(county=places["county"], month=APRIL, by=cast["county_office"])
    office = client_for(cast["township_office"])

    (row,) = office.get("/api/v1/dismissal-flags/").json()["results"]
    response = office.post(f"/api/v1/dismissal-flags/{row['id']}/confirm/", {"date": "2026-06-10"}, format="json")

    assert {k: row[k] for k in ("months", "rule", "rules", "status", "on")} == {
        "months": ["2026-03", "2026-04"],
        "rule": "consecutive_2",
        "rules": ["consecutive_2"],
        "status": "open",
        "on": None,
    }
    assert [(w["month"], w["reason"], w["label"]) for w in row["waiting_for"]] == [
        ("2026-04", "county_draft", "等待县级抽考")
    ]
    assert response.status_code == 400
    assert any("等待县级抽考" in message for message in response.json()["errors"]["non_field_errors"])


def test_the_api_reinstates_and_the_flag_reads_back_every_step(flagged, cast, client_for):
    confirm(flagged, cast)
    county_result(cast, flagged, APRIL, passed=True)
    flag = flagged.dismissal_flags.get()
    office = client_for(cast["township_office"])

    listed = office.get("/api/v1/dismissal-flags/?status=unsupported").json()["results"]
    response = office.post(f"/api/v1/dismissal-flags/{flag.pk}/reinstate/", {"reason": "县级抽考合格"}, format="json")

    assert [(r["id"], r["status"], r["on"], r["reinstated_at"]) for r in listed] == [
        (flag.pk, "unsupported", "2026-06-10", None)
    ]
    assert response.status_code == 200, response.content
    body = response.json()
    new = Contract.objects.get(pk=body["reinstatement"]["contract"])
    assert body["reinstatement"]["start"] == new.start.isoformat()
    assert body["reinstatement"]["vacancy"] == Vacancy.objects.get(vacated_by=flagged).pk
    assert (body["status"], body["reinstated_by"], body["reinstated_contract"]) == (
        "unsupported",
        cast["township_office"].pk,
        new.pk,
    )
    again = office.post(f"/api/v1/dismissal-flags/{flag.pk}/reinstate/", {}, format="json")
    assert again.status_code == 400


def test_a_segment_of_another_township_is_refused_for_reinstatement(flagged, cast, segments, client_for):
    confirm(flagged, cast)
    county_result(cast, flagged, APRIL, passed=True)
    flag = flagged.dismissal_flags.get()

    response = client_for(cast["county_office"]).post(
        f"/api/v1/dismissal-flags/{flag.pk}/reinstate/", {"segment": segments["neighbour"].pk}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["segment"]


def test_filtering_by_rule_finds_a_flag_that_lists_it_second(flagged, cast, assess, client_for):
    assess(flagged, m(2026, 5), passed=False)  # the third failing month of the year joins the open flag

    rows = client_for(cast["county_office"]).get("/api/v1/dismissal-flags/?rule=yearly_3").json()["results"]

    assert [(r["rule"], r["rules"]) for r in rows] == [("consecutive_2", ["consecutive_2", "yearly_3"])]


FLAGS = "/assessments/flags/"


def test_the_page_shows_what_a_flag_waits_for_instead_of_the_confirm_button(flagged, cast, places, web):
    services.spot_check_draw(county=places["county"], month=APRIL, by=cast["county_office"])
    flag = open_flag(flagged)

    page = web(cast["township_office"]).get(FLAGS).content.decode()

    assert "等待县级抽考" in page
    assert f"/assessments/flags/{flag.pk}/confirm/" not in page


def test_an_unsupported_dismissal_is_listed_on_top_for_the_township_and_the_county(
    flagged, cast, hire, assess, web, places
):
    confirm(flagged, cast)
    county_result(cast, flagged, APRIL, passed=True)
    other = hire(start=date(2026, 1, 1))
    assess(other, m(2026, 7), passed=False)
    assess(other, m(2026, 8), passed=False)  # an open flag, raised after the dismissal
    unsupported = flagged.dismissal_flags.get()

    for who in ("township_office", "county_office"):
        page = web(cast[who]).get(FLAGS).content.decode()
        cards = page.split('<section class="card flag-card')[1:]
        assert f'id="flag{unsupported.pk}"' in cards[0], who
        assert "辞退依据已不成立" in cards[0]
        assert f"/assessments/flags/{unsupported.pk}/reinstate/" in cards[0]
        assert f'id="flag{open_flag(other).pk}"' in cards[1]


def test_the_page_reinstates(flagged, cast, web):
    confirm(flagged, cast)
    county_result(cast, flagged, APRIL, passed=True)
    flag = flagged.dismissal_flags.get()
    client = web(cast["county_office"])

    response = client.post(f"/assessments/flags/{flag.pk}/reinstate/", {"segment": "", "reason": ""})

    assert response.status_code == 302
    assert "已恢复聘用" in client.get(response.url).content.decode()
    assert flagged.dismissal_flags.get().reinstated_by == cast["county_office"]
    assert Patroller.objects.get(pk=flagged.pk).status in ("active", "expired")  # back until the contract's end


def correct(cast, patroller, month: date, scores: dict, *, approve: bool) -> None:
    """The township office asks to correct the month; the county office approves it, or it stays pending."""
    assessment = Assessment.objects.get(patroller=patroller, month=month, level="township")
    correction = services.correction_request(
        assessment=assessment,
        by=cast["township_office"],
        scores=scores,
        reasons=dict.fromkeys(scores, "复核"),
        reason="复核",
    )
    if approve:
        services.correction_approve(correction=correction, by=cast["county_office"])


@pytest.mark.parametrize("flags", [1, 3])
def test_the_flag_list_with_waiting_and_unsupported_flags_takes_the_same_queries(
    cast, hire, assess, web, flags, django_assert_num_queries
):
    for _ in range(flags):
        person = hire(start=date(2026, 1, 1))
        assess(person, MARCH, passed=False)
        assess(person, APRIL, passed=False)
        services.dismissal_confirm(flag=open_flag(person), by=cast["township_office"], on=DISMISSED_ON)
        correct(cast, person, APRIL, PASSING, approve=True)  # the dismissal loses its grounds
        other = hire(start=date(2026, 1, 1))
        assess(other, m(2026, 7), passed=False)
        assess(other, m(2026, 8), passed=False)
        correct(cast, other, m(2026, 8), PASSING, approve=False)  # the open flag waits for it
    client = web(cast["township_office"])
    # 1 the session, 2 its user, 3 the number of flags, 4 the page of flags with what they refer to, 5 the open
    # county drafts and 6 the pending corrections of the open flags' months, 7 the segments where the people of
    # unsupported dismissals may go back.
    with django_assert_num_queries(7):
        page = client.get(FLAGS).content.decode()
    assert page.count("等待更正审批</span>") == flags
    assert page.count('class="problem-form reinstate-form"') == flags


def test_the_spot_check_page_says_when_its_result_leaves_a_dismissal_without_grounds(flagged, cast, places, web):
    confirm(flagged, cast)
    services.spot_check_draw(county=places["county"], month=APRIL, by=cast["county_office"])
    draft = Assessment.objects.get(patroller=flagged, month=APRIL, level="county")
    data = {"action": "finalize", "month": "2026-04", "row": [str(draft.pk)], "confirm_no_logs": "on"}
    data["no_logs_reason"] = NO_LOGS_REASON
    for part, value in PASSING.items():
        data[f"s-{draft.pk}-{part}"], data[f"r-{draft.pk}-{part}"] = str(value), "抽考复核"
    client = web(cast["county_office"])

    response = client.post("/assessments/spot-checks/", data)

    assert response.status_code == 302
    assert "辞退依据已不成立" in client.get(response.url).content.decode()
    assert flagged.dismissal_flags.get().status == "unsupported"


def test_the_api_takes_the_dismissal_day_as_on_and_refuses_one_before_the_month_ends(flagged, cast, client_for):
    office = client_for(cast["township_office"])
    url = f"/api/v1/dismissal-flags/{open_flag(flagged).pk}/confirm/"

    early = office.post(url, {"on": "2026-04-30"}, format="json")
    both = office.post(url, {"on": "2026-05-01", "date": "2026-05-02"}, format="json")
    done = office.post(url, {"on": "2026-05-01"}, format="json")

    assert early.status_code == 400 and list(early.json()["errors"]) == ["date"]
    assert both.status_code == 400 and list(both.json()["errors"]) == ["on"]
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["on"]) == ("confirmed", "2026-05-01")
