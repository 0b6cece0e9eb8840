"""Signing in on the web (issue "Trust", defect 3): the password first (django-axes counts the
failures), then — for whoever has a second factor — the current code of their authenticator app
or one of their backup codes; whoever needs a second factor and has none sets one up before the
session starts. Until both steps are done nobody is signed in: the person waits in the session as
"pending" for a few minutes. `/accounts/security/` shows a signed-in person their second factor,
their backup codes left and their API tokens."""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal import second_factor, sso, tokens
from portal.lockout import locked_out
from portal.models import User
from portal.pending import PENDING, pend

PENDING_SECONDS = 300
BACKUP_CODES_ONCE = "backup_codes_once"
AFTER_BACKUP_CODES = "after_backup_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        help_text=gettext_lazy("The 6 digits your authenticator app shows now, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SetupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=8,
        help_text=gettext_lazy("The 6 digits the app shows after you added the account."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SignInView(auth_views.LoginView):
    """The password step; with a second factor to give or to set up, on to the next step."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not sso.password_allowed(user):
            form.add_error(
                None, _("Sign in with the single sign-on; the password is kept for administrators.")
            )
            return self.form_invalid(form)
        if second_factor.has_second_factor(user):
            return pend(self.request, user, "login-code", next_url=self.get_success_url())
        if second_factor.required_for(user):
            return pend(self.request, user, "two-factor-setup", next_url=self.get_success_url())
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso"] = sso.enabled()
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def _finish(request: HttpRequest, user: User) -> HttpResponse:
    pending = request.session.pop(PENDING)
    auth_login(request, user, backend=pending["backend"])
    target = pending.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target)


def _locked(request: HttpRequest, user: User) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": user.username})


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: the authenticator's code or a backup code. A wrong one counts as a
    failed sign-in; at the lockout the pending sign-in ends."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Sign in again: the time for the code has run out."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _locked(request, user):
            request.session.pop(PENDING, None)
            return locked_out(request)
        code = form.cleaned_data["code"]
        if second_factor.verify(user, code):
            return _finish(request, user)
        if second_factor.use_backup_code(user, code):
            messages.warning(request, _("You signed in with a backup code; it cannot be used again."))
            return _finish(request, user)
        second_factor.code_refused(request, user.username)
        if _locked(request, user):
            request.session.pop(PENDING, None)
            return locked_out(request)
        form.add_error("code", _("This code is wrong or has expired."))
    return render(request, "registration/login_code.html", {"form": form, "person": user})


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Setting up the authenticator app: on the first sign-in of whoever needs it (before the
    session starts), or later from the security page by anyone signed in."""
    import base64

    import segno

    user = _pending_user(request) or (request.user if request.user.is_authenticated else None)
    if user is None:
        return redirect("login")
    if second_factor.has_second_factor(user):
        return redirect("account-security")
    device = second_factor.enrolment_device(user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_enrolment(device, form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", _("This code is wrong or has expired."))
        else:
            if request.session.get(PENDING):
                request.session[AFTER_BACKUP_CODES] = _finish(request, user)["Location"]
            request.session[BACKUP_CODES_ONCE] = codes
            return redirect("two-factor-backup-codes")
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form, "person": user, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
    }  # fmt: skip
    return render(request, "registration/two_factor_setup.html", context)


@login_required
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    """The backup codes, shown once, just after they were made."""
    codes = request.session.pop(BACKUP_CODES_ONCE, None)
    if not codes:
        return redirect("account-security")
    after = request.session.pop(AFTER_BACKUP_CODES, None) or reverse("account-security")
    return render(request, "registration/backup_codes.html", {"codes": codes, "after": after})


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    context = {
        "has_second_factor": second_factor.has_second_factor(request.user),
        "required": second_factor.required_for(request.user),
        "backup_codes_left": second_factor.backup_codes_left(request.user),
        "tokens": tokens.current_of(request.user),
    }
    return render(request, "registration/security.html", context)


@login_required
@require_POST
def backup_codes_renew(request: HttpRequest) -> HttpResponse:
    if not second_factor.has_second_factor(request.user):
        return redirect("account-security")
    request.session[BACKUP_CODES_ONCE] = second_factor.new_backup_codes(request.user)
    return redirect("two-factor-backup-codes")


@login_required
@require_POST
def token_revoke(request: HttpRequest, key: str) -> HttpResponse:
    ended = tokens.current_of(request.user).filter(token_key=key[:32]).first()
    if ended is None:
        raise Http404(_("You have no such token."))
    tokens.revoke(ended)
    messages.success(
        request, _("The token that starts with %(key)s no longer works.") % {"key": ended.token_key}
    )
    return redirect("account-security")
