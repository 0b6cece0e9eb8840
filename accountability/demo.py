"""Demo accountability cases for `seed_demo`: outcome cases in every status (from pilots evaluated
short of `completed`), an abuse case reported by `inspector` about `cadre_a2`, and an obstruction
case about `head_b`. Idempotent: a case is made only when its proposal is new."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accountability import permissions, services
from accountability.models import Case
from pilots import demo as pilots_demo
from pilots import services as pilot_services
from pilots.models import Pilot
from portal.models import User
from proposals import services as proposal_services
from proposals.models import Proposal

CAUSES = {
    "objective_causes": "Hạ tầng dữ liệu dùng chung của tỉnh chưa sẵn sàng.",
    "subjective_causes": "Khảo sát nhu cầu ban đầu chưa đầy đủ.",
}
# proposal title, author, damage (VND or None), how far the case goes
OUTCOMES = [
    ("Số hóa hồ sơ đất đai cấp xã", "cadre_a", 25_000_000, "open"),
    ("Chi trả trợ cấp qua tài khoản ngân hàng", "cadre_a", None, "liability_excluded"),
    ("Thuê dịch vụ tổng đài hỗ trợ doanh nghiệp", "cadre_a2", 85_000_000, "relief_recommended"),
    ("Khoán chi hành chính theo kết quả đầu ra", "cadre_a2", 40_000_000, "decided"),
    ("Đấu thầu qua mạng cho gói thầu nhỏ", "cadre_a", None, "referred"),
]


def seed(users: dict[str, User]) -> int:
    created = sum(_outcome_case(users, *row) for row in OUTCOMES)
    created += _report(
        users, "abuse", "Thí điểm cấp phép nhanh cho dự án nhỏ", "cadre_a2", users["cadre_a2"],
        "Nghi vấn ưu ái một doanh nghiệp có quan hệ gia đình trong quá trình thí điểm.",
    )  # fmt: skip
    created += _report(
        users, "obstruction", "Một cửa liên thông thủ tục tuyển dụng", "cadre_b", users["head_b"],
        "Đề xuất của cán bộ không được tiếp nhận và không được trả lời quá thời hạn.",
    )  # fmt: skip
    created += _report(
        users, "abuse", "Liên thông dữ liệu hộ tịch với bảo hiểm xã hội", "cadre_b", users["cadre_b"],
        "Nghi vấn sử dụng dữ liệu cá nhân ngoài mục đích thí điểm.", dismiss=True,
    )  # fmt: skip
    return created


def _outcome_case(users: dict[str, User], title: str, author_name: str, damage: int | None, goal: str) -> int:
    author = users[author_name]
    if Proposal.objects.filter(author=author, title=title).exists():
        return 0
    proposal = pilots_demo.approved_proposal(author, title)
    head = proposal_services.current_head(proposal.reviewer_unit)
    today = timezone.localdate()
    pilot = pilot_services.pilot_create(
        actor=head, proposal=proposal, start_date=today - datetime.timedelta(days=180),
        end_date=today - datetime.timedelta(days=10), budget_vnd=300_000_000, implementers=[author],
        indicators=pilots_demo.INDICATORS,
    )  # fmt: skip
    pilot_services.pilot_complete(actor=author, pilot=pilot)
    pilot_services.pilot_results_report(actor=author, pilot=pilot, summary="Chưa đạt các chỉ tiêu chính.")
    pilot_services.pilot_evaluate(
        actor=head, pilot=pilot, outcome=Pilot.Outcome.NOT_COMPLETED, damage=damage is not None,
        damage_vnd=damage, party_opinion="Cấp ủy thống nhất đánh giá chưa hoàn thành.", **CAUSES,
    )  # fmt: skip
    case = Case.objects.get(pilot=pilot, kind=Case.Kind.OUTCOME)
    if goal == "open":
        return 1
    services.case_explain(actor=author, case=case, text="Tôi đã thực hiện đúng phương án được phê duyệt.")
    services.case_review(actor=users["inspector"], case=case, findings="Thực hiện đúng quy trình.",
                         recommendation="protect" if goal != "referred" else "refer")  # fmt: skip
    in_good_faith = goal != "referred"
    case = services.case_determine(
        actor=head, case=case, acted_per_policy=True, pure_motive=in_good_faith, common_good=True, **CAUSES
    )
    if goal == "decided":
        services.case_relief(
            actor=users["head_top"], case=case, decision="reduced",
            basis="Điều 11 Nghị định 73/2023/NĐ-CP: đã thực hiện đúng chủ trương, vì lợi ích chung.",
        )  # fmt: skip
    return 1


def _report(
    users: dict[str, User],
    kind: str,
    title: str,
    author_name: str,
    subject: User,
    summary: str,
    dismiss: bool = False,
) -> int:
    author = users[author_name]
    if Proposal.objects.filter(author=author, title=title).exists():
        return 0
    proposal = pilots_demo.approved_proposal(author, title)
    case = services.case_report(
        actor=users["inspector"], kind=kind, proposal=proposal, subject=subject, summary=summary
    )
    if dismiss:  # reviewed, then found unsubstantiated by the head above the subject's unit
        services.case_review(actor=users["inspector"], case=case, findings="Dữ liệu dùng đúng mục đích.",
                             recommendation="protect")  # fmt: skip
        services.case_determine(
            actor=permissions.next_actor(case), case=case, substantiated=False,
            findings="Không có căn cứ: dữ liệu chỉ dùng cho thí điểm, có biên bản kiểm tra.",
        )  # fmt: skip
    elif kind == "abuse":
        services.case_review(actor=users["inspector"], case=case, findings="Có dấu hiệu cần làm rõ.",
                             recommendation="refer")  # fmt: skip
    return 1
