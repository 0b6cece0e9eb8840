"""Demo obstacles for `seed_demo`: on cadre_a's active pilot, one waiting for head_a's answer and
one escalated by head_a to head_top. Idempotent: made only when the pilot has none."""

from __future__ import annotations

from pilots.models import Pilot
from portal.models import User
from support import services
from support.models import Obstacle


def seed(users: dict[str, User]) -> int:
    pilot = (
        Pilot.objects.filter(
            status=Pilot.Status.ACTIVE, implementers=users["cadre_a"], proposal__author=users["cadre_a"]
        )
        .order_by("pk")
        .first()
    )
    if pilot is None or Obstacle.objects.filter(pilot=pilot).exists():
        return 0
    services.obstacle_raise(
        actor=users["cadre_a"], pilot=pilot, kind="resources",
        description="Máy chủ ký số dùng chung của tỉnh quá tải vào cuối tháng.",
        request="Đề nghị bổ sung tài khoản ký số cho 3 phòng chuyên môn.",
    )  # fmt: skip
    escalated = services.obstacle_raise(
        actor=users["cadre_a"], pilot=pilot, kind="legal",
        description="Chưa có quy định công nhận giá trị pháp lý của hồ sơ thẩm định ký số liên thông.",
        request="Đề nghị UBND tỉnh ban hành hướng dẫn tạm thời.",
    )  # fmt: skip
    services.obstacle_escalate(
        actor=users["head_a"], obstacle=escalated, note="Vượt thẩm quyền của Sở; cần văn bản của UBND tỉnh."
    )
    return 2
