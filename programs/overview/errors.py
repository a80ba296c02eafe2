"""Refusals of the pages across domains, and their messages (tests import the constants)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError

DISTRICT_OUT_OF_SCOPE = _("This district is no longer among those you may see.")


class DistrictOutOfScope(DomainError):
    """A district's export asked for a district outside its user's scope."""


UNKNOWN_MEASURE = _("The map cannot show “%(measure)s”; choose one of the measures offered.")
