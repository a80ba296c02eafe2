"""Notifications, read-only (they are made from the event log), and the people's e-mail
settings, which administrators may correct."""

from django.contrib import admin

from safecommunity.admin import ScopedAdminMixin, ScopedReadOnlyAdmin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(ScopedReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "subject", "unit", "read_at", "mailed_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "user__username", "user__last_name"]
    list_select_related = ["user", "unit"]
    date_hierarchy = "created_at"
    raw_id_fields = ["event"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username", "user__last_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
