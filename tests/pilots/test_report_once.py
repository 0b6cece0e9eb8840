"""A reporting period has one current report (issue "Trust", defect 2): a second submission for
a period already submitted and not sent back is 409, however many arrive at once; a correction
asked for by the head is submitted again into the same report, with its history."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from pilots.models import ProgressReport
from tests.conftest import api_client_for
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal

REPORT = {"summary": "Tháng đầu", "progress_percent": 20}


def first_period(pid: int) -> ProgressReport:
    return ProgressReport.objects.filter(pilot_id=pid).order_by("period_end").first()


@pytest.fixture
def pilot_id(as_, demo) -> int:
    proposal = make_proposal(demo["cadre_a"], "approved")
    return as_("head_a").post("/api/v1/pilots/", pilot_body(proposal.pk), format="json").json()["id"]


def test_a_second_report_for_a_submitted_period_is_409_and_a_correction_replaces_it(as_, demo, pilot_id):
    period = first_period(pilot_id)
    body = REPORT | {"period_end": period.period_end.isoformat()}
    url = f"/api/v1/pilots/{pilot_id}/reports/"
    assert as_("cadre_a").post(url, body, format="json").status_code == 201
    again = as_("cadre_a2").post(url, body | {"summary": "Lần hai"}, format="json")
    assert again.status_code == 409 and "detail" in again.json()
    assert ProgressReport.objects.filter(pilot_id=pilot_id, period_end=period.period_end).count() == 1
    # the head sends it back; the correction goes into the same report
    review = as_("head_a").post(f"/api/v1/pilots/{pilot_id}/reports/{period.pk}/review/",
                                {"accept": False, "note": "Bổ sung số liệu."}, format="json")  # fmt: skip
    assert review.status_code == 200, review.json()
    corrected = as_("cadre_a").post(url, body | {"summary": "Đã bổ sung"}, format="json")
    assert corrected.status_code == 201 and corrected.json()["id"] == period.pk
    assert ProgressReport.objects.filter(pilot_id=pilot_id, period_end=period.period_end).count() == 1
    assert period.history.count() >= 3
    assert as_("cadre_a").post(url, body, format="json").status_code == 409


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_reports_at_once_make_one(demo):
    from portal.models import User

    proposal = make_proposal(demo["cadre_a"], "approved")
    pid = (
        api_client_for(demo["head_a"])
        .post("/api/v1/pilots/", pilot_body(proposal.pk), format="json")
        .json()["id"]
    )
    body = REPORT | {"period_end": first_period(pid).period_end.isoformat()}
    barrier, codes = threading.Barrier(20), []

    def send() -> None:
        try:
            client = api_client_for(User.objects.get(username="cadre_a"))
            barrier.wait(timeout=30)
            codes.append(client.post(f"/api/v1/pilots/{pid}/reports/", body, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [201] + [409] * 19, codes
    assert ProgressReport.objects.filter(pilot_id=pid, status="submitted").count() == 1
