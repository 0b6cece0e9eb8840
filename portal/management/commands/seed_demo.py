"""`manage.py seed_demo`: the demo organisation and users of shared/CONTRACT.md. Idempotent."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import services
from portal.models import RoleAssignment, Unit, User
from portal.permissions import roles_of
from portal.second_factor import SECOND_FACTOR_ROLES

DEFAULT_PASSWORD = "demo-Pass-2026"  # noqa: S105 - the documented demo password
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 - the documented demo TOTP secret (CONTRACT)

# code, name, kind, parent code
UNITS = [
    ("UBND", "UBND tỉnh Demo", Unit.Kind.PEOPLES_COMMITTEE, None),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", Unit.Kind.DEPARTMENT, "UBND"),
    ("SNV", "Sở Nội vụ", Unit.Kind.DEPARTMENT, "UBND"),
    ("BTC", "Ban Tổ chức Tỉnh ủy", Unit.Kind.PARTY_COMMITTEE, None),
]

P = User.PositionType
R = RoleAssignment.Role
# username, full name, unit, position type, title, Party member, role, role unit
PEOPLE = [
    (
        "head_top",
        "Trần Quốc Hùng",
        "UBND",
        P.ADMINISTRATIVE_LEADER,
        "Chủ tịch UBND tỉnh",
        True,
        R.HEAD,
        "UBND",
    ),
    ("head_a", "Nguyễn Văn An", "SKHDT", P.ADMINISTRATIVE_LEADER, "Giám đốc Sở", True, R.HEAD, "SKHDT"),
    ("deputy_a", "Lê Thị Bích", "SKHDT", P.ADMINISTRATIVE_LEADER, "Phó Giám đốc Sở", True, R.DEPUTY, "SKHDT"),
    ("cadre_a", "Phạm Minh Châu", "SKHDT", P.ADMINISTRATIVE_LEADER, "Trưởng phòng", True, R.CADRE, "SKHDT"),
    ("cadre_a2", "Hoàng Văn Dũng", "SKHDT", P.OTHER_STAFF, "Chuyên viên", False, R.CADRE, "SKHDT"),
    ("head_b", "Võ Thị Hạnh", "SNV", P.ADMINISTRATIVE_LEADER, "Giám đốc Sở", True, R.HEAD, "SNV"),
    ("cadre_b", "Đặng Quang Huy", "SNV", P.ADMINISTRATIVE_LEADER, "Trưởng phòng", True, R.CADRE, "SNV"),
    ("inspector", "Bùi Thị Lan", "UBND", P.OTHER_STAFF, "Thanh tra viên", True, R.INSPECTOR, "UBND"),
    ("orgcom", "Đỗ Văn Minh", "BTC", P.OTHER_STAFF, "Chuyên viên Ban Tổ chức", True, R.ORGCOM, "UBND"),
]


class Command(BaseCommand):
    help = "Create the demo organisation and users (password from $DEMO_PASSWORD). Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")
        parser.add_argument(
            "--organisation-only", action="store_true", help="units, people and roles, without demo proposals"
        )

    @transaction.atomic
    def handle(self, *args, force: bool = False, organisation_only: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo refuses to run with DEBUG off; pass --force if you mean it.")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        units = self._units()
        admin = self._user(
            "admin", "Quản trị hệ thống", None, P.OTHER_STAFF, "Quản trị viên", False, password
        )
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin._change_reason = "seed_demo"
            admin.save()
        for username, full_name, unit, position, title, party, role, role_unit in PEOPLE:
            person = self._user(username, full_name, units[unit], position, title, party, password)
            held = RoleAssignment.objects.current().filter(user=person, role=role, unit=units[role_unit])
            if not held.exists():
                services.role_assign(
                    actor=admin, user=person, role=role, unit=units[role_unit], note="seed_demo"
                )
        proposals = pilots = 0
        if not organisation_only:
            from proposals import demo as proposals_demo

            users = {user.username: user for user in User.objects.filter(username__in=[p[0] for p in PEOPLE])}
            proposals = proposals_demo.seed(users)
            from pilots import demo as pilots_demo

            pilots = pilots_demo.seed(users)
            from accountability import demo as accountability_demo

            accountability_demo.seed(users)
            from support import demo as support_demo

            support_demo.seed(users)
            from monitoring import demo as monitoring_demo
            from recognition import demo as recognition_demo
            from replication import demo as replication_demo

            monitoring_demo.seed(users)
            recognition_demo.seed(users)
            replication_demo.seed(users)
            monitoring_demo.seed_review(users)
        self._second_factors()
        self._signing_certificate()
        self.stdout.write(
            self.style.SUCCESS(
                f"demo ready: {len(PEOPLE) + 1} users, {len(units)} units, "
                f"{proposals} new proposals, {pilots} new pilots"
            )
        )

    def _second_factors(self) -> None:
        """A TOTP device (RFC 6238: SHA-1, 6 digits, 30 s) with the secret $DEMO_TOTP_SECRET for
        every demo user whose role needs a second factor (CONTRACT, Demo data)."""
        import base64

        from django_otp.plugins.otp_totp.models import TOTPDevice

        secret = os.environ.get("DEMO_TOTP_SECRET") or DEMO_TOTP_SECRET
        key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8)).hex()
        for user in User.objects.filter(username__in=[p[0] for p in PEOPLE] + ["admin"]):
            if user.is_superuser or set(roles_of(user)) & SECOND_FACTOR_ROLES:
                TOTPDevice.objects.get_or_create(
                    user=user, name="demo", defaults={"key": key, "digits": 6, "step": 30, "confirmed": True}
                )

    def _signing_certificate(self) -> None:
        """With DEBUG on and no certificate configured, a throwaway one for signing the demo's
        dossiers and documents (picked up by the settings at the next start)."""
        from portal import signing

        path = settings.PRIVATE_MEDIA_ROOT / "demo-signing.p12"
        if settings.DEBUG and not os.environ.get("PORTAL_SIGNING_CERT") and not path.exists():
            signing.throwaway_certificate(path, "demo-signing")

    def _units(self) -> dict[str, Unit]:
        units: dict[str, Unit] = {}
        for code, name, kind, parent in UNITS:
            unit = Unit.objects.filter(code=code).first() or Unit(code=code)
            wanted = {"name": name, "kind": kind, "parent": units.get(parent)}
            if unit.pk is None or any(getattr(unit, key) != value for key, value in wanted.items()):
                for key, value in wanted.items():
                    setattr(unit, key, value)
                unit._change_reason = "seed_demo"
                unit.save()
            units[code] = unit
        return units

    def _user(self, username, full_name, unit, position, title, party, password) -> User:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.full_name = full_name
        user.email = f"{username}@demo.gov.vn.invalid"
        user.unit = unit
        user.position_type = position
        user.position_title = title
        user.is_party_member = party
        user.is_active = True
        user.set_password(password)
        user._change_reason = "seed_demo"
        user.save()
        return user
