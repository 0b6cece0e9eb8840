"""Recognition: recording a reward (the head of the approving unit, for the author or an
implementer of a pilot evaluated `completed`), and the cadre's innovation record."""

from __future__ import annotations

import datetime
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.models import Case
from pilots.models import Pilot
from portal.errors import IncompleteInput, InvalidTransition
from portal.filetypes import store_upload
from portal.models import User
from portal.workflow import ensure, required_text, tell
from proposals.models import Proposal
from recognition import permissions
from recognition.models import Reward, RewardAttachment


def check_reward(*, actor: User, pilot: Pilot) -> None:
    """403 unless the competent head, then 409 unless the pilot was evaluated `completed`."""
    ensure(permissions.can_reward(actor, pilot), _("Only the head of the approving unit records rewards."))
    if not (pilot.status == Pilot.Status.EVALUATED and pilot.outcome == Pilot.Outcome.COMPLETED):
        raise InvalidTransition(_("Rewards are recorded only for a pilot evaluated as completed."))


@transaction.atomic
def reward_record(
    *, actor: User, pilot: Pilot, cadre: User, kind: str, decision_ref: str, decided_on: datetime.date,
    file: IO[bytes] | None = None,
) -> Reward:  # fmt: skip
    pilot = (
        Pilot.objects.select_for_update(of=("self",))
        .select_related("proposal", "directing_unit")
        .get(pk=pilot.pk)
    )
    check_reward(actor=actor, pilot=pilot)
    if kind not in Reward.Kind.values:
        raise IncompleteInput(
            {"kind": _("Choose a commendation, an award, an early salary step or priority.")}
        )
    if cadre.pk != pilot.proposal.author_id and not pilot.implementers.filter(pk=cadre.pk).exists():
        raise IncompleteInput(
            {"cadre": _("Only the author or an implementer of this pilot is rewarded for it.")}
        )
    if decided_on is None or decided_on > timezone.localdate():
        raise IncompleteInput({"decided_on": _("The decision date cannot be in the future.")})
    if Reward.objects.filter(pilot=pilot, cadre=cadre, kind=kind).exists():
        raise InvalidTransition(_("This reward is already recorded for this cadre and pilot."))
    reward = Reward(
        pilot=pilot, cadre=cadre, kind=kind, decided_on=decided_on, recorded_by=actor,
        decision_ref=required_text(decision_ref, "decision_ref")[:100],
    )  # fmt: skip
    reward._change_reason = f"reward recorded by {actor.username}"
    reward.save()
    if file is not None:
        attachment = RewardAttachment(reward=reward)
        store_upload(attachment, file, name=getattr(file, "name", ""), description="", actor=actor)
    tell([cadre], "reward_recorded", reward, reward=reward)
    return reward


def record_of(person: User) -> dict:
    """The innovation record (CONTRACT): the person's submitted proposals with status, the pilot's
    outcome and the result of its outcome case; their rewards; what they co-implemented."""
    proposals = (
        Proposal.objects.filter(author=person).exclude(status=Proposal.Status.DRAFT)
        .select_related("pilot").order_by("-created_at", "-pk")
    )  # fmt: skip
    results = dict(
        Case.objects.filter(kind=Case.Kind.OUTCOME, proposal__in=proposals).values_list(
            "proposal_id", "result"
        )
    )
    rows = []
    for proposal in proposals:
        pilot = getattr(proposal, "pilot", None)
        rows.append({
            "id": proposal.pk, "title": proposal.title, "status": proposal.status,
            "status_label": proposal.get_status_display(),
            "outcome": (pilot.outcome if pilot else "") or "",
            "outcome_label": pilot.get_outcome_display() if pilot and pilot.outcome else "",
            "case_result": results.get(proposal.pk, "") or "",
            "case_result_label": Case.Result(results[proposal.pk]).label if results.get(proposal.pk) else "",
        })  # fmt: skip
    rewards = Reward.objects.filter(cadre=person).for_list()
    co = (
        (
            Proposal.objects.filter(co_implementers=person).exclude(status=Proposal.Status.DRAFT)
            | Proposal.objects.filter(pilot__implementers=person).exclude(author=person)
        )
        .distinct()
        .order_by("-created_at")
    )
    return {"person": person, "proposals": rows, "rewards": list(rewards), "co_implementations": list(co)}
