"""What the report counts, in one place: the rows of a unit's subtree and a period that a person
may see (`Sources`), and each figure as a table and a condition (`FIGURES`). The summary counts
the conditions in the database; the drill-down lists the rows of one figure — so a number and the
list behind it cannot disagree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.models import Case
from monitoring.models import Urging
from monitoring.structure import TODAY, AtPeriodEnd, Today, tree
from pilots.models import Pilot, ProgressReport
from portal.errors import IncompleteInput
from portal.models import RoleAssignment, Unit, User, path_prefix_q
from portal.permissions import covers, scope_paths
from proposals.models import Proposal
from recognition.models import Reward
from replication.models import InnovationModel, Institutionalisation
from support.models import Obstacle

# The dates a report may span: from the founding of the state to the end of the century. Past
# them there is nothing to count, and the deadlines computed from them would leave the calendar.
EARLIEST, LATEST = datetime.date(1945, 9, 2), datetime.date(2099, 12, 31)


def within_reach(day: datetime.date) -> bool:
    return EARLIEST <= day <= LATEST


def reachable(day: datetime.date, field: str) -> datetime.date:
    """`day`, or IncompleteInput (400) on `field` when it lies off the calendar of reports."""
    if not within_reach(day):
        raise IncompleteInput({field: _("Give a date between 1945 and 2099.")})
    return day


def period_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The days `start`…`end` as instants, local midnight to local midnight: a filter on them is
    served by an index on the column (a cast to a date per row is not)."""
    day_after = end + datetime.timedelta(days=1)
    return tuple(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) for day in (start, day_after)
    )


def in_period(column: str, start: datetime.date, end: datetime.date) -> Q:
    since, until = period_bounds(start, end)
    return Q(**{f"{column}__gte": since, f"{column}__lt": until})


@dataclass
class Sources:
    """The rows behind the report of `unit`'s subtree for `start`…`end`, as `user` sees them."""

    user: User
    unit: Unit
    start: datetime.date
    end: datetime.date
    today: datetime.date = field(default_factory=timezone.localdate)
    structure: str = TODAY  # or PERIOD_END: the tree of units counted by (monitoring.structure)
    counted: dict = field(default_factory=dict, repr=False)  # what the summary has counted, kept

    @cached_property
    def tree(self) -> Today | AtPeriodEnd:
        """The units counted and the child units, as today or at the period's end (400 for a unit
        that did not exist then)."""
        return tree(self.user, self.unit, self.structure, period_bounds(self.start, self.end)[1])

    @cached_property
    def proposals(self) -> QuerySet:
        """The subtree's proposals created in the period. Whoever covers the subtree (the only
        people the reports are for) sees there all that was ever submitted and their own drafts —
        the rule of `visible_to`, without its general OR."""
        if self.covered_proposals is not None:
            return Proposal.objects.filter(self.covered_proposals)
        created = Proposal.objects.visible_to(self.user).filter(in_period("created_at", self.start, self.end))
        return self.tree.rows(created)

    @cached_property
    def covered_proposals(self) -> Q | None:
        """The proposals as one condition, for whoever covers the subtree today (else None)."""
        if not self.tree.is_today:
            return None
        if not any(path and self.unit.path.startswith(path) for path in scope_paths(self.user)):
            return None
        here = path_prefix_q("unit__path", [self.unit.path]) & in_period("created_at", self.start, self.end)
        return here & (Q(received_on__isnull=False) | Q(author=self.user))

    @cached_property
    def pilots(self) -> QuerySet:
        return Pilot.objects.filter(proposal__in=self.proposals.values("pk"))

    @cached_property
    def reports(self) -> QuerySet:
        """The reports of those pilots. For whoever covers the subtree, as a join to the pilot and
        its proposal: the planner then starts from the few reports a figure asks for (the open
        ones, `report_open_due`) rather than from every proposal of the period."""
        if self.covered_proposals is not None:
            return ProgressReport.objects.filter(prefixed(self.covered_proposals, "pilot__proposal__"))
        return ProgressReport.objects.filter(pilot__in=self.pilots.values("pk"))

    @cached_property
    def cases(self) -> QuerySet:
        """The cases of those proposals that the person sees (Case.visible_to, for someone who
        covers the subtree): staff covering it see them all; a head, not the abuse or obstruction
        reports about people of a unit they head themselves (unless the report is about them)."""
        cases = Case.objects.filter(proposal__in=self.proposals.values("pk"))
        if any(covers(self.user, role, self.unit) for role in (RoleAssignment.Role.ORGCOM, "inspector")):
            return cases
        headed = RoleAssignment.objects.current().filter(user=self.user, role="head").values("unit")
        return cases.exclude(~Q(kind=Case.Kind.OUTCOME) & Q(unit__in=headed) & ~Q(subject=self.user))

    @cached_property
    def rewards(self) -> QuerySet:
        return Reward.objects.filter(pilot__in=self.pilots.values("pk"))

    @cached_property
    def models(self) -> QuerySet:
        return InnovationModel.objects.filter(pilot__in=self.pilots.values("pk"))

    @cached_property
    def adoptions(self) -> QuerySet:
        return Proposal.objects.filter(adopted_from__in=self.models.values("pk"))

    @cached_property
    def institutionalisations(self) -> QuerySet:
        return Institutionalisation.objects.filter(model__in=self.models.values("pk"))

    @cached_property
    def obstacles(self) -> QuerySet:
        """The obstacles raised in the period on pilots of the subtree."""
        raised = Obstacle.objects.visible_to(self.user).filter(in_period("raised_at", self.start, self.end))
        return self.tree.rows(raised, "pilot__unit")

    @cached_property
    def urgings(self) -> QuerySet:
        """The urgings of the subtree's units sent in the period."""
        sent = Urging.objects.visible_to(self.user).filter(in_period("sent_at", self.start, self.end))
        return self.tree.rows(sent)


