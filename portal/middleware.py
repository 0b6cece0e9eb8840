"""Language: Vietnamese unless the person chose English with the switch (a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a government
computer with an English browser would show English by default; the portal speaks Vietnamese
first and changes only on an explicit choice. The API is the exception: a program says what it
reads in Accept-Language (CONTRACT: errors), and Vietnamese is the default there too.
"""

from django.conf import settings
from django.http import HttpResponseNotAllowed
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


class SessionLimitsMiddleware:
    """A signed-in session ends after the idle time of the product rules without a request, and
    in any case some hours after signing in: the person signs in again. Kept in the session as two
    timestamps; the last-seen one is written at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.contrib.auth import logout

        from portal.rules import rule

        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated and "_auth_user_id" in session:
            now = time.time()
            started = session.setdefault("portal_started", now)
            seen = session.get("portal_seen", now)
            idle, lifetime = rule("session_idle_minutes") * 60, rule("session_max_hours") * 3600
            if now - seen > idle or now - started > lifetime:
                logout(request)
            elif now - seen >= 60 or "portal_seen" not in session:
                session["portal_seen"] = now
        return self.get_response(request)


class QueryTextMiddleware:
    """A query string carrying a NUL or another control character is refused with 400 before any
    view reads it (found by schemathesis: PostgreSQL cannot compare a text with a NUL, so a
    `?unit=` with one was a 500). Bodies are checked by the forms and serializers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        if any(_control(value) for values in request.GET.lists() for value in (values[0], *values[1])):
            message = _("The address holds a character that is not allowed (a control character).")
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


def _control(text: str) -> bool:
    return any((ord(char) < 32 and char not in "\t\n\r") or ord(char) == 127 for char in text)


class MethodNotAllowedPage:
    """A page's action URL opened again in the browser (a GET on a form's POST address) gets a
    page that says what happened, not the empty 405 of `require_POST`; the API keeps its JSON.
    Last in the list, so that the headers of the others (CSP, language) are set on this page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and not request.path_info.startswith("/api/")
        ):
            from portal.views import error_405

            allowed = [method.strip() for method in response["Allow"].split(",") if method.strip()]
            return error_405(request, allowed)
        return response
