"""What waits for a person on the "my work" page, from the pilots (portal.work): the reports they
must send, the reports a head must review, the corrective actions open on their pilots, the pilots
waiting for results or evaluation."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.models import CorrectiveAction, Pilot, ProgressReport
from portal.models import RoleAssignment, User
from portal.permissions import has_role
from portal.work import WorkSection


def _headed(user: User):
    return RoleAssignment.objects.current().filter(user=user, role=RoleAssignment.Role.HEAD).values("unit")


def reports_due_section(user: User) -> WorkSection | None:
    """An implementer's reports due within a month, returned ones among them."""
    horizon = timezone.localdate() + timezone.timedelta(days=31)
    due = ProgressReport.objects.filter(
        pilot__implementers=user, pilot__status=Pilot.Status.ACTIVE, due_date__lte=horizon,
        status__in=[ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION],
    ).select_related("pilot", "pilot__proposal").order_by("due_date", "id")  # fmt: skip
    return WorkSection.first_of(due, title=_("Progress reports due"), template="pilots/_work_reports.html")


def reports_to_review_section(user: User) -> WorkSection | None:
    """A head's submitted reports of the pilots their unit directs, the oldest first."""
    if not has_role(user, RoleAssignment.Role.HEAD):
        return None
    submitted = (
        ProgressReport.objects.filter(
            status=ProgressReport.Status.SUBMITTED, pilot__directing_unit__in=_headed(user)
        )
        .exclude(pilot__implementers=user)
        .select_related("pilot", "pilot__proposal")
        .order_by("submitted_at", "id")
    )
    return WorkSection.first_of(
        submitted, title=_("Progress reports to review"), template="pilots/_work_reviews.html"
    )


def head_pilots_section(user: User) -> WorkSection | None:
    if not has_role(user, RoleAssignment.Role.HEAD):
        return None
    waiting = Pilot.objects.filter(
        directing_unit__in=_headed(user),
        status__in=[Pilot.Status.UNDER_EVALUATION, Pilot.Status.COMPLETED, Pilot.Status.TERMINATED],
    ).for_list()
    return WorkSection.first_of(
        waiting, title=_("Pilots waiting for results or evaluation"), template="pilots/_work_pilots.html"
    )


def open_actions_section(user: User) -> WorkSection | None:
    """Corrective actions not yet closed: those an inspector set, those on the pilots a head
    directs, those on the pilots a person carries out."""
    whose = Q(inspection__pilot__implementers=user)
    if has_role(user, RoleAssignment.Role.INSPECTOR):
        whose |= Q(inspection__inspector=user)
    if has_role(user, RoleAssignment.Role.HEAD):
        whose |= Q(inspection__pilot__directing_unit__in=_headed(user))
    open_actions = CorrectiveAction.objects.filter(closed_on__isnull=True)
    ids = open_actions.filter(whose).values("pk")
    mine = open_actions.filter(pk__in=ids).select_related("inspection__pilot__proposal")
    title, template = _("Open corrective actions"), "pilots/_work_actions.html"
    return WorkSection.first_of(mine.order_by("due_date", "id"), title=title, template=template)


work_sections = [reports_due_section, reports_to_review_section, head_pilots_section, open_actions_section]
