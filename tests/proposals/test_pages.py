"""The proposal pages as a browser uses them: the real forms posted with the Django test client,
every path to a decision, the inbox with its overdue badge, the lists' filters, and the error
pages (404 for outsiders, 403 for the wrong role, 405 for the wrong method, 409 for the wrong
state)."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from portal.models import Notification, User
from portal.workdays import add_working_days
from proposals import services
from proposals.models import Proposal, ProposalTransition
from tests.files import PDF
from tests.proposals.conftest import make_proposal, plan

D = datetime.date
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PARTY = {"opinion": "Đảng ủy Sở thống nhất chủ trương.", "supports": "true"}
PASSING = {"votes_for": "3", "votes_against": "2", "votes_abstain": "0", "head_vote": "for", "mode": "pilot"}
FAILING = {
    "votes_for": "2",
    "votes_against": "3",
    "votes_abstain": "0",
    "head_vote": "against",
    "mode": "pilot",
}
OVERRIDE = {"responsibility_statement": "Tôi chịu trách nhiệm trước cấp trên và trước pháp luật."}
REASON = {"reason": "Bổ sung dự toán chi tiết."}


def at_nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=HANOI)


@pytest.fixture
def people_on(db):
    """The demo organisation seeded on a given day (so its roles are already held then), with the
    clock stopped on that day until the test ends."""
    travellers = []

    def seed(day: datetime.date) -> dict[str, User]:
        traveller = time_machine.travel(at_nine(day), tick=False)
        traveller.start()
        travellers.append(traveller)
        call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
        return {user.username: user for user in User.objects.select_related("unit")}

    yield seed
    for traveller in reversed(travellers):
        traveller.stop()


def form_data(**overrides) -> dict:
    """The plan as the browser posts the proposal form (a ticked box is "on", an unticked one absent)."""
    data = {}
    for name, value in plan(**overrides).items():
        if value is True:
            data[name] = "on"
        elif value not in (False, None):
            data[name] = str(value)
    return data


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def action_url(pk: int, action: str) -> str:
    return f"/proposals/{pk}/{action}/"


def detail_url(pk: int) -> str:
    # Spelled out: the page's URL name is shadowed by the API router's (see the test of links).
    return f"/proposals/{pk}/"


def edit_url(pk: int) -> str:
    return f"/proposals/{pk}/edit/"


LIST_PAGES = {"mine": "/proposals/", "inbox": "/proposals/inbox/", "all": "/proposals/all/"}


def post(client: Client, pk: int, action: str, data: dict | None = None):
    return client.post(action_url(pk, action), data or {})


def done(response) -> bool:
    """The action went through: the browser is sent on (where to is checked on its own below)."""
    return response.status_code == 302


def status_of(pk: int) -> str:
    return Proposal.objects.get(pk=pk).status


def steps(pk: int) -> list[tuple[str, str, str, str]]:
    rows = ProposalTransition.objects.filter(proposal_id=pk).order_by("at", "id")
    return list(rows.values_list("action", "from_status", "to_status", "actor__username"))


def notified(user: User, pk: int) -> list[str]:
    rows = Notification.objects.filter(
        recipient=user, content_type=ContentType.objects.get_for_model(Proposal), object_id=pk
    ).order_by("created_at", "id")
    return list(rows.values_list("kind", flat=True))


def create_through_the_form(client: Client, **overrides) -> int:
    response = client.post(reverse("proposal-create"), form_data(**overrides))
    assert response.status_code == 302, response.content
    match = resolve(response["Location"])
    assert match.url_name == "proposal-edit"
    return match.kwargs["pk"]


def with_party_opinion(proposal: Proposal, head: User) -> Proposal:
    return services.proposal_record_party_opinion(
        actor=head, proposal=proposal, opinion="Đảng ủy thống nhất.", supports=True
    )


def rows(page: str) -> list[str]:
    """The body rows of a list page's table."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row.split("</tr>", 1)[0] for row in body.split("<tr>")[1:] if "<a " in row]


def row_of(page: str, title: str) -> str:
    """The table row of the list page that shows the proposal with this title."""
    found = [row for row in rows(page) if f">{title}</a>" in row]
    assert len(found) == 1, f"{title!r} is listed {len(found)} times"
    return found[0]


