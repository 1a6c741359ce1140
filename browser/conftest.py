"""Real-browser tests: Playwright driving the system Chromium (never a downloaded browser).

They skip, with the reason, when Playwright or Chromium is missing (CHROMIUM_PATH, default
/usr/bin/chromium); `.ci/run` installs Debian's chromium when it can.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _chromium_path():
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which(CHROMIUM) if os.sep not in CHROMIUM else None


@pytest.fixture(scope="module")
def browser():
    path = _chromium_path()
    if not path:
        pytest.skip(f"no Chromium at {CHROMIUM} (set CHROMIUM_PATH or apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -e '.[dev]')")
    # Playwright's sync API runs an event loop in the test thread, which Django's async-safety
    # check takes for async code; the ORM calls the tests make between page actions are
    # synchronous. Allowed only while a browser is open (these modules), then restored.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=path, headless=True,
                                  args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            yield b
            b.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


class Page:
    """A browser page on the live server that records console errors."""

    def __init__(self, browser, base_url, viewport):
        self.context = browser.new_context(viewport=viewport, locale="vi-VN")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.errors = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path):
        return self.page.goto(self.base_url + path)

    def login(self, user):
        """Log `user` in through a session made by the test client (the login form, its
        throttling and second factor have their own tests)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base_url}])

    def scroll_width(self):
        return self.page.evaluate("document.documentElement.scrollWidth")

    def close(self):
        self.context.close()


@pytest.fixture
def desktop(browser, live_server):
    page = Page(browser, live_server.url, DESKTOP)
    yield page
    page.close()


@pytest.fixture
def phone(browser, live_server):
    page = Page(browser, live_server.url, PHONE)
    yield page
    page.close()
