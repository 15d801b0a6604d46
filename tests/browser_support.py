"""What the browser tests share: Debian's Chromium through Playwright, and a folder served on loopback.

Without a Chromium the tests that use `browser` skip with the reason, except under CI=true,
where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def unavailable(reason: str):
    """No browser: a visible skip on a workstation, a failure in CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    for candidate in (os.environ.get("PJOURNAL_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):  # fmt: skip
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


#: Material's default font is Roboto from Google Fonts: answered with an empty stylesheet (the fallback
#: font), so a page shows the same with or without a network; still recorded as a request leaving the site.
THEME_FONTS = "https://fonts.googleapis.com/"


class Reader:
    """A browser context on a served site, as one reader: every request leaving the site is recorded
    in `outside` (and aborted, or for the theme's fonts answered empty), messages logged as errors in
    `console` (a resource that failed to load is one), uncaught exceptions in `errors`, every dialog in
    `dialogs` (and dismissed).

    `settle_ms` is waited after each page load, for what fires late (an onerror once a broken image
    fails); `options` go to `browser.new_context` (viewport, color_scheme, ...).
    """

    def __init__(self, browser, base: str, *, settle_ms: int = 0, **options) -> None:
        self.base = base
        self.settle_ms = settle_ms
        self.outside: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(**options)
        self.context.route(lambda url: not url.startswith(base), self._outside)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.console.append(f"{self.page.url}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))
        self.page.on("dialog", self._dialog)

    def _outside(self, route) -> None:
        url = route.request.url
        self.outside.append(url)
        if url.startswith(THEME_FONTS):
            route.fulfill(status=200, content_type="text/css", body="")
        else:
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{self.page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def open(self, path: str):
        """The page at `path` below the site, loaded with HTTP 200."""
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        if self.settle_ms:
            self.page.wait_for_timeout(self.settle_ms)
        return self.page

    def close(self) -> None:
        self.context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


class Served:
    """A folder served on a free loopback port from a background thread; `base` ends in '/'."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module."""
    executable = find_chromium()
    if executable is None:
        unavailable("no Chromium found (/usr/bin/chromium, chromium on PATH, or PJOURNAL_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as e:  # noqa: BLE001 - any launch failure means "no usable browser"
        playwright.stop()
        unavailable(f"Chromium at {executable} did not start: {str(e).splitlines()[0]}")
    yield chromium
    chromium.close()
    playwright.stop()
