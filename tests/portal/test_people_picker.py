"""People pickers (issue 13): a head setting up a pilot, an author adding a co-implementer and a
head assigning an inspector find people by name or username as they type — without diacritics
too — among those they may choose on that record only; the forms take the people chosen (a
ticked box each) and still take usernames typed in full."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

from pilots import services as pilot_services
from pilots.models import Pilot
from portal.models import Unit, User
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, User]:
    call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
    outside = Unit.objects.create(code="TINHKHAC", name="UBND tỉnh Khác", kind=Unit.Kind.PEOPLES_COMMITTEE)
    User.objects.create_user("outsider", full_name="Phạm Minh Châu Khác", unit=outside, email="o@x.invalid")
    User.objects.create_user(
        "retired", full_name="Phạm Văn Nghỉ", unit=Unit.objects.get(code="SKHDT"), is_active=False
    )
    return {user.username: user for user in User.objects.all()}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def found(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return re.findall(r'data-pick="([^"]+)"', response.content.decode())


def search(user: User, purpose: str, record: int, text: str, field: str = "q"):
    return client_for(user).get(
        "/people/search/", {"for": purpose, "id": record, "field": field, field: text}
    )


def test_the_search_text_is_the_name_and_username_without_diacritics(people):
    head = people["head_a"]
    assert head.search_text == "nguyen van an head_a"
    head.full_name = "Nguyễn Văn Ân"
    head.save(update_fields=["full_name"])
    head.refresh_from_db()
    assert head.search_text == "nguyen van an head_a"
    assert User.history.model._meta.get_field("full_name") and not any(
        f.name == "search_text" for f in User.history.model._meta.fields
    )


def test_a_head_setting_up_a_pilot_finds_people_of_the_approving_unit_only(people):
    proposal = make_proposal(people["cadre_a"], "approved_by_head")
    head = people["head_a"]
    # "pham" finds Phạm Minh Châu (SKHDT) with or without diacritics; never the person of another
    # province nor a person no longer active
    assert found(search(head, "implementers", proposal.pk, "pham")) == ["cadre_a"]
    assert found(search(head, "implementers", proposal.pk, "Phạm Minh")) == ["cadre_a"]
    assert found(search(head, "implementers", proposal.pk, "dung")) == ["cadre_a2"]
    assert found(search(head, "implementers", proposal.pk, "cadre_a2")) == ["cadre_a2"]
    # the search box sends its text under the field's own name (htmx)
    assert found(search(head, "implementers", proposal.pk, "hoang", field="implementers")) == ["cadre_a2"]
    page = search(head, "implementers", proposal.pk, "zzz").content.decode()
    assert "Không tìm thấy ai" in page
    assert found(search(head, "implementers", proposal.pk, "   ")) == []


def test_whoever_may_not_choose_gets_403_or_404(people):
    proposal = make_proposal(people["cadre_a"], "approved_by_head")
    assert search(people["cadre_a"], "implementers", proposal.pk, "pham").status_code == 403
    assert search(people["cadre_b"], "implementers", proposal.pk, "pham").status_code == 404
    assert search(people["head_a"], "nobody-knows", proposal.pk, "pham").status_code == 404
    for record in ("x", "-1", "0", str(2**70)):
        response = client_for(people["head_a"]).get("/people/search/", {"for": "implementers", "id": record})
        assert response.status_code == 404
    assert Client().get("/people/search/", {"for": "implementers", "id": proposal.pk}).status_code == 302


def test_an_author_finds_colleagues_for_co_implementers_but_not_themselves(people):
    proposal = make_proposal(people["cadre_a"], "draft")
    author = people["cadre_a"]
    assert found(search(author, "co-implementers", proposal.pk, "cadre")) == ["cadre_b", "cadre_a2"]
    client_for(author).post(f"/proposals/{proposal.pk}/co-implementers/add/", {"username": "cadre_a2"})
    assert list(proposal.co_implementers.values_list("username", flat=True)) == ["cadre_a2"]
    assert found(search(author, "co-implementers", proposal.pk, "cadre")) == ["cadre_b"]
    assert search(people["cadre_a2"], "co-implementers", proposal.pk, "cadre").status_code == 403
    submitted = make_proposal(author, "submitted")
    assert search(author, "co-implementers", submitted.pk, "cadre").status_code == 403


def test_a_head_assigning_an_inspector_never_finds_someone_with_a_part_in_the_pilot(people):
    proposal = make_proposal(people["cadre_a"], "approved_by_head")
    pilot = pilot_services.pilot_create(
        actor=people["head_a"], proposal=proposal, start_date=proposal.start_date,
        end_date=proposal.end_date, implementers=[people["cadre_a2"]],
    )  # fmt: skip
    head = people["head_a"]
    assert found(search(head, "inspectors", pilot.pk, "lan")) == ["inspector"]
    assert found(search(head, "inspectors", pilot.pk, "cadre")) == []  # the author and the implementer
    assert found(search(head, "inspectors", pilot.pk, "bich")) == ["deputy_a"]
    client_for(head).post(f"/pilots/{pilot.pk}/inspectors/add/", {"username": "inspector"})
    assert found(search(head, "inspectors", pilot.pk, "lan")) == []  # already inspects it
    assert search(people["cadre_a"], "inspectors", pilot.pk, "lan").status_code == 403


def test_the_pilot_form_offers_the_picker_and_takes_the_people_chosen(people):
    proposal = make_proposal(people["cadre_a"], "approved_by_head")
    head = client_for(people["head_a"])
    page = head.get(f"/pilots/new/{proposal.pk}/").content.decode()
    assert 'hx-get="/people/search/?for=implementers&amp;id=' in page
    assert 'type="search" name="implementers"' in page
    form = {
        "start_date": proposal.start_date.strftime("%d/%m/%Y"),
        "end_date": proposal.end_date.strftime("%d/%m/%Y"),
        "report_frequency": "monthly", "budget_vnd": "1000", "resources": "", "scope": "", "indicators": "",
    }  # fmt: skip
    # a ticked box for each person chosen, and an unknown name left in the search box
    response = head.post(f"/pilots/new/{proposal.pk}/", {**form, "implementers": ["cadre_a2", "Nguyễn Ai"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nguyễn Ai" in page and 'value="cadre_a2" id="id_implementers_picked_1" checked' in page
    response = head.post(f"/pilots/new/{proposal.pk}/", {**form, "implementers": ["cadre_a2", "cadre_a", ""]})
    assert response.status_code == 302
    pilot = Pilot.objects.get(proposal=proposal)
    assert sorted(pilot.implementers.values_list("username", flat=True)) == ["cadre_a", "cadre_a2"]


def test_a_person_no_longer_active_cannot_be_chosen_even_by_username(people):
    proposal = make_proposal(people["cadre_a"], "draft")
    response = client_for(people["cadre_a"]).post(
        f"/proposals/{proposal.pk}/co-implementers/add/", {"username": "retired"}
    )
    assert response.status_code == 400
    assert "Không có người dùng đang hoạt động" in response.content.decode()
    assert not proposal.co_implementers.exists()
