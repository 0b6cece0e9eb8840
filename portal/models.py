"""Organisation and people: units, users, role assignments, the working calendar,
notifications and reminder bookkeeping."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from portal.text import fold
from portal.texts import note_text

PATH_STEP = 7  # digits per level of Unit.path: "0000001/0000005/"


class UnitQuerySet(models.QuerySet):
    def open(self) -> UnitQuerySet:
        return self.filter(closed_on__isnull=True)

    def subtree(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything below it: one indexed prefix query, whatever the depth."""
        return self.filter(path__startswith=unit.path)

    def within_paths(self, paths: list[str]) -> UnitQuerySet:
        return self.filter(path_prefix_q("path", paths))


def path_prefix_q(field: str, paths: list[str]) -> Q:
    """OR of `field LIKE path%` for each path; matches nothing when paths is empty."""
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


class Unit(models.Model):
    """An agency or organisation (đơn vị / cơ quan). Never deleted: closed with a successor."""

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
        MINISTRY = "ministry", _("Ministry")
        DEPARTMENT = "department", _("Department")
        DIVISION = "division", _("Division")
        PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")
        ENTERPRISE = "enterprise", _("State-owned enterprise")
        PARTY_COMMITTEE = "party_committee", _("Party committee or body")
        COMMUNE = "commune", _("Commune-level People's Committee")
        OTHER = "other", _("Other")

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", _("Letters, digits, - and _ only."))],
    )
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    # Materialised path: zero-padded primary keys from the root down, each followed by "/".
    path = models.CharField(_("path"), max_length=1024, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor unit"),
        help_text=_("The unit that takes over this unit's records when it is closed or merged."),
    )
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%'.
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(closed_on__isnull=False),
                name="unit_successor_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        """Keep `path` and `depth` true to `parent`; a move rewrites the subtree's paths."""
        if self.pk is None:
            # The path is built from the primary key, so the first write has none yet and
            # records no history; the second one, with the path, is the creation record.
            self.skip_history_when_saving = True
            super().save(*args, **kwargs)
            del self.skip_history_when_saving
            kwargs.pop("force_insert", None)
        old_path = self.path
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 1
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in Unit.objects.filter(parent=self).order_by("path"):
                child._change_reason = "moved with parent unit"
                child.save()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.parent_id
            and self.pk
            and (self.parent_id == self.pk or self.parent.path.startswith(self.path))
        ):
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("A unit cannot succeed itself.")})

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def ancestor_paths(self) -> list[str]:
        """Paths of this unit and its ancestors, root first."""
        steps = [self.path[i : i + PATH_STEP + 1] for i in range(0, len(self.path), PATH_STEP + 1)]
        return ["".join(steps[: n + 1]) for n in range(len(steps))]

    def compute_path(self) -> str:
        own = f"{self.pk:0{PATH_STEP}d}/"
        return (self.parent.path if self.parent else "") + own


class UnitUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("content object"))


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("content object"))


class User(AbstractUser):
    """A person using the portal. Full names are Vietnamese and kept whole ("Nguyễn Văn An")."""

    class PositionType(models.TextChoices):
        # Decree 73 Art. 2: who the Decree covers.
        ADMINISTRATIVE_LEADER = (
            "administrative_leader",
            _("Leader or manager in a State administrative agency"),
        )
        PUBLIC_SERVICE_MANAGER = "public_service_manager", _("Manager in a public service unit")
        ENTERPRISE_TITLE_HOLDER = (
            "enterprise_title_holder",
            _("Title holder or State-capital representative in an enterprise"),
        )
        OTHER_STAFF = "other_staff", _("Other staff")

    full_name = models.CharField(_("full name"), max_length=150)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("unit"),
    )
    position_type = models.CharField(
        _("position type"),
        max_length=32,
        choices=PositionType.choices,
        default=PositionType.OTHER_STAFF,
        help_text=_("Decree 73/2023/NĐ-CP Art. 2: the categories of cadres the Decree covers."),
    )
    position_title = models.CharField(_("position"), max_length=150, blank=True)
    is_party_member = models.BooleanField(_("Party member"), default=False)
    # The full name and username without diacritics, lower case ("nguyen van an cadre_a"): the
    # people pickers find "Nguyễn" when "nguyen" is typed. Kept by save().
    search_text = models.CharField(
        _("search text"), max_length=320, editable=False, default="", db_default=""
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login", "search_text"])

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs) -> None:
        self.search_text = fold(f"{self.full_name} {self.username}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username

    @property
    def is_covered_by_decree73(self) -> bool:
        return self.position_type != self.PositionType.OTHER_STAFF


class RoleQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> RoleQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)

    def head_of(self, unit: Unit) -> User | None:
        """The unit's current head, if it has one."""
        assignment = self.current().filter(unit=unit, role="head").select_related("user").first()
        return assignment.user if assignment else None

    def first_unit_not_headed_by(self, unit: Unit, people: set[int]) -> tuple[Unit, bool]:
        """Walk up from `unit` to the first unit whose head is none of `people` (the author, a
        co-implementer, an implementer: nobody decides on their own work); whether it moved up.
        At the root it stops, and the caller refuses what nobody may decide."""
        moved = False
        while unit.parent_id is not None:
            head = self.head_of(unit)
            if head is None or head.pk not in people:
                break
            unit, moved = unit.parent, True
        return unit, moved


