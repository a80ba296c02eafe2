"""The API speaks the language of `Accept-Language` (the pages keep their cookie), else the
user's stored language, else the portal's default (Chinese)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def header_language(request: HttpRequest) -> str | None:
    """The first supported language of the request's `Accept-Language`, or None ("*" and
    languages the portal lacks count as none)."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header[:1000]):
        code = code.lower()
        if code in SUPPORTED:
            return code
        if code.startswith("zh"):
            return "zh-hans"
        if code.split("-")[0] in SUPPORTED:
            return code.split("-")[0]
    return None


def user_language(user) -> str:
    stored = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
    return stored if stored in SUPPORTED else settings.LANGUAGE_CODE


class ApiLanguageMixin:
    """For API views: the header's language before authentication (so its refusals speak it),
    then, without a header, the signed-in user's. Sets `Content-Language` on the answer."""

    def initial(self, request, *args, **kwargs):
        chosen = header_language(request)
        translation.activate(chosen or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        if chosen is None:
            user = request.user  # authenticates: a refused token answers in the default
            translation.activate(user_language(user))
            request.LANGUAGE_CODE = translation.get_language()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        return response
