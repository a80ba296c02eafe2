"""The admin speaks Chinese everywhere, third-party pages included: django-axes' login records
(axes ships no Chinese), django-import-export's import and export pages (its own catalogue
garbles "Some rows failed to validate"), the headers and sheet names of every admin export; the
export page's "select all" has no inline handler (the CSP would refuse it); the admin shows the
portal's icon and /favicon.ico leads to it."""

from __future__ import annotations

import io
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from programs.models import Department, Indicator
from safecommunity.spreadsheets import SPREADSHEET_FORMATS, SpreadsheetXLSX
from tests.downloads import downloaded
from tests.factories import (
    DepartmentFactory,
    DistrictFactory,
    InjuryRecordFactory,
    MemberFactory,
    WorkGroupTemplateFactory,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
XLSX_FORMAT = str(SPREADSHEET_FORMATS.index(SpreadsheetXLSX))
CSV_FORMAT = "1"


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def exporting_admins() -> list:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
    ]


@pytest.fixture
def superuser(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def login_records(db):
    attempt = AccessAttempt.objects.create(
        user_agent="Mozilla/5.0",
        ip_address="10.0.0.7",
        username="wangfang",
        http_accept="text/html",
        path_info="/login/",
        get_data="",
        post_data="username=wangfang",
        failures_since_start=2,
    )
    AccessLog.objects.create(
        user_agent="Mozilla/5.0", ip_address="10.0.0.7", username="wangfang", path_info="/login/"
    )
    AccessFailureLog.objects.create(
        user_agent="Mozilla/5.0", ip_address="10.0.0.7", username="wangfang", path_info="/login/"
    )
    return attempt


# --- django-axes ---


def test_the_admin_index_names_axes_and_its_models_in_chinese(superuser):
    html = superuser.get(reverse("admin:index")).content.decode()

    assert "登录保护" in html
    for name in ("访问尝试", "访问日志", "访问失败"):
        assert name in html
    for english in (">Axes<", "Access attempts", "Access logs", "Access failures", "Model name"):
        assert english not in html


@pytest.mark.parametrize("model", [AccessAttempt, AccessLog, AccessFailureLog])
def test_the_login_record_lists_are_chinese(superuser, login_records, model):
    html = superuser.get(admin_url(model, "changelist")).content.decode()

    assert "IP 地址" in html and "尝试时间" in html and "路径" in html
    for english in ("IP Address", "User Agent", "Attempt Time", "Path", "Logout Time"):
        assert english not in html


def test_the_attempt_list_titles_its_computed_columns_and_filter_in_chinese(
    superuser, login_records
):
    html = superuser.get(admin_url(AccessAttempt, "changelist")).content.decode()

    assert "失败次数" in html and "剩余次数" in html and "已锁定" in html
    assert "清理过期的尝试记录" in html  # the action
    for english in ("Failed Logins", "Expiration", "Status", "Locked Out", "Clean up expired"):
        assert english not in html


def test_an_attempt_shows_its_form_and_meta_data_in_chinese(superuser, login_records):
    html = superuser.get(admin_url(AccessAttempt, "change", login_records.pk)).content.decode()

    assert "表单数据" in html and "元数据" in html and "GET 数据" in html
    assert "wangfang 的登录尝试" in html
    for english in ("Form Data", "Meta Data", "GET Data", "POST Data", "HTTP Accept", "Attempted"):
        assert english not in html


@pytest.mark.parametrize(
    ("model", "name"),
    [(AccessLog, "wangfang 于 "), (AccessFailureLog, "从 10.0.0.7 登录失败")],
)
def test_login_records_are_named_in_chinese(superuser, login_records, model, name):
    row = model.objects.get(username="wangfang")

    html = superuser.get(admin_url(model, "change", row.pk)).content.decode()

    assert name in html
    assert "Access Log for" not in html and "Failed access" not in html


# --- django-import-export ---


def test_an_import_with_a_bad_row_says_so_in_proper_chinese(superuser):
    DistrictFactory()
    content = b"District code,Code,Name\n110113,fire,\n"
    upload = SimpleUploadedFile("部门.csv", content, content_type="text/csv")

    response = superuser.post(
        admin_url(Department, "import"),
        {"import_file": upload, "format": CSV_FORMAT, "resource": "0"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "某些行数据验证失败" in html
    assert "某些行验数据证失败" not in html
    assert "Some rows failed to validate" not in html
    assert "请在文件中改正这些错误" in html
    assert not Department.objects.exists()


def test_a_finished_import_says_so_in_chinese(superuser):
    DistrictFactory()
    upload = SimpleUploadedFile(
        "部门.csv", b"District code,Code,Name\n110113,fire,\xe6\xb6\x88\xe9\x98\xb2\n"
    )
    preview = superuser.post(
        admin_url(Department, "import"),
        {"import_file": upload, "format": CSV_FORMAT, "resource": "0"},
    )
    form = preview.context["confirm_form"]
    data = {name: form.initial[name] for name in form.fields}

    response = superuser.post(admin_url(Department, "process_import"), data, follow=True)

    [message] = [str(m) for m in response.context["messages"]]
    assert message == "行业部门导入完成：新增 1 条，更新 0 条，删除 0 条，跳过 0 条。"
    assert Department.objects.get(code="fire").name == "消防"


def test_the_import_page_is_chinese(superuser):
    html = superuser.get(admin_url(Department, "import")).content.decode()

    assert "导入文件" in html and "此次将导入以下字段" in html
    for english in ("File to import", "Resource", "Format", "This importer", "Submit"):
        assert f">{english}" not in html


@pytest.mark.parametrize(
    "model", [model for model, _admin in exporting_admins()], ids=lambda m: m.__name__
)
def test_every_export_page_is_chinese_and_wires_select_all_without_inline_script(superuser, model):
    response = superuser.get(admin_url(model, "export"))

    html = response.content.decode()
    labels = [
        str(field.label)
        for field in response.context["form"].fields.values()
        if getattr(field, "is_selectable_field", False)
    ]
    assert labels and all(CJK.search(label) for label in labels), labels
    assert "Sort Order" not in html and "Name (" not in html
    assert "全选" in html and "此次将导出以下字段" in html
    assert 'id="select-all-toggle"' in html
    assert "onchange=" not in html and "onclick=" not in html
    assert "js/admin-export-select-all.js" in html
    assert "Select all" not in html and "This exporter" not in html


# --- Headers and sheet names of every export ---


@pytest.fixture
def rows_of_every_export(unit_a):
    DepartmentFactory(code="fire", name="消防救援支队")
    WorkGroupTemplateFactory()
    MemberFactory(unit=unit_a)
    Indicator.objects.create(code="train", name="培训人次", unit_of_measure="人次", section="work")
    InjuryRecordFactory(unit=unit_a, injury_date=timezone.localdate())


@pytest.mark.parametrize(
    "model", [model for model, _admin in exporting_admins()], ids=lambda m: m.__name__
)
def test_every_admin_export_has_chinese_headers_and_a_chinese_sheet_name(
    superuser, rows_of_every_export, model
):
    model_admin = admin.site._registry[model]
    [resource_class] = model_admin.resource_classes
    prefix = resource_class.__name__.lower()
    data = {"format": XLSX_FORMAT, "resource": "0"}
    data.update({f"{prefix}_{name}": "on" for name in resource_class().get_export_order()})

    response = superuser.post(admin_url(model, "export"), data)

    content = (
        downloaded(superuser, response).content
        if response.status_code == 302  # a table that can be large is exported by a job
        else response.content
    )
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert CJK.search(sheet.title), sheet.title
    assert headers and all(CJK.search(str(header)) for header in headers), headers


# --- The icon ---


def test_the_admin_links_the_portals_icon(superuser):
    html = superuser.get(reverse("admin:index")).content.decode()

    assert re.search(r'<link rel="icon" href="/static/favicon\.svg"', html)


def test_the_admin_login_page_links_the_icon_too(client, db):
    html = client.get(reverse("admin:login")).content.decode()

    assert 'href="/static/favicon.svg"' in html


def test_favicon_ico_leads_to_the_icon_without_signing_in(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"


# --- Django's and django-simple-history's strings their catalogues lack ---


def test_the_history_and_user_pages_are_chinese(superuser):
    department = DepartmentFactory(code="fire", name="消防救援支队")

    history = superuser.get(admin_url(Department, "history", department.pk)).content.decode()
    add_user = superuser.get(reverse("admin:programs_user_add")).content.decode()

    assert "改动" in history and ">Changes<" not in history
    assert "创建用户后" in add_user and "After you" not in add_user


@pytest.mark.parametrize("page", ["user", "group"])
def test_permissions_are_named_in_the_readers_language(superuser, admin_user, page):
    # Django stores the default permissions' names in English ("Can add creating unit").
    url = (
        reverse("admin:programs_user_change", args=[admin_user.pk])
        if page == "user"
        else reverse("admin:auth_group_add")
    )

    chinese = superuser.get(url).content.decode()
    superuser.cookies["django_language"] = "en"
    english = superuser.get(url).content.decode()

    assert "可以添加创建单位" in chinese and "可以查看事件" in chinese
    assert "Can add" not in chinese and "Can view" not in chinese
    assert "Can add creating unit" in english
