"""Demo pilots for `seed_demo`: one in every state, among them an active pilot with `cadre_a`
as implementer and a progress report due. Idempotent: keyed on the proposal's title."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pilots import services
from pilots.models import Pilot
from portal.models import User
from proposals import demo as proposals_demo
from proposals import services as proposal_services
from proposals.models import Proposal

INDICATORS = [
    {"name": "Thời gian xử lý hồ sơ", "unit": "ngày", "baseline": 30, "target": 10},
    {"name": "Tỷ lệ hồ sơ nộp trực tuyến", "unit": "%", "baseline": 15, "target": 80},
]

# proposal title, author, pilot state, start (days from today), length in days
DEMO = [
    ("Ứng dụng chữ ký số cho hồ sơ thẩm định dự án", "cadre_a", "active", -45, 300),
    ("Một cửa số cho thủ tục cấp mã số dự án", "cadre_a2", "planned", 20, 240),
    ("Thí điểm hẹn giờ tiếp nhận hồ sơ trực tuyến", "cadre_a", "suspended", -60, 240),
    ("Thuê ngoài dịch vụ số hóa hồ sơ lưu trữ", "cadre_b", "terminated", -90, 200),
    ("Chuẩn hóa biểu mẫu báo cáo giám sát đầu tư", "cadre_a2", "completed", -120, 100),
    ("Tổ chức thi nâng ngạch công chức trên máy tính", "cadre_b", "under_evaluation", -150, 120),
    ("Đánh giá cán bộ bằng bộ chỉ số kết quả công việc", "cadre_b", "evaluated", -200, 150),
]


def seed(users: dict[str, User]) -> int:
    created = 0
    for title, author_name, state, start_in, length in DEMO:
        author = users[author_name]
        proposal = Proposal.objects.filter(author=author, title=title).first() or approved_proposal(
            author, title
        )
        if Pilot.objects.filter(proposal=proposal).exists():
            continue
        if proposal.status not in (Proposal.Status.APPROVED, Proposal.Status.APPROVED_BY_HEAD):
            continue
        head = proposal_services.current_head(proposal.reviewer_unit)
        today = timezone.localdate()
        start = today + datetime.timedelta(days=start_in)
        implementers = [author, users["cadre_a"]] if author_name == "cadre_a2" else [author]
        pilot = services.pilot_create(
            actor=head, proposal=proposal, start_date=start, end_date=start + datetime.timedelta(days=length),
            report_frequency=Pilot.Frequency.MONTHLY, budget_vnd=proposal.budget_vnd or 300_000_000,
            resources="Tổ công tác 3 người; phần mềm dùng chung của tỉnh.", implementers=implementers,
            indicators=INDICATORS,
        )  # fmt: skip
        walk(pilot, head, author, state)
        created += 1
    return created


def approved_proposal(author: User, title: str) -> Proposal:
    today = timezone.localdate()
    data = {
        **proposals_demo.PLAN, "title": title, "necessity": "Quy trình hiện hành kéo dài, tốn kém.",
        "budget_vnd": 400_000_000, "start_date": today, "end_date": today + datetime.timedelta(days=365),
    }  # fmt: skip
    proposal = proposal_services.proposal_create(author=author, data=data)
    proposals_demo.walk(proposal, author, "approved")
    return Proposal.objects.get(pk=proposal.pk)


def walk(pilot: Pilot, head: User, author: User, state: str) -> None:
    implementer = pilot.implementers.order_by("pk").first()
    if state in ("planned",):
        return
    first = pilot.reports.order_by("period_end").first()
    if first and first.period_end < timezone.localdate():
        services.report_submit(
            actor=implementer,
            pilot=pilot,
            period_end=first.period_end,
            summary="Đã hoàn thành khảo sát, xây dựng quy trình.",
            progress_percent=25,
            indicator_values=[{"name": INDICATORS[0]["name"], "value": 24}],
            spending_vnd=60_000_000,
        )
    if state == "active":
        return
    if state == "suspended":
        services.pilot_suspend(actor=head, pilot=pilot, reason="Chờ hướng dẫn của Sở Tài chính về kinh phí.")
        return
    if state == "terminated":
        services.pilot_terminate(
            actor=head, pilot=pilot, reason="Nhà cung cấp không đáp ứng yêu cầu bảo mật."
        )
        return
    services.pilot_complete(actor=implementer, pilot=pilot)
    if state == "completed":
        return
    services.pilot_results_report(
        actor=implementer,
        pilot=pilot,
        summary="Đạt phần lớn chỉ tiêu; thời gian xử lý giảm rõ rệt.",
        indicator_values=[{"name": i["name"], "value": v} for i, v in zip(INDICATORS, (12, 70), strict=True)],
    )
    if state == "under_evaluation":
        return
    services.pilot_evaluate(
        actor=head, pilot=pilot, outcome=Pilot.Outcome.COMPLETED, damage=False,
        objective_causes="", subjective_causes="", party_opinion="Cấp ủy đánh giá cao kết quả thí điểm.",
    )  # fmt: skip
