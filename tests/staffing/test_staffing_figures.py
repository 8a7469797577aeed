"""`staffing_figures` (the overview's staffing sums) answers what the staffing report sums, segment by segment."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rivers.models import Segment, WaterBody
from staffing import selectors
from tests.factories import on_duty


@pytest.fixture
def staffed(cast, places, segments):
    today = timezone.localdate()
    reservoir = WaterBody.objects.create(code="K001", name="小水库", kind="reservoir", size_class="small_1")
    lake = WaterBody.objects.create(code="L001", name="湖", kind="lake")
    Segment.objects.create(code="S-RES", name="小水库段", water_body=reservoir, township=places["township"])
    Segment.objects.create(code="S-LAKE", name="湖段", water_body=lake, township=places["far"])
    village_basis = segments["home"]
    village_basis.basis = Segment.Basis.VILLAGE
    village_basis.length_km = Decimal("1.50")
    village_basis.save()
    for _ in range(3):
        on_duty(office=cast["township_office"], segment=segments["home"], village=places["village"], today=today)
    return today


@pytest.mark.parametrize("scope", ["city", "county", "township"])
def test_the_overviews_staffing_sums_equal_the_staffing_report(places, staffed, scope):
    county = places["county"] if scope == "county" else None
    township = places["township"] if scope == "township" else None
    for on in (staffed, staffed - timedelta(days=400), date(2030, 1, 1)):
        report = selectors.city_staffing_report(on=on, county=county, township=township)
        figures = selectors.staffing_figures(
            on=on,
            county_id=county.pk if county else None,
            township_id=township.pk if township else None,
            with_status=True,
        )

        assert figures.totals.as_dict() == report.totals.as_dict()
        assert {e.place.pk: e.totals.as_dict() for e in report.by_township} == {
            pk: totals.as_dict() for pk, totals in figures.by_township.items()
        }
        assert {e.place.pk: e.totals.as_dict() for e in report.by_county} == {
            pk: totals.as_dict() for pk, totals in figures.by_county.items()
        }
        assert {line.segment.pk: line.status for line in report.lines} == figures.status
