"""People and their roles in units, dated."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models.units import Unit
from portal.text import fold


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
