"""The rate limit: per token (per user for a session), counted in the shared cache (`CACHES`,
so every worker process counts together); over it, 429 with `Retry-After`. A token marked
`rate_exempt` (the benchmark's) is not counted."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        token = request.auth
        if getattr(token, "rate_exempt", False):
            return None
        token_id = getattr(token, "pk", None)
        ident = f"token-{token_id}" if token_id is not None else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
