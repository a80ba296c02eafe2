"""The API's injury records: every card in the user's scope (`InjuryRecord.objects.visible_to`),
in cursor pages on the id (constant time per page over a million rows), filtered as the list
page filters (unit, injury dates, source, cause, domain, outcome) and by `updated_since`; and
the import history (`ImportBatch.objects.visible_to`: district staff every batch, others the
batches they sent), with the portal's withdraw move."""

from __future__ import annotations

import json

import django_filters
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from injuries.choices import Cause, Domain, Outcome, Source
from injuries.errors import CardsRefused
from injuries.models import CARD_FIELDS, ImportBatch, InjuryRecord
from injuries.services import cards_import
from programs.core.transitions import transition, workflow_of
from safecommunity.api.fields import PlannedRepresentation, UnitCode, Username
from safecommunity.api.filters import UpdatedSinceFilter
from safecommunity.api.views import ScopedReadViewSet

#: The card's fields an integrator reads, as the spreadsheet import names them (codes as codes).
RECORD_FIELDS = [
    "id",
    "unit",
    "source",
    "reporting_org",
    "record_number",
    "injury_date",
    "injury_time",
    "visit_date",
    "visit_time",
    *CARD_FIELDS,
    "domain",
    "batch",
    "created_at",
    "updated_at",
]


class InjuryRecordSerializer(PlannedRepresentation, serializers.ModelSerializer):
    """One injury card (伤害监测报告卡), its fields named as the spreadsheet import names them
    and its codes as the card's codes."""

    unit = UnitCode()

    class Meta:
        model = InjuryRecord
        fields = RECORD_FIELDS
        read_only_fields = fields


class InjuryRecordFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", max_length=16, label=_("Unit code"))
    start = django_filters.DateFilter(field_name="injury_date", lookup_expr="gte")
    end = django_filters.DateFilter(field_name="injury_date", lookup_expr="lte")
    source = django_filters.ChoiceFilter(choices=Source.choices)
    cause = django_filters.TypedChoiceFilter(choices=Cause.choices, coerce=int)
    domain = django_filters.ChoiceFilter(choices=Domain.choices)
    outcome = django_filters.TypedChoiceFilter(choices=Outcome.choices, coerce=int)
    updated_since = UpdatedSinceFilter("updated_at")

    class Meta:
        model = InjuryRecord
        fields: list[str] = []


class CardProblemSerializer(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True, help_text="The card's place in `records`.")
    field = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class CardBatchRequestSerializer(serializers.Serializer):
    records = serializers.ListField(
        child=serializers.DictField(),
        help_text="Up to API_CARDS_MAX (10,000) cards, each with the record's field names and "
        "the codes the spreadsheet import takes.",
    )


class CardBatchSerializer(serializers.Serializer):
    cards = serializers.IntegerField()
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    warned = serializers.IntegerField()
    warnings = CardProblemSerializer(many=True)
    batch = serializers.IntegerField(
        allow_null=True, help_text="The import batch; null on a dry run."
    )
    dry_run = serializers.BooleanField()


class CardBatchRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = CardProblemSerializer(many=True)


