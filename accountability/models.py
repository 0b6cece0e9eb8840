"""Accountability cases (Art. 11). Minimal for now: a case opened for an evaluation that is not
`completed`; the determination, relief and referral steps come with the accountability issue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.models import Unit, path_prefix_q


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """The subject sees the case about them; heads, inspectors and the Organisation
        Committee see the cases in the subtrees they cover."""
        from portal.permissions import scope_paths

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(subject=user) | path_prefix_q("unit__path", scope_paths(user)))


class Case(models.Model):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Outcome not completed")
        ABUSE = "abuse", _("Suspected abuse")
        OBSTRUCTION = "obstruction", _("Obstruction of an innovating cadre")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case", "Open")
        LIABILITY_EXCLUDED = "liability_excluded", _("Liability excluded")
        RELIEF_RECOMMENDED = "relief_recommended", _("Relief recommended")
        REFERRED = "referred", _("Referred")
        DECIDED = "decided", _("Decided")

    pilot = models.ForeignKey(
        "pilots.Pilot", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.OPEN)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_about_me"
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # An evaluation opens at most one outcome case for its pilot.
            models.UniqueConstraint(
                fields=["pilot"], condition=Q(kind="outcome"), name="one_outcome_case_per_pilot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.proposal_id}"
