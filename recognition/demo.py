"""Demo recognition for `seed_demo`: a pilot of cadre_a (SKHDT) evaluated `completed`, with a
commendation and priority for appointment recorded by head_a. Idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pilots import demo as pilots_demo
from pilots import services as pilot_services
from pilots.models import Pilot
from portal.models import User
from proposals.models import Proposal
from recognition import services
from recognition.models import Reward

TITLE = "Một cửa liên thông cấp giấy chứng nhận đầu tư và đăng ký doanh nghiệp"


def completed_pilot(users: dict[str, User]) -> Pilot:
    """cadre_a's pilot, run and evaluated as completed (made once)."""
    proposal = Proposal.objects.filter(author=users["cadre_a"], title=TITLE).first()
    if proposal is None:
        proposal = pilots_demo.approved_proposal(users["cadre_a"], TITLE)
    existing = Pilot.objects.filter(proposal=proposal).first()
    if existing:
        return existing
    today = timezone.localdate()
    pilot = pilot_services.pilot_create(
        actor=users["head_a"], proposal=proposal, start_date=today - datetime.timedelta(days=220),
        end_date=today - datetime.timedelta(days=20), report_frequency=Pilot.Frequency.QUARTERLY,
        budget_vnd=350_000_000, resources="Bộ phận một cửa của Sở; phần mềm dùng chung.",
        implementers=[users["cadre_a"], users["cadre_a2"]], indicators=pilots_demo.INDICATORS,
    )  # fmt: skip
    pilots_demo.walk(pilot, users["head_a"], users["cadre_a"], "evaluated")
    return Pilot.objects.get(pk=pilot.pk)


def seed(users: dict[str, User]) -> int:
    pilot = completed_pilot(users)
    if Reward.objects.filter(pilot=pilot).exists():
        return 0
    today = timezone.localdate()
    for kind, ref in (("commendation", "125/QĐ-SKHDT"), ("priority_appointment", "126/QĐ-SKHDT")):
        services.reward_record(
            actor=users["head_a"],
            pilot=pilot,
            cadre=users["cadre_a"],
            kind=kind,
            decision_ref=ref,
            decided_on=today,
        )
    return 2
