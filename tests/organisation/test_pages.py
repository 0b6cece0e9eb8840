"""The reorganisation pages: an administrator loads a plan (every problem listed, nothing kept),
sees what it would move, applies it after a confirmation; nobody else opens them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from organisation.models import Reorganisation
from portal.models import Unit
from proposals.models import Proposal
from tests.proposals.conftest import make_proposal


def plan_text(steps: str) -> str:
    return f"reference: QĐ 12/QĐ-UBND\neffective_on: {timezone.localdate():%Y-%m-%d}\nsteps:\n{steps}"


def test_an_administrator_loads_previews_and_applies_a_plan(client, demo):
    proposal = make_proposal(demo["cadre_b"], "submitted")
    client.force_login(demo["admin"])
    assert client.get("/organisation/").status_code == 200
    upload = SimpleUploadedFile("plan.yaml", plan_text("  - merge: [SNV]\n    into: SKHDT\n").encode())
    response = client.post("/organisation/", {"file": upload})
    reorganisation = Reorganisation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/organisation/{reorganisation.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "xem trước" in page and "SNV hợp nhất vào SKHDT" in page and "data-confirm" in page
    assert Unit.objects.get(code="SNV").closed_on is None  # the preview changed nothing
    assert client.post(f"/organisation/{reorganisation.pk}/apply/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.unit.code == "SKHDT" and Unit.objects.get(code="SNV").successor.code == "SKHDT"
    again = client.post(f"/organisation/{reorganisation.pk}/apply/")
    assert again.status_code == 409
    # the same text loaded again is the same record
    assert (
        client.post("/organisation/", {"text": plan_text("  - merge: [SNV]\n    into: SKHDT\n")})["Location"]
        == f"/organisation/{reorganisation.pk}/"
    )


def test_a_bad_plan_is_refused_with_every_problem_and_nothing_kept(client, demo):
    client.force_login(demo["admin"])
    text = plan_text("  - merge: [NOPE]\n    into: SKHDT\n  - move: UBND\n    to: SNV\n  - explode: SNV\n")
    response = client.post("/organisation/", {"text": text})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in page and "Bước 3" in page
    assert not Reorganisation.objects.exists()
    response = client.post("/organisation/", {"text": plan_text("  - merge: [NOPE]\n    into: SKHDT\n")})
    assert response.status_code == 400 and "không có đơn vị “NOPE”" in response.content.decode()
    assert client.post("/organisation/", {"text": "reference: [unclosed"}).status_code == 400
    assert client.post("/organisation/", {}).status_code == 400
    assert not Reorganisation.objects.exists() and Proposal.objects.count() == 0


def test_nobody_but_an_administrator_opens_them(client, demo):
    for username in ("head_top", "orgcom", "cadre_a"):
        client.force_login(demo[username])
        assert client.get("/organisation/").status_code == 403, username
        assert client.post("/organisation/1/apply/").status_code == 403, username
