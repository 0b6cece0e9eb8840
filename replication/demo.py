"""Demo model library for `seed_demo`: two published models — cadre_a's one-stop pilot (SKHDT),
adopted by cadre_b for SNV, and cadre_b's evaluated pilot (SNV) — and an institutionalisation at
each stage. Idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pilots.models import Pilot
from portal.models import User
from proposals.models import Proposal
from recognition import demo as recognition_demo
from replication import services
from replication.models import InnovationModel


def seed(users: dict[str, User]) -> int:
    if InnovationModel.objects.exists():
        return 0
    one_stop = services.model_publish(
        actor=users["head_a"], pilot=recognition_demo.completed_pilot(users), field="procedures",
        summary="Nhà đầu tư nộp một bộ hồ sơ tại một cửa; Sở xử lý liên thông cấp giấy chứng nhận đầu tư "
        "và đăng ký doanh nghiệp. Thời gian xử lý giảm từ 45 xuống 12 ngày.",
        conditions="Có bộ phận một cửa và phần mềm liên thông; quy chế phối hợp giữa các sở.",
    )  # fmt: skip
    services.model_adopt(actor=users["cadre_b"], model=one_stop)
    evaluated = Pilot.objects.filter(
        status=Pilot.Status.EVALUATED, outcome=Pilot.Outcome.COMPLETED, proposal__author=users["cadre_b"]
    ).first()
    models = [one_stop]
    if evaluated and not InnovationModel.objects.filter(pilot=evaluated).exists():
        models.append(services.model_publish(
            actor=users["head_b"], pilot=evaluated, field="personnel",
            summary="Đánh giá cán bộ theo bộ chỉ số kết quả công việc, gắn với vị trí việc làm.",
            conditions="Đã xây dựng khung vị trí việc làm và bộ chỉ số của từng vị trí.",
        ))  # fmt: skip
    today = timezone.localdate()
    stages = [
        ("Quyết định của UBND tỉnh", "Sở Kế hoạch và Đầu tư", []),
        ("Quy chế phối hợp liên thông", "Sở Kế hoạch và Đầu tư", ["drafting"]),
        ("Quyết định ban hành quy trình một cửa liên thông", "Văn phòng UBND tỉnh", ["drafting", "issued"]),
        ("Nghị quyết của HĐND tỉnh", "Sở Tài chính", ["dropped"]),
    ]
    for kind, agency, steps in stages:
        model = models[-1] if "Nghị quyết" in kind else one_stop
        item = services.institutionalise(
            actor=users["orgcom"],
            model=model,
            document_kind=kind,
            drafting_agency=agency,
            note="Đề xuất thể chế hóa.",
        )
        for step in steps:
            extra = {"document_number": "27/2026/QĐ-UBND", "issued_on": today - datetime.timedelta(days=3)}
            services.institutionalisation_advance(
                actor=users["orgcom"], item=item, stage=step, note="Cập nhật tiến độ.",
                **(extra if step == "issued" else {}),
            )  # fmt: skip
    return len(models) + Proposal.objects.filter(adopted_from__isnull=False).count()
