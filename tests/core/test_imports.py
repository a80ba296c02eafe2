"""Spreadsheet imports and exports: units, members, departments and templates, xlsx and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.core.resources import CreatingUnitResource, DepartmentResource
from programs.models import CreatingUnit, Department, User
from safecommunity.spreadsheets import SPREADSHEET_FORMATS, SpreadsheetCSV, SpreadsheetXLSX
from tests.factories import (
    DepartmentFactory,
    DistrictFactory,
    PhaseFactory,
    ProgramFactory,
    UnitFactory,
    UserFactory,
    WorkGroupFactory,
)
from workgroups.models import Member, WorkGroupTemplate
from workgroups.resources import MemberResource, WorkGroupTemplateResource

# Headers as people type them: English msgids here (Chinese once translated) are both accepted.
UNIT_HEADERS = ["Code", "Name", "Programme code", "Kind", "Population", "Current phase"]
MEMBER_HEADERS = ["Unit code", "Belongs to", "Work group", "Name", "Role"]
CSV_FORMAT = 1  # SPREADSHEET_FORMATS = [SpreadsheetXLSX, SpreadsheetCSV]


def xlsx_file(headers: list[str], rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(headers: list[str], rows: list[list], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


pytestmark = pytest.mark.usefixtures("english")  # pages and messages in English (msgids)


def import_xlsx(resource, headers, rows, **kwargs):
    dataset = SpreadsheetXLSX().create_dataset(xlsx_file(headers, rows))
    return resource.import_data(dataset, **kwargs)


def history_rows() -> int:
    return CreatingUnit.history.count()


def errors_of(result) -> list[tuple[int, dict]]:
    return [(row.number, row.field_specific_errors) for row in result.invalid_rows]


@pytest.fixture
def programme(db):
    program = ProgramFactory(code="sc-2025")
    PhaseFactory(program=program, order=1, name="启动")
    PhaseFactory(program=program, order=2, name="实施")
    return program


@pytest.fixture
def unit_rows(programme):
    return [
        ["T01", "甲镇", "sc-2025", "镇", 30000, "启动"],
        ["S01", "乙街道", "sc-2025", "街道", None, "实施"],
        ["Z01", "丙经济功能区", "sc-2025", "经济功能区", 1200, None],
        ["T02", "丁镇", "sc-2025", "town", "45,000", None],
    ]


# --- Units from xlsx ---


def test_unit_import_from_xlsx_creates_the_units(unit_rows):
    result = import_xlsx(CreatingUnitResource(), UNIT_HEADERS, unit_rows)

    assert not result.has_errors() and not result.has_validation_errors()
    units = {unit.code: unit for unit in CreatingUnit.objects.select_related("current_phase")}
    assert sorted(units) == ["S01", "T01", "T02", "Z01"]
    assert units["T01"].name == "甲镇" and units["T01"].kind == "town"
    assert units["S01"].kind == "street" and units["S01"].population is None
    assert units["Z01"].kind == "zone" and units["Z01"].current_phase is None
    assert units["T02"].population == 45000
    assert units["T01"].current_phase.name == "启动"
    assert units["S01"].current_phase.order == 2
    assert history_rows() == 4


def test_repeating_the_same_import_creates_no_duplicates_and_no_history(unit_rows):
    import_xlsx(CreatingUnitResource(), UNIT_HEADERS, unit_rows)
    before = history_rows()

    result = import_xlsx(CreatingUnitResource(), UNIT_HEADERS, unit_rows)

    assert result.totals["new"] == 0 and result.totals["update"] == 0
    assert result.totals["skip"] == 4
    assert CreatingUnit.objects.count() == 4
    assert history_rows() == before


def test_an_import_updates_a_unit_found_by_code_whatever_its_case(unit_rows):
    import_xlsx(CreatingUnitResource(), UNIT_HEADERS, unit_rows)

    import_xlsx(CreatingUnitResource(), UNIT_HEADERS, [["t01", "甲镇", "sc-2025", "镇", 31000, ""]])

    unit = CreatingUnit.objects.get(code="T01")
    assert unit.population == 31000 and unit.current_phase is None
    assert CreatingUnit.objects.count() == 4


@pytest.mark.parametrize(
    ("bad_row", "column", "named_value"),
    [
        (["B01", "坏镇", "sc-2025", "镇", -5, None], "Population", "0"),
        (["B01", "坏镇", "sc-2025", "镇", "abc", None], "Population", "“abc”"),
        (["B01", "坏镇", "sc-2025", "镇", "1.5", None], "Population", "“1.5”"),
        (["B01", "坏镇", "nope", "镇", 100, None], "Programme code", "“nope”"),
        (["B01", "坏镇", "sc-2025", "村", 100, None], "Kind", "“村”"),
        (["B01", "坏镇", "sc-2025", "镇", 100, "验收"], "Current phase", "“验收”"),
        (["T01", "又一个甲镇", "sc-2025", "镇", 100, None], "Code", "row 1"),
    ],
    ids=[
        "negative",
        "text",
        "fraction",
        "unknown-programme",
        "unknown-kind",
        "unknown-phase",
        "duplicate-code",
    ],
)
def test_one_bad_row_imports_nothing_and_names_the_row_and_column(
    programme, bad_row, column, named_value
):
    existing = UnitFactory(program=programme, code="X01", name="旧名", population=10)
    good_rows = [
        ["T01", "甲镇", "sc-2025", "镇", 30000, "启动"],
        ["X01", "新名", "sc-2025", "镇", 20, None],
    ]

    result = import_xlsx(CreatingUnitResource(), UNIT_HEADERS, [*good_rows, bad_row])

    assert result.has_validation_errors()
    [(number, errors)] = errors_of(result)
    assert number == 3
    assert column in errors
    assert named_value in " ".join(errors[column])
    assert list(CreatingUnit.objects.values_list("code", flat=True)) == ["X01"]
    existing.refresh_from_db()
    assert (existing.name, existing.population) == ("旧名", 10)


def test_a_phase_name_is_looked_up_in_the_rows_programme(programme):
    other = ProgramFactory(code="other")
    PhaseFactory(program=other, order=1, name="启动")

    import_xlsx(
        CreatingUnitResource(),
        UNIT_HEADERS,
        [["T01", "甲镇", "other", "镇", 1, "启动"], ["T02", "乙镇", "sc-2025", "镇", 1, "启动"]],
    )

    phases = dict(CreatingUnit.objects.values_list("code", "current_phase__program__code"))
    assert phases == {"T01": "other", "T02": "sc-2025"}


def test_a_phase_name_without_a_programme_column_must_be_unambiguous(programme):
    UnitFactory(program=programme, code="T01", name="甲镇")
    PhaseFactory(program=ProgramFactory(code="other"), order=1, name="启动")

    result = import_xlsx(CreatingUnitResource(), ["Code", "Current phase"], [["T01", "启动"]])

    [(number, errors)] = errors_of(result)
    assert number == 1 and "Several programmes" in errors["Current phase"][0]
    assert CreatingUnit.objects.get(code="T01").current_phase is None


# --- CSV through the admin's two-step import ---


def admin_import(client, url_name: str, content: bytes, file_name: str):
    """Upload (dry run), then confirm, as the admin's import page does."""
    url = reverse(url_name)
    upload = SimpleUploadedFile(file_name, content, content_type="text/csv")
    preview = client.post(url, {"import_file": upload, "format": CSV_FORMAT, "resource": "0"})
    assert preview.status_code == 200
    confirm_form = preview.context.get("confirm_form")
    if confirm_form is None:
        return preview
    data = {name: confirm_form.initial[name] for name in confirm_form.fields}
    process_url = reverse(url_name.replace("_import", "_process_import"))
    return client.post(process_url, data)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_csv_imports_chinese_names_through_the_admin(client, admin_user, programme, encoding):
    client.force_login(admin_user)
    content = csv_file(
        UNIT_HEADERS,
        [
            ["T01", "甲镇", "sc-2025", "镇", "30000", "启动"],
            ["S01", "乙街道", "sc-2025", "街道", "", ""],
        ],
        encoding,
    )

    response = admin_import(client, "admin:programs_creatingunit_import", content, "单位.csv")

    assert response.status_code == 302
    assert dict(CreatingUnit.objects.values_list("code", "name")) == {
        "T01": "甲镇",
        "S01": "乙街道",
    }
    record = CreatingUnit.history.get(code="T01")
    assert record.history_user == admin_user
    assert "单位.csv" in record.history_change_reason


