"""Every API error speaks the caller's language (Accept-Language; Vietnamese by default), and an
unknown path under /api/ answers a JSON 404, never the HTML page.

The walk reads the OpenAPI schema, calls every operation as several personas on objects in
several states with a body whose every field is wrong, and looks at every message that comes back.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from pilots.models import Pilot
from proposals.models import Proposal

PERSONAS = ("cadre_a", "head_a", "head_top", "inspector", "orgcom")
WRONG = {"wrong": [1, {"x": None}]}  # no field of the API takes an object holding a list


def messages_in(value: Any) -> list[str]:
    """The message strings of an error body (its values, never its keys)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in messages_in(item)]
    if isinstance(value, list):
        return [text for item in value for text in messages_in(item)]
    return []


def is_vietnamese(text: str) -> bool:
    # Every Vietnamese sentence of the catalogues carries a letter outside ASCII (đ, ă, ơ, ư or a
    # tone mark); an English one carries none.
    return any(ord(char) > 127 and char.isalpha() for char in text)


def operations(schema: dict) -> list[tuple[str, str, list[str]]]:
    """(path, method, request body fields) of every operation that takes input."""
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in ("post", "patch", "put"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json") or next(iter(content.values()), {})
            found.append(
                (path, method, sorted(resolve(schema, body.get("schema", {})).get("properties", {})))
            )
    return found


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def fill(path: str, ids: dict[str, int]) -> str:
    replacements = {"username": "cadre_a2", "code": "SKHDT", "report_pk": "1", "action_pk": "1"}
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), replacements.get(m.group(1), "1"))), path)


@pytest.fixture
def schema(demo_full) -> dict:
    client = APIClient()
    client.force_authenticate(demo_full["head_a"])
    return client.get("/api/v1/schema/?format=json").json()


@pytest.mark.campaign  # a sweep of every operation of the schema (30 s): with the long campaigns
def test_every_api_error_to_a_vietnamese_caller_is_in_vietnamese(demo_full, schema):
    ops = operations(schema)
    assert len(ops) >= 25  # the walk sees the proposal, pilot, case and co-implementer actions
    by_state: dict[str, int] = {}
    for pk, state in Proposal.objects.order_by("id").values_list("id", "status"):
        by_state.setdefault(state, pk)
    pilots: dict[str, int] = {}
    for pk, state in Pilot.objects.order_by("id").values_list("id", "status"):
        pilots.setdefault(state, pk)
    proposals = list(by_state.values())
    english, seen = [], 0
    for username in PERSONAS:
        client = APIClient()
        client.force_authenticate(demo_full[username])
        for path, method, fields in ops:
            targets = pilots.values() if "/pilots/" in path else proposals
            for pk in list(targets)[:8] if "{id}" in path else [None]:
                url = fill(path, {"id": pk} if pk else {})
                body = dict.fromkeys(fields, WRONG) if fields else WRONG
                response = getattr(client, method)(url, body, format="json", HTTP_ACCEPT_LANGUAGE="vi")
                assert response.status_code < 500, (url, response.content[:500])
                if response.status_code >= 400 and response.get("Content-Type", "").startswith(
                    "application/json"
                ):
                    for text in messages_in(response.json()):
                        seen += 1
                        if not is_vietnamese(text):
                            english.append((username, method, url, response.status_code, text))
    assert seen > 500, seen
    assert english == []


