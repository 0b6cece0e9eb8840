"""Admin pages for units, people, roles and the working calendar. Nothing here is deleted:
units are closed with a successor, roles are ended, people are deactivated."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from portal import services
from portal.errors import DomainError, NotAllowed
from portal.history import HistoryAdmin
from portal.models import CalendarDay, Notification, RoleAssignment, SweepRun, Unit, User
from portal.vendor_labels import translated_fieldsets

admin.site.site_header = _("Innovation portal — administration")
admin.site.site_title = _("Innovation portal")


class PrivateFilesMixin:
    """A private file shows as a link to its permission-checked download: the storage has no
    public URL (asking it for one is an error), so the file field itself is never displayed."""

    def get_fields(self, request, obj=None):
        files = {f.name for f in self.model._meta.get_fields() if isinstance(f, models.FileField)}
        return [name for name in super().get_fields(request, obj) if name not in files] + ["download"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "download"]

    @admin.display(description=_("file"))
    def download(self, obj) -> str:
        if obj is None or not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "unit"
    extra = 0
    can_delete = False
    fields = ["user", "role", "started_on", "ended_on", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class UnitCloseForm(forms.Form):
    successor = forms.ModelChoiceField(
        queryset=Unit.objects.open(),
        required=False,
        label=_("Successor unit"),
        help_text=_("The unit that takes over this unit's records when it is closed or merged."),
    )
    closed_on = forms.DateField(label=_("Closed on"), initial=timezone.localdate)


@admin.register(Unit)
class UnitAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ["code", "name", "kind", "parent", "depth", "closed_on", "successor"]
    list_filter = ["kind", ("closed_on", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth", "closed_on", "successor", "close_link"]

    @admin.display(description=_("Close or merge"))
    def close_link(self, unit: Unit) -> str:
        if unit.pk is None or unit.closed_on:
            return "—"
        url = reverse("admin:portal_unit_close", args=[unit.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Close this unit…"))

    def get_urls(self):
        close = path("<int:pk>/close/", self.admin_site.admin_view(self.close_view), name="portal_unit_close")
        return [close, *super().get_urls()]

    def close_view(self, request, pk: int):
        unit = get_object_or_404(Unit, pk=pk)
        form = UnitCloseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                closed = services.unit_close(
                    actor=request.user,
                    unit=unit,
                    successor=form.cleaned_data["successor"],
                    closed_on=form.cleaned_data["closed_on"],
                )
            except (DomainError, NotAllowed) as error:
                form.add_error(None, error.message)
            else:
                done = (
                    _("The unit is closed.")
                    if closed.closed_on
                    else _("The merge is planned for %(date)s (Reorganisations).")
                    % {"date": form.cleaned_data["closed_on"].strftime("%d/%m/%Y")}
                )
                self.message_user(request, done, messages.SUCCESS)
                return redirect("admin:portal_unit_change", unit.pk)
        context = {
            **self.admin_site.each_context(request),
            "unit": unit,
            "form": form,
            "opts": self.opts,
            "title": _("Close or merge a unit"),
        }
        return TemplateResponse(request, "admin/portal/unit_close.html", context)

    autocomplete_fields = ["parent"]
    inlines = [RoleInline]
    actions = ["close_without_successor"]

    @admin.action(description=_("Close the selected units (no successor)"))
    def close_without_successor(self, request, queryset):
        for unit in queryset:
            try:
                services.unit_close(actor=request.user, unit=unit, successor=None)
            except (DomainError, NotAllowed) as error:
                self.message_user(request, f"{unit.code}: {error.message}", messages.ERROR)


@admin.register(User)
class UserAdmin(NoDeleteMixin, BaseUserAdmin, HistoryAdmin):
    list_display = ["username", "full_name", "unit", "position_type", "is_party_member", "is_active"]
    list_filter = ["position_type", "is_party_member", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email", "unit__code", "unit__name"]
    ordering = ["username"]
    autocomplete_fields = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {"fields": ("full_name", "email", "unit", "position_type", "position_title", "is_party_member")},
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "unit", "password1", "password2"),
            },
        ),
    )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ["user", "role", "unit", "started_on", "ended_on"]
    list_filter = ["role", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__full_name", "unit__code"]
    autocomplete_fields = ["user", "unit"]
    actions = ["end_roles"]

    def get_readonly_fields(self, request, obj=None):
        # A role is never rewritten: it is ended and a new one assigned.
        return ["user", "role", "unit", "started_on", "ended_on"] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj._change_reason = f"note edited by {request.user.username}"
            obj.save()
            return
        assignment = services.role_assign(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            unit=obj.unit,
            started_on=obj.started_on,
            note=obj.note,
        )
        obj.pk = assignment.pk

    @admin.action(description=_("End the selected roles today"))
    def end_roles(self, request, queryset):
        for assignment in queryset:
            try:
                services.role_end(actor=request.user, assignment=assignment)
            except (DomainError, NotAllowed) as error:
                self.message_user(request, f"{assignment}: {error.message}", messages.ERROR)


@admin.register(CalendarDay)
class CalendarDayAdmin(NoDeleteMixin, HistoryAdmin):
    """A correction is added here; it is never deleted or rewritten, only withdrawn with a reason."""

    list_display = ["date", "kind", "name", "withdrawn_at"]
    list_filter = ["kind", ("withdrawn_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "date"
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["withdrawn_reason"]
        return ["date", "kind", "name", "withdrawn_at"] + (["withdrawn_reason"] if obj.withdrawn_at else [])

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj._change_reason = f"added by {request.user.username}"
            obj.save()
        elif "withdrawn_reason" in form.changed_data:
            services.calendar_withdraw(actor=request.user, correction=obj, reason=obj.withdrawn_reason)


@admin.register(Notification)
class NotificationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "subject"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SweepRun)
class SweepRunAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["day", "started_at", "finished_at", "reminders_sent"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """API tokens per person, by their first characters — never their value. A token is
    issued by signing in to the API, not here; deleting one ends it."""

    list_display = ["user", "token_key", "created", "expiry"]
    list_filter = ["expiry"]
    search_fields = ["user__username", "token_key"]
    fields = ["user", "token_key", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _in_the_readers_language(admin_class):
    """A third-party device page whose fieldset names and search help are in the reader's language
    (django-otp builds "Search by user's …" in English at import)."""

    class Translated(admin_class):
        search_help_text = _("Search by the person's username or e-mail address")

        def get_fieldsets(self, request, obj=None):
            return translated_fieldsets(super().get_fieldsets(request, obj))

    if hasattr(admin_class, "qrcode_link"):

        @admin.display(description=_("QR code"))
        def qrcode_link(self, device):
            return admin_class.qrcode_link(self, device)

        Translated.qrcode_link = qrcode_link

    Translated.__name__ = Translated.__qualname__ = admin_class.__name__
    return Translated


for _device, _device_admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    admin.site.unregister(_device)
    admin.site.register(_device, _in_the_readers_language(_device_admin))
