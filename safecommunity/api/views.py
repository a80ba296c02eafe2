"""The base of every API view: the request's language, no redirect to the login page (the API
answers 401 itself), and reads only through the user's scope (`visible_to`; outside it 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, viewsets
from rest_framework.views import APIView

from .language import ApiLanguageMixin


class ApiViewMixin(ApiLanguageMixin):
    @classmethod
    def as_view(cls, *args, **kwargs):
        # LoginRequiredMiddleware would send a token's request to the sign-in page: the API
        # decides itself (authentication classes, then 401).
        return login_not_required(super().as_view(*args, **kwargs))


class ScopedReadViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """A resource read within the user's scope. A subclass names its `model` (whose queryset has
    `visible_to`) and may narrow the rows in `scoped(queryset)` (select_related, annotations);
    a row outside the scope is 404 on detail, like the pages. Writes answer 403."""

    model = None

    def scoped(self, queryset):
        return queryset

    def get_queryset(self):
        return self.scoped(self.model.objects.visible_to(self.request.user))

    def get_object(self):
        try:
            return super().get_object()
        except OverflowError:  # an id past the database's integers is no row either
            raise Http404 from None


class SchemaView(ApiViewMixin, SpectacularAPIView):
    pass


class DocsView(ApiViewMixin, SpectacularSwaggerSplitView):
    pass


class NotFoundView(ApiViewMixin, APIView):
    """Any other address under /api/: 404 as JSON in the request's language (after
    authentication, so the anonymous still get 401), never the portal's HTML page."""

    schema = None

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound

    post = put = patch = delete = get
