"""Who decides a correction (SPEC §6): the county office decides what the township office asks; the
city office decides what the county office itself asks; nobody decides their own request. Services, API and pages.

May 2026 of a home-township patroller is final at 10/20/10 (the `assess` fixture); corrections ask for 25/30/25.
"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from assessments import services
from assessments.models import Assessment, Correction
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)
CORRECTED = {"appearance": 25, "daily_work": 30, "records": 25}
REASONS = dict.fromkeys(CORRECTED, "复核")


@pytest.fixture
def may(hire, assess) -> Assessment:
    return assess(hire(start=date(2026, 1, 1)), MAY, passed=False)


def ask(cast, assessment, who: str) -> Correction:
    return services.correction_request(
        assessment=assessment, by=cast[who], scores=CORRECTED, reasons=REASONS, reason="补交纸质巡查记录"
    )


def test_a_correction_asked_by_the_county_office_is_decided_by_the_city_office(cast, may):
    correction = ask(cast, may, "county_office")
    assert (correction.approver, correction.get_approver_display()) == ("city", "市河长办")

    with pytest.raises(PermissionDenied, match="市河长办审批"):
        services.correction_approve(correction=correction, by=cast["county_office"])
    approved = services.correction_approve(correction=correction, by=cast["city_office"], note="同意")

    assert approved.assessment.total == 80
    assert (approved.correction.status, approved.correction.decided_by) == ("approved", cast["city_office"])


def test_a_correction_asked_by_the_township_office_is_decided_by_the_county_office_not_the_city(cast, may):
    correction = ask(cast, may, "township_office")
    assert correction.approver == "county"

    with pytest.raises(PermissionDenied, match="县级河长办审批"):
        services.correction_reject(correction=correction, by=cast["city_office"])
    services.correction_reject(correction=correction, by=cast["county_office"])

    assert Correction.objects.get(pk=correction.pk).status == "rejected"


def test_nobody_decides_their_own_request(cast, places, may):
    # A county-decided request filed by a county office user (as the system allowed before this rule): that user
    # may not decide it, a colleague of the same county office may.
    correction = Correction.objects.create(
        assessment=may,
        requested_by=cast["county_office"],
        approver="county",
        reason="复核",
        reasons=REASONS,
        **CORRECTED,
    )
    colleague = make_user("county_office_2", Role.COUNTY_OFFICE, county=places["county"])

    with pytest.raises(PermissionDenied, match="不能审批本人"):
        services.correction_approve(correction=correction, by=cast["county_office"])
    services.correction_approve(correction=correction, by=colleague)

    assert Correction.objects.get(pk=correction.pk).decided_by == colleague


def test_the_api_lets_the_city_office_approve_what_the_county_asked(cast, may, client_for):
    correction = ask(cast, may, "county_office")
    url = f"/api/v1/corrections/{correction.pk}/approve/"

    by_county = client_for(cast["county_office"]).post(url, {"note": "同意"}, format="json")
    by_city = client_for(cast["city_office"]).post(url, {"note": "同意"}, format="json")

    assert by_county.status_code == 403
    assert by_city.status_code == 200, by_city.content
    assert (by_city.json()["status"], by_city.json()["approver"]) == ("approved", "city")


def test_the_list_shows_who_decides_and_the_buttons_only_to_them(cast, may, hire, assess, web):
    ask(cast, may, "county_office")
    other = assess(hire(start=date(2026, 1, 1)), MAY, passed=False)
    ask(cast, other, "township_office")

    city = web(cast["city_office"]).get("/assessments/corrections/").content.decode()
    county = web(cast["county_office"]).get("/assessments/corrections/").content.decode()

    assert "由市河长办审批" in city and "由县级河长办审批" in city
    assert city.count("批准</button>") == 1 and county.count("批准</button>") == 1
    city_card = city.split(f'id="correction{Correction.objects.get(approver="city").pk}"')[1].split("</section>")[0]
    county_card = county.split(f'id="correction{Correction.objects.get(approver="county").pk}"')[1].split("</section>")[
        0
    ]
    assert "批准</button>" in city_card and "批准</button>" in county_card


def test_the_year_page_says_the_city_office_decides_the_countys_request(cast, may, web):
    client = web(cast["county_office"])
    data = {"assessment": str(may.pk), "reason": "补交纸质巡查记录"}
    for part, value in CORRECTED.items():
        data[f"s-{may.pk}-{part}"], data[f"r-{may.pk}-{part}"] = str(value), "复核"

    response = client.post(f"/assessments/patrollers/{may.patroller_id}/", data)

    assert "市河长办批准后生效" in client.get(response.url).content.decode()
    assert Correction.objects.get().approver == "city"
