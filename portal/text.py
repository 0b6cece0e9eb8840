"""Text helpers: Vietnamese search that also matches without diacritics."""

import unicodedata


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