def test_a_bad_body_is_answered_in_english_when_the_caller_asks_for_english(demo):
    from tests.conftest import api_client_for
    from tests.proposals.conftest import make_proposal

    proposal = make_proposal(demo["cadre_a"], "draft")
    client = api_client_for(demo["cadre_a"])
    body = {"budget_vnd": "a lot", "start_date": "someday"}
    english = client.patch(
        f"/api/v1/proposals/{proposal.pk}/", body, format="json", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"
    )
    assert english.status_code == 400
    assert english.json()["budget_vnd"] == ["A valid integer is required."]
    vietnamese = client.patch(f"/api/v1/proposals/{proposal.pk}/", body, format="json")
    assert vietnamese.json()["budget_vnd"] == ["Cần nhập một số nguyên hợp lệ."]
    assert is_vietnamese(vietnamese.json()["start_date"][0])
    other = client.patch(f"/api/v1/proposals/{proposal.pk}/", body, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert other.json()["budget_vnd"] == ["Cần nhập một số nguyên hợp lệ."]


def test_the_pages_keep_vietnamese_for_an_english_browser_while_the_api_follows_the_header(demo, client):
    client.force_login(demo["cadre_a"])
    page = client.get("/proposals/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert page["Content-Language"] == "vi"
    api = client.get("/api/v1/proposals/999999/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert api.json() == {"detail": "Not found."}


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/v1/nothing", "/api/v1/proposals/1/nothing/", "/api/other/"]
)
def test_an_unknown_api_path_is_a_json_404_whatever_the_method(demo, settings, debug, path):
    settings.DEBUG = debug
    client = APIClient()
    client.force_authenticate(demo["cadre_a"])
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(path)
        assert response.status_code == 404, (method, response.content[:200])
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": "Không tìm thấy."}
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"detail": "Not found."}


def test_an_api_path_without_its_trailing_slash_still_reaches_its_route(demo):
    client = APIClient()
    client.force_authenticate(demo["cadre_a"])
    assert client.get("/api/v1/me").json()["username"] == "cadre_a"
    created = client.post("/api/v1/proposals", {"title": "Không có dấu gạch chéo"}, format="json")
    assert created.status_code == 201
    assert client.get("/api/v1/proposals").json()["count"] == 1


def test_every_message_of_the_installed_drf_has_its_vietnamese():
    """DRF ships few Vietnamese messages; locale_vendor/ holds the rest. An upgrade that adds a
    message shows up here."""
    from pathlib import Path

    import polib
    import rest_framework
    from django.conf import settings

    locale = Path(rest_framework.__file__).parent / "locale"
    messages = {
        entry.msgid for entry in polib.mofile(str(locale / "en/LC_MESSAGES/django.mo")) if entry.msgid
    }
    ours = polib.pofile(str(settings.BASE_DIR / "locale_vendor/vi/LC_MESSAGES/django.po"))
    translated = {e.msgid for e in ours if e.msgstr or any(e.msgstr_plural.values())}
    translated |= {e.msgid_plural for e in ours if e.msgid_plural}
    translated |= {e.msgid for e in polib.mofile(str(locale / "vi/LC_MESSAGES/django.mo")) if e.msgstr}
    assert sorted(messages - translated) == []


def test_django_s_bounds_read_without_a_stray_space():
    """Django's own Vietnamese put a space before the full stop ("… bằng với 100 .")."""
    from django.core.validators import MaxValueValidator, MinValueValidator
    from django.utils import translation

    with translation.override("vi"):
        for validator in (MaxValueValidator(100), MinValueValidator(0)):
            message = str(validator.message) % {"limit_value": validator.limit_value}
            assert message.endswith(f"bằng {validator.limit_value}.") and " ." not in message


def test_every_message_of_the_installed_simple_history_has_its_vietnamese(client, demo):
    """django-simple-history ships no Vietnamese; locale_vendor/ holds its messages, and its list of
    an object's history (the admin's "History") reads in Vietnamese without an inline style, which
    the Content-Security-Policy would refuse."""
    from pathlib import Path

    import polib
    import simple_history
    from django.conf import settings

    from tests.proposals.conftest import make_proposal

    shipped = Path(simple_history.__file__).parent / "locale/fr/LC_MESSAGES/django.po"
    messages = {entry.msgid for entry in polib.pofile(str(shipped)) if entry.msgid and not entry.obsolete}
    ours = polib.pofile(str(settings.BASE_DIR / "locale_vendor/vi/LC_MESSAGES/django.po"))
    translated = {e.msgid for e in ours if e.msgstr or any(e.msgstr_plural.values())}
    assert sorted(messages - translated) == []
    proposal = make_proposal(demo["cadre_a"], "submitted")
    client.force_login(demo["admin"])
    page = client.get(f"/admin/proposals/proposal/{proposal.pk}/history/").content.decode()
    assert "Lý do thay đổi" in page and "Người thay đổi" in page and "Change reason" not in page
    assert 'class="paginator" style=' not in page


def test_the_admin_history_reads_labels_and_reasons_in_vietnamese(client, demo):
    """Each change's values as the pages show them (a status by its label, an empty value as —)
    and each row's reason in the reader's language, not the codes stored."""
    from tests.proposals.conftest import make_proposal

    proposal = make_proposal(demo["cadre_a"], "approved")
    reasons = set(proposal.history.values_list("history_change_reason", flat=True)) - {None, ""}
    client.force_login(demo["admin"])
    page = client.get(f"/admin/proposals/proposal/{proposal.pk}/history/").content.decode()
    assert "Được phê duyệt" in page and "&rarr;&nbsp;&nbsp;approved" not in page and "(pk=None)" not in page
    assert reasons and not any(f"<td>\n          {reason}\n" in page for reason in reasons)


def test_a_stored_reason_reads_in_the_readers_language():
    from django.utils import translation

    from portal.history import reason_text
    from proposals.models import Proposal

    with translation.override("vi"):
        assert reason_text("submit by cadre_a") == "Đã gửi (cadre_a)"
        edited = reason_text("edited by cadre_a: necessity, nope", Proposal)
        assert edited.startswith("Đã sửa (cadre_a): ") and edited.endswith(", nope")
        assert "necessity" not in edited
        assert reason_text("something new") == "something new"
        assert reason_text(None) == ""
