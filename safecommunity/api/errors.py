"""The API's answer to a refusal: `{"detail": …}`, or `{field: [messages]}` for bad input, in
the request's language (`language.ApiLanguageMixin` activated it) — never a 500 for bad input."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from safecommunity.errors import DomainError


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, taught the portal's own refusals: a `DomainError` and a model's
    `ValidationError` are 400 with their messages; 404 and 403 keep DRF's translated detail."""
    if isinstance(exc, DomainError):
        exc = exceptions.ValidationError({"detail": str(exc)})
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
