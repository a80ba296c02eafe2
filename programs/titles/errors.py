"""Refusals of titles: illegal moves and missing dates."""

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class CertificationError(DomainError):
    pass


ILLEGAL_TITLE_MOVE = _("A title application that is “%(current)s” cannot move to “%(target)s”.")
NAMING_NEEDS_DATE = _("Give the date on which the title was conferred.")
ONLY_DISTRICT_TITLES = _("Only district staff record titles.")
