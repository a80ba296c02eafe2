"""Who may call the API: signed-in users only (token or session); a write only where the view
declares it (`writes_allowed`) and its own check lets the user — otherwise 403."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOnlySignedIn(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or getattr(view, "writes_allowed", False)
