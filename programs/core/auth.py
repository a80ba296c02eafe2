"""Signing in: Django's model backend, with the user's unit and department loaded together.

Every page shows the signed-in user's unit or department (the account menu) and most scope
checks read `user.unit_id`; loading both with the user saves a query on every page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()._default_manager.select_related("unit", "department")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
