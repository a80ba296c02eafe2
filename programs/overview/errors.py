"""Messages of the pages across domains (the city map's query string)."""

from django.utils.translation import gettext_lazy as _

UNKNOWN_MEASURE = _("The map cannot show “%(measure)s”; choose one of the measures offered.")
