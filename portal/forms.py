"""Forms of the portal app."""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import User


class MarkReadForm(forms.Form):
    notification = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    all = forms.BooleanField(required=False, label=_("Mark all as read"))


class PeoplePicker(forms.Widget):
    """A search box that finds people by name or username as one types (htmx, the view
    `people-search` for the picker's purpose and record), and the people chosen: for several, a
    ticked box each (untick to leave out); for one, the username in the box. What is typed in the
    box is sent too, so a username typed in full (or a list separated by commas) still counts."""

    template_name = "portal/widgets/people_picker.html"

    def __init__(self, *, multiple: bool = False, attrs=None):
        super().__init__(attrs)
        self.multiple = multiple
        self.purpose, self.record = "", 0

    def for_record(self, purpose: str, record: int) -> None:
        self.purpose, self.record = purpose, record

    def value_from_datadict(self, data, files, name) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [part.strip() for value in values if value for part in str(value).split(",") if part.strip()]

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data

    def format_value(self, value):
        if isinstance(value, (list, tuple)):
            return [getattr(item, "username", item) for item in value]
        return [getattr(value, "username", value)] if value else []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        usernames = context["widget"]["value"] or []
        found = {person.username: person for person in User.objects.filter(username__in=usernames)}
        picked = [found[username] for username in usernames if username in found] if self.multiple else []
        typed = [username for username in usernames if not self.multiple or username not in found]
        query = urlencode({"for": self.purpose, "id": self.record, "field": name})
        context["widget"].update(
            multiple=self.multiple, picked=picked, typed=", ".join(typed),
            search_url=f"{reverse('people-search')}?{query}" if self.purpose else "",
        )  # fmt: skip
        return context


class PeopleField(forms.Field):
    """Active people chosen by username: a list of them (`multiple`), or one."""

    def __init__(self, *, multiple: bool = False, **kwargs):
        kwargs.setdefault("widget", PeoplePicker(multiple=multiple))
        kwargs.setdefault("help_text", _("Type part of a name or username and choose from the list."))
        super().__init__(**kwargs)
        self.multiple = multiple

    def to_python(self, value):
        usernames = list(dict.fromkeys(value or []))
        if not usernames:
            return [] if self.multiple else None
        if not self.multiple and len(usernames) > 1:
            raise forms.ValidationError(_("Choose one person."))
        if any(len(username) > 150 for username in usernames):
            raise forms.ValidationError(_("A username has at most 150 characters."))
        people = {user.username: user for user in User.objects.filter(username__in=usernames, is_active=True)}
        unknown = [username for username in usernames if username not in people]
        if unknown and not self.multiple:
            raise forms.ValidationError(_("No active person has this username."))
        if unknown:
            raise forms.ValidationError(
                _("No active person with the username: %(names)s") % {"names": ", ".join(unknown)}
            )
        chosen = [people[username] for username in usernames]
        return chosen if self.multiple else chosen[0]

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


UNREADABLE = object()


class RowsWidget(forms.Widget):
    """Rows of a small form (an indicator, a milestone) as a table: a Django formset under the
    field's name, a few blank rows to fill, "Add a row" (portal.js copies the blank row kept in a
    <template>), and a row emptied to remove it."""

    template_name = "portal/widgets/rows.html"
    use_fieldset = True

    def __init__(self, row_form: type[forms.Form], *, extra: int, max_rows: int, attrs=None):
        super().__init__(attrs)
        self.row_form, self.extra, self.max_rows = row_form, extra, max_rows

    def formset(self, *, data=None, initial=None, name: str, auto_id: str = "id_%s"):
        rows = forms.formset_factory(
            self.row_form, extra=self.extra if data is None else 0, max_num=self.max_rows,
            absolute_max=self.max_rows,
        )  # fmt: skip
        return rows(data, initial=initial, prefix=name, auto_id=auto_id)

    def value_from_datadict(self, data, files, name):
        """The bound rows; None when the form did not send them; UNREADABLE when something else
        came under the field's name (text typed the old way: it is refused, never dropped)."""
        if f"{name}-TOTAL_FORMS" in data:
            return self.formset(data=data, name=name)
        return UNREADABLE if str(data.get(name) or "").strip() else None

    def value_omitted_from_data(self, data, files, name) -> bool:
        return f"{name}-TOTAL_FORMS" not in data and name not in data

    def id_for_label(self, id_):
        """The first row's first field: where the error summary's link puts the focus."""
        first = next(iter(self.row_form.base_fields))
        return f"{id_}-0-{first}" if id_ else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        own_id = context["widget"]["attrs"].get("id", f"id_{name}")
        auto_id = own_id[: -len(name)] + "%s" if own_id.endswith(name) else "id_%s"
        if value is UNREADABLE:
            value = None
        if hasattr(value, "management_form"):
            value.auto_id = auto_id
            for form in (*value.forms, value.empty_form):
                form.auto_id = auto_id
            rows = value
        else:
            rows = self.formset(initial=value or [], name=name, auto_id=auto_id)
        context["widget"].update(
            rows=rows, headings=[field.label for field in self.row_form.base_fields.values()]
        )
        return context


class RowsField(forms.Field):
    """A list of rows, each cleaned by `row_form`; rows left empty are dropped. None when the form
    did not send the rows at all."""

    def __init__(self, row_form: type[forms.Form], *, extra: int = 3, max_rows: int = 50, **kwargs):
        kwargs.setdefault("widget", RowsWidget(row_form, extra=extra, max_rows=max_rows))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value) -> list[dict] | None:
        if value is None:
            return None
        if value is UNREADABLE or not value.management_form.is_valid():
            raise forms.ValidationError(_("The rows could not be read: reload the page and fill them again."))
        rows, problems = [], []
        for number, row in enumerate(value.forms, start=1):
            if all(not str(row[name].value() or "").strip() for name in row.fields):
                continue
            if row.is_valid():
                rows.append(row.cleaned_data)
                continue
            for name, errors in row.errors.items():
                label = row.fields[name].label if name in row.fields else ""
                for error in errors:
                    problems.append(
                        _("row %(n)s, %(field)s: %(error)s") % {"n": number, "field": label, "error": error}
                    )
        if problems:
            raise forms.ValidationError(problems)
        return rows
