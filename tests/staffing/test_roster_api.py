"""The roster endpoints of API.md: patrollers, contracts, eligibility, plus vacancies, roster changes and filings.

The cast (tests/conftest.py): the home township office hires; the segment S-HOME (4.01 km) passes the village
chief's village 柳林村; the `patroller` login is linked to the hired person.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffing import rules, services
from staffing.models import Assignment, Contract, Patroller, RosterChange
from tests.factories import candidate, hire, id_number, sync

pytestmark = pytest.mark.django_db

START = date(2026, 1, 1)


@pytest.fixture
def office(cast):
    return cast["township_office"]


@pytest.fixture
def hired(cast, office, places, segments) -> Patroller:
    """A township hire on S-HOME with the cast's patroller login."""
    person = candidate(office, places["village"], name="张建国")
    services.patroller_update(patroller=person, by=office, data={"user": cast["patroller"]})
    hire(person, segments["home"], office, START)
    person.refresh_from_db()
    return person


@pytest.fixture
def county_hired(cast, places, segments) -> Patroller:
    person = candidate(cast["county_office"], places["village"], township=places["township"], name="县聘")
    hire(person, segments["home"], cast["county_office"], START)
    return person


def detail(person) -> str:
    return f"/api/v1/patrollers/{person.pk}/"


# --- POST /api/v1/patrollers/ ---------------------------------------------------------------------------------------


