"""The phone app in a real browser: Debian's headless Chromium driven by Playwright against the live server.

A 360×740 phone with its location granted walks the home segment (a 1 km line due east at 34.75° N), answers the
checks, attaches a photo with EXIF and submits; then the same offline, with an expired token, and a log the server
refuses. Skipped when /usr/bin/chromium is absent, except where REQUIRE_BROWSER=1 (CI), where that fails instead.
Set SCREENSHOTS=1 to refresh docs/screenshots/ (the README shows them).
"""

import contextlib
import io
import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from patrol.models import PatrolLog, Photo
from tests import screenshots
from tests.factories import ALL_NORMAL, EAST, LAT, PASSWORD, WEST, local
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


class InFlight:
    """The live server's application, counting the requests it is answering, one at a time on SQLite.

    On SQLite the live server's threads share the test's one in-memory connection: two requests at once (the phone
    sends a log while it reloads its month) make SQLite refuse one ("database table is locked"), which a real
    server with its own connections never meets, so they are answered one after the other there. And a test must
    not end while a request is still answered: the database is flushed after the test, and that flush fails on a
    table a request is reading, leaving the test's rows to the next test."""

    def __init__(self, app, *, one_at_a_time: bool):
        self.app = app
        self.count = 0
        self.lock = threading.Lock()
        self.turn = threading.Lock() if one_at_a_time else contextlib.nullcontext()

    def __call__(self, environ, start_response):
        with self.lock:
            self.count += 1
        try:
            with self.turn:
                return self.app(environ, start_response)
        finally:
            with self.lock:
                self.count -= 1

    def wait_idle(self, quiet: float = 0.3, timeout: float = 15) -> None:
        """Until no request has been in flight for `quiet` seconds (one already sent may still arrive)."""
        deadline = time.monotonic() + timeout
        idle_since = None
        while time.monotonic() < deadline:
            if self.count:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= quiet:
                return
            time.sleep(0.02)
        raise AssertionError(f"the live server still answers {self.count} request(s) after {timeout} s")


@pytest.fixture
def in_flight(live_server) -> InFlight:
    from django.db import connection

    httpd = live_server.thread.httpd
    app = httpd.get_app()
    if not isinstance(app, InFlight):
        app = InFlight(app, one_at_a_time=connection.vendor == "sqlite")
        httpd.set_app(app)
    return app


