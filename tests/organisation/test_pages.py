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


def test_a_split_is_shared_out_by_hand_in_the_preview(client, demo):
    """SKHDT split into SKH and SDT: the page lists its people, units below and open records with
    the part each goes to; moving cadre_a2 by hand takes their draft along, one record of cadre_a's
    is sent to SDT by hand, and applying the plan does exactly what the page showed."""
    own, other = make_proposal(demo["cadre_a"], "draft"), make_proposal(demo["cadre_a"], "submitted")
    theirs = make_proposal(demo["cadre_a2"], "draft")
    client.force_login(demo["admin"])
    steps = "  - split: SKHDT\n    into:\n"
    steps += "      - {code: SKH, name: Sở Kế hoạch}\n      - {code: SDT, name: Sở Đầu tư}\n"
    assert client.post("/organisation/", {"text": plan_text(steps)}).status_code == 302
    reorganisation = Reorganisation.objects.get()
    page = client.get(f"/organisation/{reorganisation.pk}/").content.decode()
    assert 'data-testid="share-0"' in page and "Sở Đầu tư (SDT)" in page
    for key in ("person:cadre_a", "person:cadre_a2", f"record:proposals.proposal:{own.pk}",
                f"record:proposals.proposal:{theirs.pk}"):  # fmt: skip
        assert f'name="{key}"' in page, key
    share = f"/organisation/{reorganisation.pk}/share/0/"
    record = "record:proposals.proposal:{}".format
    every_row = {"person:cadre_a": "SKH", "person:cadre_a2": "SDT", record(own.pk): "SKH",
                 record(other.pk): "SDT", record(theirs.pk): "SKH"}  # fmt: skip
    assert client.post(share, every_row).status_code == 302
    reorganisation.refresh_from_db()
    step = reorganisation.plan["steps"][0]
    # only what differs from the rule is written down: cadre_a2's draft follows them
    assert step["people"] == {"cadre_a2": "SDT"}
    assert step["records"] == {f"proposals.proposal:{other.pk}": "SDT"}
    assert reorganisation.history.count() == 2  # loaded, then shared out
    page = client.get(f"/organisation/{reorganisation.pk}/").content.decode()
    assert "chosen by hand" in page or "chọn thủ công" in page
    # a part or a thing the split does not have: 400, the plan unchanged
    before = reorganisation.fingerprint
    assert client.post(share, {"person:cadre_a": "SNV"}).status_code == 400
    assert client.post(share, {"person:head_b": "SDT"}).status_code == 400
    assert client.post(f"/organisation/{reorganisation.pk}/share/5/", {}).status_code == 400
    reorganisation.refresh_from_db()
    assert reorganisation.fingerprint == before
    assert client.post(f"/organisation/{reorganisation.pk}/apply/").status_code == 302
    for proposal, code in ((own, "SKH"), (other, "SDT"), (theirs, "SDT")):
        proposal.refresh_from_db()
        assert proposal.unit.code == code, proposal.title
    assert client.post(share, every_row).status_code == 409  # applied: nothing more to share
    client.force_login(demo["head_top"])
    assert client.post(share, every_row).status_code == 403
