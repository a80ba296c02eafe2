"""What every admin of the portal shares: scoping, read-only rows, history and spreadsheets.

Every admin goes through `ScopedAdminMixin`, so lists, forms, change history, foreign-key
choices and spreadsheet exports show only what `visible_to(user)` allows, and only what
`editable_by(user)` allows can be changed or deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import BINARY_FORMATS, Format
from import_export.forms import SelectableFieldsExportForm
from simple_history.admin import SimpleHistoryAdmin

from safecommunity.errors import BAD_LIST_FILTER, BadQuery
from safecommunity.forms import (
    SEARCH_MAX_LENGTH,
    SEARCH_TOO_LONG,
    BoundedModelMultipleChoiceField,
)
from safecommunity.spreadsheets import SPREADSHEET_FORMATS, UnreadableFile


def count_column(relation: str, description: Any) -> Callable[[Any, models.Model], int]:
    """A sortable changelist column: how many `relation` rows each object has.

    `ScopedAdminMixin.get_queryset` annotates the count, in SQL, for each such column listed
    in `list_display`.
    """
    annotation = f"{relation}_total"

    @admin.display(description=description, ordering=annotation)
    def column(model_admin: Any, obj: models.Model) -> int:
        return getattr(obj, annotation)

    column.counts = {annotation: models.Count(relation)}
    return column


def _on_editable_rows(action: Callable) -> Callable:
    """An admin action given only the selected rows the user may change."""

    @wraps(action)
    def narrowed(model_admin: Any, request: HttpRequest, queryset: models.QuerySet) -> Any:
        return action(model_admin, request, queryset.editable_by(request.user))

    return narrowed


class SearchLengthLimit:
    """A change list's search (and autocomplete) is at most `SEARCH_MAX_LENGTH` characters: a
    longer one is a 400 page that says so (50,000 characters made SQLite refuse the query)."""

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet, search_term: str
    ) -> tuple[models.QuerySet, bool]:
        if len(search_term) > SEARCH_MAX_LENGTH:
            raise BadQuery(
                SEARCH_TOO_LONG, limit_value=SEARCH_MAX_LENGTH, show_value=len(search_term)
            )
        return super().get_search_results(request, queryset, search_term)


def limit_every_search(site: admin.AdminSite) -> None:
    """Give the admins other apps registered (auth's groups, axes' logs) the portal's search
    limit; the portal's own have it through `ScopedAdminMixin`."""
    for model, model_admin in list(site._registry.items()):
        if not isinstance(model_admin, SearchLengthLimit):
            limited = type(type(model_admin).__name__, (SearchLengthLimit, type(model_admin)), {})
            site.unregister(model)
            site.register(model, limited)


def name_login_protection() -> None:
    """django-axes' admin in the portal's languages. Its models, fields, filters and actions
    are translated in the project's catalogue (`safecommunity/third_party_strings.py`); what
    has no msgid at all is named here: the app (Django would title it "Axes") and the two
    columns of computed values (titled from the method names "Expiration" and "Status")."""
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    apps.get_app_config("axes").verbose_name = _("Login protection")
    AccessAttemptAdmin.expiration.short_description = _("Expires At")
    AccessAttemptAdmin.status.short_description = _("Attempts left")
    # Their names in titles and breadcrumbs are English f-strings in axes' models.
    AccessAttempt.__str__ = lambda row: (
        gettext("Login attempts of %(username)s") % {"username": row.username}
    )
    AccessLog.__str__ = lambda row: (
        gettext("Login of %(username)s at %(time)s")
        % {
            "username": row.username,
            "time": _local(row.attempt_time),
        }
    )
    AccessFailureLog.__str__ = lambda row: (
        gettext("Failed login of %(username)s at %(time)s from %(ip)s")
        % {"username": row.username, "time": _local(row.attempt_time), "ip": row.ip_address}
    )


#: Django names the four default permissions in English when it creates them ("Can add unit"):
#: data, not text. The admin shows them in the reader's language from these instead.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Any) -> str:
    """ "app | model | what it allows", each part in the reader's language (no query when the
    permission comes with its content type)."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != model._meta.model_name:
        allows = gettext(permission.name)
    else:
        allows = PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
    return f"{permission.content_type} | {allows}"


class PermissionLabels:
    """Permission choices (a user's, a group's) labelled by `permission_label`."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model._meta.label == "auth.Permission":
            field.label_from_instance = permission_label
            field.queryset = field.queryset.select_related("content_type")
        return field


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class ColumnsExportForm(SelectableFieldsExportForm):
    """import-export's export form, each column's box labelled with the column's header in the
    user's language (import-export titles it with the field's English attribute name, "Sort
    Order (顺序)")."""

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field is not None else field_name