@contextlib.contextmanager
def new_phone(browser, live_server, in_flight: InFlight, viewport: dict) -> Iterator:
    """A fresh phone (empty storage, no service worker yet) with its location granted at the segment's west end;
    closed at the end, and the server left idle before the test's database is flushed."""
    context = browser.new_context(
        viewport=viewport,
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
    try:
        yield context, page
    finally:
        context.close()
        in_flight.wait_idle()


@pytest.fixture
def phone(browser, live_server, in_flight, media_root):
    with new_phone(browser, live_server, in_flight, PHONE) as (context, page):
        yield context, page


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def shot(page, name: str) -> None:
    """No horizontal scrolling at 360 px on every screen; a screenshot for the README when asked for."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width} px wide"
    screenshots.save(page, name)


def sign_in(page, username: str = "patroller") -> None:
    page.goto("/m/")
    page.wait_for_selector("#screen-login:not([hidden])")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#screen-today:not([hidden])")
    page.wait_for_selector("#start:visible")


def points_shown(page, n: int) -> None:
    """Wait until the walk shows `n` GPS points. Waits go through Playwright's locators, never through
    `wait_for_function`, whose predicate the page evaluates with eval(), which the app's CSP (script-src 'self')
    refuses."""
    from playwright.sync_api import expect

    expect(page.locator("#points")).to_have_text(str(n), timeout=TIMEOUT_MS)


def walk_the_segment(context, page, legs: int = 20) -> None:
    page.click("#start")
    page.wait_for_selector("#screen-patrol:not([hidden])")
    for i in range(legs + 1):
        lng = WEST + (EAST - WEST) * i / legs
        context.set_geolocation({"latitude": LAT, "longitude": lng, "accuracy": 8})
        points_shown(page, i + 1)


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
    # A promise the page settles, awaited by Playwright (no eval in the page, so the CSP has nothing to refuse).
    page.evaluate(
        """timeout => navigator.serviceWorker.ready.then(() => new Promise((resolve, reject) => {
            if (navigator.serviceWorker.controller) return resolve(true);
            navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true), {once: true});
            setTimeout(() => reject(new Error("the service worker never took the page")), timeout);
        }))""",
        TIMEOUT_MS,
    )


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
    from playwright.sync_api import expect

    context, page = phone
    sign_in(page)
    controlled_by_the_service_worker(page)
    page.wait_for_selector("#start:visible")

    context.set_offline(True)
    walk_the_segment(context, page, legs=4)
    end_and_fill(page)
    page.click("#submit")
    item_state(page, "pending")
    # The app tries at once and again at times (发送中 for a moment); offline it stays 待发送.
    expect(page.locator("#outbox-list .item .badge")).to_contain_text("待发送", timeout=TIMEOUT_MS)
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
    points_shown(page, 4)
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


def sign_out(page) -> None:
    page.goto("/m/#today")
    page.click("#logout")  # the dialog about unsent logs is accepted
    page.wait_for_selector("#screen-login:not([hidden])")


def test_a_log_waiting_on_a_shared_phone_is_sent_only_under_the_patroller_who_wrote_it(
    phone, patroller, other_patroller
):
    """Patroller A files a log offline and signs out; B signs in online: nothing is filed under B, A's log waits
    with a notice naming A; A signs in again: the log is filed under A."""
    context, page = phone
    sign_in(page, "patroller")
    context.set_offline(True)
    walk_the_segment(context, page, legs=3)
    end_and_fill(page)
    page.click("#submit")
    item_state(page, "pending")
    sign_out(page)

    context.set_offline(False)
    sign_in(page, "patroller2")
    # Whatever sends the outbox (the page, the service worker's Background Sync) sends nothing of A's now.
    assert page.evaluate("RiverOutbox.flush({api: '/api/v1/'})") == {
        "sent": 0,
        "failed": 0,
        "auth": False,
        "retry": False,
    }
    page.goto("/m/#outbox")
    notice = page.locator("#outbox-list .item.other-owner .notice")
    notice.wait_for()
    assert "patroller" in notice.text_content() and "登录后发送" in notice.text_content()
    assert page.locator("#outbox-list .item.other-owner button").count() == 0  # B can neither retry nor delete it
    assert page.text_content("#outbox-count") == ""
    assert PatrolLog.objects.count() == 0

    sign_out(page)
    sign_in(page, "patroller")
    page.goto("/m/#outbox")
    item_state(page, "sent")
    log = PatrolLog.objects.get()
    assert log.patroller == patroller


def test_a_walk_left_unfinished_is_not_handed_to_the_next_patroller(phone, patroller, other_patroller):
    """A's token expires in the middle of filling a log; B signs in on the same phone: B starts from Today."""
    from knox.models import AuthToken

    context, page = phone
    sign_in(page, "patroller")
    walk_the_segment(context, page, legs=2)
    page.click("#end")
    page.wait_for_selector("#screen-form:not([hidden])")
    page.check("fieldset[data-code=signboard] input[value=damaged]", force=True)
    AuthToken.objects.all().delete()
    page.evaluate("RiverOutbox.kv.del('checklist')")  # so that the form asks the server again after a reload
    page.reload()
    page.wait_for_selector("#login-expired:visible")

    page.fill("input[name=username]", "patroller2")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#screen-today:not([hidden])")
    page.wait_for_selector("#start:visible")
    assert page.evaluate("RiverOutbox.kv.get('patrol')") is None
    assert page.evaluate("RiverOutbox.kv.get('draft')") is None
    page.click("#start")
    page.wait_for_selector("#screen-patrol:not([hidden])")
    assert page.text_content("#points") in ("0", "1")  # a new walk, not A's two legs


def queue_log(page, day, segment, uuid_tail: str, **changes) -> None:
    """Put a log of `day` into the phone's outbox as the app does, with `changes` to the body."""
    body = {
        "client_uuid": f"6f1c2b8e-0000-4000-8000-{uuid_tail:0>12}",
        "date": day.isoformat(),
        "started_at": local(day, 8).isoformat(),
        "ended_at": local(day, 9).isoformat(),
        "segment": segment.pk,
        "checks": ALL_NORMAL,
        "actions": [],
        "notes": "",
        "track": [],
        **changes,
    }
    summary = {"date": day.isoformat(), "segment": segment.name, "start": "08:00", "end": "09:00"}
    page.evaluate(
        "([log, summary]) => RiverOutbox.enqueue("
        "{uuid: log.client_uuid, owner: {username: 'patroller', name: 'patroller'}, body: log, summary}, [])",
        [body, summary],
    )


def test_a_log_the_server_refuses_stays_with_its_message(phone, patroller, today, home_segment):
    """A phone that kept a log offline for five days: too late (API: 400), kept as 需处理 with the API's words;
    a retry would be refused the same way, so none is offered (deleting it is)."""
    _context, page = phone
    sign_in(page)
    queue_log(page, today - timedelta(days=5), home_segment, "5")
    page.goto("/m/#outbox")
    page.click("#send-now")
    item_state(page, "failed")

    assert "需处理" in page.text_content("#outbox-list .item .badge")
    assert "超过期限" in page.text_content("#outbox-list .item .message")
    assert page.locator("#outbox-list .item button.retry").count() == 0
    assert "重试也不会改变结果" in page.text_content("#outbox-list .item")
    assert page.locator("#outbox-list .item button", has_text="删除").count() == 1
    assert PatrolLog.objects.count() == 0
    page.reload()
    item_state(page, "failed")  # never dropped
    shot(page, "7-refused")


