"""Spreadsheet import and export of work-group templates and committee/group members.

Built on `safecommunity.spreadsheets.SpreadsheetResource`; see there for what every import
guarantees.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export import fields

from programs.core.models import CreatingUnit
from safecommunity.spreadsheets import (
    ChoiceWidget,
    CodeWidget,
    LookupWidget,
    SpreadsheetResource,
    column_header,
)
from workgroups.models import Member, WorkGroup, WorkGroupTemplate

NO_UNIT = _("There is no creating unit with code “%(value)s”.")
NO_GROUP = _("Unit “%(parent)s” has no work group named “%(value)s”.")
AMBIGUOUS_GROUP = _("Several units have a work group named “%(value)s”; give the unit code.")

MEMBER_BODY_ALIASES = {
    "促进委员会": Member.Body.COMMITTEE,
    "委员会": Member.Body.COMMITTEE,
    "安全社区促进委员会": Member.Body.COMMITTEE,
    "办公室": Member.Body.OFFICE,
    "委员会办公室": Member.Body.OFFICE,
    "促进委员会办公室": Member.Body.OFFICE,
    "工作组": Member.Body.GROUP,
    "专项工作组": Member.Body.GROUP,
}
MEMBER_ROLE_ALIASES = {
    "主任": Member.Role.CHAIR,
    "组长": Member.Role.CHAIR,
    "主任/组长": Member.Role.CHAIR,
    "副主任": Member.Role.DEPUTY,
    "副组长": Member.Role.DEPUTY,
    "成员": Member.Role.MEMBER,
    "委员": Member.Role.MEMBER,
    "组员": Member.Role.MEMBER,
    "联络员": Member.Role.CONTACT,
    "联系人": Member.Role.CONTACT,
}


class WorkGroupTemplateResource(SpreadsheetResource):
    """The standard work groups, found by number."""

    class Meta(SpreadsheetResource.Meta):
        model = WorkGroupTemplate
        name = _("Work-group templates")
        import_id_fields = ["number"]
        fields = ("number", "name", "name_en", "lead", "cooperating", "duties", "is_active")


class MemberResource(SpreadsheetResource):
    """People on a unit's committee, office or work groups.

    A member has no natural key, so a row is found by unit code, body, group name and person's
    name together: importing the same file twice changes nothing.
    """

    unit = fields.Field(
        attribute="unit",
        column_name=_("Unit code"),
        widget=LookupWidget(
            CreatingUnit, "code", not_found=NO_UNIT, text=CodeWidget(), editable=True
        ),
    )
    body = fields.Field(
        attribute="body",
        column_name=column_header(Member, "body"),
        widget=ChoiceWidget(Member.Body.choices, aliases=MEMBER_BODY_ALIASES),
    )
    group = fields.Field(
        attribute="group",
        column_name=column_header(Member, "group"),
        widget=LookupWidget(
            WorkGroup,
            "name",
            within=("unit", "unit__code"),
            not_found=NO_GROUP,
            ambiguous=AMBIGUOUS_GROUP,
        ),
    )
    role = fields.Field(
        attribute="role",
        column_name=column_header(Member, "role"),
        widget=ChoiceWidget(Member.Role.choices, aliases=MEMBER_ROLE_ALIASES),
        default=Member.Role.MEMBER,
    )

    class Meta(SpreadsheetResource.Meta):
        model = Member
        name = _("Members")
        import_id_fields = ["unit", "body", "group", "name"]
        fields = (
            "unit",
            "body",
            "group",
            "name",
            "role",
            "position",
            "organisation",
            "phone",
            "sort_order",
        )

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("unit", "group")

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        """Only work-group members name a group (the model clears it for the others too)."""
        group_column = self.fields["group"].column_name
        try:
            body = self.fields["body"].clean(row)
        except (ValueError, KeyError):
            body = None
        if body and body != Member.Body.GROUP and group_column in row:
            row[group_column] = ""
        super().before_import_row(row, **kwargs)
