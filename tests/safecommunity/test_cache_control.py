"""No cache keeps what a signed-in user saw or downloaded: a shared office PC's browser, or a
proxy between the office and the portal, must not hand it to the next person."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.cache import patch_cache_control

from safecommunity.middleware import CacheControlMiddleware


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "url",
    [reverse("home"), reverse("programs:unit-list"), reverse("injuries:import")],
    ids=["home", "unit-list", "injury-import"],
)
def test_a_signed_in_page_is_private_and_never_stored(client, clerk_a, url):
    client.force_login(clerk_a)

    response = client.get(url, follow=True)

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_a_download_is_private_and_never_stored(client, clerk_a):
    client.force_login(clerk_a)

    response = client.get(reverse("injuries:import-template"))

    assert response["Content-Disposition"].startswith("attachment;")
    assert {"private", "no-store"} <= directives(response)


def test_the_login_page_is_not_stored_either(client, db):
    response = client.get(reverse("login"))  # it holds a CSRF token

    assert {"private", "no-store"} <= directives(response)


def test_an_attachment_is_never_stored_even_without_a_user():
    def download(request):
        response = HttpResponse(b"%PDF-1.4", content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="plan.pdf"'
        patch_cache_control(response, public=True, max_age=3600)
        return response

    request = RequestFactory().get("/files/plan.pdf")
    request.user = AnonymousUser()

    response = CacheControlMiddleware(download)(request)

    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)


def test_a_static_file_keeps_its_own_caching_for_a_signed_in_user(client, clerk_a):
    client.force_login(clerk_a)

    response = client.get("/static/css/portal.css")

    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "public" in directives(response)  # WhiteNoise's, untouched
