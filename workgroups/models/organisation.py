"""How each creating unit organises the work: its committee, office and work groups."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from programs.models import CreatingUnit
from programs.models.program import ReferenceQuerySet
from safecommunity.models import ConstraintErrorsOnFields
from safecommunity.scoping import ScopedQuerySet
from safecommunity.validators import validate_not_blank, validate_phone


class WorkGroupError(Exception):
    """An illegal change to a work group, with a message for the user."""


GROUP_NAME_TAKEN = _(
    "The unit already has a group of its own named “%(name)s”; rename that group first."
)
ALREADY_DROPPED = _("This group has already been dropped.")
ALREADY_ACTIVE = _("This group is active.")


class WorkGroupTemplate(ConstraintErrorsOnFields, models.Model):
    """One of the 14 standard work groups (专项工作组) the plan asks every unit to form."""

    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100, validators=[validate_not_blank])
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
        return self.name

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

    def drop(self) -> None:
        """Stop the group; it and its members stay on record and can be restored."""
        self._set_status(
            GroupStatus.DROPPED, refused_from=GroupStatus.DROPPED, error=ALREADY_DROPPED
        )

    def restore(self) -> None:
        self._set_status(GroupStatus.ACTIVE, refused_from=GroupStatus.ACTIVE, error=ALREADY_ACTIVE)

    def _set_status(self, status: str, *, refused_from: str, error) -> None:
        # Two people may press "drop" at once: check the state as it is in the database now.
        # Who did it is recorded by the history (the request's user).
        with transaction.atomic():
            current = WorkGroup.objects.select_for_update().only("status").get(pk=self.pk)
            if current.status == refused_from:
                raise WorkGroupError(error)
            self.status = status
            self.dropped_at = timezone.now() if status == GroupStatus.DROPPED else None
            self.save(update_fields=["status", "dropped_at"])


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

    def clean(self) -> None:
        super().clean()
        if self.body == self.Body.GROUP and not self.group_id:
            raise ValidationError({"group": _("Choose the work group.")})
        if self.body != self.Body.GROUP:
            self.group = None
        elif self.unit_id and self.group.unit_id != self.unit_id:
            raise ValidationError({"group": _("The group belongs to another unit.")})


# --- What units do: activities and promotion projects ---------------------------------------


class ActivityKind(models.TextChoices):
    """Kinds of work a unit records as it happens; the monthly report counts them."""

    CREATION_MEETING = "creation_meeting", _("Creation work meeting")
    COMMITTEE_MEETING = "committee_meeting", _("Committee meeting")
    PUBLICITY = "publicity", _("Publicity event")
    TRAINING = "training", _("Training")
    DRILL = "drill", _("Emergency drill")
    HAZARD_INSPECTION = "hazard_inspection", _("Hazard inspection")
    OTHER = "other", _("Other")


ACTIVITY_IN_FUTURE = _("Record an activity once it has taken place; this date is in the future.")
RECTIFIED_WITHOUT_FOUND = _("Give the number of hazards found as well (0 if none).")
ACTIVITY_HAS_ATTACHMENTS = _(
    "This activity has attached files, which are kept as evidence: it cannot be deleted. "
    "Correct it instead."
)


class ActivityQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def in_month(self, first_day) -> ActivityQuerySet:
        """Activities dated in the calendar month that starts on `first_day`."""
        return self.filter(date__year=first_day.year, date__month=first_day.month)


class Activity(ConstraintErrorsOnFields, models.Model):
    """Something a unit did for its safe community: a meeting, a training, a drill, an
    inspection … recorded when it happens, with its participants and results."""

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("creating unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    group = models.ForeignKey(
        WorkGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("work group"),
    )
    title = models.CharField(
        pgettext_lazy("activity", "title"), max_length=200, validators=[validate_not_blank]
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    hazards_found = models.PositiveIntegerField(
        _("hazards found"), null=True, blank=True, help_text=_("For hazard inspections.")
    )
    hazards_rectified = models.PositiveIntegerField(
        _("hazards rectified"), null=True, blank=True, help_text=_("For hazard inspections.")
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ActivityQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {"activity_rectified_not_above_found": "hazards_rectified"}

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="activity_title_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(hazards_rectified__isnull=True)
                | Q(hazards_found__isnull=True)
                | Q(hazards_rectified__lte=F("hazards_found")),
                name="activity_rectified_not_above_found",
                violation_error_message=_("More hazards rectified than found."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "date"], name="activity_unit_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("workgroups:activity-edit", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.group_id and self.unit_id and self.group.unit_id != self.unit_id:
            errors["group"] = _("The group belongs to another unit.")
        if self.date and self.date > timezone.localdate():
            # The log is of what happened; the monthly report counts it.
            errors["date"] = ACTIVITY_IN_FUTURE
        if self.hazards_rectified is not None and self.hazards_found is None:
            errors["hazards_found"] = RECTIFIED_WITHOUT_FOUND
        if errors:
            raise ValidationError(errors)


class SafetyArea(models.TextChoices):
    """The plan's 15 safety areas of promotion work."""

    PRODUCTION = "production", _("Production safety")
    PUBLIC_ORDER = "public_order", _("Public order")
    TRAFFIC = "traffic", _("Traffic")
    FIRE = "fire", _("Fire")
    WORKPLACE = "workplace", _("Workplace")
    HOME = "home", pgettext_lazy("safety area", "Home")
    ELDERLY = "elderly", _("Elderly people")
    CHILDREN = "children", _("Children")
    DISABLED = "disabled", _("Disabled people")
    SCHOOL = "school", _("Schools")
    FOOD_DRUG = "food_drug", _("Food and drugs")
    PUBLIC_PLACES = "public_places", _("Public places")
    SPORTS = "sports", _("Sports")
    WATER = "water", _("Water")
    DISASTER = "disaster", _("Disaster prevention and environment")


