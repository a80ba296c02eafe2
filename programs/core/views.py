"""Pages of the programme's units themselves (a unit's profile, edited), the one view every
transition URL is served by, and the user's API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View, i18n
from django.views.decorators.http import require_POST
from django.views.generic import UpdateView

from programs.core import errors
from programs.core.forms import TokenForm, unit_form_class
from programs.core.models import ApiToken, CreatingUnit, User
from programs.core.services import token_create, token_revoke
from programs.core.transitions import Move, transition, workflow_of
from safecommunity.errors import DomainError
from safecommunity.forms import ReasonForm
from safecommunity.scoping import scoped_object
from safecommunity.views import ScopedObjectMixin


class UnitScopeMixin(ScopedObjectMixin):
    """Find the unit named in the URL among those the user may see (else 404)."""

    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        return CreatingUnit.objects.all()


class UnitUpdateView(UnitScopeMixin, UpdateView):
    """Edit a unit's profile: clerks their own unit, district staff every unit."""

    template_name = "programs/unit_form.html"
    context_object_name = "unit"
    editable = True

    def get_form_class(self):
        return unit_form_class(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("The unit's profile was saved."))
        return response


class TransitionView(View):
    """POST one move of a record's table of moves (`programs.core.transitions`) — the one view
    behind every transition URL.

    A subclass says how to find the record in the user's scope (`get_object`, with
    `scoped_object(…, editable=True)`: 404 outside it) and may add the move's parameters
    (`move_params`), its own messages, or a page to show again when the reason is missing
    (`reason_invalid`). A refusal by the rules comes back as a message and changes nothing.
    """

    http_method_names = ["post"]
    move_kwarg = "action"

    def get_object(self) -> models.Model:
        raise NotImplementedError

    def get_move_name(self, obj: models.Model) -> str:
        return self.kwargs[self.move_kwarg]

    def move_params(self, obj: models.Model, move: Move) -> dict[str, Any] | HttpResponse:
        """Parameters of the move from the POST (a title's naming date …), or a response
        showing what is wrong with them."""
        return {}

    def success_url(self, obj: models.Model) -> str:
        return obj.get_absolute_url()

    def done_message(self, obj: models.Model, move: Move) -> str:
        return _("“%(object)s” is now “%(state)s”.") % {
            "object": obj,
            "state": workflow_of(obj).label_of(obj),
        }

    def reason_invalid(self, obj: models.Model, move: Move, form: ReasonForm) -> HttpResponse:
        messages.error(self.request, str(move.reason_missing))
        return redirect(self.success_url(obj))

    def refused(self, obj: models.Model, error: DomainError) -> HttpResponse:
        messages.error(self.request, str(error))
        return redirect(self.success_url(obj))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        move = workflow_of(obj).by_name.get(self.get_move_name(obj))
        if move is None:
            raise Http404
        reason = ""
        if move.reason:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return self.reason_invalid(obj, move, form)
            reason = form.cleaned_data["reason"]
        params = self.move_params(obj, move)
        if isinstance(params, HttpResponse):
            return params
        try:
            transition(obj, move.name, by=request.user, reason=reason, **params)
        except DomainError as error:
            return self.refused(obj, error)
        messages.success(request, self.done_message(obj, move))
        return redirect(self.success_url(obj))


@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch: Django's own (a cookie), and for a signed-in user also the
    language the portal writes their e-mails in."""
    response = i18n.set_language(request)
    chosen = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and chosen in {code for code, _name in settings.LANGUAGES}
        and request.user.language != chosen
    ):
        User.objects.filter(pk=request.user.pk).update(language=chosen)
    return response


# --- Personal API tokens (the profile's "API tokens" page) -----------------------------------


#: The session key under which a new token's key waits for the one page that shows it.
NEW_KEY = "api_token_new_key"


def _token_page(request: HttpRequest, form: TokenForm, *, status: int = 200) -> HttpResponse:
    key = request.session.pop(NEW_KEY, "")  # shown once: gone from the session as it is shown
    tokens = ApiToken.objects.own(request.user)
    context = {"form": form, "tokens": tokens, "new_key": key, "now": timezone.now()}
    response = render(request, "programs/api_tokens.html", context, status=status)
    if key:
        response["Cache-Control"] = "no-store"
    return response


def token_list(request: HttpRequest) -> HttpResponse:
    """API tokens: the user's own, each with its prefix, dates and state; a form for a new one;
    a token just created shows its key here, this once."""
    return _token_page(request, TokenForm())


@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    """Create a token, then redirect to the list, which shows its key once (the key waits in
    the session for that one page, so reloading the page neither re-posts nor shows it again)."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _token_page(request, form, status=400)
    token, key = token_create(
        user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
    )
    request.session[NEW_KEY] = key
    messages.success(request, errors.TOKEN_CREATED % {"name": token.name})
    return redirect("programs:token-list")


@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another's is 404)."""
    token = scoped_object(request, ApiToken, editable=True, pk=pk)
    try:
        token_revoke(token=token, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, errors.TOKEN_REVOKED_DONE % {"name": token.name})
    return redirect("programs:token-list")
