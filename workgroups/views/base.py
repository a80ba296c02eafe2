"""What every page of the app starts from: the unit or row named in the URL, found through
`visible_to(user)` or `editable_by(user)` — outside the user's scope it is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from programs.core.models import CreatingUnit


class EditableUnitMixin:
    """Resolve `code` in the URL to a unit the user may edit (else 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.unit = get_object_or_404(
            CreatingUnit.objects.editable_by(request.user), code=kwargs["code"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "unit": self.unit}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "unit": self.unit}

    def get_success_url(self) -> str:
        return self.unit.get_absolute_url()


class EditableRowMixin:
    """Find the row (group, member, activity, project) named in the URL among those the user
    may edit (else 404)."""

    model: type
    request: HttpRequest

    def get_queryset(self) -> QuerySet:
        return self.model.objects.editable_by(self.request.user).select_related("unit")

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
        self.unit = get_object_or_404(
            CreatingUnit.objects.visible_to(request.user).select_related("program"),
            code=kwargs["code"],
        )
        self.can_edit = (
            CreatingUnit.objects.editable_by(request.user).filter(pk=self.unit.pk).exists()
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "unit": self.unit,
            "can_edit": self.can_edit,
        }
