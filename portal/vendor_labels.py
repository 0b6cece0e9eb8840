"""The administration pages of third-party apps in the reader's language.

django-axes, django-rest-knox and django-otp name their apps, models, fields and fieldsets in
English that is not (or only partly) marked for translation, so the Vietnamese admin showed
"Axes", "Auth tokens", "Static devices", "Identity", "Throttling". Their names are given here
as translatable text, set when the apps are ready. Only the labels change — `verbose_name`
set on a loaded model is not part of its migration state, so no migration follows.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "axes": _("Sign-in attempts"),
    "knox": _("API tokens"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Backup codes"),
}

MODEL_NAMES = {
    ("axes", "accessattempt"): (_("access attempt"), _("access attempts")),
    ("axes", "accessfailurelog"): (_("access failure"), _("access failures")),
    ("axes", "accesslog"): (_("access log"), _("access logs")),
    ("knox", "authtoken"): (_("API token"), _("API tokens")),
    ("otp_totp", "totpdevice"): (_("authenticator app"), _("authenticator apps")),
    ("otp_static", "staticdevice"): (_("backup code set"), _("backup code sets")),
    ("otp_static", "statictoken"): (_("backup code"), _("backup codes")),
}

FIELD_NAMES = {
    "user": _("user"),
    "name": _("name"),
    "confirmed": _("confirmed"),
    "created_at": _("created at"),
    "last_used_at": _("last used at"),
    "key": _("key"),
    "step": _("time step"),
    "t0": _("start time"),
    "digits": _("digits"),
    "tolerance": _("tolerance"),
    "drift": _("drift"),
    "last_t": _("last time step used"),
    "throttling_failure_timestamp": _("throttling failure timestamp"),
    "throttling_failure_count": _("throttling failure count"),
    "token": _("token"),
    "device": _("device"),
    "digest": _("digest"),
    "token_key": _("token prefix"),
    "created": _("created"),
    "expiry": _("expires"),
    "user_agent": _("user agent"),
    "ip_address": _("IP address"),
    "username": _("username"),
    "http_accept": _("HTTP accept"),
    "path_info": _("path"),
    "attempt_time": _("attempt time"),
    "logout_time": _("logout time"),
    "get_data": _("GET data"),
    "post_data": _("POST data"),
    "failures_since_start": _("failed sign-ins"),
    "locked_out": _("locked out"),
    "session_hash": _("session key hash (sha256)"),
}

# The fieldsets of django-otp's device pages, by their English names.
FIELDSET_NAMES = {
    "Identity": _("Identity"),
    "Configuration": _("Configuration"),
    "State": _("State"),
    "Throttling": _("Throttling"),
    "Timestamps": _("Timestamps"),
    "Meta Data": _("Meta data"),
    "Form Data": _("Form data"),
}


def apply() -> None:
    """Give the third-party apps, models and fields their translatable names."""
    for label, name in APP_NAMES.items():
        if apps.is_installed(_module_of(label)):
            apps.get_app_config(label).verbose_name = name
    for (app_label, model_name), (one, many) in MODEL_NAMES.items():
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        model._meta.verbose_name, model._meta.verbose_name_plural = one, many
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and field.name in FIELD_NAMES:
                field.verbose_name = FIELD_NAMES[field.name]


def translated_fieldsets(fieldsets):
    """A ModelAdmin's fieldsets with their names in the reader's language."""
    return [(FIELDSET_NAMES.get(name, name) if name else name, options) for name, options in fieldsets]


def _module_of(label: str) -> str:
    return {"otp_totp": "django_otp.plugins.otp_totp", "otp_static": "django_otp.plugins.otp_static"}.get(
        label, label
    )
