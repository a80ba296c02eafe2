"""Personal API tokens: a user's named keys for the API, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecommunity.scoping import ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .users import User


def key_digest(key: str) -> str:
    """The SHA-256 (hex) a key is stored and looked up as."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(ScopedQuerySet):
    """A token belongs to its user: each revokes only their own; administrators see every
    token (the admin's read-only list, without keys — none is kept)."""

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        return self.all() if user.is_administrator else self.filter(user=user)

    def editable_by(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def own(self, user: User) -> Self:
        """The tokens `user` holds (their profile page lists these)."""
        return self.editable_by(user)

    def may_create(self, user: Any, instance: models.Model) -> bool:
        return user.is_authenticated and instance.user_id == user.pk

    def allows_edit(self, user: Any, obj: models.Model) -> bool:
        return user.is_authenticated and obj.user_id == user.pk

    def usable(self, now=None) -> Self:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A personal API token: a department system's (or a person's script's) key to the API,
    acting with exactly its user's scope. The key is shown once; only its SHA-256 is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the system using it.")
    )
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, editable=False)
    prefix = models.CharField(
        _("prefix"), max_length=12, editable=False, help_text=_("The key's first characters.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    rate_exempt = models.BooleanField(
        _("exempt from the rate limit"),
        default=False,
        help_text=_("Only for the benchmark's or an administrator's own tokens."),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key_hash"], name="api_token_key_unique"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="api_token_expires_after_created"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired
