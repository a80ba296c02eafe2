"""Refusals of injury surveillance: the exceptions the import raises and every message a user
sees when a card, a cell, a file, a batch or a statistics filter is refused (tests import them).

A file refused whole raises `ImportRefused`, a batch that cannot make the move asked of it
`BatchError`; a cell a spreadsheet widget cannot read raises import-export's `ValueError`
(`safecommunity.spreadsheets.refuse`), and forms and models show theirs at the field.
"""

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class ImportRefused(DomainError):
    """The whole file is refused (too big, unreadable, identifiers …); nothing was read in."""


class BatchError(DomainError):
    """A batch cannot make the move asked of it; the message says why."""


class CardsRefused(DomainError):
    """A batch of cards sent as JSON is refused whole; nothing was written. `errors` says where:
    `[{"index": card's index or None for the batch, "field": name, "message": text}]`."""

    def __init__(self, errors: list[dict]) -> None:
        super().__init__(CARDS_REFUSED, count=len(errors))
        self.errors = errors


class StatisticsRefused(DomainError):
    """An export of the statistics whose filters no longer hold when its job runs."""


# --- A card (the model's hard rules) ---

ICD10_FORMAT = _("Write an ICD-10 code such as S72.0 or W19: a letter, two digits, decimals.")
RECORD_NUMBER_SPACES = _("A record number cannot start or end with spaces.")
CARD_ALREADY_REPORTED = _("This organisation has already reported a card with this number.")
INJURY_DATE_IN_FUTURE = _("The injury date is in the future.")
VISIT_DATE_IN_FUTURE = _("The visit date is in the future.")

# --- The card form ---

CONFIRM_WARNINGS = _(
    "Some values are unusual (marked below). Check them, tick “I have checked these values” "
    "and save again."
)
UNIT_NOT_ALLOWED = _("You may not enter records for this unit.")

# --- A file refused whole ---

REFUSED_IDENTIFIERS = _(
    "The file has columns with personal identifiers (%(columns)s). Injury records must not "
    "name the injured person: delete these columns and upload the file again."
)
REFUSED_TOO_BIG = _("The file is larger than %(limit)s MB; split it into smaller files.")
REFUSED_TOO_MANY_ROWS = _("The file has more than %(limit)s rows; split it into smaller files.")
REFUSED_MISSING_COLUMNS = _(
    "The file lacks the columns %(columns)s. Download the template to see every column."
)
REFUSED_NO_HEADER = _("The first row of the file must hold the column headers.")
REFUSED_UNREADABLE = _(
    "The file cannot be read as an Excel workbook (.xlsx or .xls) or as CSV text."
)
REFUSED_ENCODING = _("The file is neither UTF-8 nor GB18030 text; save it again as CSV or xlsx.")
REFUSED_FILE_TYPE = _(
    "“%(name)s” is not an Excel workbook (.xlsx, .xls) or CSV text (.csv, .txt); save it as "
    "one of these and upload it again."
)

# --- A cell a spreadsheet column cannot read ---

NOT_A_DATETIME = _("“%(value)s” is not a date and time; write it as 2024-03-31 14:30.")
NOT_A_CODE = _("“%(value)s” is not a code of this list: %(choices)s.")
NO_UNIT = _("There is no creating unit with code or name “%(value)s”.")
NOT_YOUR_UNIT = _("You may import records of your own unit only, not of “%(value)s”.")

# --- A row of a file in error ---

REQUIRED_VALUE = _("This value is required.")
TOO_LONG = _("At most %(limit)s characters.")
AGE_OUT_OF_RANGE = _("The age must be between 0 and %(limit)s.")
BAD_ICD10 = _("“%(value)s” is not an ICD-10 code such as S72.0 or W19.")
IN_THE_FUTURE = _("This date is in the future.")
REPEATED_ROW = _("This card repeats row %(row)s of the file.")
OTHER_UNITS_CARD = _("This card is already recorded under a unit you may not change.")

# --- A batch of cards sent as JSON (`injuries.services.cards`) ---

CARDS_REFUSED = _("The cards were refused; nothing was written. Errors: %(count)s.")
CARD_FIELD = _("%(field)s: %(message)s")
CARDS_NOT_A_LIST = _("Give the cards as a list of objects under “records”.")
CARDS_NONE = _("The batch holds no card.")
CARDS_TOO_MANY = _("A batch holds at most %(limit)s cards; split it into smaller batches.")
CARD_NOT_AN_OBJECT = _("A card must be an object of field names and values.")
CARD_UNKNOWN_FIELD = _("This is not a field of the injury card.")
CARD_IDENTIFIER_FIELD = _(
    "Injury records must not name the injured person: no name, ID number, phone or address."
)
CARD_NOT_TEXT = _("Write this value as text.")
CARD_NOT_WHOLE_NUMBER = _("Write this value as a whole number.")
CARD_NOT_CODE = _("Write a code of the card: its number or its label.")
CARD_NOT_DATE = _("Write the date as text such as 2024-03-31.")
CARD_NOT_TIME = _("Write the time as text such as 14:30.")
CARD_BOTH_FORMS = _("Give the date either in this field or in %(other)s, not both.")
REPEATED_CARD = _("This card repeats the card at index %(row)s of the batch.")

# --- A batch: importing and withdrawing it ---

BATCH_NOT_WAITING = _("This file has already been imported or given up.")
BATCH_HAS_ERRORS = _("Correct the rows in error and upload the file again.")
BATCH_FILE_GONE = _("The uploaded file is no longer kept; upload it again.")
BATCH_NOT_IMPORTED = _("Only an imported file can be withdrawn.")
BATCH_CHANGED_LATER = _(
    "A later import (%(files)s) changed records of this one; withdraw that import first."
)
NOTHING_IMPORTED = _("Nothing was imported: the records changed since the check. %(summary)s")

# --- The statistics filters ---

DATES_REVERSED = _("The end date is before the start date.")
DATE_OUT_OF_RANGE = _("Choose a date from %(first)s to the end of this year.")
DISTRICT_WITHOUT_UNITS = _("%(district)s has no creating units yet, so no records to count.")
FILTERS_NO_LONGER_VALID = _(
    "The filters of this export are no longer valid (%(errors)s); open the statistics page and "
    "export again."
)
