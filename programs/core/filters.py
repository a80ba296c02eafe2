"""Filters of the unit lists: search, kind, pilot and phase, the district for those who see
several, and sorting with empty values last."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from programs.core.choices import UnitKind
from programs.core.forms import DISTRICT_LABEL, DistrictChoiceField
from programs.core.models import CreatingUnit, District, Phase
from safecommunity.errors import BadQuery
from safecommunity.forms import SEARCH_MAX_LENGTH, SEARCH_TOO_LONG, style_form


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sort with empty values last in both directions, the same on SQLite and PostgreSQL."""

    def get_ordering_value(self, param: str):
        descending = param.startswith("-")
        field = F(self.param_map.get(param.lstrip("-"), param.lstrip("-")))
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


QUEUE_ALL = "all"


def queue_states(choices) -> list[tuple[str, str]]:
    """A review queue's state choices: any state, then the model's."""
    return [(QUEUE_ALL, _("Any state")), *choices]


class QueueFilter(django_filters.FilterSet):
    """What the review queues share: a unit searched by code or name (a search the field
    refuses is the 400 page), a `state` filter whose "all" shows every state, defaults for
    the state and the order (`defaults`), and the primary key as the last order, so "next"
    after a review is always the same record."""

    unit = django_filters.CharFilter(
        label=_("Unit"),
        method="filter_unit",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": SEARCH_TOO_LONG},
    )
    defaults: dict[str, str] = {}

    def __init__(self, data=None, *args, **kwargs) -> None:
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for name, value in self.defaults.items():
            data.setdefault(name, value)
        super().__init__(data, *args, **kwargs)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            style_form(super().form)
        return self._form

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if "unit" in self.form.errors:
            raise BadQuery(self.form.errors["unit"][0])
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "pk")

    def filter_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(unit__code__icontains=value) | Q(unit__name__icontains=value))

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if value == QUEUE_ALL else queryset.filter(status=value)


class DistrictFilter(django_filters.Filter):
    """The rows of one district, chosen by its code among the districts given as `districts`
    (`DistrictChoiceField`); it narrows the queryset it is given, already scoped to the user,
    by the district's id (`field_name`: the lookup from the row to its district)."""

    field_class = DistrictChoiceField

    def filter(self, qs: QuerySet, value: District | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(**{self.field_name: value.pk})


class UnitFilter(django_filters.FilterSet):
    """The unit lists' filters. Those who see every district (the city office, administrators)
    also choose a district (`?district=110116`, the links of a district's page); for everyone
    else the units are their district's already, so the filter is not there and the parameter
    changes nothing."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": SEARCH_TOO_LONG},
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=UnitKind.choices, empty_label=_("All")
    )
    pilot = django_filters.ChoiceFilter(
        label=_("Pilot"),
        choices=(("yes", _("Pilots only")), ("no", _("Not pilots"))),
        empty_label=_("All"),
        method="filter_pilot",
    )
    phase = django_filters.ModelChoiceFilter(
        label=_("Phase"),
        field_name="current_phase",
        queryset=Phase.objects.none(),
        empty_label=_("All"),
    )
    district = DistrictFilter(label=DISTRICT_LABEL, field_name="district")
    offers_district = True  # False where a district has a page of its own (the dashboard)
    sort = NullsLastOrderingFilter(
        label=_("Sort"),
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("kind_rank", "kind"),
            ("population", "population"),
            ("current_phase__order", "phase"),
            ("group_count", "groups"),
            ("member_count", "members"),
        ),
        field_labels={
            "code": _("Code"),
            "name": _("Name"),
            "kind_rank": _("Kind"),
            "population": _("Population"),
            "current_phase__order": _("Phase"),
            "group_count": _("Work groups"),
            "member_count": _("Members"),
        },
    )

    class Meta:
        model = CreatingUnit
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["phase"].queryset = Phase.objects.visible_to(user).select_related("program")
        if self.offers_district and user.sees_every_district:
            self.filters["district"].extra["districts"] = user.visible_districts
        else:
            del self.filters["district"]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            style_form(super().form)
        return self._form

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """A search the field refuses (too long, a NUL character) is no page's to show: 400.
        A district code not among the choices is shown at its field, with no units: the
        filter only ever narrows, and an export of the page exports none rather than the
        whole city."""
        if "q" in self.form.errors:
            raise BadQuery(self.form.errors["q"][0])
        if "district" in self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_pilot(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_pilot=value == "yes")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__iexact=value) | Q(head_name__icontains=value)
        )
