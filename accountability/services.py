"""Accountability (Decree 73 Art. 6, 11; KL 2.4), one function per verb on the workflow helper:
opening (an outcome case by the evaluation; abuse or obstruction by an inspector or a head), an
inspector's review, the determination, relief or the referral's outcome, and the subject's
explanations."""

from __future__ import annotations

from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability import permissions
from accountability.models import Case, CaseAttachment, CaseExplanation, CaseReview
from portal.errors import DomainError, IncompleteInput
from portal.filetypes import store_upload
from portal.models import User
from portal.rules import rule
from portal.workdays import add_working_days
from portal.workflow import Workflow, ensure, required_text, tell
from proposals.models import Proposal

RULES = {
    "review": (permissions.can_review, gettext_lazy("Only an inspector covering the unit reviews the case.")),
    "determine": (permissions.can_determine, gettext_lazy("Only the competent head determines the case.")),
    "relief": (
        permissions.can_decide_relief,
        gettext_lazy("Only the head of the unit above the approving unit decides on relief."),
    ),
    "referral_outcome": (
        permissions.can_record_referral_outcome,
        gettext_lazy("Only the competent head records the outcome of the referral."),
    ),
    "explanation": (permissions.can_explain, gettext_lazy("Only the person the case is about explains.")),
}

FLOW = Workflow(
    model=Case,
    rules=RULES,
    related=("unit", "proposal__reviewer_unit", "pilot", "subject"),
    refused=gettext_lazy("This action is not allowed while the case is “%(status)s”."),
)


def _due(days_rule: str):
    return add_working_days(timezone.localdate(), rule(days_rule))


def _open(case: Case, *, actor: User) -> Case:
    case.determination_due = _due("case_determination_working_days")
    FLOW.record(case, action="open", actor=actor)
    _tell_subject(case, gettext_lazy("An accountability case has been opened about you."))
    _tell_next(case, gettext_lazy("An accountability case waits for your determination."))
    return case


@transaction.atomic
def case_open_for_outcome(*, actor: User, pilot) -> Case:
    """Open the outcome case for an evaluated pilot; a second call returns the same case."""
    existing = Case.objects.select_for_update().filter(pilot=pilot, kind=Case.Kind.OUTCOME).first()
    if existing:
        return existing
    case = Case(
        pilot=pilot,
        pilot_unit_id=pilot.unit_id,
        proposal=pilot.proposal,
        unit=pilot.proposal.reviewer_unit,
        kind=Case.Kind.OUTCOME,
        subject=pilot.proposal.author,
        opened_by=actor,  # its summary is the evaluation's outcome, drawn in the reader's language
    )
    return _open(case, actor=actor)


@transaction.atomic
def case_report(*, actor: User, kind: str, proposal: Proposal, subject: User, summary: str) -> Case:
    """An inspector or a head reports suspected abuse or obstruction about `subject`: a
    confidential case, kept from the head of the subject's own unit."""
    if kind not in (Case.Kind.ABUSE, Case.Kind.OBSTRUCTION):
        raise IncompleteInput({"kind": _("A case reported by a person is abuse or obstruction.")})
    if subject.unit_id is None:
        raise IncompleteInput({"subject": _("This person belongs to no unit.")})
    ensure(
        permissions.can_open(actor, subject.unit),
        _("Only an inspector covering the person's unit, or a head above it, reports abuse or obstruction."),
    )
    if subject.pk == actor.pk:
        raise IncompleteInput({"subject": _("Nobody reports a case about themselves.")})
    # One open case of a kind about a person and a proposal: a second report while it is open
    # (a double submission, or the same matter again) is refused; the proposal's row serialises them.
    type(proposal).objects.select_for_update().filter(pk=proposal.pk).first()
    if Case.objects.filter(proposal=proposal, subject=subject, kind=kind, status=Case.Status.OPEN).exists():
        raise DomainError(_("An open case of this kind about this person and proposal already exists."))
    case = Case(
        proposal=proposal,
        unit=subject.unit,
        kind=kind,
        subject=subject,
        opened_by=actor,
        summary=required_text(summary, "summary"),
    )
    return _open(case, actor=actor)


@transaction.atomic
def case_review(*, actor: User, case: Case, findings: str, recommendation: str) -> Case:
    case, _stays = FLOW.begin(case, actor=actor, action="review")
    findings = required_text(findings, "findings")
    if recommendation not in CaseReview.Recommendation.values:
        raise IncompleteInput({"recommendation": _("Choose protect or refer.")})
    review = CaseReview(case=case, inspector=actor, findings=findings, recommendation=recommendation)
    review._change_reason = f"review by {actor.username}"
    review.save()
    FLOW.log(case, action="review", actor=actor, note=findings)
    _tell_subject(case, gettext_lazy("An inspector has reviewed the case."))
    _tell_next(case, gettext_lazy("An inspector has reviewed the case."))
    return case


def good_faith_status(*, per_policy: bool, pure_motive: bool, common_good: bool, damage: bool) -> str:
    """DOMAIN §3 (Art. 11): all three true and no damage → liability excluded; all three true and
    damage → relief recommended; any of the three false → referred."""
    if not (per_policy and pure_motive and common_good):
        return Case.Status.REFERRED
    return Case.Status.RELIEF_RECOMMENDED if damage else Case.Status.LIABILITY_EXCLUDED