def test_todays_refused_log_is_shown_refused_with_the_servers_words_not_waiting(
    phone, patroller, today, home_segment, patrol_now
):
    from playwright.sync_api import expect

    _context, page = phone
    sign_in(page)
    checks = {"sewage_outfall": "normal", "dumping": "sometimes", "reclamation": "normal"}
    queue_log(page, today, home_segment, "6", checks=checks)  # the API: 400, the checks are not all answered
    page.goto("/m/#outbox")
    page.click("#send-now")
    item_state(page, "failed")
    message = page.text_content("#outbox-list .item .message")

    page.goto("/m/#today")
    expect(page.locator("#today-status.bad")).to_contain_text("被服务器退回", timeout=TIMEOUT_MS)
    assert message in page.text_content("#today-status")
    assert "等待发送" not in page.text_content("#today-status")
    assert PatrolLog.objects.count() == 0


def test_a_server_error_keeps_the_log_waiting_with_a_retry(phone, patroller, today, home_segment, patrol_now):
    """A 503: not a refusal. The log waits, says so, and is sent on 重试 once the server is back."""
    _context, page = phone
    sign_in(page)
    page.route("**/api/v1/patrol-logs/", lambda route: route.fulfill(status=503, body=""))
    queue_log(page, today, home_segment, "7")
    page.goto("/m/#outbox")
    page.click("#send-now")
    retry = page.locator("#outbox-list .item.state-pending button.retry")
    retry.wait_for()
    assert "503" in page.text_content("#outbox-list .item")

    page.unroute("**/api/v1/patrol-logs/")
    retry.click()
    item_state(page, "sent")
    assert PatrolLog.objects.count() == 1


MEASURE = """() => {
    // Every visible element with text of its own: its computed font size. Every visible control: its box.
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
    const name = (el) => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}"`;
    const small = [];
    for (const el of document.querySelectorAll("body *")) {
        if (!visible(el)) continue;
        const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3 && n.textContent.trim()).length;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (own && size < 18) small.push(`${name(el)} ${size}px`);
    }
    const tiny = [];
    for (const el of document.querySelectorAll("button, a[href], .button, .choice span, .toggle span")) {
        if (!visible(el)) continue;
        const box = el.getBoundingClientRect();
        if (box.height < 48 || box.width < 48) tiny.push(`${name(el)} ${box.width}x${box.height}`);
    }
    return {small, tiny, root: parseFloat(getComputedStyle(document.documentElement).fontSize)};
}"""


def sizes_are_readable(page, screen: str) -> None:
    found = page.evaluate(MEASURE)
    assert found["small"] == [], f"{screen}: text under 18 px"
    assert found["tiny"] == [], f"{screen}: tap targets under 48 px"
    assert found["root"] >= 18, f"{screen}: the rem unit is {found['root']} px"


def test_text_is_at_least_18px_and_tap_targets_48px_on_every_screen(
    browser, live_server, in_flight, media_root, patroller
):
    """At 390×844 (a common phone): every visible text ≥ 18 px, every button or link ≥ 48 × 48 px."""
    with new_phone(browser, live_server, in_flight, {"width": 390, "height": 844}) as (context, page):
        page.goto("/m/")
        page.wait_for_selector("#screen-login:not([hidden])")
        sizes_are_readable(page, "login")
        sign_in(page)
        page.wait_for_selector("#today-status.bad")
        sizes_are_readable(page, "today")
        walk_the_segment(context, page, legs=2)
        sizes_are_readable(page, "patrol")
        end_and_fill(page, problem="dumping")
        page.check("#actions input[value=stopped]", force=True)
        sizes_are_readable(page, "form")
        page.click("#submit")
        page.wait_for_selector("#screen-outbox:not([hidden])")
        item_state(page, "sent")
        sizes_are_readable(page, "outbox")
        page.click("#tabs a[data-screen=month]")
        page.wait_for_selector("#calendar .day.patrolled")
        sizes_are_readable(page, "month")


def test_a_patroller_without_a_contract_is_told_whom_to_call(phone, patroller, today, places):
    from rivers.models import Township
    from staffing.models import Contract

    Township.objects.filter(pk=places["township"].pk).update(office_phone="0371-6555 1234")
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
    call = page.locator("a#duty-call")
    assert call.is_visible() and call.get_attribute("href") == "tel:037165551234"
    assert "0371-6555 1234" in call.text_content()
    shot(page, "8-no-duty")


def test_the_language_switch_is_hidden_offline_and_during_a_walk(phone, patroller):
    """Switching the language reloads the page from the server: it would fail offline and interrupt a walk."""
    context, page = phone
    sign_in(page)
    switch = page.locator("#language-form button[name=language]")
    assert switch.is_visible()

    context.set_offline(True)
    switch.wait_for(state="hidden")
    context.set_offline(False)
    switch.wait_for(state="visible")

    walk_the_segment(context, page, legs=1)
    assert not switch.is_visible()
    page.click("#end")
    page.wait_for_selector("#screen-form:not([hidden])")
    assert not switch.is_visible()
    page.click("#discard-form")
    page.wait_for_selector("#screen-today:not([hidden])")
    switch.wait_for(state="visible")


def test_the_ordinary_login_page_sends_a_patroller_to_the_app_signed_in(phone, patroller):
    _context, page = phone
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "patroller")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")

    page.wait_for_url("**/m/")
    page.wait_for_selector("#screen-today:not([hidden])")
