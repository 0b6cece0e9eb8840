"""What every app's records share: their transition rows and their attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.texts import note_text


class TransitionBase(models.Model):
    """One row per state change or recorded step: from, to, who, when, why. The evidence behind
    a cadre's protection, so it is only ever added to."""

    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=24)  # subclasses add the choices
    to_status = models.CharField(_("to"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    note_kind = models.CharField(_("kind of note"), max_length=32, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        """As a person reads it (the admin's rows): the statuses by their labels, then the step."""

        def label(name: str) -> str:
            value = getattr(self, name)
            return str(dict(self._meta.get_field(name).flatchoices).get(value, value))

        return f"{label('from_status')} → {label('to_status')} ({self.action_label})"

    @property
    def action_label(self) -> str:
        """The action as the reader reads it (portal.actions)."""
        from portal.actions import action_label

        return action_label(self.action)

    action_label.fget.short_description = _("action")  # its column in the admin

    @property
    def text(self) -> str:
        """The note as the reader reads it (see portal.texts)."""
        return note_text(self.note_kind, self.params, self.note)


def stored_name(instance: AttachmentBase, *, folder: str, owner: int) -> str:
    """Where an attachment's file is kept: its owner's folder, its digest and the moment, with the
    extension of the type read from its content (the name it came with is only a label)."""
    return f"{folder}/{owner}/{instance.sha256[:16]}-{timezone.now():%Y%m%d%H%M%S%f}.{instance.kind}"


class AttachmentBase(models.Model):
    """A file kept as evidence, stored outside the web root under its digest; its type is read
    from the content (portal.filetypes), never from the name. Each app adds its owner and the
    `file` field with its own folder."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"
        ODT = "odt", "ODT"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
