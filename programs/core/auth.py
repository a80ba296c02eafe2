"""Signing in: Django's model backend, with the user's unit and department loaded together, and
the API's personal tokens.

Every page shows the signed-in user's unit or department (the account menu) and most scope
checks read `user.unit_id`; loading both with the user saves a query on every page.

An API token — `Authorization: Bearer <key>` (or `Token <key>`) — is found by the key's SHA-256;
the request then acts as the token's user, with exactly their scope. An unknown, expired or
revoked token answers 401 in the request's language.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from programs.core import errors
from programs.core.models import ApiToken
from programs.core.models.tokens import key_digest
from programs.core.services import token_touch


class PortalBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()._default_manager.select_related("unit", "department")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


KEYWORDS = {b"bearer", b"token"}


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2 or len(parts[1]) > 200:
            raise exceptions.AuthenticationFailed(errors.TOKEN_INVALID)
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(errors.TOKEN_INVALID) from None
        token = (
            ApiToken.objects.select_related("user", "user__unit", "user__department")
            .filter(key_hash=key_digest(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(errors.TOKEN_INVALID)
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(errors.TOKEN_REVOKED)
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(errors.TOKEN_EXPIRED)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(errors.TOKEN_USER_INACTIVE)
        token_touch(token, now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
