"""The admin and the evidence (issue "Trust", defects 6 and 7): the page of an attachment opens
(its file as a link to the permission-checked download, never a storage URL), and nothing that
serves as evidence — notifications, sweep runs, calendar corrections — can be deleted, one by one
or in bulk; a calendar correction is withdrawn with a reason instead, and stops counting."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from portal.models import CalendarDay, Notification, SweepRun
from portal.workdays import is_working_day
from tests.proposals.conftest import make_proposal
from tests.proposals.test_uploads import PDF, browser, upload


@pytest.fixture
def admin_client(demo) -> Client:
    client = Client()
    client.force_login(demo["admin"])
    return client


def test_an_attachment_page_opens_with_its_download_link(demo, admin_client):
    proposal = make_proposal(demo["cadre_a"], "draft")
    assert upload(browser(demo["cadre_a"]), proposal, "du-toan.pdf", PDF).status_code == 302
    attachment = proposal.attachments.get()
    page = admin_client.get(f"/admin/proposals/proposalattachment/{attachment.pk}/change/")
    assert page.status_code == 200
    assert f'href="{attachment.get_absolute_url()}"' in page.content.decode()
    assert admin_client.get("/admin/proposals/proposalattachment/").status_code == 200


@pytest.mark.parametrize("model", [Notification, SweepRun, CalendarDay])
def test_evidence_cannot_be_deleted_in_the_admin(demo, admin_client, model):
    if model is Notification:
        from portal.notifications import notify

        row = notify(demo["cadre_a"], "role_assigned", None, {"role": "cadre", "unit": demo["cadre_a"].unit})
    elif model is SweepRun:
        row = SweepRun.objects.create(day=datetime.date(2026, 12, 1))
    else:
        row = CalendarDay.objects.create(date=datetime.date(2026, 12, 5), kind="working_day", name="Làm bù")
    meta = model._meta
    base = f"/admin/{meta.app_label}/{meta.model_name}/"
    assert admin_client.get(f"{base}{row.pk}/delete/").status_code in (302, 403)
    admin_client.post(f"{base}{row.pk}/delete/", {"post": "yes"})
    admin_client.post(base, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert model.objects.filter(pk=row.pk).exists()
    assert "delete_selected" not in admin_client.get(base).content.decode()


def test_a_calendar_correction_is_withdrawn_with_a_reason(demo, admin_client):
    saturday = datetime.date(2026, 12, 5)
    correction = CalendarDay.objects.create(date=saturday, kind="working_day", name="Làm bù")
    assert is_working_day(saturday)
    url = f"/admin/portal/calendarday/{correction.pk}/change/"
    assert admin_client.post(url, {"withdrawn_reason": "Nhầm ngày."}).status_code == 302
    correction.refresh_from_db()
    assert correction.withdrawn_at is not None and correction.withdrawn_reason == "Nhầm ngày."
    assert not is_working_day(saturday)
    assert correction.history.first().history_change_reason == "withdrawn by admin"
    # the date is free for a new correction; the withdrawn one stays
    CalendarDay.objects.create(date=saturday, kind="working_day", name="Làm bù đúng")
    assert CalendarDay.objects.filter(date=saturday).count() == 2 and is_working_day(saturday)
