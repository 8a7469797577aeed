"""The county overview in a real browser (headless Chromium): charts and map drawn for the demo county, no
horizontal page scroll on a desktop or a phone, a segment on the map leads to its township's review.

SCREENSHOTS=1 refreshes the screenshots in docs/screenshots/ (the ones committed there are from these tests); an
ordinary run writes none. The module's tests share one demo server, so they run on one xdist worker."""

import pytest

from tests import screenshots

pytestmark = pytest.mark.xdist_group("demo-server")


def _overview(logged_in, demo_server, width: int, height: int):
    page = logged_in("demo_county", width, height)
    page.goto(f"{demo_server}/overview/")
    page.wait_for_selector("#chart-trend[data-rendered=true] canvas", timeout=20_000)
    page.wait_for_selector("#overview-map[data-rendered=true] svg a.seg-link", timeout=20_000)
    return page


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_county_overview_draws_its_charts_and_map_without_sideways_scrolling(logged_in, demo_server, width, height):
    page = _overview(logged_in, demo_server, width, height)

    assert page.locator("h1").inner_text().startswith("总览 · 金水区")
    for chart in ("#chart-trend", "#chart-rank", "#chart-scores"):
        box = page.locator(f"{chart} canvas").first.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 150, chart
    segments = int(page.locator("#overview-map").get_attribute("data-segments"))
    assert segments == page.locator("#overview-map a.seg-link").count() > 0
    assert page.locator("#map-legend li").count() >= 2
    # Colour by staffing status: every segment takes one of the status colours.
    page.click(".map-modes button[data-mode=status]")
    assert page.locator(".map-modes button[data-mode=status]").get_attribute("aria-pressed") == "true"

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    # The wide table scrolls inside its own box instead.
    table = page.locator(".overview-table").first
    assert table.is_visible()

    screenshots.save(page, f"overview-county-{width}")


def test_a_segment_on_the_map_opens_its_townships_review(logged_in, demo_server):
    page = _overview(logged_in, demo_server, 1280, 800)
    link = page.locator("#overview-map a.seg-link").first
    township = link.get_attribute("data-township")
    link.locator(".seg").first.click(force=True)
    page.wait_for_url("**/patrol/review/**")

    assert f"township={township}" in page.url
    assert "month=" in page.url
    assert page.locator("h1").count() == 1
