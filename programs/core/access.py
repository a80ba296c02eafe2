"""What a user may do with one record: the one access decision, asked by every page.

`permissions_for(user, obj)` answers from `ScopedQuerySet` (`visible_to`, `editable_by`) and the
record's table of moves (`programs.core.transitions`), once per user and record in a request:
pages and templates read `can_view`, `can_edit`, `can_review` and `allowed_moves` from it instead
of comparing roles or status strings. Finding the record in the first place is
`safecommunity.scoping.scoped_object` (404 outside the scope).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from safecommunity.errors import OUTSIDE_SCOPE, DomainError

from .transitions import Move, allowed_moves

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db import models

    from .models import User


@dataclass
class Permissions:
    """What `user` may do with `obj`; each answer is computed once, when first asked."""

    user: User | AnonymousUser
    obj: models.Model

    @property
    def _rows(self) -> Any:
        return type(self.obj)._default_manager

    @cached_property
    def can_view(self) -> bool:
        return self._rows.visible_to(self.user).filter(pk=self.obj.pk).exists()

    @cached_property
    def can_edit(self) -> bool:
        return self._rows.all().allows_edit(self.user, self.obj)

    @cached_property
    def can_review(self) -> bool:
        """District staff accept, return and approve what units submit, within what they edit."""
        return bool(getattr(self.user, "reviews_units", False)) and self.can_edit

    @cached_property
    def allowed_moves(self) -> list[Move]:
        return allowed_moves(self.obj, self.user)

    def may(self, move: str) -> bool:
        return any(allowed.name == move for allowed in self.allowed_moves)


@dataclass(frozen=True)
class MoveAction:
    """A move the user may make, with the URL a page posts it to."""

    move: Move
    url: str


def move_actions(
    user: User | AnonymousUser, obj: models.Model, url_for: Callable[[Move], str]
) -> dict[str, MoveAction]:
    """The moves `user` may make on `obj` now, by name, each with its URL: what a template
    asks (`{% if moves.submit %}`) instead of comparing status strings."""
    return {
        move.name: MoveAction(move, url_for(move))
        for move in permissions_for(user, obj).allowed_moves
    }


def permissions_for(user: User | AnonymousUser, obj: models.Model) -> Permissions:
    """The permissions of `user` on `obj`, kept on the user object for the rest of the request
    (a request has one user object; nothing outlives it)."""
    cache: dict[tuple[str, Any], Permissions] = user.__dict__.setdefault("_permissions", {})
    key = (obj._meta.label, obj.pk)
    if key not in cache or cache[key].obj is not obj:
        cache[key] = Permissions(user, obj)
    return cache[key]


def ensure_edits_unit(
    user: User | None, unit_id: int | None, error: type[DomainError] = DomainError
) -> None:
    """A use case's own check of its actor: only who may change the unit's rows (its clerk,
    district staff) goes on; the system (`user=None`: a command, a job) always may. The pages
    find the record through `scoped_object` first; this keeps a service safe when it is called
    from anywhere else."""
    if user is not None and not user.edits_unit(unit_id):
        raise error(OUTSIDE_SCOPE)
