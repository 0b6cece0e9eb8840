"""Template filters: money as `1.234.567 ₫`; a dictionary looked up by a variable key."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    """An amount in đồng, grouped with dots: 1234567 → "1.234.567 ₫"; empty stays empty."""
    if value is None or value == "":
        return ""
    try:
        amount = int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " ₫"


@register.filter
def dict_get(mapping, key):
    """`mapping|dict_get:key` — a dictionary's value for a key a template holds in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def history_reason(record) -> str:
    """The reason of a history row (django-simple-history) in the reader's language."""
    from portal.history import reason_text

    return reason_text(record.history_change_reason, getattr(record, "instance_type", None))
