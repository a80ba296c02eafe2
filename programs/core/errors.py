"""Messages of the programme's own refusals: API tokens; a unit's official division code."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from safecommunity.errors import DomainError

TOKEN_INVALID = _("The API token is not valid.")
TOKEN_EXPIRED = _("The API token has expired; create a new one on your profile page.")
TOKEN_REVOKED = _("The API token has been revoked.")
TOKEN_USER_INACTIVE = _("The API token's user is deactivated.")
TOKEN_DAYS_RANGE = _("A token lasts from 1 to %(max)s days.")
TOKEN_CREATED = _("Token “%(name)s” created. Copy its key now: it is shown only this once.")
TOKEN_ALREADY_REVOKED = _("This token was already revoked.")
TOKEN_REVOKED_DONE = _("Token “%(name)s” revoked.")

DIVISION_CODE_FORMAT = _(
    "A division code has 9 digits: the district's 6-digit code (GB/T 2260) and the 3-digit "
    "town part, e.g. 110113001; “%(value)s” is not one."
)
DIVISION_CODE_UNKNOWN = _(
    "%(value)s is not a street or town in the official list of Beijing's divisions (%(source)s)."
)
DISTRICT_CODE_FORMAT = _(
    "A district's code has 6 digits (GB/T 2260), e.g. 110113 for 顺义区; “%(value)s” is not one."
)
DISTRICT_CODE_UNKNOWN = _(
    "%(value)s is not a district in the official list of Beijing's divisions (%(source)s)."
)
DISTRICT_NOT_VISIBLE = _("No district you may see has the code “%(value)s”.")
DIVISION_CODE_OTHER_DISTRICT = _("This division code lies outside %(district)s.")
DIVISION_CODE_TAKEN = _("Another unit already has this division code.")
DIVISION_CODE_OF_ZONE = _("An economic zone has no division code; leave it blank.")
DIVISION_NAME_MISMATCH = _(
    "In the official list %(value)s is “%(official)s”: enter that name as the unit's name or "
    "as its official name."
)


class DistrictError(DomainError):
    """A district cannot be put on the portal as asked."""


class TokenError(DomainError):
    """A token cannot be created or revoked as asked."""


BOUNDARIES_NOT_YOURS = _(
    "Only the district's staff and administrators upload its units' boundaries."
)
BOUNDARY_UNIT_ELSEWHERE = _("Feature %(n)s: %(code)s is not a unit of %(district)s.")
BOUNDARIES_REPLACED = ngettext_lazy(
    "%(count)s unit boundary of %(district)s stored; the file replaced the earlier ones.",
    "%(count)s unit boundaries of %(district)s stored; the file replaced the earlier ones.",
    "count",
)
BOUNDARIES_REFUSED = _("The file was refused and nothing was changed:")
