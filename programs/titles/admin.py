"""The admin of titles and the district's targets."""

from __future__ import annotations

from django.contrib import admin

from programs.titles.models import Certification, Target
from safecommunity.admin import (
    ScopedHistoryAdmin,
    ScopedTabularInline,
)


class TargetInline(ScopedTabularInline):
    model = Target
    fields = ["code", "name", "measure", "level", "threshold", "deadline"]


@admin.register(Target)
class TargetAdmin(ScopedHistoryAdmin):
    list_display = ["code", "name", "program", "measure", "level", "threshold", "deadline"]
    list_filter = ["program", "measure", "level"]
    search_fields = ["code", "name"]
    list_select_related = ["program"]
    ordering = ["program", "deadline", "code"]


@admin.register(Certification)
class CertificationAdmin(ScopedHistoryAdmin):
    list_display = ["unit", "level", "status", "named_on", "valid_until"]
    list_filter = ["level", "status"]
    search_fields = ["unit__name", "unit__code", "certificate_number"]
    list_select_related = ["unit"]
    # Status and dates move through the portal's title page, which checks each step and
    # records who made it; here they can only be corrected while the application is new.
    readonly_on_change = ("unit", "status", "named_on", "valid_until")
