"""Template filters: money as `1.234.567 ₫`; a dictionary looked up by a variable key."""

from django import template

from portal.history import reason_text
from portal.text import money

register = template.Library()


@register.filter
def vnd(value) -> str:
    """An amount in đồng, grouped with dots: 1234567 → "1.234.567 ₫"; empty stays empty."""
    return money(value)


@register.filter
def dict_get(mapping, key):
    """`mapping|dict_get:key` — a dictionary's value for a key a template holds in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def history_reason(record) -> str:
    """The reason of a history row (django-simple-history) in the reader's language."""
    return reason_text(record.history_change_reason, getattr(record, "instance_type", None))
