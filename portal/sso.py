"""Single sign-on (issue "Organisation changes"): optional OpenID Connect login through
mozilla-django-oidc, on when the `OIDC_*` variables are set (portal/settings.py), off — its two
addresses answer 404 — when they are not.

The identity provider says who someone is, never what they may do: a person is matched to one the
portal already has, by username (`preferred_username`) or else by e-mail, and nobody is created
and no role changes from its claims. The portal's own second factor still applies after it, as
after a password. While single sign-on is on, the password form is kept for administrators (the
way in when the provider is down), unless `OIDC_LOCAL_LOGIN=all`."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from portal import second_factor
from portal.models import RoleAssignment, User
from portal.pending import pend
from portal.permissions import roles_of


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def password_allowed(user: User) -> bool:
    """Whether `user` may sign in with a password while single sign-on is on."""
    if not enabled() or getattr(settings, "OIDC_LOCAL_LOGIN", "admins") == "all":
        return True
    return RoleAssignment.Role.ADMIN in roles_of(user)


class PortalBackend(OIDCAuthenticationBackend):
    """Finds the person the portal already has for the provider's claims; creates nobody."""

    def verify_claims(self, claims: dict) -> bool:
        return bool(claims.get("preferred_username") or claims.get("email"))

    def filter_users_by_claims(self, claims: dict):
        people = User.objects.filter(is_active=True)
        username = (claims.get("preferred_username") or "").strip()
        if username and people.filter(username=username).exists():
            return people.filter(username=username)
        email = (claims.get("email") or "").strip()
        if email and claims.get("email_verified", True) is not False:
            return people.filter(email__iexact=email)
        return people.none()

    def create_user(self, claims: dict):
        return None  # never: people come from the organisation's own records (import, admin)

    def update_user(self, user: User, claims: dict) -> User:
        return user  # never: names, units and roles are the portal's, not the provider's


class Callback(OIDCAuthenticationCallbackView):
    """After the provider: the portal's second factor, as after a password (portal.sign_in)."""

    def login_success(self) -> HttpResponse:
        if second_factor.has_second_factor(self.user):
            return pend(self.request, self.user, "login-code", next_url=self.success_url)
        if second_factor.required_for(self.user):
            return pend(self.request, self.user, "two-factor-setup", next_url=self.success_url)
        return super().login_success()

    def login_failure(self) -> HttpResponse:
        return redirect(f"{reverse('login')}?sso=failed")


def _when_enabled(view):
    def answer(request, *args, **kwargs):
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return answer


urlpatterns = [
    path(
        "authenticate/",
        _when_enabled(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path("callback/", _when_enabled(Callback.as_view()), name="oidc_authentication_callback"),
]
