"""Report downloads prepared in the background ("my downloads"): a large report offers them
instead of direct links; the task tells its progress and leaves the file for its owner alone for
7 days; bad requests are refused without a job; a task that cannot draw the file says so."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pypdf
from django.test import override_settings
from django.utils import timezone

from monitoring import services
from monitoring.models import ExportJob
from portal.models import RoleAssignment, Unit
from tests.proposals.conftest import make_proposal

ASK = {"unit": "UBND", "from": "2026-01-01", "to": "2026-12-31"}


def ask(user, kind: str) -> ExportJob:
    half = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
    return services.export_request(
        actor=user, unit=Unit.objects.get(code="UBND"), start=half[0], end=half[1], kind=kind
    )


def test_a_large_report_is_prepared_in_the_background(demo, client, django_capture_on_commit_callbacks):
    make_proposal(demo["cadre_a"], "submitted")
    client.force_login(demo["orgcom"])
    with override_settings(PORTAL_EXPORT_INLINE_MAX=0):
        page = client.get("/reports/", {"unit": "UBND", "period": "year"}).content.decode()
    assert "download-background" in page and "download-xlsx" not in page
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/reports/downloads/", ASK | {"kind": "xlsx"})
    assert asked.status_code == 302
    job = ExportJob.objects.get()
    assert (job.owner, job.status, job.progress, job.language) == (demo["orgcom"], "done", 100, "vi")
    assert job.expires_at - job.created_at == datetime.timedelta(days=7)
    listing = client.get("/reports/downloads/").content.decode()
    assert "download-ready" in listing and "UBND tỉnh Demo" in listing
    file = client.get(f"/reports/downloads/{job.pk}/")
    assert (
        file.status_code == 200
        and 'filename="bao-cao-UBND-2026-01-01-2026-12-31.xlsx"' in file["Content-Disposition"]
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(file.streaming_content)))
    assert "Tuân thủ thời hạn" in book.sheetnames
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/downloads/", ASK | {"kind": "pdf"})
    pdf = ExportJob.objects.get(kind="pdf")
    text = " ".join(
        " ".join(page.extract_text() for page in pypdf.PdfReader(pdf.file.open("rb")).pages).split()
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    # nobody else sees or downloads it
    client.force_login(demo["head_top"])
    assert client.get(f"/reports/downloads/{job.pk}/").status_code == 404
    assert client.get(f"/reports/downloads/{job.pk}/progress/").status_code == 404
    assert "download-row" not in client.get("/reports/downloads/").content.decode()


def test_progress_is_polled_until_the_file_is_ready(demo, client):
    client.force_login(demo["orgcom"])
    job = ask(demo["orgcom"], "pdf")
    # the task has not run (no commit in this test): the row polls itself
    row = client.get(f"/reports/downloads/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in row and "download-progress" in row
    assert client.get(f"/reports/downloads/{job.pk}/").status_code == 404  # not ready
    services.export_build(job.pk)
    row = client.get(f"/reports/downloads/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in row and "download-ready" in row
    services.export_build(job.pk)  # a redelivered task leaves a finished job alone
    assert ExportJob.objects.get(pk=job.pk).status == "done"


def test_bad_requests_make_no_job(demo, client):
    client.force_login(demo["orgcom"])
    for bad in ({"kind": "docx"}, {"kind": "xlsx", "unit": "NOPE"}, {"kind": "xlsx", "from": "01/01/2026"},
                {"kind": "xlsx", "to": "2025-01-01"}):  # fmt: skip
        response = client.post("/reports/downloads/", ASK | bad, follow=True)
        assert response.status_code == 200 and list(response.context["messages"]), bad
    client.force_login(demo["head_a"])
    assert client.post("/reports/downloads/", ASK | {"kind": "xlsx"}).status_code == 302  # UBND: not theirs
    client.force_login(demo["cadre_a"])
    assert client.post("/reports/downloads/", ASK | {"kind": "xlsx"}).status_code == 403
    assert client.get("/reports/downloads/").status_code == 403
    assert not ExportJob.objects.exists()


def test_a_job_whose_owner_lost_the_role_fails_and_expired_ones_are_purged(demo, client):
    job = ask(demo["orgcom"], "xlsx")
    RoleAssignment.objects.filter(user=demo["orgcom"], role="orgcom").update(
        started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2020, 1, 2)
    )
    services.export_build(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    done = ask(demo["head_top"], "xlsx")
    services.export_build(done.pk)
    done.refresh_from_db()
    stored = done.file.name
    assert done.file.storage.exists(stored)
    assert services.exports_purge(timezone.now() + datetime.timedelta(days=6)) == 0
    assert services.exports_purge(timezone.now() + datetime.timedelta(days=7, seconds=1)) == 2
    assert not ExportJob.objects.exists() and not done.file.storage.exists(stored)
