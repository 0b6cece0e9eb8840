"""The second factor (issue "Trust", defect 3; CONTRACT, API auth): a TOTP device (django-otp,
RFC 6238) for the roles that decide and oversee — heads, deputies, inspectors, Organisation
Committee staff and administrators. Whoever has a confirmed device sends its current code with
the password on the token endpoint."""

from __future__ import annotations

from portal.models import RoleAssignment, User

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
