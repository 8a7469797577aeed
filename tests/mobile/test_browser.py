"""The phone app in a real browser: Debian's headless Chromium driven by Playwright against the live server.

A 360×740 phone with its location granted walks the home segment (a 1 km line due east at 34.75° N), answers the
checks, attaches a photo with EXIF and submits; then the same offline, with an expired token, and a log the server
refuses. Skipped when /usr/bin/chromium is absent, except where REQUIRE_BROWSER=1 (CI), where that fails instead.
Set SCREENSHOTS=1 to refresh docs/screenshots/ (the README shows them).
"""

import io
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from patrol.models import PatrolLog, Photo
from tests.factories import EAST, LAT, PASSWORD, WEST, local
from tests.patrol.photo_images import make_exif

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
TIMEOUT_MS = 15_000

if not Path(CHROMIUM).exists() and os.environ.get("REQUIRE_BROWSER") != "1":
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)", allow_module_level=True)

# Playwright's synchronous API runs an event loop in this thread; the ORM calls of the test itself are plain
# synchronous code all the same (the live server answers the browser from its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# One browser and one live server for the module: its tests run on one xdist worker.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("phone-browser")]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, live_server, media_root):
    """A fresh phone (empty storage, no service worker yet) with its location granted at the segment's west end."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": LAT, "longitude": WEST, "accuracy": 8},
        permissions=["geolocation"],
        base_url=live_server.url,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    yield context, page
    context.close()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def shot(page, name: str) -> None:
    """No horizontal scrolling at 360 px on every screen; a screenshot for the README when asked for."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width} px wide"
    if os.environ.get("SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str = "patroller") -> None:
    page.goto("/m/")
    page.wait_for_selector("#screen-login:not([hidden])")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#screen-today:not([hidden])")
    page.wait_for_selector("#start:visible")


def walk_the_segment(context, page, legs: int = 20) -> None:
    page.click("#start")
    page.wait_for_selector("#screen-patrol:not([hidden])")
    for i in range(legs + 1):
        lng = WEST + (EAST - WEST) * i / legs
        context.set_geolocation({"latitude": LAT, "longitude": lng, "accuracy": 8})
        page.wait_for_function(f"document.getElementById('points').textContent === '{i + 1}'")


def answer_checks(page, problem: str | None = None) -> None:
    for fieldset in page.query_selector_all("#checks fieldset"):
        code = fieldset.get_attribute("data-code")
        choice = "problem" if code == problem else None
        if choice:
            fieldset.query_selector(f"input[value={choice}]").check(force=True)
        else:
            fieldset.query_selector("input[type=radio]").check(force=True)


def photo_with_exif(taken) -> bytes:
    """A 2400×1800 photo of noise (over 1 MB: the phone must downscale it) taken at `taken` on the segment."""
    image = Image.effect_noise((2400, 1800), 90).convert("RGB")
    exif = make_exif(taken=taken.strftime("%Y:%m:%d %H:%M:%S"), offset="+08:00", position=(LAT, 113.6255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    assert len(out.getvalue()) > 1_000_000
    return out.getvalue()


def end_and_fill(page, *, problem: str | None = None, photo: bytes | None = None) -> None:
    page.click("#end")
    page.wait_for_selector("#screen-form:not([hidden])")
    answer_checks(page, problem)
    if photo is not None:
        camera = page.locator(f"fieldset[data-code={problem}] .photo-for input") if problem else page.locator("#camera")
        camera.set_input_files({"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo})
        page.wait_for_selector("#photo-list img")


def item_state(page, state: str) -> None:
    page.wait_for_selector(f"#outbox-list .item.state-{state}")


def controlled_by_the_service_worker(page) -> None:
    """The service worker installed (shell cached) and in charge of the page (it claims open pages)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_a_patrol_walked_checked_photographed_and_sent(phone, patroller, today):
    context, page = phone
    page.goto("/m/")
    page.wait_for_selector("#screen-login:not([hidden])")
    shot(page, "1-login")
    sign_in(page)
    assert "贾鲁河丰庆路段" in page.text_content("#segment-name")
    page.wait_for_selector("#today-map svg polyline.seg", state="attached")
    page.wait_for_selector("#today-status.bad")
    assert "今天还没有巡查" in page.text_content("#today-status")
    shot(page, "2-today")

    walk_the_segment(context, page)
    assert page.query_selector("#patrol-map svg polyline.walked") is not None
    shot(page, "3-patrol")
    now = timezone.localtime(timezone.now())
    end_and_fill(page, problem="dumping", photo=photo_with_exif(now))
    page.fill("#notes", "河边有人倾倒建筑垃圾，已制止。")
    page.check("#actions input[value=stopped]", force=True)
    shot(page, "4-form")
    page.click("#submit")
    page.wait_for_selector("#screen-outbox:not([hidden])")
    item_state(page, "sent")
    assert "已发送" in page.text_content("#outbox-list .item .badge")
    shot(page, "5-outbox")

    log = PatrolLog.objects.get()
    assert log.checks["dumping"] == "problem" and log.actions == ["stopped"]
    assert len(log.track) == 21
    assert log.coverage is not None and log.coverage > 0.9
    assert "no_track" not in log.flags and "evidence_missing" not in log.flags
    photo = Photo.objects.get()
    assert photo.check_code == "dumping"
    assert max(photo.width, photo.height) <= 1600
    # The downscaled file has no EXIF: the capture time and place the phone read from the original were kept.
    assert (photo.taken_at_source, photo.location_source) == ("phone", "phone")
    assert abs(photo.taken_at - now.replace(microsecond=0)) <= timedelta(seconds=1)
    assert photo.flags == []

    page.click("#tabs a[data-screen=month]")
    page.wait_for_selector("#calendar .day.patrolled")
    shot(page, "6-month")
    page.click("#tabs a[data-screen=today]")
    page.wait_for_selector("#today-status.good")


def test_offline_the_log_waits_survives_a_reload_and_is_sent_once_back_online(phone, patroller):
    context, page = phone
    sign_in(page)
    controlled_by_the_service_worker(page)
    page.wait_for_selector("#start:visible")

    context.set_offline(True)
    walk_the_segment(context, page, legs=4)
    end_and_fill(page)
    page.click("#submit")
    item_state(page, "pending")
    assert "待发送" in page.text_content("#outbox-list .item .badge")
    assert PatrolLog.objects.count() == 0

    page.reload()  # still offline: the shell comes from the service worker
    page.wait_for_selector("#screen-outbox:not([hidden])")
    item_state(page, "pending")
    assert page.text_content("#net") == "离线"

    context.set_offline(False)
    item_state(page, "sent")
    assert PatrolLog.objects.count() == 1


def test_a_walk_and_the_answers_given_survive_a_reload(phone, patroller):
    context, page = phone
    sign_in(page)
    walk_the_segment(context, page, legs=3)
    page.reload()  # a phone call, the browser closed by mistake: the walk goes on with its points
    page.wait_for_selector("#screen-patrol:not([hidden])")
    page.wait_for_function("document.getElementById('points').textContent === '4'")
    page.click("#end")
    page.wait_for_selector("#screen-form:not([hidden])")
    page.check("fieldset[data-code=signboard] input[value=damaged]", force=True)
    page.fill("#notes", "公示牌被风吹倒")

    page.reload()
    page.wait_for_selector("#screen-form:not([hidden])")

    assert page.is_checked("fieldset[data-code=signboard] input[value=damaged]")
    assert page.input_value("#notes") == "公示牌被风吹倒"
    assert page.is_visible("fieldset[data-code=signboard] .photo-for")

    page.click("#discard-form")  # a patrol started by mistake: gone after a confirmation, nothing sent
    page.wait_for_selector("#screen-today:not([hidden])")
    page.reload()
    page.wait_for_selector("#start:visible")
    assert PatrolLog.objects.count() == 0


def test_a_revoked_token_asks_to_sign_in_again_and_then_sends(phone, patroller):
    from knox.models import AuthToken

    context, page = phone
    sign_in(page)
    context.set_offline(True)
    walk_the_segment(context, page, legs=3)
    end_and_fill(page)
    page.click("#submit")
    item_state(page, "pending")

    AuthToken.objects.all().delete()  # a password change or "sign out everywhere"
    context.set_offline(False)
    page.wait_for_selector("#screen-login:not([hidden])")
    assert page.is_visible("#login-expired")
    assert PatrolLog.objects.count() == 0

    page.fill("input[name=username]", "patroller")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.goto("/m/#outbox")
    item_state(page, "sent")
    assert PatrolLog.objects.count() == 1


def test_a_log_the_server_refuses_stays_with_its_message(phone, patroller, today, home_segment):
    """A phone that kept a log offline for five days: too late (API: 400), kept as 需处理 with the API's words."""
    _context, page = phone
    sign_in(page)
    day = today - timedelta(days=5)
    body = {
        "client_uuid": "6f1c2b8e-0000-4000-8000-000000000005",
        "date": day.isoformat(),
        "started_at": local(day, 8).isoformat(),
        "ended_at": local(day, 9).isoformat(),
        "segment": home_segment.pk,
        "checks": {
            "sewage_outfall": "normal",
            "dumping": "normal",
            "reclamation": "normal",
            "illegal_building": "normal",
            "illegal_fishing": "normal",
            "surface_cleanliness": "clean",
            "signboard": "intact",
        },
        "actions": [],
        "notes": "",
        "track": [],
    }
    summary = {"date": day.isoformat(), "segment": home_segment.name, "start": "08:00", "end": "09:00"}
    page.evaluate(
        "([log, summary]) => RiverOutbox.enqueue({uuid: log.client_uuid, body: log, summary}, [])", [body, summary]
    )
    page.goto("/m/#outbox")
    page.click("#send-now")
    item_state(page, "failed")

    assert "需处理" in page.text_content("#outbox-list .item .badge")
    assert "超过期限" in page.text_content("#outbox-list .item .message")
    assert PatrolLog.objects.count() == 0
    page.reload()
    item_state(page, "failed")  # never dropped
    shot(page, "7-refused")


def test_a_patroller_without_a_contract_is_told_whom_to_call(phone, patroller, today):
    from staffing.models import Contract

    Contract.objects.filter(patroller=patroller).update(
        status=Contract.Status.TERMINATED, terminated_on=today - timedelta(days=1)
    )
    _context, page = phone
    page.goto("/m/")
    page.fill("input[name=username]", "patroller")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#duty-none:not([hidden])")

    assert "金水区丰庆路街道河长办" in page.text_content("#duty-message")
    assert not page.is_visible("#start")
    shot(page, "8-no-duty")


def test_the_ordinary_login_page_sends_a_patroller_to_the_app_signed_in(phone, patroller):
    _context, page = phone
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "patroller")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")

    page.wait_for_url("**/m/")
    page.wait_for_selector("#screen-today:not([hidden])")
