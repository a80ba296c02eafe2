"""What every page of the app starts from: the unit or row named in the URL, found through
`visible_to(user)` or `editable_by(user)` — outside the user's scope it is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from programs.core.access import permissions_for
from programs.core.models import CreatingUnit
from safecommunity.scoping import scoped_object
from safecommunity.views import ScopedObjectMixin


class EditableUnitMixin:
    """Resolve `code` in the URL to a unit the user may edit (else 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.unit = scoped_object(request, CreatingUnit, editable=True, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "unit": self.unit}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "unit": self.unit}

    def get_success_url(self) -> str:
        return self.unit.get_absolute_url()


class EditableRowMixin(ScopedObjectMixin):
    """Find the row (group, member, activity, project) named in the URL among those the user
    may edit (else 404)."""

    model: type
    request: HttpRequest
    editable = True

    def get_queryset(self) -> QuerySet:
        return self.model.objects.select_related("unit")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "unit": self.object.unit}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class VisibleUnitMixin:
    """Resolve `code` in the URL to a unit the user may see (else 404); `can_edit` says
    whether they may also change its rows (otherwise the page is read-only)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        units = CreatingUnit.objects.records_visible_to(request.user).select_related("program")
        self.unit = scoped_object(request, units, code=kwargs["code"])
        self.can_edit = permissions_for(request.user, self.unit).can_edit
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "unit": self.unit,
            "can_edit": self.can_edit,
        }
