"""Submitting a proposal as a government service does it (issue 13): the plan's sections as a task
list, what is missing said beside each field with an error summary that links to it, the submit
button only once the plan is complete, and a "check your answers" page that says what submitting
means before the one irreversible click."""

from __future__ import annotations

import re

from django.test import Client

from proposals.models import Proposal
from tests.proposals.test_pages import form_data


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_incomplete_draft_offers_no_submit_button_but_links_each_missing_field(demo, proposal_in):
    proposal = proposal_in("draft", necessity="", risks="")
    page = signed_in(demo["cadre_a"]).get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'data-action="submit"' not in page and f"/proposals/{proposal.pk}/submit/" not in page
    missing = page[page.index('data-testid="missing"') :]
    assert f'href="/proposals/{proposal.pk}/edit/#id_necessity"' in missing
    assert f'href="/proposals/{proposal.pk}/edit/#id_risks"' in missing


def test_the_edit_form_marks_each_missing_field_and_sums_them_up_with_links(demo, proposal_in):
    proposal = proposal_in("draft")
    client = signed_in(demo["cadre_a"])
    answer = client.post(
        f"/proposals/{proposal.pk}/edit/", {**form_data(necessity="", risks=""), "submit": ""}
    )
    page = answer.content.decode()
    assert answer.status_code == 200  # the draft is saved; nothing is lost
    summary = page[page.index('data-testid="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'role="alert"' in page[page.index("error-summary") - 80 : page.index("error-summary") + 200]
    assert 'href="#id_necessity"' in summary and 'href="#id_risks"' in summary
    # ... and the message beside the field, tied to it for a screen reader
    assert re.search(r'<textarea[^>]*aria-describedby="[^"]*id_necessity_error', page)
    assert 'id="id_necessity_error"' in page and 'aria-invalid="true"' in page
    # no comma-joined sentence of labels
    assert "Còn thiếu:" not in page
    # the task list: the bottleneck section to do (necessity), the commitments done
    tasks = page[page.index('data-testid="task-list"') :]
    assert 'data-testid="task-todo"' in tasks and 'data-testid="task-done"' in tasks


def test_a_complete_draft_goes_to_check_your_answers_before_it_is_submitted(demo, proposal_in):
    proposal = proposal_in("draft")
    client = signed_in(demo["cadre_a"])
    answer = client.post(f"/proposals/{proposal.pk}/edit/", {**form_data(), "submit": ""})
    assert answer.status_code == 302 and answer["Location"] == f"/proposals/{proposal.pk}/check/"
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"  # nothing is sent yet
    page = client.get(answer["Location"]).content.decode()
    assert "Kiểm tra đề xuất trước khi gửi" in page
    assert "7 ngày làm việc" in page  # what submitting means, in words
    assert re.search(r'data-testid="submit" data-confirm="[^"]*7 ngày làm việc', page)  # and asked again
    assert page.count(f'href="/proposals/{proposal.pk}/edit/#id_') >= 15  # a "Change" link per answer
    assert f'action="/proposals/{proposal.pk}/submit/"' in page
    detail = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert f'href="/proposals/{proposal.pk}/check/"' in detail
    assert client.post(f"/proposals/{proposal.pk}/submit/").status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == "submitted"


def test_check_your_answers_of_an_incomplete_draft_lists_what_is_missing_and_offers_no_submit(
    demo, proposal_in
):
    proposal = proposal_in("draft", legal_basis="")
    page = signed_in(demo["cadre_a"]).get(f"/proposals/{proposal.pk}/check/").content.decode()
    assert 'data-testid="error-summary"' in page
    assert f'href="/proposals/{proposal.pk}/edit/#id_legal_basis"' in page
    assert 'data-testid="confirm-submit"' not in page


def test_only_the_author_checks_and_submits(demo, proposal_in):
    proposal = proposal_in("draft")
    assert signed_in(demo["cadre_a2"]).get(f"/proposals/{proposal.pk}/check/").status_code == 404
    submitted = proposal_in("submitted")
    assert signed_in(demo["head_a"]).get(f"/proposals/{submitted.pk}/check/").status_code == 403
    answer = signed_in(demo["cadre_a"]).get(f"/proposals/{submitted.pk}/check/")
    assert answer.status_code == 302 and answer["Location"] == f"/proposals/{submitted.pk}/"


def test_the_api_names_each_missing_field(demo, proposal_in):
    from tests.conftest import api_client_for

    proposal = proposal_in("draft", necessity="", conditions_confirmed=False)
    answer = api_client_for(demo["cadre_a"]).post(f"/api/v1/proposals/{proposal.pk}/submit/")
    assert answer.status_code == 400
    assert {"necessity", "conditions_confirmed"} <= set(answer.json())


def test_a_filter_date_that_cannot_be_read_is_said_and_filters_nothing_in_place(demo, proposal_in):
    proposal_in("submitted", title="Một đề xuất đã gửi")
    client = signed_in(demo["head_a"])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):  # the whole page, and the results swapped in place
        answer = client.get("/proposals/all/", {"received_from": "31/02/2026"}, **headers)
        page = answer.content.decode()
        assert answer.status_code == 200
        assert 'data-testid="error-summary"' in page and 'role="alert"' in page
        assert 'href="#id_received_from"' in page
        assert "Một đề xuất đã gửi" not in page  # not the unfiltered list passed off as filtered
    readable = client.get("/proposals/all/", {"received_from": "01/01/2026"})
    assert "Một đề xuất đã gửi" in readable.content.decode()


def test_the_vote_is_offered_after_the_party_opinion_and_the_opinion_form_goes_once_recorded(
    demo, proposal_in
):
    from proposals import services

    proposal = proposal_in("submitted")
    client = signed_in(demo["head_a"])
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'data-action="party-opinion"' in page and 'data-action="decide"' not in page
    assert 'data-testid="vote-waits"' in page
    services.proposal_record_party_opinion(
        actor=demo["head_a"], proposal=proposal, opinion="Đảng ủy Sở thống nhất.", supports=True
    )
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'data-action="party-opinion"' not in page and 'data-action="decide"' in page
    assert 'data-testid="vote-waits"' not in page


def test_withdrawing_says_what_it_means_and_asks_again(demo, proposal_in):
    proposal = proposal_in("submitted")
    page = signed_in(demo["cadre_a"]).get(f"/proposals/{proposal.pk}/").content.decode()
    form = page[page.index('data-action="withdraw"') :]
    form = form[: form.index("</form>")]
    assert 'data-testid="consequence"' in form and re.search(r'<button data-confirm="[^"]+"', form)


def test_a_step_of_the_record_reads_as_labels_not_codes(demo):
    """The admin lists a record's steps by their str(): "Nháp → Đã gửi (Gửi đề xuất)", not codes."""
    from django.utils import translation

    from tests.proposals.conftest import make_proposal

    proposal = make_proposal(demo["cadre_a"], "submitted")
    with translation.override("vi"):
        step = str(proposal.transitions.get(to_status="submitted"))
        draft, sent = (str(label) for label in (Proposal.Status.DRAFT.label, Proposal.Status.SUBMITTED.label))
    assert step.startswith(f"{draft} → {sent} (") and "submit" not in step