def test_the_admin_refuses_a_csv_with_a_bad_row_and_imports_nothing(client, admin_user, programme):
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = csv_file(
        UNIT_HEADERS,
        [
            ["T01", "甲镇", "sc-2025", "镇", "30000", ""],
            ["T02", "乙镇", "sc-2025", "镇", "abc", ""],
        ],
        "gb18030",
    )

    response = admin_import(client, "admin:programs_creatingunit_import", content, "units.csv")

    assert "confirm_form" not in response.context
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2 and "“abc”" in invalid.field_specific_errors["Population"][0]
    assert not CreatingUnit.objects.exists()


def test_the_admin_says_when_a_csv_is_in_no_known_encoding(client, admin_user, programme):
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = admin_import(
        client, "admin:programs_creatingunit_import", b"Code\n\xff\xff\n", "units.csv"
    )

    assert "neither UTF-8 nor GB18030" in str(response.context["form"].errors["import_file"])
    assert not CreatingUnit.objects.exists()


def test_the_csv_format_reads_every_accepted_encoding_and_exports_with_a_bom():
    text = "代码,名称\nT01,甲镇\n"
    for encoding in ("gb18030", "utf-8", "utf-8-sig"):
        dataset = SpreadsheetCSV().create_dataset(text.encode(encoding))
        assert dataset.headers == ["代码", "名称"] and dataset[0] == ("T01", "甲镇")
    exported = SpreadsheetCSV().export_data(dataset)
    assert exported.startswith("\ufeff".encode()) and "甲镇".encode() in exported


