"""Pages: login for every demo user, the home page, language switch, and no 500 anywhere."""

import pytest
from django.urls import reverse

from tests.conftest import demo_totp

PASSWORD = "demo-Pass-2026"
DEMO_USERS = [
    "head_top",
    "head_a",
    "deputy_a",
    "cadre_a",
    "cadre_a2",
    "head_b",
    "cadre_b",
    "inspector",
    "orgcom",
    "admin",
]
PAGES = [
    "/",
    "/notifications/",
    "/units/",
    "/units/SKHDT/",
    "/accounts/password/",
    "/api/v1/me/",
    "/api/v1/units/",
]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_demo_user_can_log_in_through_the_form(demo, client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD}, follow=True)
    if response.redirect_chain[-1][0] == reverse("login-code"):  # the second factor (heads, ...)
        response = client.post(reverse("login-code"), {"code": demo_totp()}, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.user.username == username
    assert response.redirect_chain[-1][0] == reverse("home")


def test_a_wrong_password_shows_a_form_error_and_no_session(demo, client):
    response = client.post(reverse("login"), {"username": "cadre_a", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert b"alert-danger" in response.content


def test_the_home_page_speaks_vietnamese_by_default(demo, client):
    client.force_login(demo["cadre_a"])
    page = client.get("/").content.decode()
    assert '<html lang="vi">' in page
    assert "Việc của tôi" in page
    assert "Phạm Minh Châu" in page


def test_the_language_switch_turns_the_page_english(demo, client):
    client.force_login(demo["cadre_a"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "My work" in page


def test_the_navigation_follows_the_roles(demo, client):
    client.force_login(demo["cadre_a"])
    assert reverse("unit-list") not in client.get("/").content.decode()
    client.force_login(demo["admin"])
    page = client.get("/").content.decode()
    assert reverse("unit-list") in page
    assert reverse("admin:index") in page


@pytest.mark.parametrize("url", PAGES)
def test_logged_out_visitors_are_sent_to_login_or_refused_never_500(db, client, url):
    response = client.get(url)
    assert response.status_code in {302, 401, 403}
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", ["/", "/notifications/", "/units/", "/units/SKHDT/"])
def test_a_wrong_method_on_a_page_is_405(demo, client, url):
    client.force_login(demo["head_a"])
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/units/%00/",
        "/units/" + "X" * 300 + "/",
        "/units/../",
        "/units/SKHDT/extra/",
        "/api/v1/units/abc%20def/",
        "/api/v1/units/" + "9" * 40 + "/",
        "/no-such-page/",
        "/notifications/?page=999999999999999999999",
        "/notifications/?page=-1",
        "/units/?q=" + "%27" * 200,
    ],
)
def test_malformed_urls_get_404_or_a_page_never_500(demo, client, url):
    client.force_login(demo["head_top"])
    assert client.get(url).status_code in {200, 404}


def test_marking_notifications_read_accepts_garbage_without_500(demo, client):
    client.force_login(demo["cadre_a"])
    for payload in [{"notification": "abc"}, {"notification": "9" * 40}, {"notification": "-5"}, {}]:
        assert client.post(reverse("notifications-read"), payload).status_code == 302
    assert demo["cadre_a"].notifications.filter(read_at__isnull=True).exists()


def test_marking_one_notification_read_touches_only_mine(demo, client):
    mine = demo["cadre_a"].notifications.get()
    theirs = demo["cadre_b"].notifications.get()
    client.force_login(demo["cadre_a"])
    client.post(reverse("notifications-read"), {"notification": theirs.pk})
    client.post(reverse("notifications-read"), {"notification": mine.pk})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_the_bell_counts_unread_notifications(demo, client):
    client.force_login(demo["cadre_a"])
    page = client.get("/").content.decode()
    assert 'data-testid="bell"' in page
    assert "badge rounded-pill" in page
    client.post(reverse("notifications-read"), {"all": "on"})
    assert "badge rounded-pill" not in client.get("/").content.decode()


def test_a_logged_out_post_to_logout_is_harmless(db, client):
    assert client.post(reverse("logout")).status_code == 302


def test_the_password_change_page_works(demo, client):
    client.force_login(demo["cadre_a"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Mat-khau-moi-2026!",
            "new_password2": "Mat-khau-moi-2026!",
        },
    )
    assert response.status_code == 302
    demo["cadre_a"].refresh_from_db()
    assert demo["cadre_a"].check_password("Mat-khau-moi-2026!")


def test_admin_pages_open_for_the_administrator(demo, client):
    client.force_login(demo["admin"])
    for url in [
        "/admin/",
        "/admin/portal/unit/",
        "/admin/portal/user/",
        "/admin/portal/roleassignment/",
        "/admin/portal/calendarday/",
    ]:
        assert client.get(url).status_code == 200, url
    unit = demo["head_a"].unit
    assert client.get(f"/admin/portal/unit/{unit.pk}/history/").status_code == 200
    assert client.get(f"/admin/portal/unit/{unit.pk}/delete/").status_code == 403


def test_an_english_browser_still_gets_vietnamese_until_the_person_switches(demo, client):
    client.force_login(demo["cadre_a"])
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page


def test_the_500_page_renders_without_the_database(rf):
    # No db fixture: pytest-django fails the test if the page touches the database.
    from portal.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()
