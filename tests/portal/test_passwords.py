"""Passwords (issue 13: a sign-in took 0.8–0.9 s on the server, the cost of PBKDF2's million rounds on
this CPU): Argon2 hashes new passwords, the older hashes still sign in and are rewritten with
Argon2 at that sign-in. The time itself is measured in bench/, not here."""

from __future__ import annotations

import importlib

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import get_hasher, make_password
from django.test import RequestFactory, override_settings

from portal.models import User

PRODUCTION = importlib.import_module("portal.settings").PASSWORD_HASHERS  # the suite itself uses MD5


def test_argon2_is_the_hasher_and_the_library_is_installed():
    assert PRODUCTION[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=PRODUCTION):
        assert make_password("một mật khẩu đủ dài").startswith("argon2$argon2id$")
        assert get_hasher("default").algorithm == "argon2"


def test_an_older_hash_signs_in_and_is_rewritten_with_argon2(db):
    with override_settings(PASSWORD_HASHERS=PRODUCTION):
        older = make_password("mat-khau-cu-2020", hasher="pbkdf2_sha256")
        person = User.objects.create(username="older", full_name="Lê Văn Cũ", password=older)
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username="older", password="mat-khau-cu-2020") == person
        person.refresh_from_db()
        assert person.password.startswith("argon2$")
        assert authenticate(request, username="older", password="sai-mat-khau") is None
