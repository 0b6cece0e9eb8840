"""Recognition (KL 2.5; Decree 73 Art. 10): rewards for the author or an implementer of a pilot
evaluated `completed` — a commendation, an award, an early salary step (12 months) or priority for
appointment and planning — recorded by the head of the approving unit with the decision's
reference and date; and the cadre's innovation record that appointment decisions read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pilots.models import Pilot, visible_pilot_q
from portal.models import AttachmentBase, stored_name
from portal.storage import private_storage


class RewardQuerySet(models.QuerySet):
    def visible_to(self, user) -> RewardQuerySet:
        """The cadre rewarded, and whoever sees the pilot."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(cadre=user) | visible_pilot_q(user, prefix="pilot__"))

    def for_list(self) -> RewardQuerySet:
        return self.select_related("pilot__proposal", "cadre", "recorded_by")


class Reward(models.Model):
    class Kind(models.TextChoices):
        COMMENDATION = "commendation", _("Commendation")
        AWARD = "award", _("Award")
        EARLY_SALARY_STEP = "early_salary_step", _("Early salary step (12 months)")
        PRIORITY_APPOINTMENT = "priority_appointment", _("Priority for appointment and planning")

    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, related_name="rewards", verbose_name=_("pilot")
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rewards", verbose_name=_("cadre")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    decision_ref = models.CharField(_("decision number"), max_length=100)
    decided_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    objects = RewardQuerySet.as_manager()

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "cadre", "kind"], name="reward_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.cadre_id} · {self.pilot_id}"


def attachment_path(instance: RewardAttachment, filename: str) -> str:
    return stored_name(instance, folder="rewards", owner=instance.reward_id)


class RewardAttachment(AttachmentBase):
    """The signed decision."""

    reward = models.ForeignKey(
        Reward, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("reward")
    )
    file = models.FileField(
        upload_to=attachment_path, storage=private_storage, max_length=255, verbose_name=_("file")
    )
    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        pass