def _decided() -> Q:
    return Q(decided_on__isnull=False, decision_due__isnull=False)


def figures_of(today: datetime.date) -> dict[str, dict[str, tuple[str, Q]]]:
    """Section → figure → (source, condition), for every figure that counts rows; a figure with a
    sub-key per status, outcome, result or kind is spelled `by_status.<value>` and so on."""
    open_report = [ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION]
    approved = [Proposal.Status.APPROVED, Proposal.Status.APPROVED_BY_HEAD]

    def per(source: str, prefix: str, column: str, choices) -> dict[str, tuple[str, Q]]:
        return {f"{prefix}.{value}": (source, Q(**{column: value})) for value in choices.values}

    return {
        "proposals": {
            **per("proposals", "by_status", "status", Proposal.Status),
            "decided_on_time": ("proposals", _decided() & Q(decided_on__lte=F("decision_due"))),
            "decided_late": ("proposals", _decided() & Q(decided_on__gt=F("decision_due"))),
            "pending_overdue": ("proposals", Q(status=Proposal.Status.SUBMITTED, decision_due__lt=today)),
            "approved_by_vote": ("proposals", Q(status=Proposal.Status.APPROVED)),
            "approved_by_override": ("proposals", Q(status=Proposal.Status.APPROVED_BY_HEAD)),
            "all": ("proposals", Q()),
            "approved": ("proposals", Q(status__in=approved)),
        },
        "pilots": {
            **per("pilots", "by_status", "status", Pilot.Status),
            "reports_overdue": ("reports", Q(status__in=open_report, due_date__lt=today)),
            **per("pilots", "outcomes", "outcome", Pilot.Outcome),
            "damage_vnd": ("pilots", Q(damage=True)),
            "all": ("pilots", Q()),
        },
        "cases": {
            **per("cases", "by_status", "status", Case.Status),
            **per("cases", "by_result", "result", Case.Result),
        },
        "rewards": per("rewards", "by_kind", "kind", Reward.Kind),
        "models": {
            "published": ("models", Q()),
            "adoptions": ("adoptions", Q()),
            "institutionalised": ("institutionalisations", Q(status=Institutionalisation.Status.ISSUED)),
        },
        "obstacles": {
            "raised": ("obstacles", Q()),
            "answered_on_time": ("obstacles", Q(answered_on_time=True)),
            "escalated": ("obstacles", Q(escalations__gt=0)),
            "open": ("obstacles", Q(status=Obstacle.Status.OPEN)),
        },
        "urgings": {
            "sent": ("urgings", Q()),
            "answered": ("urgings", Q(status=Urging.Status.ANSWERED)),
        },
        "compliance": _deadlines(today),
    }


def _deadlines(today: datetime.date) -> dict[str, tuple[str, Q]]:
    """Each deadline of the rules, met, missed or running late: the decision within 7 working days
    of receipt, the results report within 5 of completion, the evaluation within 7 of the report
    (the due dates are counted in working days when the step starts)."""
    found = {
        "decisions_on_time": ("proposals", _decided() & Q(decided_on__lte=F("decision_due"))),
        "decisions_late": ("proposals", _decided() & Q(decided_on__gt=F("decision_due"))),
        "decisions_overdue": ("proposals", Q(status=Proposal.Status.SUBMITTED, decision_due__lt=today)),
    }
    for name, due, done in (("results", "results_report_due", "results_reported_on"),
                            ("evaluations", "evaluation_due", "evaluated_on")):  # fmt: skip
        met = Q(**{f"{due}__isnull": False, f"{done}__isnull": False})
        found[f"{name}_on_time"] = ("pilots", met & Q(**{f"{done}__lte": F(due)}))
        found[f"{name}_late"] = ("pilots", met & Q(**{f"{done}__gt": F(due)}))
        found[f"{name}_overdue"] = ("pilots", Q(**{f"{due}__lt": today, f"{done}__isnull": True}))
    return found


def prefixed(condition: Q, prefix: str) -> Q:
    """The same condition on a related row: every lookup and F() behind `prefix` (`pilot__`)."""
    found = Q(_connector=condition.connector, _negated=condition.negated)
    for child in condition.children:
        if isinstance(child, Q):
            found.children.append(prefixed(child, prefix))
        else:
            lookup, value = child
            value = F(f"{prefix}{value.name}") if isinstance(value, F) else value
            found.children.append((f"{prefix}{lookup}", value))
    return found


def drill(sources: Sources, figure: str) -> tuple[str, QuerySet] | None:
    """The source name and the rows one figure (`proposals.by_status.draft`) counts, or None
    for a figure that is not a count of rows."""
    section, _dot, key = figure.partition(".")
    found = figures_of(sources.today).get(section, {}).get(key)
    if found is None:
        return None
    source, condition = found
    return source, getattr(sources, source).filter(condition)
