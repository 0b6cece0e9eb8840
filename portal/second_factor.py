"""The second factor (issue "Trust", defect 3; CONTRACT, API auth): a TOTP device (django-otp,
RFC 6238) for the roles that decide and oversee — heads, deputies, inspectors, Organisation
Committee staff and administrators. Whoever has a confirmed device sends its current code with
the password on the token endpoint and on the sign-in page; whoever needs one and has none sets it
up on their first sign-in, and gets ten one-time backup codes."""

from __future__ import annotations

import logging

from portal.models import RoleAssignment, User

logger = logging.getLogger("portal.security")

SECOND_FACTOR_ROLES = {
    RoleAssignment.Role.HEAD, RoleAssignment.Role.DEPUTY, RoleAssignment.Role.INSPECTOR,
    RoleAssignment.Role.ORGCOM, RoleAssignment.Role.ADMIN,
}  # fmt: skip


def has_second_factor(user: User) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def verify(user: User, code: str) -> bool:
    """Whether `code` is the current code (or the one of the step before or after, for clock
    drift) of one of the person's confirmed TOTP devices. A code may serve more than one request
    in its 30 seconds: it comes with the password, and a program may ask for two tokens at once."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = (code or "").strip()
    if not (code.isdigit() and 6 <= len(code) <= 8):
        return False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        generator.time = time.time()
        if generator.verify(int(code), device.tolerance):
            return True
    return False


BACKUP_CODES = 10


def code_refused(request, username: str) -> None:
    """A wrong second factor counts as a failed sign-in (django-axes locks after five)."""
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def required_for(user: User) -> bool:
    """Whether a person must sign in with a second factor: they decide or oversee, or they can
    open the administration."""
    from portal.permissions import roles_of

    return user.is_staff or bool(SECOND_FACTOR_ROLES & set(roles_of(user)))


def enrolment_device(user: User):
    """The TOTP device being set up for `user` (unconfirmed until its first code is given): its
    secret is shown once, as a QR code and in letters, for an authenticator app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_enrolment(device, code: str) -> list[str] | None:
    """With the device's current code, the device is confirmed and the person gets their backup
    codes (returned once, to be shown once); with a wrong code, None."""
    from django.db import transaction

    code = (code or "").strip()
    if not (code.isdigit() and len(code) == device.digits and device.verify_token(code)):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_backup_codes(device.user)
    logger.info("second factor set up for %s", device.user.username)
    return codes


def new_backup_codes(user: User) -> list[str]:
    """Ten one-time codes for when the phone is not at hand; the earlier ones stop working."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _number in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def backup_codes_left(user: User) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def use_backup_code(user: User, code: str) -> bool:
    """Whether `code` is one of the person's unused backup codes; a code that serves is spent."""
    from django_otp.plugins.otp_static.models import StaticDevice

    code = (code or "").strip().lower().replace(" ", "")
    if not (code.isalnum() and len(code) <= 16):
        return False
    return any(device.verify_token(code) for device in StaticDevice.objects.filter(user=user, confirmed=True))
