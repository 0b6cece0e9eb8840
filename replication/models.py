"""Replication and institutionalisation (KL 2.5; Decree 73 Art. 10): a pilot evaluated `completed`
published as a model in the library (Thư viện mô hình), adopted by other units as their own draft
proposals (`Proposal.adopted_from`), and followed until what works is issued as a legal document
(thể chế hóa: proposed → drafting → issued, or dropped)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pilots.models import Pilot
from portal.models import AttachmentBase, TransitionBase, Unit, stored_name
from portal.storage import private_storage
from portal.text import fold


class ModelQuerySet(models.QuerySet):
    def search(self, text: str) -> ModelQuerySet:
        """Every word, with or without diacritics ("mot cua lien thong" finds "Một cửa liên thông")."""
        query = Q()
        for word in fold(text).split()[:10]:
            query &= Q(search_text__contains=word)
        return self.filter(query)

    def for_list(self) -> ModelQuerySet:
        return self.select_related("pilot__proposal", "unit", "published_by")


class InnovationModel(models.Model):
    """A completed pilot offered for replication; published models are visible to every
    signed-in user (and on the public page when it is on)."""

    class Field(models.TextChoices):
        PROCEDURES = "procedures", _("Administrative procedures")
        DIGITAL = "digital", _("Digital transformation")
        FINANCE = "finance", _("Finance and budget")
        PERSONNEL = "personnel", _("Organisation and personnel")
        INVESTMENT = "investment", _("Investment and business")
        PUBLIC_SERVICES = "public_services", _("Public services")
        OTHER = "other", _("Other")

    pilot = models.OneToOneField(
        Pilot, on_delete=models.PROTECT, related_name="model", verbose_name=_("pilot")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="models", verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"))
    conditions = models.TextField(_("conditions for replication"))
    field = models.CharField(_("field"), max_length=24, choices=Field.choices, default=Field.OTHER)
    published_on = models.DateField(_("published on"), default=timezone.localdate)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    search_text = models.TextField(editable=False, default="", verbose_name=_("search text"))
    history = HistoricalRecords(excluded_fields=["search_text"])

    objects = ModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("model")
        verbose_name_plural = _("models")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.title} {self.summary} {self.conditions} {self.unit.name}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("model-detail", args=[self.pk])


class InstitutionalisationQuerySet(models.QuerySet):
    def for_list(self) -> InstitutionalisationQuerySet:
        return self.select_related("model__unit", "proposed_by")


class Institutionalisation(models.Model):
    """Turning a model into a legal document. `status` is the stage the contract names."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DRAFTING = "drafting", _("Being drafted")
        ISSUED = "issued", _("Issued")
        DROPPED = "dropped", _("Dropped")

    TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
        "propose": ((), "proposed"),
        "draft": (("proposed",), "drafting"),
        "issue": (("drafting",), "issued"),
        "drop": (("proposed", "drafting"), "dropped"),
    }

    model = models.ForeignKey(
        InnovationModel,
        on_delete=models.PROTECT,
        related_name="institutionalisations",
        verbose_name=_("model"),
    )
    document_kind = models.CharField(_("kind of document"), max_length=120)
    drafting_agency = models.CharField(_("drafting agency"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("stage"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = InstitutionalisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("institutionalisation")
        verbose_name_plural = _("institutionalisations")
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_kind} · {self.model_id}"

    def get_absolute_url(self) -> str:
        return reverse("model-detail", args=[self.model_id])


class InstitutionalisationTransition(TransitionBase):
    institutionalisation = models.ForeignKey(
        Institutionalisation,
        on_delete=models.PROTECT,
        related_name="transitions",
        verbose_name=_("institutionalisation"),
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Institutionalisation.Status.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=Institutionalisation.Status.choices)

    class Meta(TransitionBase.Meta):
        verbose_name = _("institutionalisation step")
        verbose_name_plural = _("institutionalisation steps")


def attachment_path(instance: ModelAttachment, filename: str) -> str:
    return stored_name(instance, folder="models", owner=instance.model_id)


class ModelAttachment(AttachmentBase):
    """A document of a model for those who replicate it (a procedure, a form, a decision)."""

    model = models.ForeignKey(
        InnovationModel, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("model")
    )
    file = models.FileField(
        upload_to=attachment_path, storage=private_storage, max_length=255, verbose_name=_("file")
    )
    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("model-attachment", args=[self.model_id, self.pk])
