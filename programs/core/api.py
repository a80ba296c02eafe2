"""The API of the programme's core: how the schema documents the token (its authentication is
`programs.core.auth.ApiTokenAuthentication`) and the event log's change feed."""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers

from programs.core.models import Event, EventKind
from safecommunity.api.fields import UnitCode, Username
from safecommunity.api.filters import UpdatedSinceFilter
from safecommunity.api.pagination import AfterIdPagination
from safecommunity.api.views import ScopedReadViewSet


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema documents the token: an HTTP bearer key."""

    target_class = "programs.core.auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token."}


# --- The event log: the change feed (`?after=<id>`) ------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    unit = UnitCode(allow_null=True)
    actor = Username()
    record_type = serializers.SerializerMethodField(
        help_text=_("The record's model, e.g. programs.monthlyreport.")
    )
    record_id = serializers.IntegerField(source="object_id", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "at",
            "actor",
            "unit",
            "record_type",
            "record_id",
            "kind",
            "action",
            "from_state",
            "to_state",
            "reason",
            "data",
        ]
        read_only_fields = fields

    def get_record_type(self, event: Event) -> str:
        content_type = ContentType.objects.get_for_id(event.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


class EventFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", max_length=16)
    kind = django_filters.ChoiceFilter(choices=EventKind.choices)
    action = django_filters.CharFilter(max_length=40)
    updated_since = UpdatedSinceFilter("at", label=_("Written at or after (ISO 8601)"))

    class Meta:
        model = Event
        fields: list[str] = []


class EventViewSet(ScopedReadViewSet):
    """The event log in the user's scope, oldest first after `?after=<id>` (0: from the start):
    a system keeping a copy asks again with `after` = the last id it read (`last_id`). Ids rise
    with every row, so an event committed late is not skipped, as a timestamp would be."""

    model = Event
    serializer_class = EventSerializer
    filterset_class = EventFilter
    pagination_class = AfterIdPagination

    def scoped(self, queryset):
        return queryset.select_related("unit", "actor")
