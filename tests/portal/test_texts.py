"""What the portal says when something happens — a transition's note, a plan version's reason,
a notification — is stored so that it reads in the reader's language, not frozen in the language
of whoever acted."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from pilots import services as pilot_services
from pilots.models import Pilot
from portal.models import Notification
from portal.texts import note_text
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal


def english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_a_vote_recorded_in_vietnamese_reads_in_english_for_an_english_reader(demo, api):
    proposal = make_proposal(demo["cadre_a"], "approved")
    row = proposal.transitions.get(action="decide")
    assert row.note_kind == "vote"
    assert "Tán thành" in row.note  # the wording at the time, kept as written
    with translation.override("en"):
        assert row.text.startswith("For 2, against 0, abstaining 0, of 2 members who may vote.")
    with translation.override("vi"):
        assert row.text.startswith("Tán thành 2, không tán thành 0")
    client = api(demo["cadre_a"])
    rows = client.get(f"/api/v1/proposals/{proposal.pk}/history/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "members who may vote" in rows[-1]["note"]


def test_the_timeline_on_the_page_follows_the_language_switch(demo, client):
    proposal = make_proposal(demo["cadre_a"], "approved")
    client.force_login(demo["cadre_a"])
    assert "thành viên được biểu quyết" in client.get(f"/proposals/{proposal.pk}/").content.decode()
    english(client)
    assert "members who may vote" in client.get(f"/proposals/{proposal.pk}/").content.decode()


def test_a_progress_note_an_outcome_and_a_plan_reason_read_in_the_readers_language(demo, api):
    proposal = make_proposal(demo["cadre_a"], "approved")
    head, cadre = demo["head_a"], demo["cadre_a"]
    response = api(head).post("/api/v1/pilots/", pilot_body(proposal.pk), format="json")
    pilot = Pilot.objects.get(pk=response.json()["id"])
    pilot_services.report_submit(
        actor=cadre, pilot=pilot, period_end=pilot.start_date, summary="Tháng đầu.", progress_percent=40
    )
    row = pilot.transitions.get(action="report")
    with translation.override("en"):
        assert row.text == "Progress 40%"
    with translation.override("vi"):
        assert row.text == "Tiến độ 40%"
    versions = api(cadre).get(f"/api/v1/pilots/{pilot.pk}/versions/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert versions[0]["reason"] == "Approved baseline"
    versions = api(cadre).get(f"/api/v1/pilots/{pilot.pk}/versions/").json()
    assert versions[0]["reason"] != "Approved baseline"


def test_what_a_person_wrote_stays_as_written_in_every_language(demo):
    proposal = make_proposal(demo["cadre_a"], "returned")
    row = proposal.transitions.get(action="return")
    with translation.override("en"):
        assert row.text == "Bổ sung dự toán chi tiết."
    assert note_text("", {}, "Ghi chú") == "Ghi chú"
    assert note_text("no-such-kind", {"x": 1}, "Ghi chú") == "Ghi chú"


def test_a_notification_sent_in_vietnamese_reads_in_english_when_the_reader_switches(demo, client):
    proposal = make_proposal(demo["cadre_a"], "submitted")
    notification = Notification.objects.get(
        recipient=demo["head_a"], kind="proposal_submitted", object_id=proposal.pk
    )
    assert notification.subject.startswith("Đề xuất")  # the e-mail's language, the portal's default
    with translation.override("en"):
        assert notification.subject_text == f"New proposal for your decision: {proposal.title}"
        assert "Dear" in notification.body_text
    with translation.override("vi"):
        assert notification.subject_text == notification.subject

    client.force_login(demo["head_a"])
    assert notification.subject in client.get("/notifications/").content.decode()
    english(client)
    page = client.get("/notifications/").content.decode()
    assert "New proposal for your decision" in page and notification.subject not in page
    assert "New proposal for your decision" in client.get("/").content.decode()
