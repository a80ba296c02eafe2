"""Pages that change a unit's organisation: its work groups and the people in them.

Every view finds its unit, group or member through `editable_by(user)`, so a clerk reaching
for another unit, or a reader reaching for an edit page, gets 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import CreateView, DeleteView, FormView, UpdateView

from programs.core.transitions import Move
from programs.core.views import TransitionView
from safecommunity.scoping import scoped_object
from workgroups.errors import WorkGroupError
from workgroups.forms import AddGroupsFromTemplatesForm, MemberForm, WorkGroupForm
from workgroups.models import Member, WorkGroup
from workgroups.selectors import unit_missing_templates
from workgroups.services import unit_add_groups_from_templates

from .base import EditableRowMixin, EditableUnitMixin


class WorkGroupAddView(EditableUnitMixin, FormView):
    """Add standard groups the unit does not have yet (or bring back dropped ones)."""

    template_name = "workgroups/group_add.html"
    form_class = AddGroupsFromTemplatesForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        del kwargs["unit"]
        return {**kwargs, "templates": unit_missing_templates(self.unit)}

    def form_valid(self, form: AddGroupsFromTemplatesForm) -> HttpResponse:
        try:
            added = unit_add_groups_from_templates(
                unit=self.unit, templates=form.cleaned_data["templates"], by=self.request.user
            )
        except WorkGroupError as error:
            form.add_error("templates", str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("%(count)d work group(s) added.") % {"count": len(added)})
        return HttpResponseRedirect(self.get_success_url())


class WorkGroupCreateCustomView(EditableUnitMixin, CreateView):
    """Set up a group of the unit's own, outside the 14 standard ones."""

    model = WorkGroup
    form_class = WorkGroupForm
    template_name = "workgroups/group_form.html"

    def form_valid(self, form: WorkGroupForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request, _("Work group “%(name)s” added.") % {"name": self.object.name}
        )
        return response


class WorkGroupUpdateView(EditableRowMixin, UpdateView):
    model = WorkGroup
    form_class = WorkGroupForm
    template_name = "workgroups/group_form.html"

    def form_valid(self, form: WorkGroupForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request, _("Work group “%(name)s” saved.") % {"name": self.object.name}
        )
        return response


class GroupTransitionView(TransitionView):
    """POST-only: drop or restore a group, then return to the unit's page."""

    move_name: str
    done: Any  # a lazy translation with a %(name)s placeholder

    def get_object(self) -> WorkGroup:
        rows = WorkGroup.objects.select_related("unit")
        return scoped_object(self.request, rows, editable=True, pk=self.kwargs["pk"])

    def get_move_name(self, group: WorkGroup) -> str:
        return self.move_name

    def success_url(self, group: WorkGroup) -> str:
        return group.unit.get_absolute_url() + "#groups"

    def done_message(self, group: WorkGroup, move: Move) -> str:
        return str(self.done) % {"name": group.name}


class WorkGroupDropView(GroupTransitionView):
    """Ask, then drop the group; it stays on record with its members and can be restored."""

    http_method_names = ["get", "post"]
    move_name = "drop"
    done = gettext_lazy("Work group “%(name)s” dropped. It stays on record and can be restored.")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        rows = WorkGroup.objects.active().select_related("unit")
        group = scoped_object(request, rows, editable=True, pk=pk)
        context = {"group": group, "unit": group.unit}
        return render(request, "workgroups/group_confirm_drop.html", context)


class WorkGroupRestoreView(GroupTransitionView):
    move_name = "restore"
    done = gettext_lazy("Work group “%(name)s” restored.")


def warn_of_a_second_leader(request: HttpRequest, member: Member) -> None:
    """A warning, not a refusal (co-leaders happen): the member just made a leader is not the
    only leader of the group, committee or office."""
    others = member.fellow_leaders()
    if others:
        where = member.group.name if member.group_id else member.get_body_display()
        messages.warning(
            request,
            _(
                "“%(where)s” now has more than one leader: %(name)s and %(others)s. If that is "
                "a slip, change one of them to another role."
            )
            % {
                "where": where,
                "name": member.name,
                "others": pgettext("list separator", ", ").join(others),
            },
        )


class MemberCreateView(EditableUnitMixin, CreateView):
    """Add a person to the committee, the office or a work group (`?body=` / `?group=`)."""

    model = Member
    form_class = MemberForm
    template_name = "workgroups/member_form.html"

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        group_id = self.request.GET.get("group", "")
        if group_id.isdigit():
            initial.update(body=Member.Body.GROUP, group=group_id)
        elif self.request.GET.get("body") in Member.Body.values:
            initial["body"] = self.request.GET["body"]
        return initial

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def form_valid(self, form: MemberForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("%(name)s added.") % {"name": self.object.name})
        warn_of_a_second_leader(self.request, self.object)
        return response


class MemberUpdateView(EditableRowMixin, UpdateView):
    model = Member
    form_class = MemberForm
    template_name = "workgroups/member_form.html"

    def form_valid(self, form: MemberForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("%(name)s saved.") % {"name": self.object.name})
        if "role" in form.changed_data or "group" in form.changed_data:
            warn_of_a_second_leader(self.request, self.object)
        return response


class MemberDeleteView(EditableRowMixin, DeleteView):
    """Ask, then remove a person; the change history keeps the record."""

    model = Member
    template_name = "workgroups/member_confirm_delete.html"

    def get_success_url(self) -> str:
        return self.object.unit.get_absolute_url()

    def form_valid(self, form: Any) -> HttpResponse:
        name = self.object.name
        response = super().form_valid(form)
        messages.success(self.request, _("%(name)s removed.") % {"name": name})
        return response
