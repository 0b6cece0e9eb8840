"""The second factor on the sign-in page (issue "Trust", defect 3): on `main` the page signed a
head in with the password alone. Now whoever has an authenticator app gives its code (or a
backup code, once) before the session starts; whoever needs one and has none sets it up at their
first sign-in and gets ten backup codes; a cadre signs in with the password."""

from __future__ import annotations

import base64
import datetime
import time

import pytest
from django.test import Client
from django_otp.oath import TOTP

from portal import second_factor
from portal.models import RoleAssignment, Unit, User
from tests.conftest import demo_totp

PASSWORD = "demo-Pass-2026"


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def password_step(client: Client, username: str, next_url: str = "/proposals/") -> object:
    return client.post(f"/accounts/login/?next={next_url}", {"username": username, "password": PASSWORD})


def test_a_head_gives_the_code_before_the_session_starts(demo, client):
    response = password_step(client, "head_a")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert not signed_in(client)
    assert client.get("/proposals/").status_code == 302  # still signed out
    page = client.get("/accounts/login/code/")
    assert page.status_code == 200 and demo["head_a"].full_name in page.content.decode()
    wrong = client.post("/accounts/login/code/", {"code": "000000" if demo_totp() != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"] and not signed_in(client)
    right = client.post("/accounts/login/code/", {"code": demo_totp()})
    assert right.status_code == 302 and right["Location"] == "/proposals/"
    assert signed_in(client) and client.session["_auth_user_id"] == str(demo["head_a"].pk)


def test_a_cadre_signs_in_with_the_password(demo, client):
    response = password_step(client, "cadre_a")
    assert response.status_code == 302 and response["Location"] == "/proposals/" and signed_in(client)


def test_a_backup_code_signs_in_once(demo, client):
    codes = second_factor.new_backup_codes(demo["head_a"])
    assert len(codes) == 10 and len(set(codes)) == 10
    password_step(client, "head_a")
    assert client.post("/accounts/login/code/", {"code": codes[0].upper()}).status_code == 302
    assert signed_in(client) and second_factor.backup_codes_left(demo["head_a"]) == 9
    again = Client()
    password_step(again, "head_a")
    refused = again.post("/accounts/login/code/", {"code": codes[0]})
    assert refused.status_code == 200 and not signed_in(again)


def test_new_backup_codes_replace_the_old_ones(demo, client):
    old = second_factor.new_backup_codes(demo["head_a"])
    client.force_login(demo["head_a"])
    assert client.post("/accounts/two-factor/backup-codes/new/").status_code == 302
    shown = client.get("/accounts/two-factor/backup-codes/")
    new = shown.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert client.get("/accounts/two-factor/backup-codes/").status_code == 302  # shown once
    assert not second_factor.use_backup_code(demo["head_a"], old[0])
    assert second_factor.use_backup_code(demo["head_a"], new[0])


def test_a_new_deputy_sets_up_the_app_at_the_first_sign_in(demo, client):
    head = User.objects.create_user(username="truong_moi", password=PASSWORD, full_name="Lê Văn Mới",
                                    unit=Unit.objects.get(code="SNV"))  # fmt: skip
    RoleAssignment.objects.create(user=head, role=RoleAssignment.Role.DEPUTY, unit=head.unit,
                                  started_on=datetime.date(2020, 1, 1))  # fmt: skip
    response = password_step(client, "truong_moi", "/pilots/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"
    assert not signed_in(client)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and page.context["qr"].startswith("data:image/svg+xml")
    device = second_factor.enrolment_device(head)
    assert page.context["secret"].replace(" ", "") == base64.b32encode(device.bin_key).decode()
    assert client.post("/accounts/two-factor/", {"code": "12345a"}).status_code == 200 and not signed_in(
        client
    )
    generator = TOTP(device.bin_key, step=30, digits=6)
    generator.time = time.time()
    confirmed = client.post("/accounts/two-factor/", {"code": f"{generator.token():06d}"})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/accounts/two-factor/backup-codes/"
    assert signed_in(client) and second_factor.has_second_factor(head)
    codes = client.get("/accounts/two-factor/backup-codes/")
    assert len(codes.context["codes"]) == 10 and codes.context["after"] == "/pilots/"
    later = Client()
    assert password_step(later, "truong_moi")["Location"] == "/accounts/login/code/"


def test_wrong_codes_count_towards_the_lockout(demo, client):
    password_step(client, "head_b")
    wrong = "000000" if demo_totp() != "000000" else "111111"
    statuses = [client.post("/accounts/login/code/", {"code": wrong}).status_code for _attempt in range(5)]
    assert statuses[:4] == [200] * 4 and statuses[4] == 429
    assert client.post("/accounts/login/code/", {"code": demo_totp()}).status_code == 302  # back to the start
    assert not signed_in(client)
    locked = Client().post("/accounts/login/", {"username": "head_b", "password": PASSWORD})
    assert locked.status_code == 429


def test_the_pending_sign_in_runs_out(demo, client, monkeypatch):
    password_step(client, "head_a")
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/accounts/login/code/", {"code": "123456"})
    assert (
        response.status_code == 302 and response["Location"] == "/accounts/login/" and not signed_in(client)
    )


def test_the_code_step_without_a_password_step_goes_back_to_the_start(demo, client):
    assert client.get("/accounts/login/code/")["Location"] == "/accounts/login/"
    assert client.get("/accounts/two-factor/")["Location"] == "/accounts/login/"


def test_the_admin_signs_in_through_the_same_two_steps(demo, client):
    response = client.get("/admin/")
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert followed.status_code == 302 and followed["Location"].startswith("/accounts/login/?next=")
    assert password_step(client, "admin", "/admin/")["Location"] == "/accounts/login/code/"
    assert client.post("/accounts/login/code/", {"code": demo_totp()})["Location"] == "/admin/"


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/"])
def test_the_next_page_stays_on_the_portal(demo, client, target):
    client.post("/accounts/login/", {"username": "head_a", "password": PASSWORD, "next": target})
    assert client.post("/accounts/login/code/", {"code": demo_totp()})["Location"] == "/"


def test_the_security_page_lists_tokens_and_ends_one(demo, client):
    from portal import tokens

    token, value = tokens.issue(demo["cadre_a"])
    client.force_login(demo["cadre_a"])
    page = client.get("/accounts/security/")
    body = page.content.decode()
    assert page.status_code == 200 and token.token_key in body and value not in body
    assert client.post(f"/accounts/security/tokens/{token.token_key}/revoke/").status_code == 302
    assert not tokens.current_of(demo["cadre_a"]).exists()
    assert client.get(f"/accounts/security/tokens/{token.token_key}/revoke/").status_code == 405
