"""The proposal process of Decree 73 Art. 7–8, one function per verb.

Each verb: `@transaction.atomic`, re-read the row with `select_for_update()` (so two heads
clicking at once produce one decision), check the permission and the TRANSITIONS table, change
it, save with a history reason, write a transition row, notify after commit.
"""

from __future__ import annotations

from typing import IO, Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError, IncompleteInput, InvalidTransition, NotAllowed
from portal.filetypes import inspect_upload
from portal.models import RoleAssignment, Unit, User
from portal.notifications import notify
from portal.permissions import grant, has_role, revoke
from portal.workdays import add_working_days
from proposals import permissions
from proposals.models import Proposal, ProposalAttachment, ProposalTransition

DECISION_DAYS = 7  # Art. 8(1): decide within 7 working days of receipt

CONTENT_FIELDS = (
    "title", "necessity", "gap_kind", "legal_basis", "solution", "scope", "start_date", "end_date",
    "resources", "budget_vnd", "feasibility", "impact_positive", "impact_negative",
    "expected_results", "risks", "conflict_of_interest", "conditions_confirmed",
)  # fmt: skip


def reviewer_unit_for(author: User) -> Unit:
    """The author's unit; the parent unit when the author is its head (Art. 7(4))."""
    unit = author.unit
    if has_role(author, RoleAssignment.Role.HEAD, unit) and unit.parent_id:
        return unit.parent
    return unit


def current_head(unit: Unit) -> User | None:
    assignment = (
        RoleAssignment.objects.current()
        .filter(unit=unit, role=RoleAssignment.Role.HEAD)
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else None


def _lock(proposal: Proposal) -> Proposal:
    # Re-read under a row lock: whoever comes second sees the first one's result.
    return Proposal.objects.select_for_update().select_related("unit", "reviewer_unit").get(pk=proposal.pk)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _check_state(proposal: Proposal, action: str) -> str | None:
    allowed_from, to_status = Proposal.TRANSITIONS[action]
    if proposal.status not in allowed_from:
        raise InvalidTransition(
            _("This action is not allowed while the proposal is “%(status)s”.")
            % {"status": proposal.get_status_display()}
        )
    return to_status


def _log(proposal: Proposal, *, action: str, actor: User, from_status: str, note: str = "") -> None:
    """A timeline row; `to_status` is the proposal's status now (equal to from_status for a
    recorded step such as the Party opinion)."""
    ProposalTransition.objects.create(
        proposal=proposal,
        action=action,
        from_status=from_status,
        to_status=proposal.status,
        actor=actor,
        note=note,
    )


# action → who may do it, and what a person who may not is told
RULES = {
    "submit": (permissions.is_author, gettext_lazy("Only the author can submit the proposal.")),
    "withdraw": (permissions.is_author, gettext_lazy("Only the author can withdraw the proposal.")),
    "return": (permissions.can_review, gettext_lazy("Only the reviewing head can return the proposal.")),
    "party_opinion": (
        permissions.can_review,
        gettext_lazy("Only the reviewing head records the Party opinion."),
    ),
    "decide": (permissions.can_review, gettext_lazy("Only the reviewing head records the decision.")),
    "override": (permissions.can_review, gettext_lazy("Only the reviewing head can decide.")),
    "reject": (permissions.can_review, gettext_lazy("Only the reviewing head can decide.")),
}


def proposal_check(*, actor: User, proposal: Proposal, action: str) -> str | None:
    """Raise NotAllowed (403) or InvalidTransition (409) unless `actor` may do `action` now; the
    status it leads to. Views and the API ask before reading the request body; every service
    asks again under the row lock."""
    allowed, message = RULES[action]
    _require(allowed(actor, proposal), str(message))
    return _check_state(proposal, action)


def _record(proposal: Proposal, *, action: str, actor: User, to_status: str, note: str = "") -> Proposal:
    from_status = proposal.status
    proposal.status = to_status
    proposal._change_reason = f"{action} by {actor.username}"
    proposal.save()
    _log(proposal, action=action, actor=actor, from_status=from_status, note=note)
    return proposal


def _tell(recipient: User | None, kind: str, proposal: Proposal, **context: Any) -> None:
    if recipient is not None and recipient.is_active:
        notify(recipient, kind, proposal, {"proposal": proposal, **context})


def _required_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise IncompleteInput({field: _("This field is required.")})
    return value


# --- Drafting ---------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(*, author: User, data: dict[str, Any]) -> Proposal:
    """A new draft in the author's unit."""
    _require(permissions.can_create(author), _("You need an open unit to write a proposal."))
    proposal = Proposal(author=author, unit=author.unit, reviewer_unit=reviewer_unit_for(author))
    for field in CONTENT_FIELDS:
        if field in data:
            setattr(proposal, field, data[field])
    proposal._change_reason = f"created by {author.username}"
    proposal.save()
    ProposalTransition.objects.create(
        proposal=proposal,
        action="create",
        from_status=Proposal.Status.DRAFT,
        to_status=Proposal.Status.DRAFT,
        actor=author,
    )
    return proposal


@transaction.atomic
def proposal_update(*, actor: User, proposal: Proposal, data: dict[str, Any]) -> Proposal:
    """The author edits the content while it is a draft or returned for completion."""
    proposal = _lock(proposal)
    _require(permissions.can_edit(actor, proposal), _("Only the author can edit the proposal."))
    if proposal.status not in Proposal.EDITABLE_STATES:
        raise InvalidTransition(
            _("A proposal can be edited only as a draft or when returned for completion.")
        )
    changed = [field for field in CONTENT_FIELDS if field in data and getattr(proposal, field) != data[field]]
    for field in changed:
        setattr(proposal, field, data[field])
    if changed:
        proposal._change_reason = f"edited by {actor.username}: {', '.join(changed)}"
        proposal.save()
    return proposal


# --- The decision process ---------------------------------------------------------------------


@transaction.atomic
def proposal_submit(*, actor: User, proposal: Proposal) -> Proposal:
    """Send the plan to the reviewing head; the 7-working-day clock starts (again) today."""
    proposal = _lock(proposal)
    to_status = proposal_check(actor=actor, proposal=proposal, action="submit")
    missing = proposal.missing_for_submission()
    if missing:
        raise IncompleteInput({"__all__": _("Still missing: %(fields)s.") % {"fields": ", ".join(missing)}})
    reviewer = reviewer_unit_for(actor)
    if has_role(actor, RoleAssignment.Role.HEAD, reviewer):
        raise DomainError(_("Your unit has no superior unit in the portal to decide on your own proposal."))
    resubmission = proposal.status == Proposal.Status.RETURNED
    today = timezone.localdate()
    proposal.reviewer_unit = reviewer
    proposal.received_on = today
    proposal.decision_due = add_working_days(today, DECISION_DAYS)
    # A resubmitted plan is a new version: the Party opinion is asked on what will be decided.
    proposal.party_opinion, proposal.party_supports, proposal.party_opinion_on = "", None, None
    _record(proposal, action="resubmit" if resubmission else "submit", actor=actor, to_status=to_status)
    _tell(current_head(reviewer), "proposal_submitted", proposal, resubmission=resubmission)
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal, reason: str = "") -> Proposal:
    proposal = _lock(proposal)
    to_status = proposal_check(actor=actor, proposal=proposal, action="withdraw")
    was_submitted = proposal.status == Proposal.Status.SUBMITTED
    _record(proposal, action="withdraw", actor=actor, to_status=to_status, note=(reason or "").strip())
    if was_submitted:
        _tell(current_head(proposal.reviewer_unit), "proposal_withdrawn", proposal)
    return proposal


