"""The one base of the portal's domain errors, and the error of a query string.

A `DomainError` is a move the rules do not allow: an illegal transition, a closed gate, a file
refused. `str(error)` is the message for the user, in the active language; each domain keeps its
message constants (lazily translated) in its own `errors.py`, which tests import. Forms show a
refusal at the field it is about, actions as a message (see `docs/ARCHITECTURE.md`).

A `BadQuery` is a query string no page can answer (a search past its length): a 400 page that
says why.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

OUTSIDE_SCOPE = _("You may not change the records of this unit.")
BAD_LIST_FILTER = _(
    "The list's filters in this address cannot be read; open the list and choose them again."
)


class DomainError(Exception):
    """A refusal by the portal's rules; `message` is a lazily translated constant."""

    def __init__(self, message: Any, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(str(message) % params if params else str(message))

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class BadQuery(BadRequest):
    """A query string no page can answer; the 400 page shows `str(error)`, a message for the
    user (lazily translated constant, formatted with `params`)."""

    def __init__(self, message: Any, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(str(message) % params if params else str(message))

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)