def listed_titles(client: Client, url: str, query: dict | None = None) -> list[str]:
    response = client.get(url, query or {})
    assert response.status_code == 200
    return [row.split("</a>", 1)[0].rsplit(">", 1)[1] for row in rows(response.content.decode())]


# --- The paths to a decision ------------------------------------------------------------------


def test_a_cadre_writes_and_submits_through_the_forms_and_the_head_approves_by_vote(
    collectives, client, demo
):
    login(client, demo["cadre_a"])
    assert client.get(reverse("proposal-create")).status_code == 200
    pk = create_through_the_form(client)
    proposal = Proposal.objects.get(pk=pk)
    assert (proposal.status, proposal.author, proposal.unit.code) == ("draft", demo["cadre_a"], "SKHDT")
    assert proposal.conditions_confirmed is True
    assert proposal.budget_vnd == 850_000_000

    assert done(post(client, pk, "submit"))
    proposal.refresh_from_db()
    today = timezone.localdate()
    assert (proposal.status, proposal.received_on) == ("submitted", today)
    assert proposal.decision_due == add_working_days(today, 7)

    login(client, demo["head_a"])
    page = client.get(detail_url(pk)).content.decode()
    for action in ("party-opinion", "return"):
        assert f'data-action="{action}"' in page
    assert 'data-action="withdraw"' not in page
    assert 'data-action="decide"' not in page  # the vote comes after the Party opinion
    assert done(post(client, pk, "party-opinion", PARTY))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.party_supports) == ("submitted", True)
    assert 'data-action="decide"' in client.get(detail_url(pk)).content.decode()
    assert done(post(client, pk, "decide", {**PASSING, "support_granted": "Hai cán bộ."}))

    proposal.refresh_from_db()
    assert proposal.status == "approved"
    assert (proposal.votes_for, proposal.votes_against, proposal.votes_abstain) == (3, 2, 0)
    assert (proposal.head_vote, proposal.decision_mode, proposal.decided_by) == (
        "for",
        "pilot",
        demo["head_a"],
    )
    assert steps(pk) == [
        ("create", "draft", "draft", "cadre_a"),
        ("submit", "draft", "submitted", "cadre_a"),
        ("party_opinion", "submitted", "submitted", "head_a"),
        ("decide", "submitted", "approved", "head_a"),
    ]
    assert notified(demo["head_a"], pk) == ["proposal_submitted"]
    assert notified(demo["cadre_a"], pk) == ["proposal_decided"]

    login(client, demo["cadre_a"])
    page = client.get(detail_url(pk)).content.decode()
    assert 'data-testid="vote"' in page
    assert 'data-testid="actions"' not in page
    assert 'data-testid="timeline"' in page
    for label in ("Tạo mới", "Đã gửi", "Ghi nhận ý kiến của cấp ủy", "Ghi nhận biểu quyết của tập thể"):
        assert f'data-testid="step-action">{label}</span>' in page


def test_a_failed_vote_then_the_heads_override_through_the_forms_ends_approved_by_head(
    collectives, client, demo, proposal_in
):
    pk = proposal_in("submitted").pk
    login(client, demo["head_a"])
    assert done(post(client, pk, "party-opinion", {**PARTY, "supports": "false"}))
    assert Proposal.objects.get(pk=pk).party_supports is False
    assert done(post(client, pk, "decide", FAILING))
    assert status_of(pk) == "collective_rejected"
    page = client.get(detail_url(pk)).content.decode()
    assert 'data-action="override"' in page and 'data-action="reject"' in page

    assert done(post(client, pk, "override", OVERRIDE))
    proposal = Proposal.objects.get(pk=pk)
    assert proposal.status == "approved_by_head"
    assert proposal.responsibility_statement == OVERRIDE["responsibility_statement"]
    assert [step[1:] for step in steps(pk)][-2:] == [
        ("submitted", "collective_rejected", "head_a"),
        ("collective_rejected", "approved_by_head", "head_a"),
    ]
    assert notified(demo["cadre_a"], pk) == ["proposal_decided", "proposal_decided"]


def test_a_failed_vote_then_a_rejection_through_the_forms_ends_rejected(
    collectives, client, demo, proposal_in
):
    pk = proposal_in("submitted").pk
    login(client, demo["head_a"])
    post(client, pk, "party-opinion", PARTY)
    post(client, pk, "decide", FAILING)
    assert done(post(client, pk, "reject", {"reason": "Vượt thẩm quyền."}))
    assert status_of(pk) == "rejected"
    assert steps(pk)[-1] == ("reject", "collective_rejected", "rejected", "head_a")
    assert ProposalTransition.objects.filter(proposal_id=pk).last().note == "Vượt thẩm quyền."
    assert notified(demo["cadre_a"], pk) == ["proposal_decided", "proposal_decided"]