def test_a_township_office_registers_a_candidate_and_sees_the_full_id_number(api, office, places):
    number = id_number(date(1982, 3, 4))
    response = api.as_user(office).post(
        "/api/v1/patrollers/",
        {"name": "王志强", "id_number": number, "phone": "13912345678", "residence_village": places["village"].pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["id_number"], body["phone"], body["status"]) == (number, "13912345678", "candidate")
    assert (body["birth_date"], body["sex"]) == ("1982-03-04", "male")
    assert (body["township"], body["hiring_level"], body["managed_by_me"]) == (places["township"].pk, "township", True)
    assert body["segment"] is None


@pytest.mark.parametrize(
    ("number", "message"),
    [("410105198203041230", "校验位"), ("41010519820230123X", "出生日期"), ("12345", "18位")],
)
def test_an_invalid_id_number_is_a_400_under_id_number(api, office, places, number, message):
    response = api.as_user(office).post(
        "/api/v1/patrollers/",
        {"name": "王志强", "id_number": number, "phone": "13912345678", "residence_village": places["village"].pk},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["id_number"]
    assert message in errors["id_number"][0]
    assert not Patroller.objects.exists()


def test_a_bad_phone_and_a_missing_name_are_400s_on_their_fields(api, office, places):
    response = api.as_user(office).post(
        "/api/v1/patrollers/",
        {"id_number": id_number(date(1982, 3, 4)), "phone": "1391234", "residence_village": places["village"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name"}
    response = api.as_user(office).post(
        "/api/v1/patrollers/",
        {
            "name": "王志强",
            "id_number": id_number(date(1982, 3, 4)),
            "phone": "1391234",
            "residence_village": places["village"].pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"phone"}


def test_a_county_office_hires_for_a_township_of_its_county(api, cast, places):
    body = {
        "name": "县聘",
        "id_number": id_number(date(1980, 1, 1)),
        "phone": "13912345678",
        "residence_village": places["village"].pk,
    }
    client = api.as_user(cast["county_office"])
    assert client.post("/api/v1/patrollers/", body, format="json").json()["errors"].keys() == {"township"}

    response = client.post("/api/v1/patrollers/", {**body, "township": places["township"].pk}, format="json")
    assert response.status_code == 201
    assert (response.json()["hiring_level"], response.json()["id_number"]) == ("county", body["id_number"])


def test_the_city_office_does_not_hire(api, cast, places):
    response = api.as_user(cast["city_office"]).post(
        "/api/v1/patrollers/",
        {
            "name": "市聘",
            "id_number": id_number(date(1980, 1, 1)),
            "phone": "13912345678",
            "residence_village": places["village"].pk,
        },
        format="json",
    )
    assert response.status_code == 403


# --- masking: full only for the managing office ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "full"),
    [
        ("township_office", 200, True),  # hired them: manages them
        ("county_office", 200, False),
        ("city_office", 200, False),
        ("village_chief", 200, False),  # S-HOME passes the chief's village
        ("patroller", 200, False),  # their own record, masked too
        ("other_township_office", 404, None),
        ("other_county_office", 404, None),
        ("supervisor", 403, None),
        ("outsider", 403, None),
    ],
)
def test_id_number_and_phone_are_masked_for_everyone_but_the_managing_office(api, cast, hired, who, status, full):
    response = api.as_user(cast[who]).get(detail(hired))

    assert response.status_code == status
    if status != 200:
        return
    body = response.json()
    if full:
        assert (body["id_number"], body["phone"]) == (hired.id_number, hired.phone)
    else:
        assert body["id_number"] == rules.mask_id_number(hired.id_number)
        assert body["phone"] == "138****5678"
        assert hired.id_number not in response.content.decode()
        # The masked digits are the birth date: it must not be handed out beside them.
        assert body["birth_date"] is None
        assert hired.birth_date.strftime("%Y%m%d") not in response.content.decode()
    assert body["managed_by_me"] is full
    assert body["age"] >= 18


@pytest.mark.parametrize(("who", "full"), [("county_office", True), ("township_office", False), ("city_office", False)])
def test_a_county_hire_is_shown_in_full_only_to_the_county_office(api, cast, county_hired, who, full):
    for url in (detail(county_hired), "/api/v1/patrollers/"):
        body = api.as_user(cast[who]).get(url).json()
        row = body if "id" in body else body["results"][0]
        assert (row["id_number"] == county_hired.id_number) is full
        assert (row["phone"] == county_hired.phone) is full


def test_the_list_masks_the_same_way_as_the_detail(api, cast, hired):
    [row] = api.as_user(cast["county_office"]).get("/api/v1/patrollers/").json()["results"]
    assert row["id_number"] == rules.mask_id_number(hired.id_number)
    [row] = api.as_user(cast["township_office"]).get("/api/v1/patrollers/").json()["results"]
    assert row["id_number"] == hired.id_number


# --- PATCH ----------------------------------------------------------------------------------------------------------


def test_the_managing_office_edits_the_record(api, office, hired, places):
    response = api.as_user(office).patch(
        detail(hired), {"phone": "13700001111", "poverty_relief": True, "residence_village": places["village2"].pk}
    )
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["poverty_relief"]) == ("13700001111", True)
    assert response.json()["residence_village"] == places["village2"].pk


def test_other_offices_may_not_edit_even_when_they_see_the_record(api, cast, hired):
    assert api.as_user(cast["county_office"]).patch(detail(hired), {"name": "改名"}).status_code == 403
    assert api.as_user(cast["city_office"]).patch(detail(hired), {"name": "改名"}).status_code == 403
    assert api.as_user(cast["other_township_office"]).patch(detail(hired), {"name": "改名"}).status_code == 404
    assert api.as_user(cast["patroller"]).patch(detail(hired), {"name": "改名"}).status_code == 403


def test_a_patch_with_an_invalid_id_number_is_a_400(api, office, hired):
    response = api.as_user(office).patch(detail(hired), {"id_number": "410105198203041230"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["id_number"]


# --- POST /api/v1/patrollers/{id}/contracts/ ------------------------------------------------------------------------


def contracts_url(person) -> str:
    return f"/api/v1/patrollers/{person.pk}/contracts/"


def test_a_contract_creates_the_segment_assignment(api, office, places, segments):
    person = candidate(office, places["village"])
    response = api.as_user(office).post(
        contracts_url(person), {"start": "2025-03-01", "end": "2026-02-28", "segment": segments["home"].pk}
    )

    assert response.status_code == 201, response.content
    assert response.json()["segment"] == segments["home"].pk
    assignment = Assignment.objects.get(patroller=person)
    assert (assignment.segment, assignment.start) == (segments["home"], date(2025, 3, 1))
    assert api.as_user(office).get(contracts_url(person)).json()[0]["end"] == "2026-02-28"


def test_the_contracts_of_a_patroller_are_a_plain_list_as_the_schema_says(api, office, hired):
    from drf_spectacular.generators import SchemaGenerator

    response = api.as_user(office).get(contracts_url(hired), {"page": 2, "page_size": 1})

    assert response.status_code == 200
    contracts = response.json()
    assert isinstance(contracts, list)  # every contract, not a page of them
    assert [c["patroller"] for c in contracts] == [hired.pk]
    operation = SchemaGenerator().get_schema(public=True)["paths"]["/api/v1/patrollers/{id}/contracts/"]["get"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"type": "array", "items": {"$ref": "#/components/schemas/Contract"}}
    assert not [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


def test_eligibility_failures_come_back_with_their_codes_as_keys(api, office, places, segments):
    person = candidate(office, places["far_village"], born=date(1991, 3, 2), criminal_record=True)
    response = api.as_user(office).post(
        contracts_url(person), {"start": "2026-03-01", "end": "2027-02-28", "segment": segments["home"].pk}
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"age", "residence", "criminal_record"}
    assert "34周岁" in errors["age"][0]
    assert not Contract.objects.exists()


def test_a_contract_longer_than_a_year_is_a_400_on_end_and_an_overlap_on_non_field_errors(api, office, hired, segments):
    client = api.as_user(office)
    too_long = client.post(
        contracts_url(hired), {"start": "2027-01-01", "end": "2028-01-01", "segment": segments["home"].pk}
    )
    assert too_long.status_code == 400
    assert list(too_long.json()["errors"]) == ["end"]

    overlap = client.post(
        contracts_url(hired), {"start": "2026-12-01", "end": "2027-11-30", "segment": segments["home"].pk}
    )
    assert overlap.status_code == 400
    assert list(overlap.json()["errors"]) == ["non_field_errors"]


def test_a_renewal_through_the_api_is_recorded_as_a_renewal(api, office, hired, segments):
    response = api.as_user(office).post(
        contracts_url(hired), {"start": "2027-01-01", "end": "2027-12-31", "segment": segments["home"].pk}
    )
    assert response.status_code == 201
    assert response.json()["previous"] == Contract.objects.get(start=START).pk
    assert RosterChange.objects.filter(kind="renewal").count() == 1


def test_only_the_hiring_office_signs_contracts(api, cast, hired, segments):
    body = {"start": "2027-01-01", "end": "2027-12-31", "segment": segments["home"].pk}
    assert api.as_user(cast["county_office"]).post(contracts_url(hired), body).status_code == 403
    assert api.as_user(cast["city_office"]).post(contracts_url(hired), body).status_code == 403
    assert api.as_user(cast["other_township_office"]).post(contracts_url(hired), body).status_code == 404
    assert api.as_user(cast["patroller"]).post(contracts_url(hired), body).status_code == 403


def test_a_segment_outside_the_callers_scope_is_not_found_and_a_malformed_one_is_a_400(api, office, places, segments):
    person = candidate(office, places["village"])
    client = api.as_user(office)

    def post(segment) -> object:
        return client.post(contracts_url(person), {"start": "2026-01-01", "end": "2026-12-31", "segment": segment})

    assert post(segments["far"].pk).status_code == 404
    assert post(987654).status_code == 404
    assert post(2**70).status_code == 404
    assert post("S-HOME").status_code == 400
    assert list(post("S-HOME").json()["errors"]) == ["segment"]


def test_a_contract_on_a_segment_of_another_township_of_the_county_is_refused(api, cast, places, segments):
    person = candidate(cast["county_office"], places["village"], township=places["township"])
    response = api.as_user(cast["county_office"]).post(
        contracts_url(person), {"start": "2026-01-01", "end": "2026-12-31", "segment": segments["neighbour"].pk}
    )
    assert response.status_code == 400
    assert "segment" in response.json()["errors"]


# --- GET /api/v1/patrollers/{id}/eligibility/ -----------------------------------------------------------------------


def eligibility_url(person, start: str, segment) -> str:
    return f"/api/v1/patrollers/{person.pk}/eligibility/?start={start}&segment={segment.pk}"


def test_eligibility_answers_eligible_or_the_failures(api, cast, office, places, segments):
    young = candidate(office, places["village"], born=date(1991, 3, 2))
    client = api.as_user(cast["county_office"])

    before = client.get(eligibility_url(young, "2026-03-01", segments["home"]))
    on_birthday = client.get(eligibility_url(young, "2026-03-02", segments["home"]))

    assert before.status_code == 200
    assert before.json()["eligible"] is False
    assert [f["code"] for f in before.json()["failures"]] == ["age"]
    assert on_birthday.json() == {"eligible": True, "failures": [], "notices": []}


def test_eligibility_needs_a_valid_start_and_a_visible_segment(api, office, places, segments):
    person = candidate(office, places["village"])
    client = api.as_user(office)

    missing = client.get(f"/api/v1/patrollers/{person.pk}/eligibility/?segment={segments['home'].pk}")
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["start"]
    assert client.get(eligibility_url(person, "2026-01-01", segments["far"])).status_code == 404
    assert client.get(f"/api/v1/patrollers/{person.pk}/eligibility/?start=2026-01-01&segment=x").status_code == 400


# --- filters and query counts ---------------------------------------------------------------------------------------


def test_the_roster_filters_by_status_township_segment_and_name(api, cast, office, hired, places, segments):
    waiting = candidate(office, places["village"], name="李秀英")
    client = api.as_user(cast["county_office"])

    def names(query: str) -> list[str]:
        response = client.get(f"/api/v1/patrollers/{query}")
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert names("") == ["张建国", "李秀英"]
    assert names("?status=candidate") == [waiting.name]
    assert names(f"?segment={segments['home'].pk}") == [hired.name]
    assert names("?q=秀英") == [waiting.name]
    # Names only: an ID number in a query string would land in URLs and access logs, so it finds nobody.
    assert names(f"?q={hired.id_number}") == []
    assert names(f"?township={places['township'].pk}") == ["张建国", "李秀英"]
    assert client.get(f"/api/v1/patrollers/?township={places['far'].pk}").status_code == 404
    assert client.get("/api/v1/patrollers/?status=retired").status_code == 400


def test_the_patroller_sees_only_themselves(api, cast, office, hired, places):
    candidate(office, places["village"], name="李秀英")
    response = api.as_user(cast["patroller"]).get("/api/v1/patrollers/")
    assert [row["id"] for row in response.json()["results"]] == [hired.pk]


@pytest.fixture
def bulk_updated_roster(office, places) -> tuple[list[int], datetime]:
    """Four candidates: a bulk update stamps the first three with one time, the fourth changes a second later."""
    ids = [candidate(office, places["village"], name=f"巡察员{n}").pk for n in range(4)]
    stamp = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
    Patroller.objects.filter(pk__in=ids[:3]).update(updated_at=stamp)
    Patroller.objects.filter(pk=ids[3]).update(updated_at=stamp + timedelta(seconds=1))
    return ids, stamp


def test_a_phone_resuming_after_its_last_row_receives_every_patroller_of_a_bulk_update_once(
    api, office, bulk_updated_roster
):
    ids, stamp = bulk_updated_roster
    client = api.as_user(office)

    # Pages of two: the first ends between the patrollers that share the stamp.
    received = sync(client, "/api/v1/patrollers/", since=(stamp - timedelta(seconds=1)).isoformat(), page_size=2)

    assert [row["id"] for row in received] == ids


def test_updated_since_alone_still_leaves_out_patrollers_changed_at_that_very_time(api, office, bulk_updated_roster):
    ids, stamp = bulk_updated_roster

    rows = api.as_user(office).get("/api/v1/patrollers/", {"updated_since": stamp.isoformat()}).json()["results"]

    assert [row["id"] for row in rows] == [ids[3]]


def add_hires(office, places, segments, count: int) -> None:
    for _ in range(count):
        person = candidate(office, places["village"])
        hire(person, segments["home"], office, START)


# Token authentication (knox): the token with its user, then the user's other tokens (expired ones are swept).
AUTH_QUERIES = 2


def test_the_roster_list_takes_the_same_queries_for_one_or_many_rows(api, office, places, segments):
    client = api.as_user(office)
    add_hires(office, places, segments, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/patrollers/?page_size=500").status_code == 200
    add_hires(office, places, segments, 4)
    # auth (2), then: 1. the count for the pagination, 2. the page of patrollers with village, township, county
    # and hiring offices joined, 3. their active assignments with segment and water body
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/patrollers/?page_size=500")
    assert response.json()["count"] == 5
    assert len(few) == len(many) == AUTH_QUERIES + 3


def test_vacancy_change_and_filing_lists_take_constant_queries(api, office, places, segments):
    client = api.as_user(office)

    def measure() -> list[int]:
        counts = []
        for url in ("/api/v1/vacancies/", "/api/v1/roster-changes/", "/api/v1/roster-filings/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url + "?page_size=500").status_code == 200
            counts.append(len(queries))
        return counts

    def one_more_round() -> None:
        add_hires(office, places, segments, 2)
        services.vacancy_open(segment=segments["home"], reason="below_standard", by=office)
        services.roster_file(township=places["township"], by=office)

    one_more_round()
    few = measure()
    one_more_round()
    one_more_round()
    # each: auth (2), the count, the page (vacancies: segment, water body, township, people joined and the
    # applicants counted; changes: patroller, township, contract and filing joined; filings: township, filer)
    assert few == measure() == [AUTH_QUERIES + 2] * 3


# --- /api/v1/me/ ----------------------------------------------------------------------------------------------------


def test_me_shows_a_patroller_their_record_and_segment(api, cast, hired, segments):
    body = api.as_user(cast["patroller"]).get("/api/v1/me/").json()
    assert body["patroller"] == {
        "id": hired.pk,
        "name": "张建国",
        "segment": {"id": segments["home"].pk, "name": "贾鲁河丰庆路段", "water_body": "贾鲁河"},
    }


def test_me_shows_no_patroller_record_for_offices_or_unlinked_logins(api, cast):
    assert api.as_user(cast["township_office"]).get("/api/v1/me/").json()["patroller"] is None
    assert api.as_user(cast["patroller"]).get("/api/v1/me/").json()["patroller"] is None


# --- vacancies, applicants, hiring ----------------------------------------------------------------------------------


def test_recruitment_from_vacancy_to_contract(api, office, places, segments):
    client = api.as_user(office)
    vacancy = client.post("/api/v1/vacancies/", {"segment": segments["home"].pk, "reason": "below_standard"})
    assert vacancy.status_code == 201, vacancy.content
    url = f"/api/v1/vacancies/{vacancy.json()['id']}/"

    first = candidate(office, places["village"], name="甲")
    second = candidate(office, places["village"], name="乙", poverty_relief=True)
    for person in (first, second):
        added = client.post(url + "applicants/", {"patroller": person.pk, "exam_score": "80", "interview_score": "90"})
        assert added.status_code == 201, added.content

    ranking = client.get(url).json()["applicants"]
    assert [(a["name"], a["total"], a["rank"]) for a in ranking] == [("乙", "85.00", 1), ("甲", "85.00", 2)]

    hired = client.post(url + "hire/", {"applicant": ranking[0]["id"], "start": "2026-07-01", "end": "2027-06-30"})
    assert hired.status_code == 201, hired.content
    assert client.get(url).json()["status"] == "filled"
    assert client.post(url + "cancel/").status_code == 400


def test_hiring_an_ineligible_applicant_answers_the_failure_codes(api, office, places, segments):
    client = api.as_user(office)
    vacancy = services.vacancy_open(segment=segments["home"], reason="dismissal", by=office)
    old = candidate(office, places["village"], born=date(1960, 5, 5))
    applicant = services.applicant_add(vacancy=vacancy, patroller=old, by=office, exam_score=Decimal("90"))

    response = client.post(
        f"/api/v1/vacancies/{vacancy.pk}/hire/", {"applicant": applicant.pk, "start": "2026-07-01", "end": "2027-06-30"}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["age"]


def test_a_vacancy_of_another_township_is_not_found(api, cast, segments):
    vacancy = services.vacancy_open(segment=segments["neighbour"], reason="dismissal", by=cast["other_township_office"])
    assert api.as_user(cast["township_office"]).get(f"/api/v1/vacancies/{vacancy.pk}/").status_code == 404
    assert api.as_user(cast["county_office"]).get(f"/api/v1/vacancies/{vacancy.pk}/").status_code == 200


# --- roster changes and filings -------------------------------------------------------------------------------------


def test_unfiled_changes_oldest_first_then_a_filing_clears_them(api, office, places, segments):
    later = candidate(office, places["village"], name="晚")
    earlier = candidate(office, places["village"], name="早")
    hire(later, segments["home"], office, date(2026, 5, 1))
    hire(earlier, segments["home"], office, date(2026, 2, 1))
    client = api.as_user(office)

    unfiled = client.get("/api/v1/roster-changes/?unfiled=true").json()["results"]
    assert [(row["patroller_name"], row["kind"], row["date"]) for row in unfiled] == [
        ("早", "hire", "2026-02-01"),
        ("晚", "hire", "2026-05-01"),
    ]

    filing = client.post("/api/v1/roster-filings/", {"township": places["township"].pk})
    assert filing.status_code == 201, filing.content
    assert filing.json()["change_count"] == 2
    assert client.get("/api/v1/roster-changes/?unfiled=true").json()["count"] == 0
    assert client.get("/api/v1/roster-changes/?unfiled=false").json()["count"] == 2

    again = client.post("/api/v1/roster-filings/", {"township": places["township"].pk})
    assert again.status_code == 400
    assert list(again.json()["errors"]) == ["non_field_errors"]


def test_an_office_cannot_file_another_townships_roster(api, cast, places):
    response = api.as_user(cast["other_township_office"]).post(
        "/api/v1/roster-filings/", {"township": places["township"].pk}
    )
    assert response.status_code == 404


def test_resignation_through_the_api(api, office, hired):
    response = api.as_user(office).post(
        f"/api/v1/patrollers/{hired.pk}/resign/", {"date": "2026-04-30", "reason": "外出务工"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resigned"
    assert response.json()["segment"] is None
    assert RosterChange.objects.filter(kind="resignation", date=date(2026, 4, 30)).exists()