def _batch_body(request) -> tuple[bytes, object]:
    """The request's JSON body, read at most up to its limit; (the bytes, the parsed value).
    Raises `CardsRefused` for a body past the limit or not JSON."""
    limit = settings.UPLOAD_LIMITS["api_batch"]
    raw = request._request.read(limit + 1)
    if len(raw) > limit:
        raise CardsRefused(
            [
                {
                    "index": None,
                    "field": "records",
                    "message": gettext("The body is over %(mb)s MB.")
                    % {"mb": limit // (1024 * 1024)},
                }
            ]
        )
    try:
        return raw, json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise CardsRefused(
            [{"index": None, "field": "", "message": gettext("The body is not valid JSON.")}]
        ) from None


class InjuryRecordViewSet(ScopedReadViewSet):
    """Injury records (伤害监测报告卡) in the user's scope, by rising id (`?cursor=` pages of 100,
    `page_size` up to 1,000). Filters: `unit` (code), `start`/`end` (injury date), `source`,
    `cause`, `domain`, `outcome`, `updated_since` (a copy re-reads what changed)."""

    model = InjuryRecord
    serializer_class = InjuryRecordSerializer
    filterset_class = InjuryRecordFilter

    def scoped(self, queryset):
        return queryset.select_related("unit").order_by()

    @property
    def writes_allowed(self) -> bool:
        return self.action == "batches"

    @extend_schema(
        request=CardBatchRequestSerializer,
        parameters=[
            OpenApiParameter("dry_run", bool, description="1: check everything and write nothing.")
        ],
        responses={
            201: CardBatchSerializer,
            200: CardBatchSerializer,
            400: CardBatchRefusedSerializer,
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="batches",
        filterset_class=None,
        pagination_class=None,
    )
    def batches(self, request):
        """Injury cards in bulk, all or nothing, through the file import's own checks: any
        error answers 400 with every error (`index`, `field`, `message`) and writes nothing;
        the plausibility checks a person would confirm come back as warnings. A repeated card
        number updates its record. The batch joins the import history (the body's SHA-256
        stands for the file) and is withdrawn like a file. `?dry_run=1` writes nothing (200)."""
        if not InjuryRecord.objects.enters_records(request.user):
            raise exceptions.PermissionDenied  # evaluators enter no records: 403, as a write
        dry_run = request.query_params.get("dry_run") in {"1", "true"}
        try:
            raw, payload = _batch_body(request)
            if not isinstance(payload, dict) or set(payload) != {"records"}:
                raise CardsRefused(
                    [
                        {
                            "index": None,
                            "field": "records",
                            "message": gettext('The body must be {"records": [ … ]}.'),
                        }
                    ]
                )
            done = cards_import(
                records=payload["records"], user=request.user, dry_run=dry_run, body=raw
            )
        except CardsRefused as refusal:
            return Response(
                {"detail": str(refusal), "errors": refusal.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        answer = {
            "cards": done.cards,
            "added": done.added,
            "updated": done.updated,
            "unchanged": done.unchanged,
            "warned": done.warned,
            "warnings": done.warnings,
            "batch": done.batch.pk if done.batch else None,
            "dry_run": done.dry_run,
        }
        return Response(answer, status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED)


# --- The import history: files and card batches, and withdrawing one -------------------------


class ImportBatchSerializer(serializers.ModelSerializer):
    uploaded_by = Username(help_text=_("Who sent it (username); null for a scheduled transfer."))
    withdrawn_by = Username()
    rows = serializers.IntegerField(source="rows_total", read_only=True)
    added = serializers.IntegerField(source="rows_added", read_only=True)
    updated = serializers.IntegerField(source="rows_updated", read_only=True)
    unchanged = serializers.IntegerField(source="rows_unchanged", read_only=True)
    warned = serializers.IntegerField(source="rows_warned", read_only=True)
    in_error = serializers.IntegerField(source="rows_in_error", read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "file_name",
            "sha256",
            "size",
            "from_api",
            "status",
            "uploaded_by",
            "uploaded_at",
            "rows",
            "added",
            "updated",
            "unchanged",
            "warned",
            "in_error",
            "imported_at",
            "withdrawn_by",
            "withdrawn_at",
            "updated_at",
        ]
        read_only_fields = fields


class ImportBatchWithdrawnSerializer(serializers.Serializer):
    batch = ImportBatchSerializer()
    deleted = serializers.IntegerField(help_text=_("Records the batch had added, now deleted."))
    restored = serializers.IntegerField(
        help_text=_("Records the batch had changed, now back to their earlier values.")
    )


class ImportBatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ImportBatch.Status.choices)
    from_api = django_filters.BooleanFilter(
        label=_("Cards sent through the API (true) or files (false)")
    )
    uploaded_by = django_filters.CharFilter(
        field_name="uploaded_by__username", max_length=150, label=_("Sent by (username)")
    )
    updated_since = UpdatedSinceFilter("updated_at")

    class Meta:
        model = ImportBatch
        fields: list[str] = []


class ImportBatchViewSet(ScopedReadViewSet):
    """The injury import history: each file or card batch with who sent it, its status and
    what it added, updated or left unchanged, and its withdrawal. Filters: `status`,
    `from_api`, `uploaded_by` (username), `updated_since`."""

    model = ImportBatch
    serializer_class = ImportBatchSerializer
    filterset_class = ImportBatchFilter

    def scoped(self, queryset):
        return queryset.select_related("uploaded_by", "withdrawn_by").defer("problems").order_by()

    @property
    def writes_allowed(self) -> bool:
        return self.action == "withdraw"

    @extend_schema(request=None, responses={200: ImportBatchWithdrawnSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def withdraw(self, request, pk=None):
        """Take a whole import back, as the portal's withdraw button does (district staff):
        delete the records it added and put back the values of those it changed; each deleted
        record is a `deleted` event of the change feed. 403 for a user who may not withdraw;
        400 for a batch not imported, already withdrawn, or whose records a later import still
        in force changed (withdraw that one first)."""
        batch = self.get_object()  # outside the user's scope: 404
        if not workflow_of(batch)["withdraw"].allowed(request.user, batch):
            raise exceptions.PermissionDenied
        event = transition(batch, "withdraw", by=request.user)  # refused: BatchError, 400
        answer = {
            "batch": ImportBatchSerializer(batch, context=self.get_serializer_context()).data,
            "deleted": event.data["deleted"],
            "restored": event.data["restored"],
        }
        return Response(answer, status=status.HTTP_200_OK)
