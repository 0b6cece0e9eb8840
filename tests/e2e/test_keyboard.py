"""A cadre who uses only the keyboard signs in, writes a draft and submits it (issue 13, acceptance 4),
on a desktop screen and on a phone's (390×844, where the menu folds behind its button).

Every step is a key press — Tab, Shift+Tab, Enter, Space, arrows and typing; nothing is clicked. At each
stop the focus is where a keyboard user expects it and shows: the username on the sign-in page, the skip
link first on every other page, the main region after it, the error summary when a submission lacks
something, the field an error names when its link is followed. The native "are you sure" of the
irreversible submission is accepted as a person would accept it. Screenshots in
tests/e2e/artifacts/keyboard_<screen>_*.png."""

import re

import pytest
from django.core.management import call_command

from tests.e2e.conftest import PASSWORD

PLAN = {
    "necessity": "Hồ sơ đầu tư phải nộp ở ba nơi; người dân đi lại nhiều lần.",
    "legal_basis": "Luật Đầu tư 2020; Nghị định 73/2023/NĐ-CP.",
    "solution": "Một cửa liên thông giữa Sở và Ban quản lý khu công nghiệp.",
    "scope": "Các dự án trong khu công nghiệp của tỉnh.",
    "start_date": "01/03/2027",
    "end_date": "31/08/2027",
    "resources": "Hai cán bộ, phần mềm một cửa sẵn có.",
    "budget_vnd": "150000000",
    "feasibility": "Đã làm thử với hai hồ sơ.",
    "impact_positive": "Giảm thời gian từ 45 xuống 15 ngày.",
    "impact_negative": "Khối lượng việc tăng trong tháng đầu.",
    "expected_results": "90% hồ sơ đúng hạn.",
    "risks": "Phần mềm hai bên chưa liên thông; có phương án giấy dự phòng.",
}


@pytest.fixture
def demo_server(transactional_db, live_server):
    # Seeded before Playwright starts: Django refuses database calls inside its event loop.
    call_command("seed_demo", "--force", verbosity=0)
    return live_server


def focused(page, selector: str) -> bool:
    return page.evaluate("selector => document.activeElement.matches(selector)", selector)


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Tab forward until the element is focused, and check that its focus can be seen."""
    for _ in range(limit):
        if focused(page, selector):
            break
        page.keyboard.press("Tab")
    assert focused(page, selector), f"Tab never reached {selector}"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", f"{selector} has the focus but shows no focus ring"


def start_of_page(page) -> None:
    """The first Tab of a page reaches its skip link; Enter puts the focus in the main region."""
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link"), page.evaluate("() => document.activeElement.outerHTML")
    page.keyboard.press("Enter")
    assert focused(page, "main"), page.evaluate("() => document.activeElement.outerHTML")


@pytest.mark.e2e
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_cadre_signs_in_writes_a_draft_and_submits_it_with_the_keyboard_alone(
    demo_server, browser_page, artifacts, screen
):
    from playwright.sync_api import expect

    page, url = browser_page, demo_server.url
    if screen == "phone":  # 390×844: the menu folds behind its button, opened with the keyboard too
        page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{url}/accounts/login/")
    assert focused(page, "#id_username")  # the sign-in page starts in its first field
    page.keyboard.type("cadre_a")
    page.keyboard.press("Tab")
    assert focused(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{url}/")

    # Through the menu, past the skip link, to the list of proposals, and there to a new one.
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link")
    if screen == "phone":
        tab_to(page, "button.navbar-toggler", limit=5)
        page.keyboard.press("Enter")
        expect(page.locator("#nav-main")).to_be_visible()
        assert page.get_attribute("button.navbar-toggler", "aria-expanded") == "true"
    tab_to(page, 'nav a[href="/proposals/"]', limit=15)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{url}/proposals/")
    start_of_page(page)
    tab_to(page, '[data-testid="new-proposal"]', limit=15)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{url}/proposals/new/")
    start_of_page(page)
    tab_to(page, "#id_title", limit=20)
    page.keyboard.type("Một cửa liên thông cho dự án trong khu công nghiệp")
    page.keyboard.press("Enter")  # the form's first button: save the draft
    # (The skip link's #main stays on the address through the redirect, as a browser keeps it.)
    page.wait_for_url(re.compile(r"/proposals/\d+/edit/(#main)?$"))
    expect(page.locator(".alert-success")).to_be_visible()
    edit_url = page.url.split("#")[0]
    page.screenshot(path=str(artifacts / f"keyboard_{screen}_1_draft.png"), full_page=True)

    # Submitting an incomplete draft: the summary takes the focus; its first link leads to the field.
    tab_to(page, 'button[name="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused(page, "[data-error-summary]"), page.evaluate("() => document.activeElement.outerHTML")
    page.screenshot(path=str(artifacts / f"keyboard_{screen}_2_error_summary.png"), full_page=True)
    page.keyboard.press("Tab")
    assert focused(page, "[data-error-summary] a[data-field]")
    page.keyboard.press("Enter")
    assert focused(page, "#id_necessity"), page.evaluate("() => document.activeElement.outerHTML")

    for name, value in PLAN.items():
        tab_to(page, f"#id_{name}")  # the first is where the summary's link left the focus
        page.keyboard.type(value)
        if name == "necessity":
            # The kind of gap is a select just after: chosen with the arrow keys.
            tab_to(page, "#id_gap_kind")
            page.keyboard.press("ArrowDown")
            assert page.evaluate("() => document.activeElement.value"), "no kind of gap chosen"
    tab_to(page, "#id_conditions_confirmed")
    page.keyboard.press("Space")
    assert page.is_checked("#id_conditions_confirmed")

    tab_to(page, 'button[name="submit"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(edit_url.replace("/edit/", "/check/")) + "(#main)?$"))
    page.screenshot(path=str(artifacts / f"keyboard_{screen}_3_check.png"), full_page=True)
    start_of_page(page)
    tab_to(page, '[data-testid="submit"]')
    page.once("dialog", lambda dialog: dialog.accept())  # the consequence, asked again
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(edit_url.replace("/edit/", "/")) + "(#main)?$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator('[data-testid="submit"]')).to_have_count(0)
    page.screenshot(path=str(artifacts / f"keyboard_{screen}_4_submitted.png"), full_page=True)
