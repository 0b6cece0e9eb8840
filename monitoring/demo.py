"""Demo urging for `seed_demo`: a proposal of Sở Nội vụ left undecided past its due date, and
orgcom's urging to head_b naming it (not yet answered). Idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from monitoring import services
from monitoring.models import Urging
from portal.models import Unit, User
from proposals import demo as proposals_demo
from proposals import services as proposal_services
from proposals.models import Proposal

TITLE = "Liên thông hồ sơ nghỉ hưu giữa Sở Nội vụ và Bảo hiểm xã hội"


def seed(users: dict[str, User]) -> int:
    unit = Unit.objects.get(code="SNV")
    if Urging.objects.filter(unit=unit, sent_by=users["orgcom"]).exists():
        return 0
    proposal = Proposal.objects.filter(author=users["cadre_b"], title=TITLE).first()
    if proposal is None:
        today = timezone.localdate()
        data = {
            **proposals_demo.PLAN, "title": TITLE,
            "necessity": "Hồ sơ nghỉ hưu phải nộp hai nơi, chậm chi trả.", "budget_vnd": 150_000_000,
            "start_date": today + datetime.timedelta(days=30),
            "end_date": today + datetime.timedelta(days=300),
        }  # fmt: skip
        proposal = proposal_services.proposal_create(author=users["cadre_b"], data=data)
        proposals_demo.walk(proposal, users["cadre_b"], "submitted")
        proposals_demo.backdate(proposal, 10)
    services.urging_send(
        actor=users["orgcom"], unit=unit, item_refs=[("proposal", proposal.pk)],
        note="Đề xuất đã quá hạn quyết định; đề nghị đồng chí chỉ đạo giải quyết dứt điểm.",
    )  # fmt: skip
    return 1


def seed_review(users: dict[str, User]) -> int:
    """A preliminary review (sơ kết) of the province for the current half-year."""
    from monitoring.models import PeriodicReview

    unit = Unit.objects.get(code="UBND")
    if PeriodicReview.objects.filter(unit=unit).exists():
        return 0
    today = timezone.localdate()
    first_half = today.month <= 6
    start = datetime.date(today.year, 1 if first_half else 7, 1)
    end = datetime.date(today.year, 6, 30) if first_half else datetime.date(today.year, 12, 31)
    services.review_record(
        actor=users["orgcom"], unit=unit, kind="preliminary", period_start=start, period_end=end,
        findings="Các đơn vị đã tiếp nhận, xem xét đề xuất đúng hạn; "
        "cần nhân rộng mô hình một cửa liên thông.",
    )  # fmt: skip
    return 1
