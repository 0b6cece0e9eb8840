"""The official documents drawn from a proposal's record in the administrative format of Decree
30/2020/NĐ-CP: the decision to implement or pilot, the minutes of the collective's vote, the
decision on each directive (suspend, resume, terminate), the minutes of the evaluation and the
conclusion of each accountability case. Each is issued by the unit that took the step, signed by
the person who took it, and written in Vietnamese, the language of official documents."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from accountability.models import Case
from accountability.permissions import deciding_unit, determining_unit
from evidence.models import OfficialDocument
from portal import voting
from portal.models import Unit, User
from proposals.models import Proposal

Kind = OfficialDocument.Kind
SYMBOLS = {Kind.DECISION: "QĐ", Kind.DIRECTIVE: "QĐ", Kind.MINUTES: "BB", Kind.EVALUATION: "BB",
           Kind.CONCLUSION: "KL"}  # fmt: skip
DIRECTIVES = ("suspend", "resume", "terminate")
APPROVED = (Proposal.Status.APPROVED, Proposal.Status.APPROVED_BY_HEAD)
# The title of the head who signs, by the kind of unit (the signature block of Decree 30).
HEADS = {
    Unit.Kind.PEOPLES_COMMITTEE: "CHỦ TỊCH", Unit.Kind.COMMUNE: "CHỦ TỊCH",
    Unit.Kind.MINISTRY: "BỘ TRƯỞNG", Unit.Kind.DEPARTMENT: "GIÁM ĐỐC",
    Unit.Kind.DIVISION: "TRƯỞNG PHÒNG", Unit.Kind.ENTERPRISE: "TỔNG GIÁM ĐỐC",
}  # fmt: skip


@dataclass(frozen=True)
class Available:
    """A document the record allows: its kind, what it is drawn from, who issues and signs it."""

    kind: str
    source: str
    unit: Unit
    signer: User
    on: object  # the date of the step
    step: object = None  # the transition it records, if any
    case: Case | None = None

    @property
    def title(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.source.partition(':')[2]}"


def available(proposal: Proposal, reader: User, steps: list | None = None) -> list[Available]:
    """The official documents this proposal's record allows, in the order of the steps
    (`steps`: the proposal's transitions with their actors, when the caller has read them)."""
    found = []
    if steps is None:
        steps = list(proposal.transitions.select_related("actor"))
    vote = next((t for t in reversed(steps) if t.action == "decide"), None)
    if vote is not None:
        found.append(Available(Kind.MINUTES, f"proposal:{proposal.pk}", proposal.reviewer_unit, vote.actor,
                               timezone.localdate(vote.at), vote))  # fmt: skip
    if proposal.status in APPROVED and proposal.decided_by:
        step = next((t for t in reversed(steps) if t.action in ("decide", "override")), None)
        found.append(Available(Kind.DECISION, f"proposal:{proposal.pk}", proposal.reviewer_unit,
                               proposal.decided_by, proposal.decided_on, step))  # fmt: skip
    pilot = getattr(proposal, "pilot", None)
    if pilot is not None:
        pilot_steps = list(
            pilot.transitions.select_related("actor").filter(action__in=(*DIRECTIVES, "evaluate"))
        )
        for step in (step for step in pilot_steps if step.action in DIRECTIVES):
            found.append(Available(Kind.DIRECTIVE, f"transition:{step.pk}", pilot.directing_unit, step.actor,
                                   timezone.localdate(step.at), step))  # fmt: skip
        evaluated = next((step for step in reversed(pilot_steps) if step.action == "evaluate"), None)
        if evaluated is not None:
            found.append(Available(Kind.EVALUATION, f"pilot:{pilot.pk}", pilot.directing_unit,
                                   evaluated.actor, pilot.evaluated_on, evaluated))  # fmt: skip
    for case in Case.objects.visible_to(reader).filter(proposal=proposal).exclude(status=Case.Status.OPEN):
        if case.decided_by_id:
            unit, signer, on = deciding_unit(case), case.decided_by, case.decided_on
        else:
            unit, signer, on = determining_unit(case), case.determined_by, case.determined_on
        if signer is not None:
            found.append(Available(Kind.CONCLUSION, f"case:{case.pk}", unit, signer, on, case=case))
    return found


def context(document: Available, proposal: Proposal) -> dict:
    """What the document's template prints, beyond the register number."""
    pilot = getattr(proposal, "pilot", None)
    vote = next((t for t in reversed(list(proposal.transitions.all())) if t.action == "decide"), None)
    override = proposal.transitions.filter(action="override").last()
    return {
        "document": document, "proposal": proposal, "pilot": pilot, "case": document.case,
        "minutes": voting.minutes_view(vote.params.get("minutes")) if vote else None,
        "vote": vote, "override": override, "step": document.step,
        "mode": proposal.get_decision_mode_display(),
        "position": HEADS.get(document.unit.kind, "THỦ TRƯỞNG ĐƠN VỊ"),
    }  # fmt: skip
