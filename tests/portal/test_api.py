"""The shared API: token login, /me with the contract's roles, schema and docs, error codes."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import api_client_for

PASSWORD = "demo-Pass-2026"

EXPECTED = {
    "head_top": ("UBND", ["head"]),
    "head_a": ("SKHDT", ["head"]),
    "deputy_a": ("SKHDT", ["deputy"]),
    "cadre_a": ("SKHDT", ["cadre"]),
    "cadre_a2": ("SKHDT", ["cadre"]),
    "head_b": ("SNV", ["head"]),
    "cadre_b": ("SNV", ["cadre"]),
    "inspector": ("UBND", ["inspector"]),
    "orgcom": ("BTC", ["orgcom"]),
    "admin": (None, ["admin"]),
}


from tests.conftest import demo_totp  # noqa: E402

SECOND_FACTOR = {"head_top", "head_a", "deputy_a", "head_b", "inspector", "orgcom", "admin"}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_every_demo_user_gets_a_token_and_their_roles_from_me(demo, username):
    client = APIClient()
    body = {"username": username, "password": PASSWORD}
    if username in SECOND_FACTOR:  # CONTRACT: the current code of the demo's TOTP device
        assert client.post("/api/v1/auth/token/", body, format="json").status_code == 400
        body["otp"] = demo_totp()
    response = client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    unit, roles = EXPECTED[username]
    assert me.json() == {
        "username": username,
        "full_name": demo[username].full_name,
        "unit": unit,
        "roles": roles,
    }


def test_a_wrong_password_gets_400_with_a_message(demo):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "cadre_a", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_a_token_request_without_fields_gets_400_per_field(db):
    response = APIClient().post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_me_without_credentials_is_401(db):
    assert APIClient().get("/api/v1/me/").status_code == 401


def test_a_bad_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert client.get("/api/v1/me/").status_code == 401


def test_me_works_with_a_browser_session(demo, client):
    client.force_login(demo["deputy_a"])
    assert client.get("/api/v1/me/").json()["roles"] == ["deputy"]


def test_a_wrong_method_is_405_not_500(demo):
    client = api_client_for(demo["cadre_a"])
    assert client.delete("/api/v1/me/").status_code == 405
    assert client.get("/api/v1/auth/token/").status_code == 405
    assert client.post("/api/v1/units/", {}).status_code == 405


def test_malformed_json_is_400(demo):
    client = api_client_for(None)
    response = client.post("/api/v1/auth/token/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_the_openapi_schema_and_docs_are_served(demo):
    client = api_client_for(demo["cadre_a"])
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()  # offline: Swagger UI comes from our static files


def test_lists_are_paginated_as_the_contract_says(demo):
    body = api_client_for(demo["head_top"]).get("/api/v1/units/").json()
    assert set(body) == {"count", "next", "previous", "results"}
