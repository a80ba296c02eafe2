"""Messages of django-import-export that its own zh_Hans catalogue leaves untranslated.

Listed here so that `makemessages` keeps them in the project's catalogue (which Django
consults first); nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

IMPORT_EXPORT_MESSAGES = [
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen "
        "the correct format for the file."
    ),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop("Resource"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop(
        "The following fields are declared in 'import_id_fields' but are not present "
        "in the file headers: %s"
    ),
    gettext_noop("Home"),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items."),
    gettext_noop("Select all"),
    gettext_noop("Value could not be parsed."),
]
