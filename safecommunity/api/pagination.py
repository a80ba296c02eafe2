"""Pages of the API: a cursor on the primary key (constant time per page however deep, default
100, at most 1,000 rows), and the event log's rising `after` id."""

from __future__ import annotations

from collections import OrderedDict

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 1000


class IdCursorPagination(CursorPagination):
    """`?cursor=` pages ordered by id: each page one query on the primary key's index."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class AfterQuery(serializers.Serializer):
    after = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        help_text=_("Rows with an id above this one (0: from the start)."),
    )
    page_size = serializers.IntegerField(
        required=False, default=100, min_value=1, max_value=MAX_PAGE_SIZE
    )


class AfterIdPagination(BasePagination):
    """`?after=<id>`: the rows with a higher id, oldest first, at most `page_size`; `next` is
    the same query after the page's last id (null when nothing more was there). A timestamp
    would miss rows committed late; an id does not."""

    def paginate_queryset(self, queryset, request, view=None):
        query = AfterQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, size = query.validated_data["after"], query.validated_data["page_size"]
        rows = list(queryset.filter(pk__gt=after).order_by("pk")[: size + 1])
        self.has_more = len(rows) > size
        self.rows = rows[:size]
        self.after = self.rows[-1].pk if self.rows else after
        self.request = request
        return self.rows

    def get_paginated_response(self, data):
        next_url = None
        if self.has_more:
            next_url = replace_query_param(self.request.build_absolute_uri(), "after", self.after)
        return Response(
            OrderedDict([("next", next_url), ("last_id", self.after), ("results", data)])
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "last_id", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "last_id": {"type": "integer"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "after",
                "required": False,
                "in": "query",
                "description": "Rows with an id above this one (default 0: from the start).",
                "schema": {"type": "integer", "minimum": 0},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": "Rows per page (default 100, at most 1,000).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
