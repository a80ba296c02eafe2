"""The injury records one by one: the list with its filters, a record's card and history, and
entering, correcting and deleting a card.

Lists and the detail page go through `visible_to(user)`, editing and deleting through
`editable_by(user)`, and a new record's unit through `may_create`; anything else is 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView

from injuries.filters import InjuryRecordFilter
from injuries.forms import SECTIONS, InjuryRecordForm
from injuries.models import InjuryRecord
from programs.core.access import permissions_for
from safecommunity.history import change_log
from safecommunity.views import ScopedObjectMixin

from .base import InjuriesPageMixin, may_enter_records

DERIVED = ("age_group", "age_band", "domain")


def display_value(record: InjuryRecord, name: str) -> Any:
    """A field as the card shows it: a code's label, a date as 2024-03-31, a time as 14:30."""
    if name == "unit":
        return record.unit.name
    field = InjuryRecord._meta.get_field(name)
    value = getattr(record, name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return getattr(record, f"get_{name}_display")()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return value


def card_rows(record: InjuryRecord, names: tuple[str, ...]) -> list[tuple[str, str, Any]]:
    """(field name, label, shown value) for each of `names`."""
    return [
        (
            name,
            capfirst(InjuryRecord._meta.get_field(name).verbose_name),
            display_value(record, name),
        )
        for name in names
    ]


class RecordListView(InjuriesPageMixin, ListView):
    """The records the user may see, newest injury first, filtered and counted."""

    template_name = "injuries/record_list.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[InjuryRecord]:
        records = InjuryRecord.objects.visible_to(self.request.user).select_related("unit")
        self.filterset = InjuryRecordFilter(
            self.request.GET, queryset=records, user=self.request.user
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            total=context["paginator"].count,
            querystring_without_page=query.urlencode(),
            may_create=may_enter_records(self.request.user),
        )
        return context


class RecordDetailView(InjuriesPageMixin, ScopedObjectMixin, DetailView):
    """One card, section by section, with the groups it is counted in, the import that wrote
    it and who changed what."""

    template_name = "injuries/record_detail.html"
    context_object_name = "record"

    def get_queryset(self) -> QuerySet[InjuryRecord]:
        return InjuryRecord.objects.select_related("unit", "batch")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record: InjuryRecord = self.object
        user = self.request.user
        batch = record.batch
        context.update(
            sections=[(heading, card_rows(record, names)) for heading, names in SECTIONS],
            derived=card_rows(record, DERIVED),
            can_edit=permissions_for(user, record).can_edit,
            batch_visible=batch is not None and permissions_for(user, batch).can_view,
            changes=change_log([InjuryRecord.history.filter(id=record.pk)]),
        )
        return context


class RecordFormMixin(InjuriesPageMixin):
    """What entering and correcting share: the card form, given the user; back to the card."""

    model = InjuryRecord
    form_class = InjuryRecordForm
    template_name = "injuries/record_form.html"
    request: HttpRequest
    object: InjuryRecord | None

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: InjuryRecordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Record “%(record)s” saved.") % {"record": self.object})
        return response


class RecordCreateView(RecordFormMixin, CreateView):
    """Enter a card (a clerk for their own unit; district staff and providers for any)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_enter_records(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if self.request.user.unit_id:
            initial["unit"] = self.request.user.unit_id
        return initial


class RecordUpdateView(RecordFormMixin, ScopedObjectMixin, UpdateView):
    """Correct a card the user may edit."""

    editable = True

    def get_queryset(self) -> QuerySet[InjuryRecord]:
        return InjuryRecord.objects.select_related("unit")


class RecordDeleteView(InjuriesPageMixin, ScopedObjectMixin, DeleteView):
    """Ask, then delete a record; its change history keeps what it held."""

    editable = True

    template_name = "injuries/record_confirm_delete.html"
    context_object_name = "record"

    def get_queryset(self) -> QuerySet[InjuryRecord]:
        return InjuryRecord.objects.select_related("unit")

    def form_valid(self, form: Any) -> HttpResponse:
        label = str(self.object)
        self.object.delete()
        messages.success(self.request, _("Record “%(record)s” deleted.") % {"record": label})
        return redirect(reverse("injuries:record-list"))