class TargetGroup(models.TextChoices):
    ELDERLY = "elderly", _("Elderly people")
    CHILDREN = "children", _("Children")
    DISABLED = "disabled", _("Disabled people")
    STUDENTS = "students", _("Students")
    WORKERS = "workers", _("Workers")
    RESIDENTS = "residents", _("Residents")
    MIGRANTS = "migrants", _("Migrant population")
    DRIVERS = "drivers", _("Drivers")


class Intervention(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    EDUCATION = "education", _("Publicity, education and training")
    SERVICES = "services", _("Services")
    FACILITIES = "facilities", _("Facilities and products")
    ENGINEERING = "engineering", _("Engineering")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


@deconstructible
class CodeListValidator:
    """A list of codes, each one of `choices` (kept as JSON, so SQLite and PostgreSQL agree)."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        self.choices = choices

    def __call__(self, value) -> None:
        if not isinstance(value, list) or any(code not in self.choices.values for code in value):
            raise ValidationError(_("Choose from the list."), code="invalid_choice")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodeListValidator) and other.choices is self.choices


class PromotionProjectQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def active_on(self, day) -> PromotionProjectQuerySet:
        """Projects under way on `day`."""
        return self.filter(status=ProjectStatus.ACTIVE, start__lte=day).filter(
            Q(end__isnull=True) | Q(end__gte=day)
        )


class PromotionProject(ConstraintErrorsOnFields, models.Model):
    """A safety promotion project (安全促进项目): a targeted intervention with an objective,
    run by a work group for some groups of people, and its effect."""

    Status = ProjectStatus

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=_("creating unit"),
    )
    group = models.ForeignKey(
        WorkGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("work group"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    safety_area = models.CharField(_("safety area"), max_length=20, choices=SafetyArea.choices)
    target_groups = models.JSONField(
        _("target groups"), default=list, blank=True, validators=[CodeListValidator(TargetGroup)]
    )
    objective = models.TextField(_("objective"))
    interventions = models.JSONField(
        _("interventions"), default=list, blank=True, validators=[CodeListValidator(Intervention)]
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    effect = models.TextField(_("effect"), blank=True, help_text=_("What changed, with figures."))

    objects = PromotionProjectQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {
        "project_dates_ordered": "end",
        "project_name_unique_in_unit": "name",
    }

    class Meta:
        verbose_name = _("promotion project")
        verbose_name_plural = _("promotion projects")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="project_name_not_empty"),
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="project_name_unique_in_unit",
                violation_error_message=_("The unit already has a project with this name."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="project_dates_ordered",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(safety_area__in=SafetyArea.values), name="project_area_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workgroups:project-edit", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.group_id and self.unit_id and self.group.unit_id != self.unit_id:
            raise ValidationError({"group": _("The group belongs to another unit.")})