# --- Members ---


@pytest.fixture
def groups(unit_a, unit_b):
    return {
        "a": WorkGroupFactory(unit=unit_a, name="宣传教育组"),
        "b": WorkGroupFactory(unit=unit_b, name="交通安全组"),
    }


def test_member_import_resolves_unit_by_code_and_group_by_name(groups):
    rows = [
        ["A01", "工作组", "宣传教育组", "张三", "组长"],
        ["a01", "促进委员会", "", "李四", "主任"],
        ["B01", "Work group", "交通安全组", "王五", ""],
        ["B01", "office", "交通安全组", "赵六", "contact"],
    ]

    result = import_xlsx(MemberResource(), MEMBER_HEADERS, rows)

    assert not result.has_errors() and not result.has_validation_errors()
    members = {m.name: m for m in Member.objects.select_related("unit", "group")}
    assert members["张三"].unit.code == "A01" and members["张三"].group == groups["a"]
    assert (members["张三"].body, members["张三"].role) == ("group", "chair")
    assert (members["李四"].body, members["李四"].group, members["李四"].role) == (
        "committee",
        None,
        "chair",
    )
    assert members["王五"].group == groups["b"] and members["王五"].role == "member"
    assert (members["赵六"].body, members["赵六"].group) == ("office", None)

    again = import_xlsx(MemberResource(), MEMBER_HEADERS, rows)

    assert again.totals["new"] == 0 and again.totals["skip"] == 4
    assert Member.objects.count() == 4


def test_member_import_looks_each_unit_and_group_up_once(groups):
    rows = [
        ["A01", "工作组", "宣传教育组", "张三", ""],
        ["A01", "工作组", "宣传教育组", "李四", ""],
        ["B01", "促进委员会", "", "王五", ""],
    ]

    with CaptureQueriesContext(connection) as queries:
        import_xlsx(MemberResource(), MEMBER_HEADERS, rows)

    lookups = [q["sql"] for q in queries if q["sql"].endswith(" LIMIT 2")]
    assert len(lookups) == 3  # units A01 and B01, group 宣传教育组
    assert Member.objects.count() == 3


def test_member_import_refuses_a_group_of_another_unit(groups):
    rows = [
        ["A01", "工作组", "宣传教育组", "张三", ""],
        ["A01", "工作组", "交通安全组", "李四", ""],
    ]

    result = import_xlsx(MemberResource(), MEMBER_HEADERS, rows)

    [(number, errors)] = errors_of(result)
    assert number == 2
    assert "交通安全组" in errors["Work group"][0] and "A01" in errors["Work group"][0]
    assert not Member.objects.exists()


