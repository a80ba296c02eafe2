"""Pages of the programme's units themselves: a unit's profile, edited."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.views.generic import UpdateView

from programs.core.forms import unit_form_class
from programs.core.models import CreatingUnit


class UnitScopeMixin:
    """Find the unit named in the URL among those the user may see (else 404)."""

    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        return CreatingUnit.objects.visible_to(self.request.user)


class UnitUpdateView(UnitScopeMixin, UpdateView):
    """Edit a unit's profile: clerks their own unit, district staff every unit."""

    template_name = "programs/unit_form.html"
    context_object_name = "unit"

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        return CreatingUnit.objects.editable_by(self.request.user)

    def get_form_class(self):
        return unit_form_class(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("The unit's profile was saved."))
        return response
