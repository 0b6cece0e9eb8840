"""Text helpers: Vietnamese search that also matches without diacritics; money in đồng."""

import unicodedata
from decimal import Decimal, InvalidOperation


def fold(text: str) -> str:
    """Lower-case, without diacritics: "Cải cách Đổi mới" → "cai cach doi moi"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def reject_control_characters(value: str) -> None:
    """A validator: control characters other than tab and line breaks have no place in text."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if any((ord(ch) < 32 and ch not in "\t\n\r") or ch == "\x7f" for ch in value):
        raise ValidationError(_("Control characters are not allowed."))


def plain_number(value) -> str:
    """A decimal as a person types it, without trailing zeros or an exponent: 40.0000 → "40",
    12.50 → "12.5" (Decimal's `normalize()` alone would give "4E+1")."""
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return str(value)
    return format(number, "f")


def shown_number(value) -> str:
    """A decimal as the reader's language writes it: "12,5" in Vietnamese, "12.5" in English."""
    from django.utils.formats import number_format

    return number_format(plain_number(value), force_grouping=True)


def money(value) -> str:
    """An amount in đồng, grouped with dots: 1234567 → "1.234.567 ₫"; empty stays empty."""
    if value is None or value == "":
        return ""
    try:
        amount = int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " ₫"
