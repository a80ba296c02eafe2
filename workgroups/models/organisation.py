"""How each creating unit organises the work: the standard work-group templates, the unit's
work groups (dropped ones are kept) and the people on its committee, office and groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core.models import CreatingUnit, ReferenceQuerySet
from programs.core.transitions import Move, Step, Workflow, edits_unit, register
from safecommunity.models import ConstraintErrorsOnFields, NamedInTwoLanguages, english_name_field
from safecommunity.scoping import ScopedQuerySet
from safecommunity.validators import validate_not_blank, validate_phone
from workgroups.errors import ALREADY_ACTIVE, ALREADY_DROPPED, WorkGroupError

if TYPE_CHECKING:
    pass


class WorkGroupTemplate(NamedInTwoLanguages, ConstraintErrorsOnFields, models.Model):
    """One of the 14 standard work groups (专项工作组) the plan asks every unit to form."""

    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100, validators=[validate_not_blank])
    name_en = english_name_field()
    lead = models.CharField(
        _("lead department"),
        max_length=200,
        blank=True,
        help_text=_("The unit's department that leads the group."),
    )
    cooperating = models.TextField(_("cooperating departments"), blank=True)
    duties = models.TextField(_("duties"), blank=True)
    is_active = models.BooleanField(
        _("offered to units"), default=True, help_text=_("Untick to stop offering this group.")
    )

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work-group template")
        verbose_name_plural = _("work-group templates")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="workgrouptemplate_number_unique"),
            models.UniqueConstraint(fields=["name"], name="workgrouptemplate_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="workgrouptemplate_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("programs:program-overview") + f"#template-{self.number}"


class WorkGroupQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def active(self) -> WorkGroupQuerySet:
        return self.filter(status=WorkGroup.Status.ACTIVE)


class GroupStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DROPPED = "dropped", _("Dropped")


class WorkGroup(ConstraintErrorsOnFields, models.Model):
    """A unit's work group, formed from a template or set up by the unit; dropped ones are kept."""

    Status = GroupStatus

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="work_groups",
        verbose_name=_("creating unit"),
    )
    template = models.ForeignKey(
        WorkGroupTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_groups",
        verbose_name=_("template"),
        help_text=_("Empty for a group the unit set up itself."),
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_not_blank])
    lead = models.CharField(_("lead department"), max_length=200, blank=True)
    duties = models.TextField(_("duties"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    dropped_at = models.DateTimeField(_("dropped at"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = WorkGroupQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {
        "workgroup_one_per_template_per_unit": "template",
        "workgroup_name_unique_in_unit": "name",
    }

    class Meta:
        verbose_name = _("work group")
        verbose_name_plural = _("work groups")
        ordering = ["unit", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "template"],
                condition=Q(template__isnull=False),
                name="workgroup_one_per_template_per_unit",
                violation_error_message=_("The unit already has this group."),
            ),
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="workgroup_name_unique_in_unit",
                violation_error_message=_("The unit already has a group with this name."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="workgroup_name_not_empty"),
            models.CheckConstraint(
                condition=(Q(status=GroupStatus.ACTIVE) & Q(dropped_at__isnull=True))
                | (Q(status=GroupStatus.DROPPED) & Q(dropped_at__isnull=False)),
                name="workgroup_dropped_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.unit.get_absolute_url() + f"#group-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


def _dropped(step: Step) -> list[str]:
    """A dropped group keeps when it was dropped; a restored one forgets it."""
    step.obj.dropped_at = step.at if step.obj.status == GroupStatus.DROPPED else None
    return ["dropped_at"]


register(
    WorkGroup,
    Workflow(
        field="status",
        error=WorkGroupError,
        illegal=ALREADY_DROPPED,
        moves=[
            Move(
                "drop",
                sources={GroupStatus.ACTIVE},
                target=GroupStatus.DROPPED,
                label=_("Drop"),
                past=_("dropped"),
                allowed=edits_unit,
                illegal=ALREADY_DROPPED,
                effect=_dropped,
                style="outline-danger",
            ),
            Move(
                "restore",
                sources={GroupStatus.DROPPED},
                target=GroupStatus.ACTIVE,
                label=_("Restore"),
                past=_("restored"),
                allowed=edits_unit,
                illegal=ALREADY_ACTIVE,
                effect=_dropped,
                style="outline-secondary",
            ),
        ],
    ),
)


class MemberQuerySet(ScopedQuerySet):
    unit_lookup = "unit"


class MemberBody(models.TextChoices):
    COMMITTEE = "committee", _("Promotion committee")
    OFFICE = "office", _("Committee office")
    GROUP = "group", _("Work group")


class Member(ConstraintErrorsOnFields, models.Model):
    """A person on a unit's promotion committee, its office or one of its work groups."""

    Body = MemberBody

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair / leader")
        DEPUTY = "deputy", _("Deputy")
        MEMBER = "member", _("Member")
        CONTACT = "contact", _("Contact person")

    # Where a person added in the portal stands in the list: the leader first, then the deputies,
    # members and the contact person, each in the order added (`sort_order`, then `pk`). The
    # admin may set `sort_order` by hand; the portal's forms do not show it.
    ROLE_ORDER: ClassVar[dict[str, int]] = {
        Role.CHAIR: 10,
        Role.DEPUTY: 20,
        Role.MEMBER: 100,
        Role.CONTACT: 200,
    }

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("creating unit"),
    )
    body = models.CharField(_("belongs to"), max_length=10, choices=Body.choices)
    group = models.ForeignKey(
        WorkGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("work group"),
    )
    name = models.CharField(_("full name"), max_length=50, validators=[validate_not_blank])
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    position = models.CharField(_("position"), max_length=100, blank=True)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {
        "member_once_per_group": "name",
        "member_once_per_body": "name",
        "member_group_matches_body": "group",
    }

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["unit", "body", "group", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "name"],
                condition=Q(group__isnull=False),
                name="member_once_per_group",
                violation_error_message=_("This person is already a member of the group."),
            ),
            models.UniqueConstraint(
                fields=["unit", "body", "name"],
                condition=Q(group__isnull=True),
                name="member_once_per_body",
                violation_error_message=_("This person is already on the list."),
            ),
            models.CheckConstraint(
                condition=(Q(body=MemberBody.GROUP) & Q(group__isnull=False))
                | (~Q(body=MemberBody.GROUP) & Q(group__isnull=True)),
                name="member_group_matches_body",
                violation_error_message=_(
                    "Work-group members need a group; others must not have one."
                ),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="member_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.unit.get_absolute_url() + f"#member-{self.pk}"

    def fellow_leaders(self) -> list[str]:
        """The names of the other leaders of this member's group (or of the committee, or the
        office) when this member is a leader too: one query, empty for anyone else. A second
        leader is allowed (co-leaders happen) but usually a slip, so the pages warn."""
        if self.role != self.Role.CHAIR:
            return []
        others = Member.objects.filter(
            unit_id=self.unit_id, body=self.body, group_id=self.group_id, role=self.Role.CHAIR
        ).exclude(pk=self.pk)
        return list(others.order_by("sort_order", "pk").values_list("name", flat=True))

    def clean(self) -> None:
        super().clean()
        if self.body == self.Body.GROUP and not self.group_id:
            raise ValidationError({"group": _("Choose the work group.")})
        if self.body != self.Body.GROUP:
            self.group = None
        elif self.unit_id and self.group.unit_id != self.unit_id:
            raise ValidationError({"group": _("The group belongs to another unit.")})
