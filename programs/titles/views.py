"""Titles: district staff record a unit's application and move it to naming (or end it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView

from programs.core.models import CreatingUnit
from programs.core.transitions import Move
from programs.core.views import TransitionView
from programs.titles.forms import CertificationForm, CertificationMoveForm
from programs.titles.models import Certification
from safecommunity.scoping import scoped_object


def reviewable(queryset: QuerySet, user) -> QuerySet:
    """Titles are the district's record: only reviewers change them, within their scope."""
    return queryset.editable_by(user) if user.reviews_units else queryset.none()


class CertificationCreateView(CreateView):
    model = Certification
    form_class = CertificationForm
    template_name = "programs/certification_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        units = reviewable(CreatingUnit.objects, request.user)
        self.unit = scoped_object(request, units, editable=True, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "unit": self.unit}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "unit": self.unit}

    def form_valid(self, form: CertificationForm) -> HttpResponse:
        form.instance._history_user = self.request.user
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Application for the %(level)s title recorded.")
            % {"level": self.object.get_level_display()},
        )
        return response


class CertificationMoveView(TransitionView):
    """POST the next status of a title application (naming sets the date and validity)."""

    def get_object(self) -> Certification:
        rows = reviewable(Certification.objects, self.request.user)
        return scoped_object(
            self.request, rows.select_related("unit__program"), pk=self.kwargs["pk"]
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        certification = self.get_object()
        self.form = CertificationMoveForm(request.POST, certification=certification)
        if not self.form.is_valid():  # not one of the next statuses, or a date missing
            for field, problems in self.form.errors.items():
                for problem in problems:
                    label = self.form.fields[field].label if field in self.form.fields else None
                    messages.error(request, f"{label}: {problem}" if label else problem)
            return redirect(certification.get_absolute_url())
        return super().post(request, *args, **kwargs)

    def get_move_name(self, certification: Certification) -> str:
        return self.form.cleaned_data["status"]

    def move_params(self, certification: Certification, move: Move) -> dict[str, Any]:
        data = self.form.cleaned_data
        return {
            "on": data["on"],
            "certificate_number": data["certificate_number"],
            "valid_until": data["valid_until"],
        }

    def done_message(self, certification: Certification, move: Move) -> str:
        return _("%(title)s: now “%(status)s”.") % {
            "title": certification,
            "status": certification.get_status_display(),
        }