@transaction.atomic
def proposal_return(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    """Send the plan back for completion, with the reason the author sees."""
    proposal = _lock(proposal)
    to_status = proposal_check(actor=actor, proposal=proposal, action="return")
    reason = _required_text(reason, "reason")
    _record(proposal, action="return", actor=actor, to_status=to_status, note=reason)
    _tell(proposal.author, "proposal_returned", proposal, reason=reason)
    return proposal


@transaction.atomic
def proposal_record_party_opinion(
    *, actor: User, proposal: Proposal, opinion: str, supports: bool
) -> Proposal:
    """Record the opinion of the Party committee at the same level (required before deciding)."""
    proposal = _lock(proposal)
    proposal_check(actor=actor, proposal=proposal, action="party_opinion")
    proposal.party_opinion = _required_text(opinion, "opinion")
    proposal.party_supports = bool(supports)
    proposal.party_opinion_on = timezone.localdate()
    _record(
        proposal, action="party_opinion", actor=actor, to_status=proposal.status, note=proposal.party_opinion
    )
    return proposal


def vote_passes(*, votes_for: int, votes_against: int, votes_abstain: int, head_vote: str) -> bool:
    """More than 50% of the votes cast (abstentions count as cast); exactly half goes to the
    side the head voted for (Art. 8(1))."""
    cast = votes_for + votes_against + votes_abstain
    if votes_for * 2 == cast:
        return head_vote == Proposal.Vote.FOR
    return votes_for * 2 > cast


def validate_vote(*, votes_for: int, votes_against: int, votes_abstain: int, head_vote: str) -> None:
    errors: dict[str, str] = {}
    if votes_for + votes_against + votes_abstain <= 0:
        errors["votes_for"] = _("At least one vote must be cast.")
    if head_vote == Proposal.Vote.FOR and votes_for < 1:
        errors["head_vote"] = _("The head voted for, so there is at least one vote for.")
    if head_vote == Proposal.Vote.AGAINST and votes_against < 1:
        errors["head_vote"] = _("The head voted against, so there is at least one vote against.")
    if errors:
        raise IncompleteInput(errors)


@transaction.atomic
def proposal_decide(
    *,
    actor: User,
    proposal: Proposal,
    votes_for: int,
    votes_against: int,
    head_vote: str,
    mode: str,
    votes_abstain: int = 0,
    support_granted: str = "",
) -> Proposal:
    """Record the collective's vote: approved, or not passed by the collective."""
    proposal = _lock(proposal)
    proposal_check(actor=actor, proposal=proposal, action="decide")
    if not proposal.party_opinion:
        raise DomainError(_("Record the opinion of the Party committee at the same level before deciding."))
    validate_vote(
        votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain, head_vote=head_vote
    )
    passed = vote_passes(
        votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain, head_vote=head_vote
    )
    proposal.votes_for, proposal.votes_against, proposal.votes_abstain = (
        votes_for,
        votes_against,
        votes_abstain,
    )
    proposal.head_vote = head_vote
    proposal.decision_mode = mode
    proposal.support_granted = (support_granted or "").strip()
    proposal.decided_on = timezone.localdate()
    proposal.decided_by = actor
    to_status = Proposal.Status.APPROVED if passed else Proposal.Status.COLLECTIVE_REJECTED
    note = _("For %(for)s, against %(against)s, abstaining %(abstain)s; the head voted %(head)s.") % {
        "for": votes_for,
        "against": votes_against,
        "abstain": votes_abstain,
        "head": Proposal.Vote(head_vote).label,
    }
    _record(proposal, action="decide", actor=actor, to_status=to_status, note=note)
    _tell(proposal.author, "proposal_decided", proposal)
    return proposal


@transaction.atomic
def proposal_override(*, actor: User, proposal: Proposal, responsibility_statement: str) -> Proposal:
    """After a failed vote the head approves anyway, taking personal responsibility in writing."""
    proposal = _lock(proposal)
    to_status = proposal_check(actor=actor, proposal=proposal, action="override")
    proposal.responsibility_statement = _required_text(responsibility_statement, "responsibility_statement")
    proposal.decided_on = timezone.localdate()
    proposal.decided_by = actor
    _record(
        proposal, action="override", actor=actor, to_status=to_status, note=proposal.responsibility_statement
    )
    _tell(proposal.author, "proposal_decided", proposal)
    return proposal


@transaction.atomic
def proposal_reject(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    proposal = _lock(proposal)
    to_status = proposal_check(actor=actor, proposal=proposal, action="reject")
    reason = _required_text(reason, "reason")
    proposal.decided_on = timezone.localdate()
    proposal.decided_by = actor
    _record(proposal, action="reject", actor=actor, to_status=to_status, note=reason)
    _tell(proposal.author, "proposal_decided", proposal, reason=reason)
    return proposal


# --- Attachments and co-implementers -----------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, actor: User, proposal: Proposal, upload: IO[bytes], name: str, description: str = ""
) -> ProposalAttachment:
    """Attach a file; its type is read from the content, never from the name."""
    proposal = _lock(proposal)
    _require(
        permissions.can_attach(actor, proposal), _("Only the author and co-implementers can attach files.")
    )
    if proposal.status not in Proposal.EDITABLE_STATES:
        raise InvalidTransition(_("Files can be attached only to a draft or a returned proposal."))
    kind, size, sha256 = inspect_upload(upload)
    attachment = ProposalAttachment(
        proposal=proposal,
        original_name=(name or "file")[-255:],
        kind=kind,
        size=size,
        sha256=sha256,
        description=(description or "").strip()[:255],
        uploaded_by=actor,
    )
    attachment.file.save(attachment.sha256, File(upload), save=False)
    attachment._change_reason = f"attached by {actor.username}"
    attachment.save()
    return attachment


@transaction.atomic
def co_implementer_add(*, actor: User, proposal: Proposal, user: User) -> Proposal:
    proposal = _lock(proposal)
    _require(permissions.is_author(actor, proposal), _("Only the author can add co-implementers."))
    if proposal.status not in Proposal.EDITABLE_STATES:
        raise InvalidTransition(_("Co-implementers can be changed only on a draft or a returned proposal."))
    if user.pk == proposal.author_id or not user.is_active:
        raise IncompleteInput({"user": _("Choose another active person.")})
    proposal.co_implementers.add(user)
    grant(user, "view_proposal", proposal)
    note = f"{user.username} ({user.full_name})"
    _log(proposal, action="co_implementer_add", actor=actor, from_status=proposal.status, note=note)
    return proposal


@transaction.atomic
def co_implementer_remove(*, actor: User, proposal: Proposal, user: User) -> Proposal:
    proposal = _lock(proposal)
    _require(permissions.is_author(actor, proposal), _("Only the author can remove co-implementers."))
    if proposal.status not in Proposal.EDITABLE_STATES:
        raise InvalidTransition(_("Co-implementers can be changed only on a draft or a returned proposal."))
    if not proposal.co_implementers.filter(pk=user.pk).exists():
        raise IncompleteInput({"user": _("This person is not a co-implementer.")})
    proposal.co_implementers.remove(user)
    revoke(user, "view_proposal", proposal)
    note = f"{user.username} ({user.full_name})"
    _log(proposal, action="co_implementer_remove", actor=actor, from_status=proposal.status, note=note)
    return proposal
