"""Why a backup or a restore refuses: one error class, one message constant per reason.

Every refusal of a restore is raised before anything is changed, except those named
`AFTER_*`, which report a restore that ran but does not match its manifest.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class BackupError(DomainError):
    """A backup that cannot be written, or an archive that cannot (or may not) be restored."""


# --- Writing a backup ---
ENGINE_UNSUPPORTED = _("Backups support SQLite and PostgreSQL databases, not “%(engine)s”.")
TARGET_EXISTS = _("“%(path)s” exists already; name a new file or a folder.")
TARGET_SUFFIX = _("“%(path)s” must end in .tar or .tar.gz (or name a folder).")
TARGET_INSIDE_STORAGE = _(
    "“%(path)s” lies inside the file storage, which the backup copies; choose a folder outside it."
)
TOOL_MISSING = _("%(tool)s is not installed or not on the PATH; it is needed for PostgreSQL.")
TOOL_FAILED = _("%(tool)s failed: %(reason)s")
FILE_CHANGED = _("The file “%(name)s” changed while it was copied; run the backup again.")

# --- Reading an archive (nothing has been changed yet) ---
ARCHIVE_MISSING = _("There is no file “%(path)s”.")
ARCHIVE_NOT_TAR = _("“%(path)s” is not a backup archive: it is not a .tar or .tar.gz file.")
ARCHIVE_TRUNCATED = _(
    "“%(path)s” is truncated: it ends before its last entry (copied or written incompletely)."
)
ARCHIVE_DAMAGED = _("“%(path)s” is damaged and cannot be read: %(reason)s.")
ARCHIVE_NO_MANIFEST = _(
    "“%(path)s” has no manifest.json: it is truncated or not a backup of this portal."
)
MANIFEST_INVALID = _("The manifest of “%(path)s” cannot be read: %(reason)s.")
FORMAT_UNSUPPORTED = _(
    "“%(path)s” is a backup in format %(found)s; this version of the portal reads format "
    "%(expected)s."
)
MEMBER_UNSAFE = _("The archive holds an entry with an unsafe name: “%(name)s”.")
MEMBER_MISSING = _("“%(name)s” is listed in the manifest but missing from the archive.")
MEMBER_UNEXPECTED = _("“%(name)s” is in the archive but not in its manifest.")
MEMBER_CORRUPT = _(
    "“%(name)s” does not match its SHA-256 in the manifest: the archive is damaged or was altered."
)
ENGINE_MISMATCH = _(
    "This is a backup of a %(found)s database; it cannot be restored into this %(target)s database."
)
MIGRATION_UNKNOWN = _(
    "The backup was made by a newer version of the portal (migration %(migration)s is unknown "
    "here); update the portal first."
)
DUMP_UNREADABLE = _("The database dump in the archive cannot be read: %(reason)s")

# --- The target ---
TARGET_NOT_EMPTY = _(
    "The target is not empty (%(what)s); restore into an empty database and storage, or pass "
    "--force to replace everything."
)
TARGET_IN_USE = _(
    "%(count)s other connections to the database are open (%(who)s); stop the web server and "
    "the workers, then restore again."
)
TARGET_ROWS = _("%(count)s rows in %(tables)s tables, e.g. %(table)s")
TARGET_FILES = _("files in the storage, e.g. “%(name)s”")
STORAGE_RENAMED = _(
    "The file storage saved “%(name)s” as “%(saved)s”; the restore needs the exact names."
)

# --- After loading: the result does not match the manifest ---
AFTER_ROWS = _(
    "After the restore, table %(table)s has %(found)s rows; the backup has %(expected)s."
)
AFTER_FILE = _("After the restore, the file “%(name)s” does not match the backup.")
