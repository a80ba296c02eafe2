"""The portal's own middleware: the language (Chinese unless the user picked English in the
header's switch), one log line per request, no caching of private pages, idle sessions ended."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.encoding import escape_uri_path


class CookieLocaleMiddleware:
    """Activate the language chosen with `set_language` (kept in a cookie), else `LANGUAGE_CODE`.

    Django's `LocaleMiddleware` would follow the browser's Accept-Language header, so an office
    PC with an English browser would open in English; the office wants Chinese unless asked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# --- Running as a service: request log, caching of private pages, idle sessions ---------------

REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; a proxy's id is kept when it is a short plain token.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
request_log = logging.getLogger("safecommunity.requests")


def request_id_of(request: HttpRequest) -> str:
    """The proxy's `X-Request-ID` when it is a sane token, else a fresh one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """One line per request on the `safecommunity.requests` logger, first in the chain:

        request id=3f2a… user=17 method=GET path=/units/ status=200 ms=12.3

    The path is logged without its query string (a search can hold a name). The request id is
    the proxy's (nginx's `$request_id`) or a new one; it is kept as `request.request_id` and
    sent back in the `X-Request-ID` header, so a user's report and both logs can be matched.
    The time is until the response is handed over (a streamed download goes on after it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request.request_id = request_id_of(request)
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response[REQUEST_ID_HEADER] = request.request_id
        user = getattr(request, "user", None)
        request_log.info(
            "request id=%s user=%s method=%s path=%s status=%d ms=%.1f",
            request.request_id,
            user.pk if user is not None and user.is_authenticated else "-",
            request.method,
            escape_uri_path(request.path),
            response.status_code,
            elapsed_ms,
        )
        return response


class CacheControlMiddleware:
    """No cache — the browser's, a proxy's, a shared office PC's — keeps a page shown to a
    signed-in user or any download: `Cache-Control: private, no-store` (with no-cache,
    must-revalidate and max-age=0). It comes after WhiteNoise, so static files keep their own
    long caching; the login page is already `never_cache`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.has_header("Content-Disposition"):
            add_never_cache_headers(response)
        return response


SESSION_SEEN_KEY = "_seen"
SESSION_REFRESH_SECONDS = 60


class SessionIdleMiddleware:
    """Sign out a user idle for `SESSION_IDLE_MINUTES`, cheaply.

    A session ends `SESSION_COOKIE_AGE` (the idle time) after it was last saved. While the user
    keeps working, this saves it again — by noting the time in it — at most once a minute, so a
    busy user stays signed in and the session table sees one write a minute, not one a request.
    A session not yet noted was last saved when the user signed in, which `last_login` records:
    the pages right after signing in write nothing. A page polling by itself (htmx: a job's
    progress bar) is not the user working and keeps nobody signed in. After
    AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and "HX-Request" not in request.headers:
            now = time.time()
            seen = request.session.get(SESSION_SEEN_KEY)
            if seen is None and user.last_login is not None:
                seen = user.last_login.timestamp()
            if seen is None or now - seen >= SESSION_REFRESH_SECONDS:
                request.session[SESSION_SEEN_KEY] = int(now)
        return self.get_response(request)
