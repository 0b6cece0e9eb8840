"""Template filters: money as `1.234.567 ₫`."""

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
