"""The seeded evaluation schemes, and their items imported from and exported to xlsx."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import F, Sum
from django.utils import timezone
from import_export.formats.base_formats import XLSX

from programs.evaluations import reference_data as ref
from programs.evaluations.resources import NO_SCHEME, SchemeItemResource
from programs.evaluations.services import schemes_load
from programs.models import EvaluationScheme, SchemeElement, SchemeItem
from programs.setup import reference_data_load
from safecommunity.spreadsheets import MAY_NOT_ADD, SpreadsheetXLSX
from tests.factories import EvaluationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english"),  # pages and messages in English (msgids)
]

ELEMENT_NAMES = [
    "安全社区创建机构与职责",
    "信息交流和全员参与",
    "事故与伤害风险辨识及其评价",
    "安全目标与计划",
    "安全促进项目",
    "宣传教育与培训",
    "应急预案和响应",
    "监测与监督",
    "事故与伤害记录",
    "安全社区创建档案",
    "预防与纠正措施",
    "评审与持续改进",
]
HEADERS = [
    "Scheme code",
    "Element number",
    "Element name",
    "Item number",
    "Requirement",
    "Points for presence",
    "Points for evidence",
    "Points for effect",
    "Sample wording",
]


@pytest.fixture
def seeded(db):
    schemes_load()
    return {scheme.code: scheme for scheme in EvaluationScheme.objects.all()}


def items_of(scheme: EvaluationScheme):
    return SchemeItem.objects.filter(element__scheme=scheme)


def points_of(scheme: EvaluationScheme) -> Decimal:
    return items_of(scheme).aggregate(
        total=Sum(F("presence_points") + F("evidence_points") + F("effect_points"))
    )["total"]


def element_names(scheme: EvaluationScheme) -> list[str]:
    return list(scheme.elements.order_by("number").values_list("name", flat=True))


# --- Seeds ---


def test_the_national_form_has_the_twelve_elements_of_aqt_9001(seeded):
    assert element_names(seeded["national-onsite"]) == ELEMENT_NAMES


def test_the_national_form_has_fifty_items_of_three_points(seeded):
    national = seeded["national-onsite"]

    assert items_of(national).count() == 50
    assert set(
        items_of(national).values_list("presence_points", "evidence_points", "effect_points")
    ) == {(Decimal("0.8"), Decimal("1.0"), Decimal("1.2"))}
    assert points_of(national) == Decimal(150) == national.max_score


def test_the_national_form_has_the_rules_of_the_on_site_evaluation(seeded):
    national = seeded["national-onsite"]

    assert (national.pass_mark, national.rectify_mark) == (Decimal(100), Decimal(75))
    assert national.no_zero_item and national.is_sample
    assert national.level == "national"


def test_the_national_form_words_the_known_items_and_marks_the_rest_as_samples(seeded):
    national = seeded["national-onsite"]
    first = SchemeItem.objects.get(element__scheme=national, element__number=1, number=1)
    sample = SchemeItem.objects.get(element__scheme=national, element__number=12, number=1)

    assert not first.is_sample and "领导机构" in first.text
    assert sample.is_sample and sample.text.startswith("示例条目：")
    assert "请导入本区使用的正式评定表替换" in sample.text
    known = items_of(national).filter(is_sample=False)
    assert sorted(item.code for item in known) == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4"]


def test_the_municipal_variant_has_forty_five_sample_items_worth_one_hundred(seeded):
    municipal = seeded["beijing-municipal"]

    assert element_names(municipal) == ELEMENT_NAMES
    assert items_of(municipal).count() == 45
    assert not items_of(municipal).filter(is_sample=False).exists()
    assert points_of(municipal) == Decimal(100) == municipal.max_score
    assert (municipal.pass_mark, municipal.rectify_mark) == (Decimal(90), None)
    assert municipal.level == "municipal"


def test_every_seeded_items_parts_add_up_to_its_points(seeded):
    for item in SchemeItem.objects.filter(element__scheme=seeded["beijing-municipal"]):
        assert item.points in (Decimal(2), Decimal(3)), item.code
        assert item.presence_points < item.evidence_points < item.effect_points, item.code


def test_every_seeded_schemes_maximum_is_the_sum_of_its_items():
    for scheme in ref.SCHEMES:
        points = sum(sum(parts) for _name, items in scheme["elements"] for *_, parts in items)
        assert points == scheme["max_score"], scheme["code"]


def test_a_second_load_creates_nothing_and_keeps_the_offices_wording(seeded):
    item = SchemeItem.objects.get(
        element__scheme=seeded["national-onsite"], element__number=3, number=2
    )
    item.text = "本区正式条目"
    item.is_sample = False
    item.save()
    rows = (
        EvaluationScheme.objects.count(),
        SchemeElement.objects.count(),
        SchemeItem.objects.count(),
    )
    history = SchemeItem.history.count()

    created = schemes_load()

    item.refresh_from_db()
    assert not created
    assert (item.text, item.is_sample) == ("本区正式条目", False)
    assert (
        (
            EvaluationScheme.objects.count(),
            SchemeElement.objects.count(),
            SchemeItem.objects.count(),
        )
        == rows
        == (2, 24, 95)
    )
    assert SchemeItem.history.count() == history


def test_a_load_puts_back_a_removed_item_only_while_the_scheme_is_not_in_use(seeded):
    scheme = seeded["national-onsite"]
    SchemeItem.objects.get(element__scheme=scheme, element__number=12, number=4).delete()
    assert sum(schemes_load().values()) == 1  # not in use yet: the seeded item comes back
    SchemeItem.objects.get(element__scheme=scheme, element__number=12, number=4).delete()
    EvaluationFactory(
        round__scheme=scheme,
        status="final",
        total=Decimal(100),
        result="pass",
        finalised_at=timezone.now(),
    )

    created = schemes_load()

    assert not created
    assert SchemeItem.objects.filter(element__scheme=scheme).count() == 49


def test_the_reference_data_load_seeds_the_schemes(db):
    created = reference_data_load()

    assert created["evaluation schemes"] == 2
    assert created["scheme items"] == 95
    assert (
        EvaluationScheme.objects.filter(code__in=["national-onsite", "beijing-municipal"]).count()
        == 2
    )


# --- Import and export ---


def xlsx_file(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_rows(rows: list[list], headers: list[str] = HEADERS, **kwargs):
    dataset = XLSX().create_dataset(xlsx_file(rows, headers))
    return SchemeItemResource(**kwargs).import_data(dataset)


def errors_of(result) -> list[tuple[int, dict]]:
    return [(row.number, row.field_specific_errors) for row in result.invalid_rows]


def national_item(element: int, number: int) -> SchemeItem:
    return SchemeItem.objects.get(
        element__scheme__code="national-onsite", element__number=element, number=number
    )


OFFICIAL_3_2 = [
    "national-onsite",
    3,
    "事故与伤害风险辨识及其评价",
    2,
    "开展隐患排查治理并建立台账。",
    0.8,
    1,
    1.2,
    "否",
]


def test_an_import_replaces_a_sample_items_wording_and_clears_its_sample_flag(seeded):
    result = import_rows([OFFICIAL_3_2])

    assert not result.has_errors() and not result.has_validation_errors()
    item = national_item(3, 2)
    assert (item.text, item.is_sample) == ("开展隐患排查治理并建立台账。", False)
    assert result.totals["update"] == 1
    assert SchemeItem.objects.count() == 95


def test_a_file_without_the_sample_column_holds_the_offices_own_wording(seeded):
    result = import_rows([OFFICIAL_3_2[:-1]], headers=HEADERS[:-1])

    assert not result.has_validation_errors()
    assert not national_item(3, 2).is_sample


def test_importing_the_same_file_again_changes_nothing(seeded):
    import_rows([OFFICIAL_3_2])
    history = SchemeItem.history.count()

    result = import_rows([OFFICIAL_3_2])

    assert result.totals["skip"] == 1
    assert result.totals["new"] == result.totals["update"] == 0
    assert SchemeItem.history.count() == history
    assert SchemeItem.objects.count() == 95


def test_an_unknown_scheme_code_is_an_error_on_its_column_and_nothing_is_written(seeded):
    before = national_item(3, 2).text
    rows = [OFFICIAL_3_2, ["provincial", 1, "新要素", 1, "某条目", 0.8, 1, 1.2, "否"]]

    result = import_rows(rows)

    assert errors_of(result) == [(2, {"Scheme code": [NO_SCHEME % {"value": "provincial"}]})]
    assert national_item(3, 2).text == before
    assert not SchemeElement.objects.filter(name="新要素").exists()


def test_an_import_creates_a_missing_element_under_the_scheme(seeded):
    scheme = seeded["national-onsite"]
    rows = [
        ["national-onsite", 13, "安全文化建设", 1, "开展安全文化建设活动。", 0.8, 1, 1.2, "否"],
        ["national-onsite", 13, "安全文化建设", 2, "评选安全文化示范点。", 0.8, 1, 1.2, "否"],
    ]

    result = import_rows(rows)

    assert not result.has_validation_errors()
    element = scheme.elements.get(number=13)
    assert element.name == "安全文化建设"
    assert list(element.items.values_list("number", flat=True)) == [1, 2]
    assert import_rows(rows).totals["skip"] == 2
    assert scheme.elements.count() == 13


def test_an_import_renames_an_element_the_file_names_differently(seeded):
    renamed = [*OFFICIAL_3_2[:2], "社区安全诊断", *OFFICIAL_3_2[3:]]

    result = import_rows([renamed])

    assert not result.has_validation_errors() and result.totals["update"] == 1
    element = seeded["national-onsite"].elements.get(number=3)
    assert element.name == "社区安全诊断"


def test_a_bad_element_number_is_an_error_on_its_column(seeded):
    rows = [["national-onsite", "三", "事故与伤害风险辨识及其评价", 2, "条目", 0.8, 1, 1.2, "否"]]

    result = import_rows(rows)

    [(number, errors)] = errors_of(result)
    assert number == 1 and list(errors) == ["Element number"]


def test_a_scheme_loses_its_sample_mark_once_no_item_is_a_sample(db):
    scheme = EvaluationScheme.objects.create(
        code="small", name="小型评定表", max_score=3, pass_mark=2, is_sample=True
    )
    element = SchemeElement.objects.create(scheme=scheme, number=1, name="要素")
    SchemeItem.objects.create(element=element, number=1, text="示例条目", is_sample=True)

    import_rows([["small", 1, "要素", 1, "正式条目", 0.8, 1, 1.2, "否"]])

    scheme.refresh_from_db()
    assert not scheme.is_sample


def test_only_an_administrator_may_import_scheme_items(seeded, district_user):
    result = import_rows([OFFICIAL_3_2], user=district_user)

    [row] = result.invalid_rows
    assert row.field_specific_errors == {}
    assert row.non_field_specific_errors == [str(MAY_NOT_ADD)]
    assert national_item(3, 2).is_sample


def test_an_import_by_an_administrator_is_recorded_in_the_history(seeded, admin_user):
    import_rows([OFFICIAL_3_2], user=admin_user)

    assert national_item(3, 2).history.latest().history_user == admin_user


def test_the_export_writes_one_row_per_item_that_imports_back_unchanged(seeded):
    scheme_items = SchemeItem.objects.filter(element__scheme__code="beijing-municipal")

    dataset = SchemeItemResource().export(queryset=scheme_items)

    assert dataset.headers == HEADERS
    assert len(dataset) == 45
    assert dataset[0][:4] == ("beijing-municipal", "1", "安全社区创建机构与职责", "1")
    assert dataset[0][4].startswith("示例条目：")
    book = SpreadsheetXLSX().export_data(dataset)
    result = SchemeItemResource().import_data(SpreadsheetXLSX().create_dataset(book))
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 45
