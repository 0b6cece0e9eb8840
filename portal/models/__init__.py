"""Organisation and people: units, users, role assignments, the working calendar, notifications,
reminder bookkeeping, what every app's records share and the audit chains — one module each,
all importable from here."""

from portal.models.audit import AuditChain, AuditCheck, AuditLink
from portal.models.calendar import CalendarDay, Notification, ReminderLog, SweepChunk, SweepRun
from portal.models.people import RoleAssignment, RoleQuerySet, User
from portal.models.records import AttachmentBase, TransitionBase, stored_name
from portal.models.units import (
    PATH_STEP,
    Unit,
    UnitGroupObjectPermission,
    UnitQuerySet,
    UnitUserObjectPermission,
    path_prefix_q,
)

__all__ = [
    "PATH_STEP", "AttachmentBase", "AuditChain", "AuditCheck", "AuditLink", "CalendarDay", "Notification",
    "ReminderLog", "RoleAssignment", "RoleQuerySet", "SweepChunk", "SweepRun", "TransitionBase", "Unit",
    "UnitGroupObjectPermission", "UnitQuerySet", "UnitUserObjectPermission", "User", "path_prefix_q",
    "stored_name",
]  # fmt: skip
