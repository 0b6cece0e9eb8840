"""A government service people can use (issue 13), the pages around the work: the icon every
browser asks for, a page that explains a form's address opened again instead of an empty 405,
and no "New proposal" button for someone who may not make one."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.test import Client

from tests.proposals.conftest import make_proposal


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_favicon_is_served_and_every_page_links_it(demo):
    answer = Client().get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"].endswith("img/favicon.svg")
    assert finders.find("img/favicon.svg")
    page = Client().get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "img/favicon.svg" in page


def test_an_action_address_opened_again_explains_itself(demo):
    proposal = make_proposal(demo["cadre_a"], "draft")
    for language, words in (("vi", "Không thể mở trang này"), ("en", "This page cannot be opened this way")):
        client = signed_in(demo["cadre_a"])
        client.cookies["django_language"] = language
        answer = client.get(f"/proposals/{proposal.pk}/submit/")
        assert answer.status_code == 405 and answer["Allow"] == "POST"
        text = answer.content.decode()
        assert words in text and 'href="/"' in text
        assert "Content-Security-Policy" in answer


def test_the_api_keeps_its_json_405(demo):
    from tests.conftest import api_client_for

    answer = api_client_for(demo["cadre_a"]).delete("/api/v1/me/")
    assert answer.status_code == 405 and "detail" in answer.json()


def test_new_proposal_is_offered_only_to_those_who_may_write_one(demo):
    assert 'data-testid="new-proposal"' in signed_in(demo["cadre_a"]).get("/proposals/").content.decode()
    admin_page = signed_in(demo["admin"]).get("/proposals/")
    assert admin_page.status_code == 200
    assert 'data-testid="new-proposal"' not in admin_page.content.decode()
    assert signed_in(demo["admin"]).get("/proposals/new/").status_code == 403


def test_the_breadcrumb_is_named_in_the_readers_language(demo):
    proposal = make_proposal(demo["cadre_a"], "submitted")
    page = signed_in(demo["cadre_a"]).get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'aria-label="Đường dẫn"' in page and 'aria-label="breadcrumb"' not in page


def test_every_action_the_services_write_has_a_label():
    import re
    from pathlib import Path

    from django.apps import apps

    from portal.actions import ACTION_LABELS

    codes = set()
    for model in apps.get_models():
        codes |= set(getattr(model, "TRANSITIONS", {}))
    root = Path(__file__).resolve().parents[2]
    for source in root.glob("*/services*.py"):
        codes |= set(re.findall(r'FLOW\.(?:record|log)\([^)]*?action="([a-z_]+)"', source.read_text(), re.S))
    codes |= {"resubmit", "open"}  # written through a variable or a conditional
    assert codes and codes <= set(ACTION_LABELS), sorted(codes - set(ACTION_LABELS))


def test_a_timeline_names_its_steps_in_words_not_codes(demo):
    proposal = make_proposal(demo["cadre_a"], "submitted")
    for language, label in (("vi", "Đã gửi"), ("en", "Submitted")):
        client = signed_in(demo["cadre_a"])
        client.cookies["django_language"] = language
        page = client.get(f"/proposals/{proposal.pk}/").content.decode()
        assert f'data-testid="step-action">{label}</span>' in page
        assert "<code>submit</code>" not in page and "<code>create</code>" not in page
