"""The confidential channel, end to end (DOMAIN §3; CONTRACT, who sees a case): the subject's own
head gets 404, outsiders 404, and the subject never learns who reported — not from the API (the
case, its reviews, its history), the page, the notifications or the e-mails, even when the reporter
goes on to review the case."""

from __future__ import annotations

import pytest
from django.core import mail

from accountability.models import Case
from portal.models import Notification
from tests.accountability.test_api import API, post
from tests.proposals.conftest import make_proposal


@pytest.fixture
def as_(demo, api):
    return lambda username: api(demo[username])


def test_the_subject_never_learns_who_reported(as_, demo, client, django_capture_on_commit_callbacks):
    for person in demo.values():
        person.email = f"{person.username}@demo.gov.vn"
        person.save()
    proposal = make_proposal(demo["cadre_a2"], "submitted")
    report = {"kind": "abuse", "proposal": proposal.pk, "subject": "cadre_a2", "summary": "Nghi vấn vụ lợi."}
    with django_capture_on_commit_callbacks(execute=True):
        pk = post(as_("inspector"), API, report).json()["id"]
        # The reporter is also the inspector who reviews it: still anonymous to the subject.
        post(as_("inspector"), f"{API}{pk}/review/", {"findings": "Có dấu hiệu.", "recommendation": "refer"})
        post(as_("cadre_a2"), f"{API}{pk}/explanation/", {"text": "Tôi không vụ lợi."})
        determination = {"substantiated": True, "findings": "Có căn cứ."}
        assert post(as_("head_top"), f"{API}{pk}/determine/", determination).status_code == 200

    for outsider in ("head_a", "deputy_a", "cadre_b", "head_b", "cadre_a"):
        assert as_(outsider).get(f"{API}{pk}/").status_code == 404, outsider
        assert pk not in [c["id"] for c in as_(outsider).get(API).json()["results"]]
        client.force_login(demo[outsider])
        assert client.get(f"/cases/{pk}/").status_code == 404

    reporter = demo["inspector"]
    names = (reporter.full_name, reporter.email)  # ("inspector", the username, is also an English word)
    seen = as_("cadre_a2").get(f"{API}{pk}/").json()
    assert "opened_by" not in seen and [r["inspector"] for r in seen["reviews"]] == [None]
    history = as_("cadre_a2").get(f"{API}{pk}/history/").json()
    assert history and all(row["actor"] != reporter.username for row in history)
    assert "head_top" in [row["actor"] for row in history]  # the determining head is not hidden
    client.force_login(demo["cadre_a2"])
    page = client.get(f"/cases/{pk}/").content.decode()
    assert not any(name in page for name in names)
    listing = client.get("/cases/mine/").content.decode() + client.get("/").content.decode()
    assert not any(name in listing for name in names)

    notes = Notification.objects.filter(recipient=demo["cadre_a2"])
    assert notes.count() >= 3
    for note in notes:
        texts = [note.subject, note.body, *[str(v) for v in note.texts.values()]]
        assert not any(name in text for text in texts for name in names)
    mails = [m for m in mail.outbox if demo["cadre_a2"].email in m.to]
    assert len(mails) >= 3
    for message in mails:
        assert not any(name in f"{message.subject}\n{message.body}" for name in names)

    # Those entitled see who reported.
    assert as_("head_top").get(f"{API}{pk}/").json()["opened_by"] == "inspector"
    assert as_("orgcom").get(f"{API}{pk}/").json()["reviews"][0]["inspector"] == "inspector"
    assert Case.objects.get(pk=pk).status == "referred"
