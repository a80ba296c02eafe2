"""Portal users and their roles."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safecommunity.models import ConstraintErrorsOnFields
from safecommunity.scoping import ScopedQuerySet

from .program import Department
from .units import CreatingUnit


class UserQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def visible_to(self, user: Any) -> Self:
        """Administrators see every account; everybody else sees only their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self.all()
        return self.filter(pk=user.pk)

    def editable_by(self, user: Any) -> Self:
        return self.all() if user.is_authenticated and user.is_administrator else self.none()

    def may_create(self, user: Any, instance: Any) -> bool:
        """Accounts are created by administrators only."""
        return user.is_authenticated and user.is_administrator

    def evaluators(self) -> Self:
        """The active evaluator accounts a round may name, by name."""
        return self.filter(is_active=True, role=Role.EVALUATOR).order_by(
            "last_name", "first_name", "username"
        )


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ):
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class Role(models.TextChoices):
    """What a user does in the portal; it decides what they see and change."""

    DISTRICT = "district", _("District staff")
    CLERK = "clerk", _("Unit clerk")
    PROVIDER = "provider", _("Department provider")
    EVALUATOR = "evaluator", _("Evaluator")
    ADMIN = "admin", _("Administrator")


class User(ConstraintErrorsOnFields, AbstractUser):
    """A person who signs in to the portal, with one role that decides what they see."""

    Role = Role

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EVALUATOR)
    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clerks",
        verbose_name=_("creating unit"),
        help_text=_("The one unit a clerk works for; empty for every other role."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="providers",
        verbose_name=_("department"),
        help_text=_("The department a provider supplies data for; empty for other roles."),
    )

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_("The language of the user's e-mails; the header's switch sets it."),
    )

    objects = PortalUserManager()
    constraint_fields = {
        "user_clerk_has_exactly_one_unit": "unit",
        "user_provider_has_department": "department",
    }

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="user_role_valid",
            ),
            models.CheckConstraint(
                condition=(Q(role=Role.CLERK) & Q(unit__isnull=False))
                | (~Q(role=Role.CLERK) & Q(unit__isnull=True)),
                name="user_clerk_has_exactly_one_unit",
                violation_error_message=_(
                    "A unit clerk works for exactly one unit; other roles for none."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(role=Role.PROVIDER) & Q(department__isnull=False))
                | (~Q(role=Role.PROVIDER) & Q(department__isnull=True)),
                name="user_provider_has_department",
                violation_error_message=_(
                    "A department provider belongs to one department; other roles to none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("home")

    def get_full_name(self) -> str:
        """Chinese order: family name first, no space between."""
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def sees_all_units(self) -> bool:
        """District staff, providers and administrators read every unit."""
        return self.is_administrator or self.role in {self.Role.DISTRICT, self.Role.PROVIDER}

    @property
    def edits_all_units(self) -> bool:
        return self.is_administrator or self.role == self.Role.DISTRICT

    @property
    def reviews_units(self) -> bool:
        """District staff (and administrators) accept or return milestones and record titles."""
        return self.edits_all_units

    @property
    def edits_own_unit(self) -> bool:
        return self.role == self.Role.CLERK

    @property
    def works_with_units(self) -> bool:
        """Everyone but evaluators works with the units' records; evaluators grade the
        evaluations of their rounds (the navigation offers them nothing else)."""
        return self.role != self.Role.EVALUATOR

    @property
    def sees_evaluations(self) -> bool:
        """Providers supply surveillance data and see no evaluation."""
        return self.role != self.Role.PROVIDER

    def edits_unit(self, unit_id: int | None) -> bool:
        """Whether this user may change the rows of the unit `unit_id`: the rule of
        `ScopedQuerySet.editable_by`, for one unit and without a query."""
        if self.edits_all_units:
            return True
        return self.edits_own_unit and unit_id is not None and unit_id == self.unit_id

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.role == self.Role.CLERK and not self.unit_id:
            errors["unit"] = _("Choose the unit this clerk works for.")
        if self.role != self.Role.CLERK and self.unit_id:
            errors["unit"] = _("Only unit clerks belong to a unit.")
        if self.role == self.Role.PROVIDER and not self.department_id:
            errors["department"] = _("Choose the department this provider works for.")
        if self.role != self.Role.PROVIDER and self.department_id:
            errors["department"] = _("Only department providers belong to a department.")
        if errors:
            raise ValidationError(errors)
