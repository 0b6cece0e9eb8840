"""API tokens (issue "Trust", defect 4): django-rest-knox keeps only a hash of each token (SHA-512)
and its first characters to find it; a token expires after the product rule `api_token_days`,
ends when its holder signs out of the API (`auth/logout/`, or `auth/logoutall/` for every one),
and every one of theirs ends when they sign out of the portal's pages or their password changes.
A person sees their tokens — when issued, until when, the first characters — never their value,
which is shown once, on issue."""

from __future__ import annotations

import datetime

from django.contrib.auth.signals import user_logged_out
from django.db.models import QuerySet
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox.models import AuthToken

from portal.models import User
from portal.rules import rule


def issue(user: User) -> tuple[AuthToken, str]:
    """A new token for `user`, and its value (which is not stored). Their expired ones go."""
    expired_of(user).delete()
    return AuthToken.objects.create(user, expiry=datetime.timedelta(days=rule("api_token_days")))


def expired_of(user: User) -> QuerySet[AuthToken]:
    return AuthToken.objects.filter(user=user, expiry__lt=timezone.now())


def current_of(user: User) -> QuerySet[AuthToken]:
    return AuthToken.objects.filter(user=user, expiry__gte=timezone.now()).order_by("-created")


def revoke(token: AuthToken) -> None:
    token.delete()


def revoke_all(user: User) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


@receiver(pre_save, sender=User, dispatch_uid="portal.tokens.password_changed")
def _revoke_on_password_change(
    sender, instance: User, raw: bool = False, update_fields=None, **kwargs
) -> None:
    """Whatever changes a password — the form, the admin, `changepassword` — ends the tokens."""
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        revoke_all(instance)


@receiver(user_logged_out, dispatch_uid="portal.tokens.logged_out")
def _revoke_on_logout(sender, request, user: User | None, **kwargs) -> None:
    """Signing out of the pages signs the person out everywhere, their programs included."""
    if user is not None:
        revoke_all(user)
