from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Accountability and recognition")

    def ready(self) -> None:
        from accountability.tasks import case_reminders
        from accountability.views import work_sections
        from portal import reminders, work

        reminders.register(case_reminders)
        _cover()
        _follow()
        for section in work_sections:
            work.register(section)


def _cover() -> None:
    """A case's history, transitions, reviews and explanations join its proposal's audit chain."""
    from accountability.models import Case, CaseExplanation, CaseReview, CaseTransition
    from portal import audit

    audit.cover(Case.history.model, "proposal_id")
    for model in (CaseTransition, CaseReview.history.model, CaseExplanation.history.model):
        audit.cover(model, "case_id", Case, "proposal_id")


def _follow() -> None:
    """A case not yet closed moves with its unit (portal.successors); a closed one keeps it."""
    from django.db.models import Q

    from accountability.models import Case
    from portal import successors

    successors.follow(
        Case, fields=("unit", "pilot_unit"), person="subject_id",
        still_open=lambda: Q(status__in=("open", "relief_recommended", "referred")),
    )  # fmt: skip
