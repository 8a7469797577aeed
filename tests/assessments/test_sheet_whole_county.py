"""The county office's "全县" on the monthly scoring sheet: every township's rows of its county on
one read-only sheet, each with its township, and the same in the .xlsx."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from assessments import services

pytestmark = pytest.mark.django_db

SHEET = "/assessments/sheet/"
MAY, JAN_1 = date(2026, 5, 1), date(2026, 1, 1)


@pytest.fixture
def both_townships(cast, places, segments, hire, log, village_elsewhere):
    home = hire(start=JAN_1)
    neighbour = hire(
        start=JAN_1, segment=segments["neighbour"], office=cast["other_township_office"], village=village_elsewhere
    )
    for patroller in (home, neighbour):
        log(patroller, date(2026, 5, 4))
    services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])
    services.assessments_prepare(township=places["neighbour"], month=MAY, by=cast["other_township_office"])
    return home, neighbour


def test_the_county_office_sees_every_townships_rows_under_whole_county(cast, places, both_townships, web):
    home, neighbour = both_townships
    response = web(cast["county_office"]).get(SHEET, {"month": "2026-05", "township": "all"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="all" selected>全县</option>' in html
    assert "金水区 · 全县" in html
    for patroller, township in ((home, "丰庆路街道"), (neighbour, "杨金路街道")):
        card = html.split(f">{patroller.name}</a>")[1].split("</h3>")[0]
        assert township in card
    assert 'name="row"' not in html  # read only: the townships score their own
    # A township shows its own rows only.
    one = web(cast["county_office"]).get(SHEET, {"month": "2026-05", "township": places["township"].pk})
    assert neighbour.name not in one.content.decode()


def test_the_whole_county_sheet_downloads(cast, both_townships, web):
    response = web(cast["county_office"]).get("/assessments/sheet.xlsx", {"month": "2026-05", "township": "all"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("全县" in c for c in cells)
    assert all(p.name in cells for p in both_townships)


def test_whole_county_is_the_county_offices_own_only(cast, places, both_townships, web):
    assert web(cast["city_office"]).get(SHEET, {"township": "all"}).status_code == 404
    # As on the review page: a township office asking for more than its township is answered as for any place
    # outside its scope.
    assert web(cast["township_office"]).get(SHEET, {"month": "2026-05", "township": "all"}).status_code == 404
    saved = web(cast["county_office"]).post(SHEET, {"month": "2026-05", "township": "all", "action": "save"})
    assert saved.status_code == 403
