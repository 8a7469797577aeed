"""Office pages in a real browser (headless Chromium) on the demo data set, where layout matters: at 390×844 the top
menu folds behind its button and roster names stay whole; at 1280×800 the overview table shows every column."""

import pytest

pytestmark = pytest.mark.xdist_group("demo-server")  # the one demo server of tests/overview/conftest.py


def _no_sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_on_a_phone_the_menu_folds_behind_a_button(logged_in, demo_server):
    page = logged_in("demo_township", 390, 844)
    page.goto(f"{demo_server}/")

    button, menu = page.locator(".menu-toggle"), page.locator("#main-menu")
    assert button.is_visible() and not menu.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    menu.get_by_role("link", name="花名册", exact=True).click()
    page.wait_for_url("**/staffing/patrollers/**")
    assert _no_sideways_scroll(page) <= 0


def test_on_a_desktop_the_menu_is_open_and_has_no_button(logged_in, demo_server):
    page = logged_in("demo_township", 1280, 800)
    page.goto(f"{demo_server}/")

    assert page.locator("#main-menu").is_visible()
    assert not page.locator(".menu-toggle").is_visible()


def test_on_a_phone_roster_names_stay_whole(logged_in, demo_server):
    page = logged_in("demo_county", 390, 844)
    page.goto(f"{demo_server}/staffing/patrollers/")

    cells = page.locator("table.roster tbody tr td:first-child")
    assert cells.count() > 0
    line = cells.first.evaluate("cell => parseFloat(getComputedStyle(cell).lineHeight)")
    for index in range(min(cells.count(), 10)):
        box = cells.nth(index).locator("a").bounding_box()
        assert box is not None and box["height"] < 1.6 * line, cells.nth(index).inner_text()
    assert _no_sideways_scroll(page) <= 0  # the table scrolls inside its own box


@pytest.mark.parametrize("user", ["demo_county", "demo_city"])
def test_the_overview_table_shows_every_column_at_1280(logged_in, demo_server, user):
    page = logged_in(user, 1280, 800)
    page.goto(f"{demo_server}/overview/")

    wrap = page.locator(".table-wrap:has(.overview-table)")
    hidden = wrap.evaluate("box => box.scrollWidth - box.clientWidth")
    assert hidden <= 0, f"{hidden}px of the overview table are cut off at 1280 px"
