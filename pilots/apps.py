from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("Pilots and implementation")

    def ready(self) -> None:
        from pilots import permissions
        from pilots.tasks import pilot_reminders, start_due_pilots
        from pilots.work import work_sections
        from portal import people, reminders, work

        reminders.register_job(start_due_pilots)
        reminders.register(pilot_reminders)
        _cover()
        _follow()
        people.register("implementers", permissions.implementer_candidates)
        people.register("inspectors", permissions.inspector_candidates)
        for section in work_sections:
            work.register(section)


def _cover() -> None:
    """A pilot's history, transitions, plan versions, indicators, milestones, progress reports,
    inspections and corrective actions join its proposal's audit chain (portal.audit)."""
    from pilots import models
    from portal import audit

    audit.cover(models.Pilot.history.model, "proposal_id")
    histories = [
        m.history.model
        for m in (models.Indicator, models.Milestone, models.ProgressReport, models.Inspection)
    ]
    for model in (models.PilotTransition, models.PlanVersion, *histories):
        audit.cover(model, "pilot_id", models.Pilot, "proposal_id")
    audit.cover(
        models.CorrectiveAction.history.model, "inspection_id", models.Inspection, "pilot__proposal_id"
    )


def _follow() -> None:
    """A pilot not yet evaluated moves with its unit (portal.successors) — its reports, their due
    dates and their reminders follow the pilot; an evaluated one keeps its units."""
    from django.db.models import Q

    from pilots.models import Pilot
    from pilots.permissions import involved_in
    from portal import successors

    successors.follow(
        Pilot, fields=("unit", "directing_unit"), still_open=lambda: ~Q(status="evaluated"),
        person="proposal__author_id", involved=involved_in, related=("proposal",),
        prefetch=("implementers", "proposal__co_implementers"),
    )  # fmt: skip
