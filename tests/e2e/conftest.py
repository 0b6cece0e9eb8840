"""Browser harness: Playwright drives Debian's Chromium (never a downloaded browser) against the
live test server; screenshots land in tests/e2e/artifacts/ (git-ignored)."""

from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, demo_totp

PASSWORD = "demo-Pass-2026"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        # An English browser on purpose: the portal must still answer in Vietnamese.
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
        page = context.new_page()
        # Every journey also proves the Content-Security-Policy holds: no violation is reported.
        violations = []
        page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)  # fmt: skip
        page.csp_violations = violations  # a test may set aside those its own probes cause
        yield page
        context.close()
        browser.close()
        assert not violations, violations


@pytest.fixture
def artifacts() -> Path:
    folder = Path(__file__).resolve().parent / "artifacts"
    folder.mkdir(exist_ok=True)
    return folder


def sign_in(page, server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    second_step = f"{server.url}/accounts/login/code/"
    page.wait_for_url(lambda url: url in (f"{server.url}/", second_step))
    if page.url == second_step:  # heads, inspectors, orgcom: the second step
        page.fill("#id_code", demo_totp())
        page.click("main button[type=submit]")
    page.wait_for_url(f"{server.url}/")
