"""Language: Vietnamese unless the person chose English with the switch (a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a government
computer with an English browser would show English by default; the portal speaks Vietnamese
first and changes only on an explicit choice. The API is the exception: a program says what it
reads in Accept-Language (CONTRACT: errors), and Vietnamese is the default there too.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        is_api = request.path_info.startswith("/api/")
        if is_api and request.headers.get("Accept-Language"):
            chosen = self._from_header(request.headers["Accept-Language"])
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie") if is_api else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

    def _from_header(self, header: str) -> str:
        """The first supported language the header asks for ("en-US" is English); else the default."""
        for code, _quality in parse_accept_lang_header(header[:500]):
            base = code.split("-")[0].lower()
            if base in self.supported:
                return base
        return settings.LANGUAGE_CODE
