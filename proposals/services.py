"""The proposal process of Decree 73 Art. 7–8, one function per verb.

Each verb: `@transaction.atomic`, re-read the row with `select_for_update()` (so two heads
clicking at once produce one decision), check the permission and the TRANSITIONS table, change
it, save with a history reason, write a transition row, notify after commit.
"""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import voting
from portal.errors import DomainError, IncompleteInput, InvalidTransition
from portal.filetypes import store_upload
from portal.models import RoleAssignment, Unit, User
from portal.permissions import grant, has_role, revoke
from portal.workdays import add_working_days, working_days_between
from portal.workflow import Workflow, ensure, required_text, tell
from proposals import permissions
from proposals.models import Proposal, ProposalAttachment, missing_message

DECISION_DAYS = 7  # Art. 8(1): decide within 7 working days of receipt

CONTENT_FIELDS = (
    "title", "necessity", "gap_kind", "legal_basis", "solution", "scope", "start_date", "end_date",
    "resources", "budget_vnd", "feasibility", "impact_positive", "impact_negative",
    "expected_results", "risks", "conflict_of_interest", "conditions_confirmed",
)  # fmt: skip


def review_route(author: User, co_implementers: set[int] = frozenset()) -> tuple[Unit, str]:
    """The unit whose head reviews: the author's own, unless its head is the author (Art. 7(4))
    or a co-implementer — then the first superior unit whose head has no part in the proposal;
    and the reason it moved up."""
    unit, moved = RoleAssignment.objects.first_unit_not_headed_by(author.unit, {author.pk, *co_implementers})
    if not moved:
        return unit, ""
    routing = (
        Proposal.Routing.AUTHOR_IS_HEAD if has_role(author, RoleAssignment.Role.HEAD, author.unit) else ""
    )
    return unit, routing or Proposal.Routing.HEAD_IS_CO_IMPLEMENTER


def reviewer_unit_for(author: User) -> Unit:
    """The author's unit; the parent unit when the author is its head (Art. 7(4))."""
    return review_route(author)[0]


def current_head(unit: Unit) -> User | None:
    return RoleAssignment.objects.head_of(unit)


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


FLOW = Workflow(
    model=Proposal,
    rules=RULES,
    related=("unit", "reviewer_unit"),
    refused=gettext_lazy("This action is not allowed while the proposal is “%(status)s”."),
)


# --- Drafting ---------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(*, author: User, data: dict[str, Any], adopted_from: int | None = None) -> Proposal:
    """A new draft in the author's unit (a replication of a library model when `adopted_from`)."""
    ensure(permissions.can_create(author), _("You need an open unit to write a proposal."))
    proposal = Proposal(
        author=author, unit=author.unit, reviewer_unit=reviewer_unit_for(author), adopted_from=adopted_from
    )
    for field in CONTENT_FIELDS:
        if field in data:
            setattr(proposal, field, data[field])
    return FLOW.record(proposal, action="create", actor=author)


@transaction.atomic
def proposal_update(*, actor: User, proposal: Proposal, data: dict[str, Any]) -> Proposal:
    """The author edits the content while it is a draft or returned for completion."""
    proposal = FLOW.lock(proposal)
    ensure(permissions.can_edit(actor, proposal), _("Only the author can edit the proposal."))
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
    proposal, to_status = FLOW.begin(proposal, actor=actor, action="submit")
    missing = proposal.missing_fields()
    if missing:
        raise IncompleteInput({name: missing_message(name) for name in missing})
    co_implementers = set(proposal.co_implementers.values_list("pk", flat=True))
    reviewer, routing = review_route(actor, co_implementers)
    head = current_head(reviewer)
    if head is not None and head.pk in {actor.pk, *co_implementers}:
        raise DomainError(_("Your unit has no superior unit in the portal to decide on your own proposal."))
    resubmission = proposal.status == Proposal.Status.RETURNED
    today = timezone.localdate()
    proposal.reviewer_unit, proposal.review_routing = reviewer, routing
    proposal.received_on = today
    proposal.decision_due = add_working_days(today, DECISION_DAYS)
    # A resubmitted plan is a new version: the Party opinion is asked on what will be decided.
    proposal.party_opinion, proposal.party_supports, proposal.party_opinion_on = "", None, None
    FLOW.record(proposal, action="resubmit" if resubmission else "submit", actor=actor, to_status=to_status)
    tell([head], "proposal_submitted", proposal, proposal=proposal, resubmission=resubmission)
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal, reason: str = "") -> Proposal:
    proposal, to_status = FLOW.begin(proposal, actor=actor, action="withdraw")
    was_submitted = proposal.status == Proposal.Status.SUBMITTED
    FLOW.record(proposal, action="withdraw", actor=actor, to_status=to_status, note=(reason or "").strip())
    if was_submitted:
        tell([current_head(proposal.reviewer_unit)], "proposal_withdrawn", proposal, proposal=proposal)
    return proposal