@transaction.atomic
def case_determine(
    *,
    actor: User,
    case: Case,
    objective_causes: str = "",
    subjective_causes: str = "",
    acted_per_policy: bool | None = None,
    pure_motive: bool | None = None,
    common_good: bool | None = None,
    substantiated: bool | None = None,
    findings: str = "",
) -> Case:
    """The competent head's determination: the good-faith test for an outcome case; whether the
    report is substantiated for abuse or obstruction (after an inspector's review)."""
    case, _branch = FLOW.begin(case, actor=actor, action="determine")
    if case.kind == Case.Kind.OUTCOME:
        answers = {
            "acted_per_policy": acted_per_policy,
            "pure_motive": pure_motive,
            "common_good": common_good,
        }
        missing = {name: _("Answer yes or no.") for name, value in answers.items() if value is None}
        if missing:
            raise IncompleteInput(missing)
        case.objective_causes = (objective_causes or "").strip()
        case.subjective_causes = (subjective_causes or "").strip()
        if not (case.objective_causes or case.subjective_causes):
            raise IncompleteInput(
                {"objective_causes": _("State the objective and subjective causes (Art. 11(4)).")}
            )
        case.acted_per_policy, case.pure_motive, case.common_good = acted_per_policy, pure_motive, common_good
        damage = bool(case.pilot and case.pilot.damage)
        to_status = good_faith_status(
            per_policy=acted_per_policy, pure_motive=pure_motive, common_good=common_good, damage=damage
        )
    else:
        if substantiated is None:
            raise IncompleteInput({"substantiated": _("Answer yes or no.")})
        if not case.reviews.exists():
            raise DomainError(_("An inspector reviews the report before it is determined."))
        case.findings = required_text(findings, "findings")
        case.substantiated = substantiated
        to_status = Case.Status.REFERRED if substantiated else Case.Status.DISMISSED
    case.determined_by, case.determined_on = actor, timezone.localdate()
    if to_status in (Case.Status.RELIEF_RECOMMENDED, Case.Status.REFERRED):
        case.decision_due = _due("case_decision_working_days")
    FLOW.record(case, action="determine", actor=actor, to_status=to_status, note=case.findings)
    _tell_subject(case, gettext_lazy("The case about you has been determined."))
    _tell_next(case, gettext_lazy("The case has been determined and waits for your decision."))
    return case


@transaction.atomic
def case_relief(*, actor: User, case: Case, decision: str, basis: str) -> Case:
    """The discipline authority decides on relief: excluded, exempted, reduced or refused."""
    case, to_status = FLOW.begin(case, actor=actor, action="relief")
    if decision not in (Case.Result.EXCLUDED, Case.Result.EXEMPTED, Case.Result.REDUCED, Case.Result.REFUSED):
        raise IncompleteInput({"decision": _("Choose excluded, exempted, reduced or refused.")})
    return _decide(case, actor=actor, action="relief", to_status=to_status, result=decision, basis=basis)


@transaction.atomic
def case_referral_outcome(*, actor: User, case: Case, outcome: str, note: str = "") -> Case:
    case, to_status = FLOW.begin(case, actor=actor, action="referral_outcome")
    if outcome not in (Case.Result.SANCTIONED, Case.Result.CLEARED):
        raise IncompleteInput({"outcome": _("Choose sanctioned or cleared.")})
    return _decide(
        case, actor=actor, action="referral_outcome", to_status=to_status, result=outcome, basis=note
    )


def _decide(case: Case, *, actor: User, action: str, to_status: str, result: str, basis: str) -> Case:
    if action == "relief":
        basis = required_text(basis, "basis")
    case.result, case.result_basis = result, (basis or "").strip()
    case.decided_by, case.decided_on = actor, timezone.localdate()
    FLOW.record(case, action=action, actor=actor, to_status=to_status, note=case.result_basis)
    _tell_subject(case, gettext_lazy("A decision has been taken on the case about you."))
    return case


@transaction.atomic
def case_explain(
    *, actor: User, case: Case, text: str, file: IO[bytes] | None = None, description: str = ""
) -> CaseExplanation:
    """The subject's written explanation, at any stage, with an optional file (the same upload
    rules as proposals); it stays on the record. A refused file saves nothing."""
    case, _stays = FLOW.begin(case, actor=actor, action="explanation")
    explanation = CaseExplanation(case=case, author=actor, text=required_text(text, "text"))
    explanation._change_reason = f"explanation by {actor.username}"
    explanation.save()
    if file is not None:
        attachment = CaseAttachment(case=case, explanation=explanation)
        store_upload(attachment, file, name=getattr(file, "name", ""), description=description, actor=actor)
    FLOW.log(case, action="explanation", actor=actor)
    _tell_next(case, gettext_lazy("The person the case is about has added an explanation."))
    return explanation


def _tell_subject(case: Case, headline) -> None:
    # Says what happened, never who reported it.
    tell([case.subject], "case_event", case, case=case, headline=headline)


def _tell_next(case: Case, headline) -> None:
    tell([permissions.next_actor(case)], "case_event", case, case=case, headline=headline)
