"""Refusals and messages of notifications."""

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class NotificationError(DomainError):
    """A notification that cannot be opened or a setting that cannot be saved."""


MARKED_READ = _("Notification marked read.")
ALL_MARKED_READ = _("All notifications marked read.")
SETTINGS_SAVED = _("Your e-mail settings were saved.")
UNKNOWN_DELIVERY = _("Choose at once, daily digest or no e-mail.")
NOT_YOURS = _("This notification is not yours.")