class ScopedAdminMixin(SearchLengthLimit):
    """Limit an admin (or inline) to what `visible_to` shows and `editable_by` lets change.

    - `get_queryset` narrows the admin's own queryset (ordering kept), which also scopes the
      change, delete and history pages and import-export's export (built from the changelist);
    - a visible row outside `editable_by(user)` is only viewed: change and delete are refused
      (for an inline, the parent row decides), and so are actions that change or delete it
      and saves by any other route; a new row must pass the model's `may_create`;
    - foreign-key choices come from the related model's `visible_to` when it has one;
    - `readonly_on_change` fields (the unit a row belongs to) are fixed once the row exists;
    - a search is at most `SEARCH_MAX_LENGTH` characters (a longer one answers 400), and a
      many-to-many choice out of a primary key's range is an invalid choice, not a crash;
    - django-simple-history's history pages, which fall back to the history table when the
      object is not in the queryset, answer 404 for an object outside the user's scope.
    """

    readonly_on_change: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request).visible_to(request.user)
        counts = {}
        for name in getattr(self, "list_display", ()):
            if isinstance(name, str):
                counts |= getattr(getattr(self, name, None), "counts", {})
        return queryset.annotate(**counts) if counts else queryset

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> Any:
        """Many-to-many choices refuse a key out of range as an invalid choice."""
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += [name for name in self.readonly_on_change if name not in readonly]
        return readonly

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        queryset = getattr(formfield, "queryset", None)
        if hasattr(queryset, "visible_to"):
            formfield.queryset = queryset.visible_to(request.user)
        return formfield

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        """Whether `obj` (an inline's parent row) is in `editable_by(user)`; once a request."""
        if obj is None or obj.pk is None:
            return True
        if not hasattr(request, "_editable_rows"):
            request._editable_rows = {}
        key = (obj._meta.label, obj.pk)
        if key not in request._editable_rows:
            editable = type(obj)._default_manager.editable_by(request.user)
            request._editable_rows[key] = editable.filter(pk=obj.pk).exists()
        return request._editable_rows[key]

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        return {
            name: (
                _on_editable_rows(func)
                if {"change", "delete"} & set(getattr(func, "allowed_permissions", ()))
                else func,
                action_name,
                description,
            )
            for name, (func, action_name, description) in actions.items()
        }

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The guard of every way the admin saves a row: the change and add forms,
        `list_editable`, and django-simple-history's revert (which asks only for view rights)."""
        manager = type(obj)._default_manager
        if obj.pk is not None and manager.filter(pk=obj.pk).exists():
            allowed = self._may_edit(request, obj)
        else:  # a new row, or a deleted one restored from its history
            allowed = manager.may_create(request.user, obj)
        if not allowed:
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> Any:
        self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> Any:
        self._ensure_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _ensure_in_scope(self, request: HttpRequest, object_id: str) -> None:
        """Administrators may read the history of deleted rows; others only of rows they see."""
        try:
            visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            visible = False
        if not visible and not getattr(request.user, "is_administrator", False):
            raise Http404


class ReadOnlyAdminMixin:
    """Rows the portal records itself (transitions, uploads): looked at here, never edited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """A scoped admin whose history page shows who changed what, and when."""


class ScopedReadOnlyAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """A scoped admin that only shows rows."""


class SpreadsheetExportMixin:
    """The admin's exports in the portal's formats (`SPREADSHEET_FORMATS`): an xlsx written by the
    one workbook writer, a CSV with inert text — so a member named `=1+1` or `=HYPERLINK(…)` never
    becomes a live formula in a download.

    import-export gives numbers and dates as such only to its own binary format classes, by
    exact class; this gives them to their subclasses (`SpreadsheetXLSX`) too."""

    formats = SPREADSHEET_FORMATS
    export_form_class = ColumnsExportForm

    def get_export_queryset(self, request: HttpRequest) -> models.QuerySet:
        """The changelist's rows; filters it cannot read (`?unit__id__exact=abc`) are the 400
        page, as the changelist itself would refuse them, not a server error."""
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            raise BadQuery(BAD_LIST_FILTER) from error

    def get_export_data(
        self, file_format: Format, request: HttpRequest, queryset: models.QuerySet, **kwargs: Any
    ) -> bytes:
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=self.native_types(file_format), **kwargs
        )
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data

    @staticmethod
    def native_types(file_format: Format) -> bool:
        """Whether cells go to the format as numbers and dates (xlsx) rather than text (CSV)."""
        return isinstance(file_format, tuple(BINARY_FORMATS))


class ScopedImportExportAdmin(
    ScopedAdminMixin, SpreadsheetExportMixin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    """A scoped admin with history and spreadsheet import/export (xlsx, CSV in UTF-8 or GB18030).

    The resource is created with the requesting user, so an import updates and looks up only
    rows that user may change or see; the export goes through the changelist's scoped queryset.
    """

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        """Say why a file could not be read when we know (import-export shows only the class)."""
        if isinstance(e, UnreadableFile):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = True
