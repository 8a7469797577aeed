#!/usr/bin/env python3
"""Opens the pages that depend on scripts in a real browser under the Content-Security-Policy and reports every
violation the browser saw (a manual check, not part of CI: it needs a browser).

    make run                                                # the demo data on http://127.0.0.1:8000, or any server
    .venv/bin/pip install playwright                        # the Python package only; never `playwright install`
    .venv/bin/python tests/contract/browser_csp_check.py http://127.0.0.1:8000 [--password demo12345]

Uses Debian's Chromium (`apt-get install chromium`, /usr/bin/chromium). Signs in as demo_city (superuser: the admin)
and demo_township, then: Swagger UI at /api/v1/docs/ renders every operation and "Try it out" runs a request; the
admin, DRF's browsable API and the office pages load; the language switch, a confirmation dialog and the score
sheet's reason marker work. Exits 1 if the browser reported any violation or a step failed.
"""

import argparse
import sys

from playwright.sync_api import sync_playwright

RECORD_VIOLATIONS = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"
)
PAGES = [
    "/admin/",
    "/admin/staffing/patroller/",
    "/admin/rivers/waterbody/import/",
    "/api/v1/me/",
    "/staffing/patrollers/",
    "/patrol/review/",
    "/assessments/flags/",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--password", default="demo12345")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args()
    problems: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=options.chromium, args=["--no-sandbox"])

        def sign_in(username: str):
            context = browser.new_context()
            context.add_init_script(RECORD_VIOLATIONS)
            page = context.new_page()
            page.goto(f"{options.base}/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", options.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            return page

        def step(page, what: str, ok: bool) -> None:
            violations = page.evaluate("window.__csp")
            print(f"{'ok ' if ok and not violations else 'BAD'} {what}{' ' + str(violations) if violations else ''}")
            if not ok or violations:
                problems.append(what)

        page = sign_in("demo_city")
        page.goto(f"{options.base}/api/v1/docs/")
        page.wait_for_selector(".opblock", timeout=30_000)
        step(page, f"Swagger UI renders {page.locator('.opblock').count()} operations", True)
        me = "#operations-me-me_retrieve"
        page.click(f"{me} .opblock-summary")
        page.click(f"{me} button.try-out__btn")
        page.click(f"{me} button.execute")
        page.wait_for_selector(f"{me} .live-responses-table tbody .response-col_status", timeout=30_000)
        status = page.locator(f"{me} .live-responses-table tbody .response-col_status").first.inner_text().strip()
        step(page, f"Swagger UI 'Try it out' GET /api/v1/me/ answers {status}", status == "200")
        for path in PAGES:
            response = page.goto(f"{options.base}{path}")
            page.wait_for_load_state("networkidle")
            step(page, f"{path} ({response.status})", response.status == 200)

        page = sign_in("demo_township")
        page.goto(f"{options.base}/assessments/flags/")
        page.select_option("select[name=language]", "en")
        page.wait_for_load_state("networkidle")
        step(page, f"the language switch submits its form ({page.title()})", "Dismissal" in page.title())
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        confirm = page.locator("button[data-confirm]")
        if confirm.count():
            before = page.url
            confirm.first.click()
            page.wait_for_timeout(500)
            step(page, "a data-confirm button asks, and a 'no' stays", bool(dialogs) and page.url == before)
        page.goto(f"{options.base}/assessments/sheet/")
        if page.locator("button[value=prepare]").count() and not page.locator("input.score").count():
            page.click("button[value=prepare]")
            page.wait_for_load_state("networkidle")
        score = page.locator("form[data-reason-gap] input.score")
        if score.count():
            score.first.fill("0")
            marked = "needs-reason" in (page.locator("form[data-reason-gap] .part").first.get_attribute("class") or "")
            step(page, "the score sheet marks a reason as required", marked)
        browser.close()

    print("violations or failures:" if problems else "no violation", *problems, sep="\n  ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