def test_member_import_refuses_an_unknown_unit_code(groups):
    result = import_xlsx(MemberResource(), MEMBER_HEADERS, [["Q99", "促进委员会", "", "张三", ""]])

    [(number, errors)] = errors_of(result)
    assert number == 1 and "“Q99”" in errors["Unit code"][0]
    assert not Member.objects.exists()


def test_member_import_by_a_clerk_reaches_only_their_own_unit(groups, unit_a):
    clerk = UserFactory(username="clerk_a", role=User.Role.CLERK, unit=unit_a)
    rows = [["A01", "促进委员会", "", "张三", ""], ["B01", "促进委员会", "", "李四", ""]]

    result = import_xlsx(MemberResource(user=clerk), MEMBER_HEADERS, rows)

    [(number, errors)] = errors_of(result)
    assert number == 2 and "“B01”" in errors["Unit code"][0]
    assert not Member.objects.exists()


# --- Departments and templates ---


@pytest.mark.parametrize(
    ("resource_class", "model", "headers", "rows"),
    [
        (
            DepartmentResource,
            Department,
            ["District code", "Code", "Name", "Order"],
            [["110113", "emergency", "区应急管理局", 1], ["110113", "health", "区卫健委", 2]],
        ),
        (
            WorkGroupTemplateResource,
            WorkGroupTemplate,
            ["Number", "Name", "Offered to units"],
            [[1, "交通安全组", "是"], [2, "消防安全组", "否"]],
        ),
    ],
    ids=["departments", "templates"],
)
def test_reference_data_imports_once_and_repeats_without_duplicates(
    db, resource_class, model, headers, rows
):
    DistrictFactory()
    first = import_xlsx(resource_class(), headers, rows)
    again = import_xlsx(resource_class(), headers, rows)

    assert first.totals["new"] == 2 and again.totals["skip"] == 2
    assert model.objects.count() == 2


def test_template_import_reads_yes_and_no_and_refuses_other_words(db):
    import_xlsx(
        WorkGroupTemplateResource(),
        ["Number", "Name", "Offered to units"],
        [[1, "交通安全组", "是"], [2, "消防安全组", "no"]],
    )
    assert dict(WorkGroupTemplate.objects.values_list("number", "is_active")) == {1: True, 2: False}

    result = import_xlsx(
        WorkGroupTemplateResource(), ["Number", "Name", "Offered to units"], [[3, "新组", "也许"]]
    )
    [(_number, errors)] = errors_of(result)
    assert "“也许”" in errors["Offered to units"][0]
    assert WorkGroupTemplate.objects.count() == 2


def test_only_administrators_add_reference_data_by_import(db, district_user, admin_user):
    headers, rows = ["District code", "Code", "Name"], [["110113", "health", "区卫健委"]]
    refused = import_xlsx(DepartmentResource(user=district_user), headers, rows)

    assert refused.invalid_rows and not Department.objects.exists()

    import_xlsx(DepartmentResource(user=admin_user), headers, rows)

    assert Department.objects.get().name == "区卫健委"


def test_a_department_code_repeated_in_one_file_is_refused(db):
    DepartmentFactory(code="emergency", name="区应急管理局")
    result = import_xlsx(
        DepartmentResource(),
        ["District code", "Code", "Name", "Order"],
        [["110113", "health", "区卫健委", 1], ["110113", "health", "区卫生健康委员会", 2]],
    )

    [(number, errors)] = errors_of(result)
    assert number == 2 and "row 1" in errors["Code"][0]
    assert list(Department.objects.values_list("name", flat=True)) == ["区应急管理局"]


def test_a_department_name_taken_under_another_code_is_refused(db):
    DepartmentFactory(code="emergency", name="区应急管理局")

    result = import_xlsx(
        DepartmentResource(),
        ["District code", "Code", "Name"],
        [["110113", "safety", "区应急管理局"]],
    )

    [(number, errors)] = errors_of(result)
    assert number == 1 and "Name" in errors
    assert list(Department.objects.values_list("code", flat=True)) == ["emergency"]


