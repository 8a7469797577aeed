"""The assessments admin: read-only pages that load, and office staff see only their own scope."""

from datetime import date

import pytest
from django.apps import apps

from assessments import services
from assessments.models import Assessment, SupervisionReport
from tests.factories import FAILING, staff

pytestmark = pytest.mark.django_db

MODELS = ["assessment", "correction", "spotcheckdraw", "dismissalflag", "supervisionreport"]


@pytest.fixture
def history(cast, hire, assess):
    """A flagged patroller (March and April 2026 failed), a correction request and a county draw of May."""
    patroller = hire(start=date(2026, 1, 1))
    assess(patroller, date(2026, 3, 1), passed=False)
    april = assess(patroller, date(2026, 4, 1), passed=False)
    services.correction_request(
        assessment=april,
        by=cast["township_office"],
        scores={**FAILING, "records": 11},
        reasons={"records": "补录"},
        reason="复核",
    )
    SupervisionReport.objects.create(
        patroller=patroller,
        reporter=cast["supervisor"],
        observed_on=date(2026, 5, 6),
        text="未巡河",
        township_id=patroller.township_id,
        county=cast["county_office"].county,
    )
    services.spot_check_draw(county=cast["county_office"].county, month=date(2026, 5, 1), by=cast["county_office"])
    return patroller


@pytest.mark.parametrize("model", MODELS)
def test_every_list_and_row_page_loads_read_only(admin_client, history, model):
    assert admin_client.get(f"/admin/assessments/{model}/").status_code == 200
    assert admin_client.get(f"/admin/assessments/{model}/add/").status_code == 403
    pk = apps.get_model("assessments", model).objects.first().pk
    assert admin_client.get(f"/admin/assessments/{model}/{pk}/change/").status_code == 200


def test_office_staff_see_only_their_scope(client, cast, history):
    client.force_login(staff(cast["other_township_office"], "assessments"))
    assert client.get("/admin/assessments/assessment/").context["cl"].result_count == 0

    client.force_login(staff(cast["township_office"], "assessments"))
    assert client.get("/admin/assessments/assessment/").context["cl"].result_count == Assessment.objects.count()
