"""Demo proposals for `seed_demo`: the demo users' proposals in every state, so a new user sees a
lived-in portal. Idempotent: a proposal is created only if its author has none with its title."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal import voting
from portal.models import User
from portal.workdays import add_working_days
from proposals import services
from proposals.models import Proposal

PLAN = {
    "gap_kind": "unsuitable",
    "legal_basis": "Luật Đầu tư 2020; Nghị định 31/2021/NĐ-CP; Nghị định 73/2023/NĐ-CP.",
    "solution": "Tổ chức lại quy trình, giao một đầu mối chịu trách nhiệm, số hóa hồ sơ và xử lý song song.",
    "scope": "Các cơ quan, đơn vị thuộc tỉnh; tổ chức, cá nhân có thủ tục liên quan.",
    "resources": "Cán bộ chuyên trách của đơn vị; hạ tầng công nghệ thông tin hiện có.",
    "feasibility": "Đã khảo sát thực tế; điều kiện hạ tầng và nhân lực đáp ứng.",
    "impact_positive": "Giảm thời gian, chi phí tuân thủ; tăng sự hài lòng của người dân, doanh nghiệp.",
    "impact_negative": "Khối lượng công việc tăng trong giai đoạn đầu; cần đào tạo lại.",
    "expected_results": "Thời gian xử lý giảm từ 30 ngày (cơ sở) xuống 10 ngày (mục tiêu).",
    "risks": "Phối hợp liên ngành chưa đồng bộ; giảm thiểu bằng quy chế phối hợp và kiểm tra định kỳ.",
    "conflict_of_interest": "",
    "conditions_confirmed": True,
}

# author, title, necessity, budget, target state, working days since receipt (for submitted ones)
DEMO = [
    (
        "cadre_a",
        "Số hóa hồ sơ đăng ký doanh nghiệp",
        "Hồ sơ giấy lưu trữ phân tán, tra cứu chậm.",
        320_000_000,
        "draft",
        0,
    ),
    (
        "cadre_a",
        "Cải cách thủ tục cấp phép đầu tư một cửa liên thông",
        "Thủ tục kéo dài 45 ngày, là điểm nghẽn thu hút đầu tư.",
        850_000_000,
        "submitted",
        1,
    ),
    (
        "cadre_a2",
        "Thí điểm tiếp nhận hồ sơ đầu tư qua ứng dụng di động",
        "Nhà đầu tư phải đến trực tiếp nộp hồ sơ nhiều lần.",
        450_000_000,
        "submitted",
        9,
    ),
    (
        "cadre_a",
        "Thuê dịch vụ công nghệ thông tin theo hình thức trọn gói",
        "Quy định mua sắm hiện hành chưa phù hợp với dịch vụ thuê ngoài.",
        1_200_000_000,
        "returned",
        0,
    ),
    (
        "cadre_a2",
        "Chia sẻ dữ liệu quy hoạch cho nhà đầu tư",
        "Dữ liệu quy hoạch chưa được công khai đầy đủ.",
        150_000_000,
        "withdrawn",
        0,
    ),
    (
        "cadre_a",
        "Ứng dụng chữ ký số cho hồ sơ thẩm định dự án",
        "Hồ sơ thẩm định phải ký tay nhiều cấp.",
        600_000_000,
        "approved",
        0,
    ),
    (
        "cadre_b",
        "Tuyển dụng công chức qua thi trực tuyến theo vị trí việc làm",
        "Thi tuyển tập trung tốn kém và kéo dài.",
        900_000_000,
        "collective_rejected",
        0,
    ),
    (
        "cadre_b",
        "Đánh giá cán bộ bằng bộ chỉ số kết quả công việc",
        "Đánh giá hiện nay còn hình thức, cảm tính.",
        250_000_000,
        "approved_by_head",
        0,
    ),
    (
        "cadre_a",
        "Giao quyền tự chủ tài chính cho phòng chuyên môn",
        "Phòng chuyên môn không chủ động được kinh phí.",
        500_000_000,
        "rejected",
        0,
    ),
    (
        "head_a",
        "Ủy quyền phê duyệt chủ trương đầu tư dự án nhỏ cho Sở",
        "Dự án dưới 15 tỷ đồng vẫn phải trình UBND tỉnh, kéo dài thời gian.",
        0,
        "submitted",
        2,
    ),
]


def seed(users: dict[str, User]) -> int:
    created = 0
    for author_name, title, necessity, budget, state, days_ago in DEMO:
        author = users[author_name]
        if Proposal.objects.filter(author=author, title=title).exists():
            continue
        today = timezone.localdate()
        data = {
            **PLAN,
            "title": title,
            "necessity": necessity,
            "budget_vnd": budget,
            "start_date": today + datetime.timedelta(days=30),
            "end_date": today + datetime.timedelta(days=395),
        }
        proposal = services.proposal_create(author=author, data=data)
        walk(proposal, author, state)
        if state == "submitted" and days_ago:
            backdate(proposal, days_ago)
        created += 1
    return created


def walk(proposal: Proposal, author: User, state: str) -> None:
    if state == "draft":
        return
    proposal = services.proposal_submit(actor=author, proposal=proposal)
    head = services.current_head(proposal.reviewer_unit)
    if state == "submitted":
        return
    if state == "returned":
        services.proposal_return(
            actor=head, proposal=proposal, reason="Đề nghị bổ sung dự toán kinh phí chi tiết."
        )
        return
    if state == "withdrawn":
        services.proposal_withdraw(actor=author, proposal=proposal, reason="Chờ hoàn thiện cơ sở dữ liệu.")
        return
    services.proposal_record_party_opinion(
        actor=head, proposal=proposal, opinion="Cấp ủy thống nhất chủ trương.", supports=True
    )
    passes = state == "approved"
    # A vote by name, so the demo's minutes show the roll: all for; or the head abstaining and
    # the others against (then the head may still approve under their own responsibility).
    roll = voting.roll_for(proposal.reviewer_unit, exclusions=services.vote_exclusions(proposal))
    votes = [
        {"member": entry["member"], "vote": _demo_vote(entry, head, passes)}
        for entry in roll
        if not entry["excluded"]
    ]
    proposal = services.proposal_decide(
        actor=head, proposal=proposal, votes=votes, mode="pilot",
        support_granted="Bố trí 2 cán bộ và kinh phí theo dự toán." if passes else "",
    )  # fmt: skip
    if state == "approved_by_head":
        services.proposal_override(
            actor=head, proposal=proposal,
            responsibility_statement="Tôi cam kết chịu trách nhiệm trước cấp trên và trước pháp luật.",
        )  # fmt: skip
    elif state == "rejected":
        services.proposal_reject(actor=head, proposal=proposal, reason="Vượt thẩm quyền của đơn vị (Điều 4).")


def _demo_vote(entry: dict, head: User, passes: bool) -> str:
    if passes:
        return voting.Ballot.FOR
    return voting.Ballot.ABSTAIN if entry["member"] == head.username else voting.Ballot.AGAINST


def backdate(proposal: Proposal, working_days_ago: int) -> None:
    """Demo only: move the receipt into the past so the inbox shows due-soon and overdue items."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    received = timezone.localdate()
    for _step in range(working_days_ago):
        received -= datetime.timedelta(days=1)
        while add_working_days(received - datetime.timedelta(days=1), 1) != received:
            received -= datetime.timedelta(days=1)
    proposal.received_on = received
    proposal.decision_due = add_working_days(received, services.DECISION_DAYS)
    proposal._change_reason = "seed_demo: receipt backdated for the demo"
    proposal.save()