@transaction.atomic
def proposal_return(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    """Send the plan back for completion, with the reason the author sees."""
    proposal, to_status = FLOW.begin(proposal, actor=actor, action="return")
    reason = required_text(reason, "reason")
    FLOW.record(proposal, action="return", actor=actor, to_status=to_status, note=reason)
    tell([proposal.author], "proposal_returned", proposal, proposal=proposal, reason=reason)
    return proposal


@transaction.atomic
def proposal_record_party_opinion(
    *, actor: User, proposal: Proposal, opinion: str, supports: bool
) -> Proposal:
    """Record the opinion of the Party committee at the same level (required before deciding),
    once per submission: a second one while it stands is 409."""
    proposal, _stays = FLOW.begin(proposal, actor=actor, action="party_opinion")
    if proposal.party_opinion_on is not None:
        raise InvalidTransition(_("The Party committee's opinion on this submission is already recorded."))
    proposal.party_opinion = required_text(opinion, "opinion")
    proposal.party_supports = bool(supports)
    proposal.party_opinion_on = timezone.localdate()
    FLOW.record(
        proposal, action="party_opinion", actor=actor, to_status=proposal.status, note=proposal.party_opinion
    )
    return proposal


def vote_exclusions(proposal: Proposal) -> dict[int, str]:
    """Who sits on the collective but may not vote on this proposal (Art. 8), and why."""
    co_implementers = proposal.co_implementers.values_list("pk", flat=True)
    excluded = dict.fromkeys(co_implementers, voting.Exclusion.CO_IMPLEMENTER)
    excluded[proposal.author_id] = voting.Exclusion.AUTHOR
    return excluded


@transaction.atomic
def proposal_decide(
    *,
    actor: User,
    proposal: Proposal,
    mode: str,
    votes_for: int | None = None,
    votes_against: int | None = None,
    head_vote: str | None = None,
    votes_abstain: int | None = None,
    votes: list[dict[str, str]] | None = None,
    support_granted: str = "",
) -> Proposal:
    """Record the collective's vote — as counts, or per member — checked against the roll of the
    reviewing unit's collective: approved, or not passed by the collective."""
    proposal, _stays = FLOW.begin(proposal, actor=actor, action="decide")
    if not proposal.party_opinion:
        raise DomainError(_("Record the opinion of the Party committee at the same level before deciding."))
    if votes is None and (votes_for is None or votes_against is None or not head_vote):
        raise IncompleteInput({"votes_for": _("Give the counts of the vote, or the vote of each member.")})
    minutes = voting.count_vote(
        unit=proposal.reviewer_unit, head=actor, exclusions=vote_exclusions(proposal),
        votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain,
        head_vote=head_vote, votes=votes,
    )  # fmt: skip
    proposal.votes_for, proposal.votes_against = minutes["for"], minutes["against"]
    proposal.votes_abstain = minutes["abstain"]
    proposal.head_vote = minutes["head_vote"]
    proposal.decision_mode = mode
    proposal.support_granted = (support_granted or "").strip()
    _mark_decided(proposal, actor)
    to_status = Proposal.Status.APPROVED if minutes["passed"] else Proposal.Status.COLLECTIVE_REJECTED
    note = voting.describe(minutes)
    FLOW.record(
        proposal, action="decide", actor=actor, to_status=to_status,
        note=note, note_kind="vote", params={"minutes": minutes},
    )  # fmt: skip
    tell([proposal.author], "proposal_decided", proposal, proposal=proposal)
    return proposal


def _mark_decided(proposal: Proposal, actor: User) -> None:
    """Today's decision by `actor`, with the working days it took since receipt (for the reports)."""
    proposal.decided_on = timezone.localdate()
    proposal.decided_by = actor
    received = proposal.received_on
    proposal.decision_working_days = working_days_between(received, proposal.decided_on) if received else None


@transaction.atomic
def proposal_override(*, actor: User, proposal: Proposal, responsibility_statement: str) -> Proposal:
    """After a failed vote the head approves anyway, taking personal responsibility in writing."""
    proposal, to_status = FLOW.begin(proposal, actor=actor, action="override")
    proposal.responsibility_statement = required_text(responsibility_statement, "responsibility_statement")
    _mark_decided(proposal, actor)
    FLOW.record(
        proposal, action="override", actor=actor, to_status=to_status, note=proposal.responsibility_statement
    )
    tell([proposal.author], "proposal_decided", proposal, proposal=proposal)
    return proposal


@transaction.atomic
def proposal_reject(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    proposal, to_status = FLOW.begin(proposal, actor=actor, action="reject")
    reason = required_text(reason, "reason")
    _mark_decided(proposal, actor)
    FLOW.record(proposal, action="reject", actor=actor, to_status=to_status, note=reason)
    tell([proposal.author], "proposal_decided", proposal, proposal=proposal, reason=reason)
    return proposal


# --- Attachments and co-implementers -----------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, actor: User, proposal: Proposal, upload: IO[bytes], name: str, description: str = ""
) -> ProposalAttachment:
    """Attach a file; its type is read from the content, never from the name."""
    proposal = FLOW.lock(proposal)
    ensure(
        permissions.can_attach(actor, proposal), _("Only the author and co-implementers can attach files.")
    )
    if proposal.status not in Proposal.EDITABLE_STATES:
        raise InvalidTransition(_("Files can be attached only to a draft or a returned proposal."))
    attachment = ProposalAttachment(proposal=proposal)
    store_upload(attachment, upload, name=name, description=description, actor=actor)
    return attachment


@transaction.atomic
def co_implementer_add(*, actor: User, proposal: Proposal, user: User) -> Proposal:
    proposal = FLOW.lock(proposal)
    ensure(permissions.is_author(actor, proposal), _("Only the author can add co-implementers."))
    if proposal.status not in Proposal.EDITABLE_STATES:
        raise InvalidTransition(_("Co-implementers can be changed only on a draft or a returned proposal."))
    if user.pk == proposal.author_id or not user.is_active:
        raise IncompleteInput({"user": _("Choose another active person.")})
    if proposal.co_implementers.filter(pk=user.pk).exists():
        raise IncompleteInput({"user": _("This person is already a co-implementer.")})
    proposal.co_implementers.add(user)
    grant(user, "view_proposal", proposal)
    note = f"{user.username} ({user.full_name})"
    FLOW.log(proposal, action="co_implementer_add", actor=actor, from_status=proposal.status, note=note)
    tell([user], "co_implementer_changed", proposal, proposal=proposal, added=True, author=actor)
    return proposal


@transaction.atomic
def co_implementer_remove(*, actor: User, proposal: Proposal, user: User) -> Proposal:
    proposal = FLOW.lock(proposal)
    ensure(permissions.is_author(actor, proposal), _("Only the author can remove co-implementers."))
    if proposal.status not in Proposal.EDITABLE_STATES:
        raise InvalidTransition(_("Co-implementers can be changed only on a draft or a returned proposal."))
    if not proposal.co_implementers.filter(pk=user.pk).exists():
        raise IncompleteInput({"user": _("This person is not a co-implementer.")})
    proposal.co_implementers.remove(user)
    revoke(user, "view_proposal", proposal)
    note = f"{user.username} ({user.full_name})"
    FLOW.log(proposal, action="co_implementer_remove", actor=actor, from_status=proposal.status, note=note)
    tell([user], "co_implementer_changed", proposal, proposal=proposal, added=False, author=actor)
    return proposal
