"""Request parsers for the API (own module: DRF reads its settings while importing views)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a body nested too deep for Python, or holding a lone surrogate
    (valid as a JSON escape, not as Unicode text: it could be neither stored nor echoed back in
    an error message), is a 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error: nested too deeply.")) from None
        if _has_lone_surrogate(data):
            raise exceptions.ParseError(
                _("JSON parse error: the text holds an invalid character (a lone surrogate).")
            )
        return data


def _has_lone_surrogate(value) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
