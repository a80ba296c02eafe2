"""Messages of the programme's own refusals: API tokens."""

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError

TOKEN_INVALID = _("The API token is not valid.")
TOKEN_EXPIRED = _("The API token has expired; create a new one on your profile page.")
TOKEN_REVOKED = _("The API token has been revoked.")
TOKEN_USER_INACTIVE = _("The API token's user is deactivated.")
TOKEN_DAYS_RANGE = _("A token lasts from 1 to %(max)s days.")
TOKEN_CREATED = _("Token “%(name)s” created. Copy its key now: it is shown only this once.")
TOKEN_ALREADY_REVOKED = _("This token was already revoked.")
TOKEN_REVOKED_DONE = _("Token “%(name)s” revoked.")


class TokenError(DomainError):
    """A token cannot be created or revoked as asked."""
