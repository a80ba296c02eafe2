"""Titles: district staff record a unit's application and move it to naming (or end it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView

from programs.core.models import CreatingUnit
from programs.titles.errors import CertificationError
from programs.titles.forms import CertificationForm, CertificationMoveForm
from programs.titles.models import Certification


def reviewable(queryset: QuerySet, user) -> QuerySet:
    """Titles are the district's record: only reviewers change them, within their scope."""
    return queryset.editable_by(user) if user.reviews_units else queryset.none()


class CertificationCreateView(CreateView):
    model = Certification
    form_class = CertificationForm
    template_name = "programs/certification_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.unit = get_object_or_404(
            reviewable(CreatingUnit.objects, request.user), code=kwargs["code"]
        )
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


class CertificationMoveView(View):
    """POST the next status of a title application (naming sets the date and validity)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        certification = get_object_or_404(
            reviewable(Certification.objects, request.user).select_related("unit__program"), pk=pk
        )
        form = CertificationMoveForm(request.POST, certification=certification)
        if not form.is_valid():
            for field, problems in form.errors.items():
                for problem in problems:
                    messages.error(
                        request,
                        f"{form.fields[field].label}: {problem}"
                        if field in form.fields
                        else problem,
                    )
            return redirect(certification.get_absolute_url())
        data = form.cleaned_data
        try:
            certification.move(
                data["status"],
                by=request.user,
                on=data["on"],
                certificate_number=data["certificate_number"],
                valid_until=data["valid_until"],
            )
        except CertificationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(title)s: now “%(status)s”.")
                % {"title": certification, "status": certification.get_status_display()},
            )
        return redirect(certification.get_absolute_url())
