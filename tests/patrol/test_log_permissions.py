"""Who may submit, list and read patrol logs (SPEC §1): every role against every log endpoint.

A log on S-HOME (home township 丰庆路街道 in 金水区, villages 柳林村 and 毛庄村) by the cast's patroller.
Out of scope is 404, a role that may not act is 403, no login is 401.
"""

import pytest
from rest_framework.test import APIClient

from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/patrol-logs/"

# role → sees the home log?
READ = {
    "patroller": True,  # their own
    "village_chief": True,  # S-HOME passes their village
    "township_office": True,
    "other_township_office": False,
    "county_office": True,
    "other_county_office": False,
    "city_office": True,
}
MAY_NOT_READ = ["supervisor", "outsider"]


@pytest.fixture
def home_log(cast, patroller, submit, log_body):
    response = submit(cast["patroller"], log_body())
    assert response.status_code == 201
    return response.json()


@pytest.mark.parametrize(("role", "sees"), READ.items())
def test_the_home_log_is_read_by_exactly_those_in_scope(cast, api, home_log, role, sees):
    client = api.as_user(cast[role])
    detail = client.get(f"{LOGS}{home_log['id']}/")
    listed = client.get(LOGS)
    assert detail.status_code == (200 if sees else 404)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == ([home_log["id"]] if sees else [])


@pytest.mark.parametrize("role", MAY_NOT_READ)
def test_roles_without_logs_may_not_read_them(cast, api, home_log, role):
    client = api.as_user(cast[role])
    assert client.get(LOGS).status_code == 403
    assert client.get(f"{LOGS}{home_log['id']}/").status_code == 403


def test_without_a_login_nothing_is_answered(home_log, log_body):
    api = APIClient()  # the `api` fixture's client carries the token `submit` gave it
    assert api.get(LOGS).status_code == 401
    assert api.get(f"{LOGS}{home_log['id']}/").status_code == 401
    assert api.post(LOGS, log_body(), format="json").status_code == 401


def test_another_patroller_gets_404_for_my_log_and_sees_only_their_own(
    api, home_log, other_patroller, submit, log_body
):
    client = api.as_user(other_patroller.user)
    assert client.get(f"{LOGS}{home_log['id']}/").status_code == 404
    own = submit(other_patroller.user, log_body()).json()
    assert [row["id"] for row in client.get(LOGS).json()["results"]] == [own["id"]]
    # Asking for my logs by filter finds nothing either.
    assert client.get(LOGS, {"patroller": home_log["patroller"]}).json()["results"] == []


def test_a_village_chief_of_a_village_off_the_segment_does_not_see_the_log(api, places, home_log):
    chief = make_user(
        "far_chief",
        "village_chief",
        county=places["other_county"],
        township=places["far"],
        village=places["far_village"],
    )
    assert api.as_user(chief).get(f"{LOGS}{home_log['id']}/").status_code == 404


def test_the_chief_of_the_segments_second_village_sees_the_log(api, places, home_log):
    chief = make_user(
        "chief2", "village_chief", county=places["county"], township=places["township"], village=places["village2"]
    )
    assert api.as_user(chief).get(f"{LOGS}{home_log['id']}/").status_code == 200


@pytest.mark.parametrize(
    "role",
    [
        "village_chief",
        "township_office",
        "other_township_office",
        "county_office",
        "city_office",
        "supervisor",
        "outsider",
    ],
)
def test_only_a_patroller_may_submit_a_log(cast, api, patroller, log_body, role):
    response = api.as_user(cast[role]).post(LOGS, log_body(), format="json")
    assert response.status_code == 403
    assert "errors" in response.json()


def test_a_township_office_asking_for_another_township_gets_404(cast, api, places, home_log):
    client = api.as_user(cast["township_office"])
    assert client.get(LOGS, {"township": places["neighbour"].pk}).status_code == 404
    assert client.get(LOGS, {"township": places["township"].pk}).json()["count"] == 1


def test_a_county_office_filters_its_townships(cast, api, places, home_log):
    client = api.as_user(cast["county_office"])
    assert client.get(LOGS, {"township": places["township"].pk}).json()["count"] == 1
    assert client.get(LOGS, {"township": places["neighbour"].pk}).json()["count"] == 0
    assert client.get(LOGS, {"township": places["far"].pk}).status_code == 404
