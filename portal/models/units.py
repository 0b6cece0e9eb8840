"""Units: the tree of agencies and organisations, kept as a materialised path, never deleted."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

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
