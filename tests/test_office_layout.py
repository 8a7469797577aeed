"""Office pages on a phone, as served: the top menu folds behind a menu button (static JS, no inline script), and a
long segment list of the staffing report is folded until asked for. tests/overview/test_office_browser.py checks
the same in a real browser at 390×844."""

import re
from decimal import Decimal

from rivers.models import Segment


def test_every_office_page_has_a_menu_button_for_the_folding_menu_and_no_inline_script(web, cast):
    page = web(cast["township_office"]).get("/").content.decode()

    assert re.search(
        r'<button type="button" class="menu-toggle" aria-controls="main-menu" aria-expanded="false" '
        r"hidden>菜单</button>",
        page,
    )
    assert '<nav id="main-menu"' in page
    assert '<script src="/static/js/site.js" defer></script>' in page
    assert "<script>" not in page and "onclick" not in page


def _segments(river, township, n: int) -> None:
    Segment.objects.bulk_create(
        Segment(code=f"S-{i:03d}", name=f"段{i:03d}", water_body=river, township=township, length_km=Decimal("2.00"))
        for i in range(n)
    )


def test_the_city_staffing_page_folds_a_long_segment_list(web, cast, places, river):
    _segments(river, places["township"], 45)

    page = web(cast["city_office"]).get("/staffing/report/").content.decode()

    assert '<details class="fold segment-details">' in page  # closed
    assert "共 45 行，点击展开或收起" in page


def test_a_short_segment_list_stays_open(web, cast, places, river):
    _segments(river, places["township"], 3)

    page = web(cast["township_office"]).get("/staffing/report/").content.decode()

    assert '<details class="fold segment-details" open>' in page