class RoleAssignment(models.Model):
    """A role a person holds in (or over) a unit. Ended, never deleted, so history stays true."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of unit")
        DEPUTY = "deputy", _("Deputy head")
        CADRE = "cadre", _("Cadre")
        INSPECTOR = "inspector", _("Inspector")
        ORGCOM = "orgcom", _("Organisation Committee staff")
        ADMIN = "admin", _("Administrator")

    # Roles whose unit is a scope over the whole subtree below it.
    SUBTREE_ROLES = (Role.HEAD, Role.DEPUTY, Role.INSPECTOR, Role.ORGCOM)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("unit or scope"),
        help_text=_("For inspectors and Organisation Committee staff: the root of the subtree they cover."),
    )
    started_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("decision or note"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(role="head", ended_on__isnull=True),
                name="one_open_head_per_unit",
                violation_error_message=_("This unit already has a head."),
            ),
            models.CheckConstraint(
                condition=Q(role="admin") | Q(unit__isnull=False),
                name="role_needs_unit_unless_admin",
                violation_error_message=_("Every role but administrator needs a unit."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="role_ends_after_start",
                violation_error_message=_("A role cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        where = f" — {self.unit.code}" if self.unit_id else ""
        return f"{self.user} · {self.get_role_display()}{where}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.unit_id and self.unit.closed_on is not None and self._state.adding:
            raise ValidationError({"unit": _("The unit is closed; assign the role in its successor.")})


class CalendarDay(models.Model):
    """An administrator's correction to the working calendar: an extra day off, or a make-up
    working day (Vietnam swaps days around Tết and national holidays)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("reason"), max_length=255)
    # A correction is never deleted (deadlines were counted with it): it is withdrawn, with why.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(withdrawn_at__isnull=True), name="one_correction_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()}"


class Notification(models.Model):
    """An in-app notification; an e-mail copy is sent after the transaction commits."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=255)  # in the portal's default language
    body = models.TextField(_("message"))
    texts = models.JSONField(_("texts by language"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("content type")
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_retry_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject_text

    def _text(self, part: str) -> str:
        return (self.texts or {}).get(get_language() or "", {}).get(part) or getattr(self, part)

    @property
    def subject_text(self) -> str:
        """The subject in the reader's language (as written when it was sent)."""
        return self._text("subject")

    @property
    def body_text(self) -> str:
        return self._text("body")


class ReminderLog(models.Model):
    """One row per reminder sent: the unique key makes every reminder go out once, even if the
    sweep runs twice or a worker dies half-way through."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("recipient")
    )
    kind = models.CharField(max_length=64, verbose_name=_("kind"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("content type"))
    object_id = models.PositiveBigIntegerField(verbose_name=_("object id"))
    day = models.DateField(verbose_name=_("day"))
    notification = models.OneToOneField(
        Notification, on_delete=models.SET_NULL, null=True, verbose_name=_("notification")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "content_type", "object_id", "day"],
                name="reminder_once_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.day:%d/%m/%Y})"


class SweepRun(models.Model):
    """A record of each run of the daily due sweep, for operators."""

    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(_("reminders sent"), default=0)

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.reminders_sent}"


class SweepChunk(models.Model):
    """One share of a sweep run, done by one task: a provider over a range of ids of its items
    (`first_id` ≤ id < `last_id`; none: all of them). A run is finished once all its chunks are."""

    run = models.ForeignKey(SweepRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("run"))
    provider = models.CharField(max_length=200, verbose_name=_("provider"))
    first_id = models.PositiveBigIntegerField(null=True, verbose_name=_("first id"))
    last_id = models.PositiveBigIntegerField(null=True, verbose_name=_("last id"))
    finished_at = models.DateTimeField(null=True, verbose_name=_("finished at"))
    reminders_sent = models.PositiveIntegerField(default=0, verbose_name=_("reminders sent"))

    class Meta:
        verbose_name = _("sweep chunk")
        verbose_name_plural = _("sweep chunks")
        ordering = ["run", "id"]

    def __str__(self) -> str:
        return f"{self.provider} [{self.first_id}, {self.last_id})"


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
        return f"{self.from_status} → {self.to_status} ({self.action})"

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


class AuditChain(models.Model):
    """The head of one proposal dossier's hash chain: how many links it has and the last hash —
    the dossier's fingerprint. One row per dossier, so writers of different proposals never wait
    for each other (the row is locked while a link is added)."""

    dossier = models.BigIntegerField(_("proposal"), primary_key=True)
    length = models.PositiveIntegerField(_("links"), default=0)
    head = models.CharField(_("fingerprint"), max_length=64)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.length} · {self.head[:16]}"


class AuditLink(models.Model):
    """One covered row (a transition or a history row of the dossier) in its chain: the digest of
    the row as written and the hash over the previous link, written in the same transaction."""

    dossier = models.BigIntegerField(_("proposal"))
    seq = models.PositiveIntegerField(_("position"))
    table = models.CharField(_("table"), max_length=100)
    row_id = models.BigIntegerField(_("row"))
    row_digest = models.CharField(max_length=64, verbose_name=_("row digest"))
    previous = models.CharField(max_length=64, verbose_name=_("previous"))
    digest = models.CharField(max_length=64, verbose_name=_("digest"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("audit link")
        verbose_name_plural = _("audit links")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="audit_link_once_per_position"),
            models.UniqueConstraint(fields=["table", "row_id"], name="audit_link_once_per_row"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}#{self.seq}: {self.table} {self.row_id}"


class AuditCheck(models.Model):
    """One run of the nightly check of the audit chains: whether they held, and the first broken
    record (as a kind and parameters, rendered in the reader's language) when they did not."""

    at = models.DateTimeField(_("checked"), default=timezone.now)
    intact = models.BooleanField(_("intact"))
    broken = models.PositiveIntegerField(_("dossiers broken"), default=0)
    first = models.JSONField(_("first broken record"), default=dict, blank=True)
    alerted = models.BooleanField(_("administrators alerted"), default=False)

    class Meta:
        verbose_name = _("audit check")
        verbose_name_plural = _("audit checks")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M}: {'ok' if self.intact else self.first}"
