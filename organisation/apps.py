from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation changes")

    def ready(self) -> None:
        from organisation.services import unit_merge
        from organisation.tasks import apply_due_reorganisations
        from portal import reminders, successors

        # first of the day's jobs: the pilots started and the reminders sent after it find the new units
        reminders.register_job(apply_due_reorganisations)
        successors.on_merge(unit_merge)