def test_a_renamed_department_is_found_by_its_code(db):
    department = DepartmentFactory(code="health", name="区卫生局", sort_order=3)

    result = import_xlsx(
        DepartmentResource(), ["District code", "Code", "Name"], [["110113", "health", "区卫健委"]]
    )

    assert result.totals["update"] == 1 and result.totals["new"] == 0
    department.refresh_from_db()
    assert (department.name, department.sort_order) == ("区卫健委", 3)
    assert department.history.latest().prev_record.name == "区卫生局"


# --- Exports round-trip ---


@pytest.fixture
def full_units(programme):
    phase = programme.phases.get(order=2)
    return [
        UnitFactory(
            program=programme,
            code="T01",
            name="甲镇",
            kind="town",
            population=30000,
            population_year=2024,
            area_km2=Decimal("35.50"),
            is_pilot=True,
            batch=1,
            joined_on=date(2025, 3, 1),
            contact_phone="010-6900 0000",
            current_phase=phase,
            notes="第一批\n试点",
        ),
        UnitFactory(program=programme, code="S01", name="乙街道", kind="street", population=None),
    ]


def test_units_exported_as_xlsx_reimport_without_changes(full_units):
    dataset = CreatingUnitResource().export(force_native_type=True)
    content = SpreadsheetXLSX().export_data(dataset)
    before = history_rows()

    result = CreatingUnitResource().import_data(SpreadsheetXLSX().create_dataset(content))

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 2 and result.totals["update"] == 0
    assert history_rows() == before


def test_units_exported_as_csv_reimport_without_changes(full_units):
    content = SpreadsheetCSV().export_data(CreatingUnitResource().export())

    result = CreatingUnitResource().import_data(SpreadsheetCSV().create_dataset(content))

    assert result.totals["skip"] == 2 and result.totals["update"] == 0


def test_members_exported_reimport_without_changes(groups, unit_a):
    Member.objects.create(unit=unit_a, body="group", group=groups["a"], name="张三", role="chair")
    Member.objects.create(unit=unit_a, body="committee", name="李四")
    content = SpreadsheetXLSX().export_data(MemberResource().export(force_native_type=True))

    result = MemberResource().import_data(SpreadsheetXLSX().create_dataset(content))

    assert result.totals["skip"] == 2 and Member.objects.count() == 2


def export_through_admin(client, model_name: str, resource_class, file_format=0) -> bytes:
    url = reverse(f"admin:programs_{model_name}_export")
    prefix = resource_class.__name__.lower()
    data = {"format": str(file_format), "resource": "0"}
    data.update({f"{prefix}_{name}": "on" for name in resource_class().get_export_order()})
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.mark.parametrize("file_format", [SpreadsheetXLSX, SpreadsheetCSV], ids=["xlsx", "csv"])
def test_the_admin_export_round_trips(client, admin_user, full_units, file_format):
    client.force_login(admin_user)

    content = export_through_admin(
        client, "creatingunit", CreatingUnitResource, SPREADSHEET_FORMATS.index(file_format)
    )

    result = CreatingUnitResource().import_data(file_format().create_dataset(content))
    assert result.totals["skip"] == 2 and result.totals["new"] == 0
    assert result.totals["update"] == 0


def test_the_admin_export_holds_only_the_units_the_user_sees(client, unit_a, unit_b):
    clerk = UserFactory(username="staff_clerk", role=User.Role.CLERK, unit=unit_a, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_creatingunit"))
    client.force_login(clerk)

    content = export_through_admin(client, "creatingunit", CreatingUnitResource)

    dataset = SpreadsheetXLSX().create_dataset(content)
    assert [row[0] for row in dataset] == ["A01"]


def test_a_department_is_its_districts_and_an_unknown_district_is_refused(db):
    DepartmentFactory(code="health", name="区卫生局")
    DistrictFactory(code="110116", name="怀柔区")
    headers = ["District code", "Code", "Name"]

    result = import_xlsx(DepartmentResource(), headers, [["110116", "health", "区卫生局"]])

    assert result.totals["new"] == 1  # the same code and name in another district: its own row
    assert sorted(Department.objects.values_list("district__code", flat=True)) == [
        "110113",
        "110116",
    ]
    refused = import_xlsx(DepartmentResource(), headers, [["110199", "safety", "区应急管理局"]])
    [(number, errors)] = errors_of(refused)
    assert number == 1 and "110199" in errors["District code"][0]
    assert Department.objects.count() == 2
