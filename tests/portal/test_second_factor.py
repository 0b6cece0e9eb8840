"""The second factor on the token endpoint (CONTRACT, API auth; issue "Trust", defect 3, in
part): whoever has a TOTP device sends its current code with the password — without it, or with
a wrong one, 400 saying so; a cadre without one needs none, and an "otp" of theirs is ignored."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.conftest import demo_totp

TOKEN = "/api/v1/auth/token/"
PASSWORD = "demo-Pass-2026"


def post(body: dict):
    return APIClient().post(TOKEN, body, format="json")


def test_a_head_sends_the_current_code(demo):
    body = {"username": "head_a", "password": PASSWORD}
    missing = post(body)
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = post(body | {"otp": "000000" if demo_totp() != "000000" else "111111"})
    assert wrong.status_code == 400 and "otp" in wrong.json()
    for junk in ("", "abcdef", "1" * 40, 123):
        assert post(body | {"otp": junk}).status_code == 400, junk
    code = demo_totp()
    assert post(body | {"otp": code}).status_code == 200
    assert post(body | {"otp": code}).status_code == 200  # the same code serves a second request
    assert post({"username": "head_a", "password": "wrong", "otp": code}).status_code == 400


def test_a_cadre_needs_no_code_and_an_extra_one_is_ignored(demo):
    assert post({"username": "cadre_a", "password": PASSWORD}).status_code == 200
    assert post({"username": "cadre_a", "password": PASSWORD, "otp": "nonsense"}).status_code == 200


def test_every_role_that_decides_or_oversees_has_a_device(demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    owners = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert owners == {"head_top", "head_a", "deputy_a", "head_b", "inspector", "orgcom", "admin"}
