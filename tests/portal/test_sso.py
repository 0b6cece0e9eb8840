"""Single sign-on (issue "Organisation changes", acceptance 4) against an OpenID Connect provider
of the test's own: a small HTTP server on a loopback port that signs its ID tokens with an RSA key
(RS256) and publishes the key as a JWKS, as a real provider does. The portal goes there for the
token and the user's claims exactly as it would in production; no request leaves the machine."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from portal.models import RoleAssignment, User

CLIENT_ID, SECRET = "portal", "s3cret"


class Provider:
    """The fake provider: hands out a code's tokens once, with the claims the test sets."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.codes: dict[str, str] = {}  # code → nonce
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # the token endpoint
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                code = form.get("code", [""])[0]
                if form.get("client_secret") != [SECRET] or code not in provider.codes:
                    return self._json(400, {"error": "invalid_grant"})
                nonce = provider.codes.pop(code)
                now = int(time.time())
                token = jwt.encode(
                    {"iss": provider.url, "aud": CLIENT_ID, "sub": "id-42", "iat": now, "exp": now + 300,
                     "nonce": nonce},
                    provider.key, algorithm="RS256", headers={"kid": "k1"},
                )  # fmt: skip
                return self._json(
                    200, {"access_token": "at-" + code, "id_token": token, "token_type": "Bearer"}
                )

            def do_GET(self):
                if self.path == "/jwks":
                    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
                    return self._json(200, {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
                if self.path == "/userinfo" and self.headers.get("Authorization", "").startswith(
                    "Bearer at-"
                ):
                    return self._json(200, {"sub": "id-42", **provider.claims})
                return self._json(404, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def settings(self) -> dict:
        return {
            "OIDC_ENABLED": True, "OIDC_RP_CLIENT_ID": CLIENT_ID, "OIDC_RP_CLIENT_SECRET": SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo", "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_RP_SIGN_ALGO": "RS256", "OIDC_RP_SCOPES": "openid email profile", "OIDC_CREATE_USER": False,
            "OIDC_LOCAL_LOGIN": "admins",
        }  # fmt: skip

    def sign_in(self, client: Client, claims: dict):
        """The browser's round trip: to the provider and back with a code, as a redirect would."""
        self.claims = claims
        start = client.get("/oidc/authenticate/")
        assert start.status_code == 302, start
        sent = urlsplit(start["Location"])
        query = parse_qs(sent.query)
        assert f"{sent.scheme}://{sent.netloc}{sent.path}" == f"{self.url}/authorize"
        assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0]
        self.codes["code-1"] = query["nonce"][0]
        return client.get(
            urlsplit(query["redirect_uri"][0]).path, {"code": "code-1", "state": query["state"][0]}
        )


@pytest.fixture
def provider(settings):
    fake = Provider()
    for name, value in fake.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        settings.AUTHENTICATION_BACKENDS[0],
        "portal.sso.PortalBackend",
        *settings.AUTHENTICATION_BACKENDS[1:],
    ]
    yield fake
    fake.server.shutdown()


def test_a_person_signs_in_through_the_provider_matched_by_username(provider, demo):
    roles = set(RoleAssignment.objects.values_list("pk", "role", "unit_id"))
    client = Client()
    answer = provider.sign_in(client, {"preferred_username": "cadre_a", "email": "other@idp.example",
                                       "name": "Somebody Else"})  # fmt: skip
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert client.get("/").context["user"].username == "cadre_a"
    person = User.objects.get(username="cadre_a")
    assert person.full_name == "Phạm Minh Châu"  # the provider's name changes nothing
    assert set(RoleAssignment.objects.values_list("pk", "role", "unit_id")) == roles


def test_matched_by_email_when_the_username_is_unknown_and_never_created(provider, demo):
    client = Client()
    provider.sign_in(client, {"preferred_username": "a.nguyen", "email": "CADRE_B@demo.gov.vn.invalid"})
    assert client.get("/").context["user"].username == "cadre_b"
    stranger = Client()
    refused = provider.sign_in(stranger, {"preferred_username": "nobody", "email": "nobody@idp.example"})
    assert refused.status_code == 302 and "sso=failed" in refused["Location"]
    assert "không tìm thấy" in stranger.get(refused["Location"]).content.decode()
    assert not User.objects.filter(username="nobody").exists()
    assert "_auth_user_id" not in stranger.session


def test_the_second_factor_still_applies_and_the_password_is_for_administrators(provider, demo):
    client = Client()
    answer = provider.sign_in(client, {"preferred_username": "head_a"})
    assert answer.status_code == 302 and answer["Location"] in (
        "/accounts/login/code/",
        "/accounts/two-factor/",
    )
    assert "_auth_user_id" not in client.session  # not until the second factor
    page = Client().post("/accounts/login/", {"username": "cadre_a", "password": "demo-Pass-2026"})
    assert page.status_code == 200 and "quản trị viên" in page.content.decode()
    login = Client().get("/accounts/login/").content.decode()
    assert "/oidc/authenticate/" in login


def test_off_when_the_variables_are_unset(client, demo, settings):
    assert settings.OIDC_ENABLED is False
    assert "portal.sso.PortalBackend" not in settings.AUTHENTICATION_BACKENDS
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404
    assert "/oidc/" not in client.get("/accounts/login/").content.decode()
