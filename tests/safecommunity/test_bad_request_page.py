"""The 400 page: it says what was wrong when the portal refused the query string itself, and
nothing more for other bad requests (too many parameters, a forged host name …)."""

from __future__ import annotations

from django.urls import reverse


def test_a_refused_query_string_gets_a_page_that_says_why(client, district_user):
    client.cookies["django_language"] = "en"
    client.force_login(district_user)

    response = client.get(reverse("programs:unit-list"), {"q": "x" * 201})

    html = response.content.decode()
    assert response.status_code == 400
    assert "The request cannot be answered" in html
    assert "A search may be at most 200 characters long (this one has 201)." in html
    assert 'href="/"' in html  # back to the start page


def test_another_bad_request_gets_the_general_text(client, district_user, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    client.cookies["django_language"] = "en"
    client.force_login(district_user)

    response = client.get(reverse("programs:unit-list"), {"a": 1, "b": 2, "c": 3})

    html = response.content.decode()
    assert response.status_code == 400
    assert "The address holds something the portal cannot read." in html
    assert "parameters" not in html  # Django's own reason stays in the log
