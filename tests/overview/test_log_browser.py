"""The log detail page in a real browser (headless Chromium, issue 13 item 4): opened from the review of the demo
township, it draws the track over the segment's line and shows the photos large. A screenshot goes to
docs/screenshots/ only with SCREENSHOTS=1 (the committed one comes from such a run)."""

import os
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("demo-server")  # the one demo server of tests/overview/conftest.py

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHOTO_FLAGS = ("taken_outside_window", "far_from_segment", "duplicate_photo", "no_exif")


def _months(today: date) -> list[str]:
    months, year, month = [], today.year, today.month
    for _ in range(4):
        months.append(f"{year}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def _open_a_log_with_track_and_photos(page, server: str) -> None:
    """From the review page of the demo township: a log with photos and a track (a photo flag narrows the list
    down to logs with photos), through its link."""
    rows = "table.logs tbody tr:has(.thumbs img):not(:has(.flag-no_track))"
    for month in _months(date.today()):
        for flag in PHOTO_FLAGS:
            page.goto(f"{server}/patrol/review/?month={month}&flag={flag}")
            found = page.locator(rows)
            if found.count():
                found.first.locator("a.log-link").click()
                page.wait_for_url("**/patrol/logs/**")
                return
    pytest.fail("no demo log with a track and photos on the review page")


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_log_page_draws_the_track_over_the_segment_and_shows_the_photos_large(
    logged_in, demo_server, width, height
):
    page = logged_in("demo_township", width, height)
    _open_a_log_with_track_and_photos(page, demo_server)

    assert page.locator("h1").inner_text() == "巡查日志详情"
    track = page.locator("#track-map path.map-track")
    assert track.count() == 1 and track.get_attribute("d").count("L") >= 5
    assert page.locator("#track-map path.map-segment").count() >= 1
    box = page.locator("#track-map").bounding_box()
    assert box is not None and box["width"] >= min(width - 60, 700) and box["height"] > 150
    # The track lies on the picture, not collapsed to a point.
    drawn = track.bounding_box()
    assert drawn is not None and max(drawn["width"], drawn["height"]) > 100

    photo = page.locator(".photo-large img").first
    photo.scroll_into_view_if_needed()
    assert "/large/" in photo.get_attribute("src")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle(), timeout=20_000)
    assert photo.evaluate("img => img.naturalWidth") >= 480  # the large rendition, not the 64-px thumbnail
    shown = photo.bounding_box()
    assert shown is not None and shown["width"] >= min(width - 80, 400)
    assert page.locator(".photo-large .flag-explained li, .photo-large .ok-note").count() >= 1

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"

    if os.environ.get("SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOTS / f"log-detail-{width}.png"), full_page=True)
