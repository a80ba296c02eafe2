"""Portal users and their roles."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from safecommunity.models import ConstraintErrorsOnFields
from safecommunity.scoping import ScopedQuerySet

from .districts import District
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

    def evaluators(self, district: District | int | None = None) -> Self:
        """The active evaluator accounts a round may name, by name: those of `district`
        when given."""
        rows = self.filter(is_active=True, role=Role.EVALUATOR)
        if district is not None:
            rows = rows.filter(district=district)
        return rows.order_by("last_name", "first_name", "username")


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ):
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class Role(models.TextChoices):
    """What a user does in the portal; it decides what they see and change."""

    CITY = "city", _("City office")
    DISTRICT = "district", _("District staff")
    CLERK = "clerk", _("Unit clerk")
    PROVIDER = "provider", _("Department provider")
    FINANCE = "finance", _("Finance staff")
    EVALUATOR = "evaluator", _("Evaluator")
    ADMIN = "admin", _("Administrator")


# The roles that see every district (and belong to none).
CITY_WIDE_ROLES = [Role.CITY, Role.ADMIN]


class User(ConstraintErrorsOnFields, AbstractUser):
    """A person who signs in to the portal, with one role that decides what they see."""

    Role = Role

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EVALUATOR)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("district"),
        help_text=_(
            "The district this person works in; empty for the city office and administrators, "
            "who see every district."
        ),
    )
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
        "user_district_by_role": "district",
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
            models.CheckConstraint(
                condition=(Q(role__in=CITY_WIDE_ROLES) & Q(district__isnull=True))
                | (~Q(role__in=CITY_WIDE_ROLES) & Q(district__isnull=False)),
                name="user_district_by_role",
                violation_error_message=_(
                    "District staff, clerks, providers, finance staff and evaluators work in one "
                    "district; the city office and administrators in none."
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
    def sees_every_district(self) -> bool:
        """The city office and administrators read every district."""
        return self.is_administrator or self.role == self.Role.CITY

    @property
    def is_city(self) -> bool:
        """The city office: reads every district's pages, changes nothing."""
        return self.role == self.Role.CITY and not self.is_superuser

    @property
    def opens_evidence_files(self) -> bool:
        """Everyone who reads a unit's evidence opens its files, but the city office, which
        compares districts (it sees that a document is there, not the document)."""
        return not self.is_city

    @property
    def sees_all_units(self) -> bool:
        """District staff, providers and finance staff read every unit of their district; the
        city office and administrators every unit of every district."""
        return self.sees_every_district or self.role in {
            self.Role.DISTRICT,
            self.Role.PROVIDER,
            self.Role.FINANCE,
        }

    @property
    def sees_funds(self) -> bool:
        """Everyone but providers and evaluators reads creation funds, in their own scope."""
        return self.role not in {self.Role.PROVIDER, self.Role.EVALUATOR}

    @property
    def sets_budgets(self) -> bool:
        """Finance staff and district staff set their district's budgets (administrators all)."""
        return self.is_administrator or self.role in {self.Role.DISTRICT, self.Role.FINANCE}

    @property
    def keeps_funds(self) -> bool:
        """Finance staff (and administrators) approve, return and pay disbursements and close
        a district's fiscal year; they change nothing else of a unit's."""
        return self.is_administrator or self.role == self.Role.FINANCE

    @property
    def edits_all_units(self) -> bool:
        """Administrators change every unit; district staff every unit of their district."""
        return self.is_administrator or self.role == self.Role.DISTRICT

    @cached_property
    def district_unit_ids(self) -> frozenset[int]:
        """The ids of the units of this user's district (one query, once per request)."""
        if self.district_id is None:
            return frozenset()
        return frozenset(
            CreatingUnit.objects.filter(district=self.district_id).values_list("pk", flat=True)
        )

    @cached_property
    def visible_districts(self) -> list[District]:
        """The districts this user may see (`District.objects.visible_to`), by code: one query,
        once per request, for the city menu and the district filters of the pages."""
        return list(District.objects.visible_to(self).order_by("code"))

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
        """Providers supply surveillance data and finance staff keep the funds: neither sees
        an evaluation."""
        return self.role not in {self.Role.PROVIDER, self.Role.FINANCE}

    def edits_unit(self, unit_id: int | None) -> bool:
        """Whether this user may change the rows of the unit `unit_id`: the rule of
        `ScopedQuerySet.editable_by`, for one unit and without a query."""
        if self.is_administrator:
            return True
        if unit_id is None:
            return False
        if self.edits_all_units:
            return unit_id in self.district_unit_ids
        return self.edits_own_unit and unit_id == self.unit_id

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
        self._take_district()
        for field, message in self._district_errors().items():
            errors.setdefault(field, message)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self._take_district()
        super().save(*args, **kwargs)

    def _take_district(self) -> None:
        """A clerk's district is their unit's, a provider's their department's."""
        if self.district_id is None:
            if self.unit_id is not None:
                self.district_id = self.unit.district_id
            elif self.department_id is not None:
                self.district_id = self.department.district_id

    def _district_errors(self) -> dict[str, str]:
        """A person of a district works for a unit and a department of that district."""
        if self.role in CITY_WIDE_ROLES:
            if self.district_id:
                return {"district": _("The city office and administrators belong to no district.")}
            return {}
        if not self.district_id:
            return {"district": _("Choose the district this person works in.")}
        if self.unit_id and self.unit.district_id != self.district_id:
            return {"unit": _("Choose a unit of the user's district.")}
        if self.department_id and self.department.district_id != self.district_id:
            return {"department": _("Choose a department of the user's district.")}
        return {}
