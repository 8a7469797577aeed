"""Rules of the browser tests: README screenshots only when SCREENSHOTS=1 (tests/screenshots.py), and waits that
work under the app's Content-Security-Policy."""

from pathlib import Path

from tests import screenshots


class Page:
    """What a Playwright page does with a screenshot request: writes the file."""

    def screenshot(self, *, path: str, full_page: bool) -> None:
        Path(path).write_bytes(b"\x89PNG")


def test_nothing_is_written_without_the_request(monkeypatch, tmp_path):
    monkeypatch.delenv("SCREENSHOTS", raising=False)

    assert screenshots.save(Page(), "today", tmp_path / "shots") is None
    assert not (tmp_path / "shots").exists()


def test_the_screenshot_is_written_on_request(monkeypatch, tmp_path):
    monkeypatch.setenv("SCREENSHOTS", "1")

    path = screenshots.save(Page(), "today", tmp_path / "shots")

    assert path == tmp_path / "shots" / "today.png" and path.exists()


def test_the_browser_tests_write_screenshots_only_through_the_helper():
    tests = Path(__file__).resolve().parent
    for module in (tests / "overview" / "test_browser.py", tests / "mobile" / "test_browser.py"):
        assert ".screenshot(" not in module.read_text(encoding="utf-8"), module


def test_the_browser_tests_do_not_wait_with_eval():
    """`page.wait_for_function` has the page eval() its predicate (a string or a function's source alike), which the
    CSP (script-src 'self', no 'unsafe-eval') refuses: waits go through locators/expect or an awaited promise."""
    tests = Path(__file__).resolve().parent
    for module in tests.glob("**/test_browser.py"):
        assert "wait_for_function(" not in module.read_text(encoding="utf-8"), module
