"""Proposal fixtures: complete plan content and proposals in a given state."""

from __future__ import annotations

import datetime

import pytest

from portal import voting
from portal.models import User
from proposals import services
from proposals.models import Proposal


def plan(**overrides) -> dict:
    """Every Art. 7(2) field filled in, as the API and the form take it."""
    content = {
        "title": "Cải cách thủ tục cấp phép đầu tư một cửa liên thông",
        "necessity": "Thủ tục hiện nay kéo dài 45 ngày, là điểm nghẽn thu hút đầu tư.",
        "gap_kind": "unsuitable",
        "legal_basis": "Luật Đầu tư 2020, Điều 38; Nghị định 31/2021/NĐ-CP.",
        "solution": "Tiếp nhận và trả kết quả tại một đầu mối, xử lý song song các bước thẩm định.",
        "scope": "Các dự án đầu tư trong nước quy mô dưới 100 tỷ đồng tại tỉnh.",
        "start_date": "2027-01-04",
        "end_date": "2027-12-31",
        "resources": "5 cán bộ chuyên trách, phần mềm một cửa điện tử.",
        "budget_vnd": 850_000_000,
        "feasibility": "Đã thử nghiệm tại 2 huyện; hạ tầng số sẵn sàng.",
        "impact_positive": "Rút ngắn thời gian cấp phép còn 15 ngày.",
        "impact_negative": "Tăng khối lượng công việc giai đoạn đầu.",
        "expected_results": "Thời gian xử lý: từ 45 ngày (cơ sở) xuống 15 ngày (mục tiêu).",
        "risks": "Phối hợp liên ngành chậm; giảm thiểu bằng quy chế phối hợp.",
        "conflict_of_interest": "",
        "conditions_confirmed": True,
    }
    content.update(overrides)
    return content


def as_model_data(data: dict) -> dict:
    converted = dict(data)
    for field in ("start_date", "end_date"):
        if isinstance(converted.get(field), str):
            converted[field] = datetime.date.fromisoformat(converted[field])
    return converted


def make_proposal(
    author: User, state: str = "draft", *, reviewer: User | None = None, **overrides
) -> Proposal:
    """A proposal by `author` walked through the services to `state`."""
    proposal = services.proposal_create(author=author, data=as_model_data(plan(**overrides)))
    if state == "draft":
        return proposal
    proposal = services.proposal_submit(actor=author, proposal=proposal)
    head = reviewer or services.current_head(proposal.reviewer_unit)
    if state == "submitted":
        return proposal
    if state == "returned":
        return services.proposal_return(actor=head, proposal=proposal, reason="Bổ sung dự toán chi tiết.")
    if state == "withdrawn":
        return services.proposal_withdraw(actor=author, proposal=proposal)
    services.proposal_record_party_opinion(
        actor=head, proposal=proposal, opinion="Đảng ủy thống nhất.", supports=True
    )
    passes = state == "approved"
    # 3 for and 1 against (or 1 for and 3 against) where the collective is that large; a smaller
    # roll casts what it can (a roll of 2 fails on a tie with the head against).
    roll = voting.roll_for(proposal.reviewer_unit, exclusions=services.vote_exclusions(proposal))
    eligible = sum(1 for entry in roll if not entry["excluded"])
    if passes:
        votes_for = min(3, eligible)
        votes_against = min(1, eligible - votes_for)
    else:
        votes_for = 1 if eligible >= 2 else 0
        votes_against = min(3, eligible - votes_for)
    proposal = services.proposal_decide(
        actor=head, proposal=proposal, votes_for=votes_for, votes_against=votes_against,
        head_vote="for" if passes else "against", mode="pilot",
    )  # fmt: skip
    if state in ("approved", "collective_rejected"):
        return proposal
    if state == "approved_by_head":
        return services.proposal_override(
            actor=head, proposal=proposal, responsibility_statement="Tôi chịu trách nhiệm cá nhân."
        )
    if state == "rejected":
        return services.proposal_reject(actor=head, proposal=proposal, reason="Chưa đủ cơ sở pháp lý.")
    raise ValueError(state)


@pytest.fixture
def proposal_in(demo):
    def build(state: str = "draft", author: str = "cadre_a", **overrides) -> Proposal:
        return make_proposal(demo[author], state, **overrides)

    return build
