"""One request-size policy: a file past its page's limit stops being kept while it streams in,
and the form refuses it at the field with its usual message."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from injuries.errors import REFUSED_TOO_BIG
from injuries.models import ImportBatch
from programs.models import Evidence, EvidenceVersion, UnitMilestone
from programs.progress.demo import demo_pdf
from safecommunity import files
from safecommunity.uploads import LimitedUploadHandler, declared_limit
from tests.factories import ActivityFactory, MilestoneFactory, PhaseFactory

MB = 1024 * 1024
LIMIT = 1 * MB
CHUNK = 64 * 1024  # Django's upload handlers take the body in chunks of this size
KEPT: list[int] = []  # bytes each uploaded file handed on to the handlers that store it


class KeptBytes(FileUploadHandler):
    """Sits between the limit and Django's storing handlers and counts what reaches them."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        KEPT.append(0)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        KEPT[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@pytest.fixture
def small_limits(settings, tmp_path):
    """Evidence and injury imports limited to 1 MB, by the policy and by the forms' checks
    alike, with the bytes kept counted; files stored in a folder of the test's own."""
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "evidence": LIMIT, "injury_import": LIMIT}
    settings.EVIDENCE_MAX_BYTES = LIMIT
    settings.INJURY_IMPORT_MAX_BYTES = LIMIT
    settings.FILE_UPLOAD_HANDLERS = [
        "safecommunity.uploads.LimitedUploadHandler",
        f"{__name__}.KeptBytes",
        *settings.FILE_UPLOAD_HANDLERS[1:],
    ]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    KEPT.clear()
    return tmp_path


def pdf_of(size: int) -> bytes:
    head = demo_pdf("minutes of the creation work meeting")
    return head + b"\n" * (size - len(head))


@pytest.fixture
def milestone_url(unit_a) -> str:
    MilestoneFactory(phase=PhaseFactory(program=unit_a.program), evidence_required=True)
    item = UnitMilestone.objects.get(unit=unit_a)
    return reverse("programs:evidence-upload", args=[unit_a.code, item.pk])


def evidence_form(content: bytes) -> dict:
    return {
        "title": "创建工作会议纪要",
        "effective_date": "2026-03-15",
        "file": SimpleUploadedFile("会议纪要.pdf", content, "application/pdf"),
    }


def too_large(size: int) -> str:
    with translation.override("en"):
        return str(files.FILE_TOO_LARGE % {"size": filesizeformat(size), "limit": "1.0\xa0MB"})


# --- evidence: a milestone's and an activity's ------------------------------------------------


