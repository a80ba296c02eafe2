"""The notifications a person has: the list, opening one, marking read, the e-mail settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView

from safecommunity.scoping import scoped_object

from . import errors
from .forms import NotificationFilterForm, PreferencesForm
from .models import Delivery, Notification
from .rules import RULE_OF_KIND, message
from .selectors import Bell, delivery_choices, notification_list
from .services import may_see, notification_read, notifications_read_all, preferences_save


def bell(request: HttpRequest) -> dict[str, Any]:
    """The context processor of the header's bell: its count is asked only when drawn."""
    return {"bell": Bell(request.user)} if hasattr(request, "user") else {}


class NotificationListView(ListView):
    """通知: the user's notifications, newest first, filtered by state, kind and unit."""

    template_name = "programs/notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        self.form = NotificationFilterForm(self.request.GET or None, user=self.request.user)
        return notification_list(self.request.user, **self.form.filters())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for notification in context["notifications"]:
            notification.text = message(
                notification.kind, notification.subject, notification.event.data
            )
        query = self.request.GET.copy()
        query.pop("page", None)
        return {**context, "form": self.form, "querystring_without_page": query.urlencode()}


def _mine(request: HttpRequest, pk: int) -> Notification:
    """The signed-in user's own notification in their scope, else 404."""
    return scoped_object(
        request, Notification.objects.filter(user=request.user).select_related("event"), pk=pk
    )


def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to its record — only while the record is still in the
    user's scope; otherwise 404, as for a notification that is not theirs."""
    notification = _mine(request, pk)
    rule = RULE_OF_KIND.get(notification.kind)
    record = notification.event.record
    if rule is None or record is None or not may_see(request.user, record):
        raise Http404
    notification_read(notification=notification, by=request.user)
    return redirect(rule.link(record, request.user))


@require_POST
def notification_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification_read(notification=_mine(request, pk), by=request.user)
    messages.success(request, errors.MARKED_READ)
    return redirect(_back(request))


@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_read_all(by=request.user)
    messages.success(request, errors.ALL_MARKED_READ)
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("programs:notification-list")


class NotificationSettingsView(FormView):
    """通知设置: how each kind of notification reaches the user by e-mail."""

    template_name = "programs/notifications/notification_settings.html"

    def get_form(self, form_class: Any = None) -> PreferencesForm:
        return PreferencesForm(
            **self.get_form_kwargs(),
            user=self.request.user,
            current=delivery_choices(self.request.user),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(delivery_choices=Delivery.choices, **kwargs)

    def form_valid(self, form: PreferencesForm) -> HttpResponse:
        user = self.request.user
        preferences_save(user=user, choices=form.cleaned_data, by=user)
        messages.success(self.request, errors.SETTINGS_SAVED)
        return redirect("programs:notification-settings")