def test_a_returned_proposal_is_edited_and_resubmitted_with_the_submit_button_and_the_clock_restarts(
    client, people_on
):
    people = people_on(D(2026, 3, 2))
    login(client, people["cadre_a"])
    pk = create_through_the_form(client)
    post(client, pk, "submit")
    login(client, people["head_a"])
    assert done(post(client, pk, "return", REASON))
    assert status_of(pk) == "returned"
    assert notified(people["cadre_a"], pk) == ["proposal_returned"]

    with time_machine.travel(at_nine(D(2026, 3, 9)), tick=False):
        login(client, people["cadre_a"])
        assert client.get(edit_url(pk)).status_code == 200
        response = client.post(edit_url(pk), {**form_data(budget_vnd=900_000_000), "submit": ""})
        assert done(response) and response["Location"] == f"/proposals/{pk}/check/"  # check your answers
        assert status_of(pk) == "returned"
        assert done(post(client, pk, "submit"))  # the button of the check page
    proposal = Proposal.objects.get(pk=pk)
    assert proposal.status == "submitted"
    assert proposal.budget_vnd == 900_000_000
    assert proposal.received_on == D(2026, 3, 9)
    assert proposal.decision_due == D(2026, 3, 18) == add_working_days(D(2026, 3, 9), 7)
    assert [step[:3] for step in steps(pk)] == [
        ("create", "draft", "draft"),
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("resubmit", "returned", "submitted"),
    ]
    assert notified(people["head_a"], pk) == ["proposal_submitted", "proposal_submitted"]


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_the_author_withdraws_through_the_form_from_draft_submitted_or_returned(
    client, demo, proposal_in, state
):
    pk = proposal_in(state).pk
    login(client, demo["cadre_a"])
    assert 'data-action="withdraw"' in client.get(detail_url(pk)).content.decode()
    assert done(post(client, pk, "withdraw", {"reason": ""}))
    assert status_of(pk) == "withdrawn"
    assert steps(pk)[-1] == ("withdraw", state, "withdrawn", "cadre_a")
    assert ("proposal_withdrawn" in notified(demo["head_a"], pk)) is (state == "submitted")


def test_head_a_own_proposal_is_decided_by_head_top_in_the_browser(collectives, client, demo):
    login(client, demo["head_a"])
    pk = create_through_the_form(client, title="Ủy quyền phê duyệt chủ trương đầu tư dự án nhỏ")
    assert done(post(client, pk, "submit"))
    assert Proposal.objects.get(pk=pk).reviewer_unit.code == "UBND"
    assert 'data-action="decide"' not in client.get(detail_url(pk)).content.decode()
    assert "Ủy quyền phê duyệt chủ trương đầu tư dự án nhỏ" not in listed_titles(client, LIST_PAGES["inbox"])
    assert post(client, pk, "decide", PASSING).status_code == 403

    login(client, demo["head_top"])
    assert listed_titles(client, LIST_PAGES["inbox"]) == ["Ủy quyền phê duyệt chủ trương đầu tư dự án nhỏ"]
    assert done(post(client, pk, "party-opinion", PARTY))
    assert done(post(client, pk, "decide", PASSING))
    proposal = Proposal.objects.get(pk=pk)
    assert (proposal.status, proposal.decided_by) == ("approved", demo["head_top"])
    assert notified(demo["head_top"], pk) == ["proposal_submitted"]
    assert notified(demo["head_a"], pk) == ["proposal_decided"]


# --- Input the person must fix: 400 with the form's errors -----------------------------------------


@pytest.mark.parametrize(
    "votes",
    [
        {"votes_for": "0", "votes_against": "0", "votes_abstain": "0", "head_vote": "for"},
        {"votes_for": "0", "votes_against": "4", "votes_abstain": "0", "head_vote": "for"},
        {"votes_for": "4", "votes_against": "0", "votes_abstain": "0", "head_vote": "against"},
        {"votes_for": "-1", "votes_against": "2", "votes_abstain": "0", "head_vote": "against"},
    ],
)
def test_an_impossible_vote_comes_back_as_a_form_error(client, demo, proposal_in, votes):
    proposal = with_party_opinion(proposal_in("submitted"), demo["head_a"])
    login(client, demo["head_a"])
    response = post(client, proposal.pk, "decide", {**votes, "mode": "pilot"})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert proposal.votes_for is None


