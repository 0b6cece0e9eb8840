"""Repeated failed sign-ins lock the account for a while (CONTRACT: "429 or 403 with the wait,
in words"; issue "Trust", defect 3, in part): from one address, the fifth wrong password on the
token endpoint or the sign-in form is answered 429 saying how long to wait, and so is the right
one after it; the same user from another address, and other users, are not locked."""

from __future__ import annotations

from django.test import Client
from rest_framework.test import APIClient

PASSWORD = "demo-Pass-2026"
TOKEN = "/api/v1/auth/token/"
WRONG = {"username": "cadre_a", "password": "sai-mat-khau"}
RIGHT = {"username": "cadre_a", "password": PASSWORD}


def test_the_token_endpoint_locks_after_five_failures(demo):
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    for _ in range(4):
        assert client.post(TOKEN, WRONG, format="json").status_code == 400
    assert client.post(TOKEN, WRONG, format="json").status_code == 429
    locked = client.post(TOKEN, RIGHT, format="json")
    assert locked.status_code == 429 and "15 phút" in locked.json()["detail"]
    english = client.post(TOKEN, RIGHT, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 429 and "15 minutes" in english.json()["detail"]
    assert APIClient(REMOTE_ADDR="10.0.0.8").post(TOKEN, RIGHT, format="json").status_code == 200
    other = {"username": "cadre_b", "password": PASSWORD}
    assert client.post(TOKEN, other, format="json").status_code == 200


def test_the_sign_in_form_locks_after_five_failures(demo):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(4):
        assert client.post("/accounts/login/", {"username": "cadre_b", "password": "sai"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "cadre_b", "password": "sai"}).status_code == 429
    locked = client.post("/accounts/login/", {"username": "cadre_b", "password": PASSWORD})
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode() and "15 phút" in locked.content.decode()