@pytest.mark.parametrize("in_memory", [True, False], ids=["in-memory", "temporary-file"])
def test_evidence_past_the_limit_is_refused_at_the_field_and_not_kept(
    english, clerk_a, milestone_url, small_limits, settings, in_memory
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * MB if in_memory else 0
    english.force_login(clerk_a)
    size = 3 * MB + 12345

    response = english.post(milestone_url, evidence_form(pdf_of(size)))

    assert response.status_code == 200
    assert response.context["upload_form"].errors == {"file": [too_large(size)]}
    assert "3.0\xa0MB" in response.content.decode()  # the real size, not the part kept
    assert KEPT and KEPT[0] <= LIMIT + CHUNK  # stopped storing once past the limit
    assert not Evidence.objects.exists()
    assert not EvidenceVersion.objects.exists()
    assert [path for path in small_limits.rglob("*") if path.is_file()] == []


def test_the_limit_holds_when_the_csrf_check_reads_the_body_before_the_view(
    clerk_a, milestone_url, small_limits
):
    # CsrfViewMiddleware.process_view reads request.POST: after the URL is resolved.
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    browser.force_login(clerk_a)
    assert browser.get(milestone_url.removesuffix("upload/")).status_code == 200
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    size = 2 * MB

    with translation.override("en"):
        response = browser.post(
            milestone_url, {**evidence_form(pdf_of(size)), "csrfmiddlewaretoken": token}
        )

    assert response.status_code == 200
    assert response.context["upload_form"].errors == {"file": [too_large(size)]}
    assert KEPT[0] <= LIMIT + CHUNK


def test_evidence_at_the_limit_arrives_whole(client, clerk_a, milestone_url, small_limits):
    client.force_login(clerk_a)
    content = pdf_of(LIMIT)

    response = client.post(milestone_url, evidence_form(content))

    assert response.status_code == 302
    version = EvidenceVersion.objects.get()
    assert version.size == LIMIT
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert KEPT == [LIMIT]


def test_an_activitys_file_past_the_limit_is_refused_at_the_field(
    english, clerk_a, unit_a, small_limits
):
    english.force_login(clerk_a)
    activity = ActivityFactory(unit=unit_a)
    size = 2 * MB

    response = english.post(
        reverse("workgroups:activity-attach", args=[activity.pk]),
        {"file": SimpleUploadedFile("签到表.pdf", pdf_of(size), "application/pdf")},
    )

    assert response.status_code == 200
    assert response.context["attach_form"].errors == {"file": [too_large(size)]}
    assert KEPT[0] <= LIMIT + CHUNK
    assert not Evidence.objects.exists()


# --- injury imports ---------------------------------------------------------------------------


def test_an_injury_file_past_the_limit_is_refused_at_the_field(client, clerk_a, small_limits):
    client.force_login(clerk_a)
    content = "性别,年龄\n".encode() + b"1,30\n" * (3 * MB // 5)

    response = client.post(
        reverse("injuries:import"), {"file": SimpleUploadedFile("三月.csv", content)}
    )

    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = str(REFUSED_TOO_BIG % {"limit": 1})
    assert response.context["form"].errors == {"file": [message]}
    assert KEPT[0] <= LIMIT + CHUNK
    assert not ImportBatch.objects.exists()


# --- the policy -------------------------------------------------------------------------------


def declared_limits(patterns=None, namespace: str = "") -> dict[str, str]:
    """URL name → the limit its view declares, for every view that declares one."""
    found = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= declared_limits(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and declared_limit(pattern.callback):
            found[f"{namespace}{pattern.name}"] = declared_limit(pattern.callback)
    return found


def test_every_page_that_takes_a_file_names_a_limit_of_the_policy():
    assert declared_limits() == {
        "programs:evidence-upload": "evidence",
        "workgroups:activity-attach": "evidence",
        "programs:funds-disbursement-upload": "evidence",
        "programs:funds-expenditure-upload": "evidence",
        "injuries:import": "injury_import",
        "admin:programs_district_boundaries": "boundaries",
        "programs:funds-treasury": "treasury",
    }
    assert set(declared_limits().values()) <= set(settings.UPLOAD_LIMITS)


def test_the_policy_keeps_the_older_setting_names_and_sizes_the_proxys_limit():
    assert settings.UPLOAD_LIMITS["evidence"] == settings.EVIDENCE_MAX_BYTES
    assert settings.UPLOAD_LIMITS["injury_import"] == settings.INJURY_IMPORT_MAX_BYTES
    assert max(settings.UPLOAD_LIMITS.values()) + MB == settings.REQUEST_MAX_BYTES


def test_a_page_that_names_no_limit_gets_every_byte():
    request = RequestFactory().post("/admin/")  # not resolved: no view, no limit
    handler = LimitedUploadHandler(request)
    handler.handle_raw_input(None, request.META, 10 * MB, "boundary")
    handler.new_file("file", "big.xlsx", "application/octet-stream", None)

    passed = [handler.receive_data_chunk(b"x" * CHUNK, start) for start in range(0, 5 * MB, CHUNK)]

    assert all(chunk == b"x" * CHUNK for chunk in passed)
    assert handler.file_complete(5 * MB) is None  # Django's own handler returns the file