def test_a_new_proposal_with_the_end_before_the_start_is_a_form_error(client, demo):
    login(client, demo["cadre_a"])
    response = client.post(
        reverse("proposal-create"), form_data(start_date="2027-05-01", end_date="2027-01-01")
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not Proposal.objects.exists()


def test_submitting_an_incomplete_draft_keeps_it_a_draft_and_says_what_is_missing(client, demo, proposal_in):
    pk = proposal_in("draft", necessity="", risks="").pk
    login(client, demo["cadre_a"])
    response = post(client, pk, "submit")
    assert done(response)
    assert status_of(pk) == "draft"
    page = client.get(detail_url(pk)).content.decode()
    assert "alert-danger" in page  # the message from the submit
    assert 'data-testid="missing"' in page

    response = client.post(edit_url(pk), {**form_data(necessity=""), "submit": ""})
    assert response.status_code == 200  # the edit is saved; what submission lacks is marked on the form
    assert 'data-testid="error-summary"' in response.content.decode()
    assert status_of(pk) == "draft"
    assert Proposal.objects.get(pk=pk).risks  # the edit was saved before the submission was refused


# --- Actions in the wrong state: 409 with the reason on the page -----------------------------------


@pytest.mark.parametrize(
    ("state", "username", "action", "data"),
    [
        ("approved", "head_a", "decide", PASSING),
        ("submitted", "head_a", "override", OVERRIDE),
        ("submitted", "head_a", "reject", REASON),
        ("approved", "cadre_a", "submit", {}),
        ("approved", "cadre_a", "withdraw", {}),
        ("rejected", "head_a", "return", REASON),
    ],
)
def test_an_action_in_the_wrong_state_is_a_409_page_with_the_message(
    client, demo, proposal_in, state, username, action, data
):
    pk = proposal_in(state).pk
    login(client, demo[username])
    response = post(client, pk, action, data)
    assert response.status_code == 409
    assert 'class="alert alert-danger" role="alert"' in response.content.decode()
    assert status_of(pk) == state


def test_deciding_without_a_party_opinion_is_a_409_page(client, demo, proposal_in):
    pk = proposal_in("submitted").pk
    login(client, demo["head_a"])
    response = post(client, pk, "decide", PASSING)
    assert response.status_code == 409
    assert 'class="alert alert-danger" role="alert"' in response.content.decode()
    assert status_of(pk) == "submitted"


def test_editing_a_submitted_proposal_sends_the_author_back_to_it(client, demo, proposal_in):
    proposal = proposal_in("submitted")
    login(client, demo["cadre_a"])
    assert done(client.get(edit_url(proposal.pk)))
    response = client.post(edit_url(proposal.pk), form_data(title="Sửa sau khi gửi"))
    assert done(response)
    assert Proposal.objects.get(pk=proposal.pk).title == proposal.title


# --- Who sees and who may act --------------------------------------------------------------------


@pytest.fixture
def with_attachment(demo, settings, tmp_path, proposal_in):
    """cadre_a's submitted proposal with a PDF attached while it was a draft."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    proposal = proposal_in("draft")
    attachment = services.attachment_add(
        actor=demo["cadre_a"], proposal=proposal, upload=io.BytesIO(PDF), name="du-toan.pdf"
    )
    services.proposal_submit(actor=demo["cadre_a"], proposal=proposal)
    return proposal, attachment


@pytest.mark.parametrize("username", ["author", "head_a", "deputy_a", "head_top"])
def test_those_who_see_the_proposal_download_its_attachment(client, demo, with_attachment, username):
    proposal, attachment = with_attachment
    login(client, demo["cadre_a" if username == "author" else username])
    page = client.get(detail_url(proposal.pk)).content.decode()
    assert attachment.get_absolute_url() in page
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("username", ["cadre_b", "head_b"])
def test_outsiders_get_404_on_the_page_the_edit_form_the_attachment_and_every_action(
    client, demo, with_attachment, username
):
    proposal, attachment = with_attachment
    login(client, demo[username])
    assert client.get(detail_url(proposal.pk)).status_code == 404
    assert client.get(edit_url(proposal.pk)).status_code == 404
    assert client.get(attachment.get_absolute_url()).status_code == 404
    for action, data in [
        ("submit", {}), ("withdraw", {}), ("return", REASON), ("party-opinion", PARTY), ("decide", PASSING),
        ("override", OVERRIDE), ("reject", REASON),
    ]:  # fmt: skip
        assert post(client, proposal.pk, action, data).status_code == 404, action
    for url in LIST_PAGES.values():
        assert proposal.title not in listed_titles(client, url)
    assert status_of(proposal.pk) == "submitted"


def test_a_cadre_of_the_same_unit_gets_404_on_a_colleagues_proposal(client, demo, proposal_in):
    # A cadre sees their own work (shared/DOMAIN.md); the unit's subtree is for its leaders.
    pk = proposal_in("submitted").pk
    login(client, demo["cadre_a2"])
    assert client.get(detail_url(pk)).status_code == 404
    assert post(client, pk, "decide", PASSING).status_code == 404


@pytest.mark.parametrize(
    ("action", "data"), [("return", REASON), ("party-opinion", PARTY), ("decide", PASSING)]
)
def test_a_cadre_who_can_see_the_proposal_gets_403_on_the_heads_actions(
    client, demo, proposal_in, action, data
):
    proposal = proposal_in("draft")
    services.co_implementer_add(actor=demo["cadre_a"], proposal=proposal, user=demo["cadre_a2"])
    services.proposal_submit(actor=demo["cadre_a"], proposal=proposal)
    login(client, demo["cadre_a2"])
    page = client.get(detail_url(proposal.pk))
    assert page.status_code == 200
    assert 'data-testid="actions"' not in page.content.decode()
    assert post(client, proposal.pk, action, data).status_code == 403
    assert status_of(proposal.pk) == "submitted"


@pytest.mark.parametrize("username", ["cadre_a", "deputy_a"])
def test_the_author_and_a_deputy_get_403_on_deciding(client, demo, proposal_in, username):
    proposal = with_party_opinion(proposal_in("submitted"), demo["head_a"])
    login(client, demo[username])
    page = client.get(detail_url(proposal.pk)).content.decode()
    assert 'data-action="decide"' not in page
    assert post(client, proposal.pk, "decide", PASSING).status_code == 403
    assert post(client, proposal.pk, "party-opinion", PARTY).status_code == 403
    assert status_of(proposal.pk) == "submitted"


@pytest.mark.parametrize(
    ("state", "action", "field"),
    [
        ("submitted", "return", "reason"),
        ("submitted", "party-opinion", "opinion"),
        ("collective_rejected", "override", "responsibility_statement"),
        ("collective_rejected", "reject", "reason"),
    ],
)
def test_a_blank_reason_opinion_or_statement_is_a_form_error(client, demo, proposal_in, state, action, field):
    pk = proposal_in(state).pk
    login(client, demo["head_a"])
    response = post(client, pk, action, {field: "   ", "supports": "true"})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert status_of(pk) == state


def test_a_person_without_a_unit_gets_403_on_the_new_proposal_form(client, demo):
    login(client, demo["admin"])
    assert client.get(reverse("proposal-create")).status_code == 403
    assert client.post(reverse("proposal-create"), form_data()).status_code == 403
    assert not Proposal.objects.exists()


def test_a_head_who_can_see_a_returned_proposal_gets_403_on_its_edit_form(client, demo, proposal_in):
    pk = proposal_in("returned").pk
    login(client, demo["head_a"])
    assert client.get(edit_url(pk)).status_code == 403
    assert client.post(edit_url(pk), form_data(title="Sửa hộ")).status_code == 403
    assert Proposal.objects.get(pk=pk).title != "Sửa hộ"


# --- Methods and logging in ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "action", ["submit", "withdraw", "return", "party-opinion", "decide", "override", "reject"]
)
def test_get_on_an_action_url_is_405(client, demo, proposal_in, action):
    pk = proposal_in("submitted").pk
    login(client, demo["head_a"])
    assert client.get(action_url(pk, action)).status_code == 405
    assert status_of(pk) == "submitted"


def test_an_unknown_action_is_404(client, demo, proposal_in):
    pk = proposal_in("submitted").pk
    login(client, demo["head_a"])
    assert post(client, pk, "approve", PASSING).status_code == 404


def test_logged_out_visitors_are_sent_to_the_login_page(client, demo, with_attachment):
    proposal, attachment = with_attachment
    pk = proposal.pk
    login_url = reverse("login")
    for response in (
        client.get(attachment.get_absolute_url()),
        client.get(detail_url(pk)),
        client.get(edit_url(pk)),
        client.get(LIST_PAGES["mine"]),
        client.get(LIST_PAGES["inbox"]),
        client.get(LIST_PAGES["all"]),
        client.get(reverse("proposal-create")),
        client.post(reverse("proposal-create"), form_data()),
        post(client, pk, "decide", PASSING),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(login_url)
    assert status_of(pk) == "submitted"
    assert Proposal.objects.count() == 1


# --- The inbox and the lists --------------------------------------------------------------------


def test_the_inbox_sorts_by_due_date_and_marks_what_is_overdue(client, people_on):
    people = people_on(D(2026, 3, 2))
    early = make_proposal(people["cadre_a"], "submitted", title="Đề xuất gửi trước")  # due 11/3
    with time_machine.travel(at_nine(D(2026, 3, 5)), tick=False):
        make_proposal(people["cadre_a2"], "submitted", title="Đề xuất gửi sau")  # due 16/3
        make_proposal(people["cadre_a"], "draft", title="Bản nháp riêng")
        make_proposal(people["cadre_a"], "approved", title="Đã phê duyệt")

    with time_machine.travel(at_nine(D(2026, 3, 12)), tick=False):
        login(client, people["head_a"])
        # The earliest due first, although it was written first (lists otherwise show the newest).
        assert listed_titles(client, LIST_PAGES["inbox"]) == ["Đề xuất gửi trước", "Đề xuất gửi sau"]
        page = client.get(LIST_PAGES["inbox"]).content.decode()
        assert 'data-testid="overdue"' in row_of(page, "Đề xuất gửi trước")
        assert 'data-testid="overdue"' not in row_of(page, "Đề xuất gửi sau")
        assert 'data-testid="overdue"' in client.get(detail_url(early.pk)).content.decode()
        assert listed_titles(client, LIST_PAGES["all"], {"overdue": "on"}) == ["Đề xuất gửi trước"]

    with time_machine.travel(at_nine(D(2026, 3, 11)), tick=False):
        login(client, people["head_a"])
        assert 'data-testid="overdue"' not in client.get(LIST_PAGES["inbox"]).content.decode()
        assert listed_titles(client, LIST_PAGES["all"], {"overdue": "on"}) == []


def test_the_all_proposals_page_searches_without_diacritics(client, demo, proposal_in):
    proposal_in("submitted", title="Cải cách chế độ báo cáo thống kê")
    proposal_in("submitted", title="Số hóa hồ sơ lưu trữ")
    login(client, demo["head_a"])
    for query in ("cai cach", "CAI CACH bao cao", "Cải cách"):
        assert listed_titles(client, LIST_PAGES["all"], {"q": query}) == ["Cải cách chế độ báo cáo thống kê"]
    assert listed_titles(client, LIST_PAGES["all"], {"q": "cai cach khong co"}) == []


def test_the_all_proposals_page_filters_by_status_unit_and_receipt_dates(client, people_on):
    people = people_on(D(2026, 3, 2))
    make_proposal(people["cadre_a"], "approved", title="Phê duyệt ngày 2/3")
    with time_machine.travel(at_nine(D(2026, 3, 5)), tick=False):
        make_proposal(people["cadre_a2"], "submitted", title="Gửi ngày 5/3")
        make_proposal(people["cadre_b"], "submitted", title="Sở Nội vụ gửi ngày 5/3")
        make_proposal(people["cadre_a"], "draft", title="Bản nháp")
    login(client, people["head_top"])

    def shown(**query) -> set[str]:
        return set(listed_titles(client, LIST_PAGES["all"], query))

    assert shown() == {"Phê duyệt ngày 2/3", "Gửi ngày 5/3", "Sở Nội vụ gửi ngày 5/3"}
    assert shown(status="approved") == {"Phê duyệt ngày 2/3"}
    assert shown(status="submitted") == {"Gửi ngày 5/3", "Sở Nội vụ gửi ngày 5/3"}
    assert shown(status="draft") == set()
    assert shown(unit="SNV") == {"Sở Nội vụ gửi ngày 5/3"}
    assert shown(unit="SKHDT") == {"Phê duyệt ngày 2/3", "Gửi ngày 5/3"}
    assert shown(received_from="2026-03-03") == {"Gửi ngày 5/3", "Sở Nội vụ gửi ngày 5/3"}
    assert shown(received_to="2026-03-04") == {"Phê duyệt ngày 2/3"}
    assert shown(received_from="2026-03-05", received_to="2026-03-05", unit="SKHDT") == {"Gửi ngày 5/3"}


def test_a_draft_is_on_its_authors_list_but_not_on_the_heads_until_submitted(client, demo, proposal_in):
    draft = proposal_in("draft", title="Bản nháp chưa gửi")
    login(client, demo["cadre_a"])
    assert "Bản nháp chưa gửi" in listed_titles(client, LIST_PAGES["mine"])
    login(client, demo["head_a"])
    assert "Bản nháp chưa gửi" not in listed_titles(client, LIST_PAGES["all"])
    assert "Bản nháp chưa gửi" not in listed_titles(client, LIST_PAGES["inbox"])
    assert client.get(detail_url(draft.pk)).status_code == 404

    services.proposal_submit(actor=demo["cadre_a"], proposal=draft)
    assert "Bản nháp chưa gửi" in listed_titles(client, LIST_PAGES["all"])
    assert "Bản nháp chưa gửi" in listed_titles(client, LIST_PAGES["inbox"])
    assert client.get(detail_url(draft.pk)).status_code == 200


# --- Links: the pages lead to the pages, not to the API -------------------------------------------


def test_a_proposal_knows_its_page(proposal_in):
    proposal = proposal_in("draft")
    assert proposal.get_absolute_url() == f"/proposals/{proposal.pk}/"


@pytest.mark.parametrize(
    ("state", "username", "action", "data"),
    [
        ("draft", "cadre_a", "submit", {}),
        ("submitted", "head_a", "party-opinion", PARTY),
        ("collective_rejected", "head_a", "override", OVERRIDE),
    ],
)
def test_after_an_action_the_browser_comes_back_to_the_proposal_page(
    client, demo, proposal_in, state, username, action, data
):
    pk = proposal_in(state).pk
    login(client, demo[username])
    response = post(client, pk, action, data)
    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{pk}/"


def test_the_list_pages_and_the_breadcrumb_link_to_the_pages(client, demo, proposal_in):
    proposal = proposal_in("submitted", title="Đề xuất có liên kết")
    login(client, demo["head_a"])
    for url in LIST_PAGES.values():
        if url == LIST_PAGES["mine"]:
            continue
        page = client.get(url).content.decode()
        assert f'href="/proposals/{proposal.pk}/"' in row_of(page, "Đề xuất có liên kết"), url
        assert "/api/" not in row_of(page, "Đề xuất có liên kết"), url
    detail = client.get(detail_url(proposal.pk)).content.decode()
    assert 'href="/proposals/"' in detail
    assert 'href="/api/v1/proposals/"' not in detail


def test_a_notification_links_to_the_proposal_page(demo, proposal_in):
    proposal = proposal_in("submitted")
    notification = Notification.objects.get(recipient=demo["head_a"], kind="proposal_submitted")
    assert notification.url == f"/proposals/{proposal.pk}/"


def test_htmx_filtering_returns_only_the_results_table(demo, proposal_in, client):
    proposal_in("submitted", title="Cải cách hành chính một cửa")
    client.force_login(demo["head_a"])
    response = client.get("/proposals/all/?q=cai+cach", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="proposal-table"' in html
    assert "Cải cách hành chính một cửa" in html
    assert "<html" not in html


def test_the_party_opinion_comes_with_no_answer_chosen_beforehand(demo):
    """Issue 13: the select came set to "supports"; a head who forgot to choose recorded support."""
    proposal = make_proposal(demo["cadre_a"], "submitted")
    client = login(Client(), demo["head_a"])
    page = client.get(detail_url(proposal.pk)).content.decode()
    assert '<option value="" selected>' in page
    response = post(client, proposal.pk, "party-opinion", {"opinion": PARTY["opinion"]})
    assert response.status_code == 400
    assert "supports" in response.context["action_forms"]["party-opinion"].errors
    proposal.refresh_from_db()
    assert not proposal.transitions.filter(action="party_opinion").exists()
    assert done(post(client, proposal.pk, "party-opinion", {**PARTY, "supports": "false"}))
