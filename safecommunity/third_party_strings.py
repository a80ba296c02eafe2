"""Messages of third-party apps that their own zh_Hans catalogues leave untranslated or get
wrong: django-import-export's (its catalogue lacks some, and garbles "Some rows failed to
validate" as "某些行验数据证失败") and django-axes' (it ships no Chinese at all: its models,
fields, filters and actions in the admin).

Listed here so that `makemessages` keeps them in the project's catalogue, which wins over the
apps' own: Django merges the catalogues of `LOCALE_PATHS` last (tests/test_admin_language.py
checks the pages). The msgids must be exactly the apps' own. Nothing imports this module.
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
    # In import-export's catalogue, but wrong or unidiomatic there.
    gettext_noop("Some rows failed to validate"),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop("Non field specific"),
    gettext_noop("Skipped"),
    gettext_noop("%s through import_export"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it "
        "using the form above."
    ),
]

AXES_MESSAGES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
]

# Django's admin (5.2), django-simple-history and django-tasks-db: strings their zh_Hans
# catalogues lack.
OTHER_MESSAGES = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Changes"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
]
