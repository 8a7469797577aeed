"""Fixtures of the overview tests.

Browser tests drive Debian's Chromium (`/usr/bin/chromium`, `apt-get install -y chromium`) through Playwright for
Python; Playwright's own browser downloads are never used. Without Chromium they are skipped with that reason,
unless REQUIRE_BROWSER=1 (CI), where a missing browser fails them.

`demo_server` serves the demo data set (`seed_demo`) from a server process of its own on a free loopback port, with
its own SQLite file: the pages are what an office sees after `make run`.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import free_port, stop, wait_until_up

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-browser-12345"


def _browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return "Chromium is not installed (/usr/bin/chromium; apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (requirements-dev.txt)"
    return None


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium driven by Playwright (session-wide)."""
    missing = _browser_missing()
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_server(chromium, tmp_path_factory):
    """The base URL of a server of the demo data set (migrated and seeded once per session)."""
    folder = tmp_path_factory.mktemp("demo-server")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "DJANGO_SETTINGS_MODULE": "tests.servers_settings",  # the fast password hasher: a login per test
        "LANGUAGE_CODE": "zh-hans",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    # Our own interpreter and manage.py with fixed arguments (S603).
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT, timeout=300)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*manage, "seed_demo", "--password", DEMO_PASSWORD],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/accounts/login/", server, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


@pytest.fixture
def logged_in(chromium, demo_server):
    """logged_in(username, width, height) → a Playwright page signed in through the login form."""
    contexts = []

    def open_page(username: str, width: int, height: int):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{demo_server}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield open_page
    for context in contexts:
        context.close()
