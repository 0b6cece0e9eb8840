"""The end of a pilot: the results report and the collective's evaluation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.models import (
    Pilot,
)
from pilots.services._base import (
    EVALUATION_WORKING_DAYS,
    FLOW,
    _head_of,
    _record_values,
    _tell,
    evaluation_exclusions,
)
from portal import voting
from portal.errors import DomainError, IncompleteInput
from portal.models import User
from portal.workdays import add_working_days
from portal.workflow import required_text


@transaction.atomic
def pilot_results_report(
    *, actor: User, pilot: Pilot, summary: str, indicator_values: list[dict[str, Any]] | None = None
) -> Pilot:
    """The implementers' results report (within 5 working days); the evaluation is then due
    within 7 working days of it."""
    pilot, to_status = FLOW.begin(pilot, actor=actor, action="results_report")
    pilot.results_summary = required_text(summary, "summary")
    today = timezone.localdate()
    pilot.results_reported_on = today
    pilot.evaluation_due = add_working_days(today, EVALUATION_WORKING_DAYS)
    _record_values(pilot, indicator_values or [], final=True)
    FLOW.record(pilot, action="results_report", actor=actor, to_status=to_status, note=pilot.results_summary)
    _tell(
        [_head_of(pilot)],
        pilot,
        gettext_lazy("The results report has been submitted; the evaluation is due."),
    )
    return pilot


@transaction.atomic
def pilot_evaluate(
    *,
    actor: User,
    pilot: Pilot,
    outcome: str,
    damage: bool,
    objective_causes: str,
    subjective_causes: str,
    party_opinion: str,
    damage_vnd: int | None = None,
    indicator_values: list[dict[str, Any]] | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
    head_vote: str | None = None,
    votes: list[dict[str, str]] | None = None,
) -> Pilot:
    """The collective's evaluation after the Party committee's opinion, with its vote checked
    against the roll of the directing unit (the author and the implementers excluded); any
    outcome but `completed` opens an accountability case."""
    from accountability.services import case_open_for_outcome

    pilot, to_status = FLOW.begin(pilot, actor=actor, action="evaluate")
    minutes = None
    if votes is not None or votes_for is not None or votes_against is not None:
        minutes = voting.count_vote(
            unit=pilot.directing_unit, head=actor, exclusions=evaluation_exclusions(pilot),
            votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain,
            # The head puts the evaluation to the collective: with bare counts, they voted for it.
            head_vote=head_vote or (None if votes is not None else voting.Ballot.FOR), votes=votes,
        )  # fmt: skip
        if not minutes["passed"]:
            raise DomainError(
                _("The collective did not pass this evaluation, so it is not recorded: %(minutes)s")
                % {"minutes": voting.describe(minutes)}
            )
    if outcome not in Pilot.Outcome.values:
        raise IncompleteInput({"outcome": _("Choose completed, partially completed or not completed.")})
    if damage and (damage_vnd is None or damage_vnd < 0):
        raise IncompleteInput({"damage_vnd": _("Estimate the damage in đồng (0 or more).")})
    pilot.evaluation_party_opinion = required_text(party_opinion, "party_opinion")
    pilot.outcome, pilot.damage = outcome, bool(damage)
    pilot.damage_vnd = damage_vnd if damage else None
    pilot.objective_causes = (objective_causes or "").strip()
    pilot.subjective_causes = (subjective_causes or "").strip()
    if outcome != Pilot.Outcome.COMPLETED and not (pilot.objective_causes or pilot.subjective_causes):
        raise IncompleteInput(
            {"objective_causes": _("State the objective and subjective causes (Art. 11(4)).")}
        )
    pilot.evaluated_on = timezone.localdate()
    _record_values(pilot, indicator_values or [], final=True)
    params = {"outcome": outcome, **({"minutes": minutes} if minutes else {})}
    FLOW.record(
        pilot, action="evaluate", actor=actor, to_status=to_status, note=pilot.get_outcome_display(),
        note_kind="outcome", params=params,
    )  # fmt: skip
    if outcome != Pilot.Outcome.COMPLETED:
        case_open_for_outcome(actor=actor, pilot=pilot)
    evaluated = gettext_lazy("The pilot has been evaluated.")
    _tell([*pilot.implementers.all(), pilot.proposal.author], pilot, evaluated, Pilot.Outcome(outcome).label)
    return pilot
