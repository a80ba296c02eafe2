"""The injury spreadsheet import as a service (`injuries.services`): the card's code lists, files
in every format and encoding, preview and commit all or nothing, errors with row and column,
re-imports, withdrawals, refused files and who may import what."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from injuries import choices as card
from injuries.choices import CODE_LISTS
from injuries.errors import (
    NO_UNIT,
    NOT_A_CODE,
    NOT_A_DATETIME,
    NOT_YOUR_UNIT,
    BatchError,
    ImportRefused,
)
from injuries.models import ImportBatch, ImportBatchChange, InjuryRecord
from injuries.resources import InjuryRecordResource, template_workbook
from injuries.services import batch_commit, batch_preview, batch_withdraw, imports, injuries_import
from safecommunity.spreadsheets import NOT_WHOLE_NUMBER
from tests.factories import InjuryRecordFactory
from tests.injury_files import (
    HEADERS,
    card_row,
    cards,
    english_headers,
    injury_day,
    stored,
    write_csv,
    write_xlsx,
)

# The card's code lists as standards.md §4.2.2 (HospitalEnum edition) prints them; sex is
# GB/T 2261.1. Compared after NFKC, because the table writes 非故意(意外事故) with ASCII brackets.
STANDARD = {
    "sex": {1: "男", 2: "女", 9: "未说明的性别"},
    "registration": {1: "本市/县", 2: "本省外地", 3: "外省", 4: "外籍"},
    "education": {
        1: "未上学儿童", 2: "文盲、半文盲", 3: "小学", 4: "初中", 5: "高中或中专", 6: "大专",
        7: "大学及以上",
    },
    "occupation": {
        1: "学龄前儿童", 2: "在校学生", 3: "家务", 4: "待业", 5: "离退休人员", 6: "专业技术人员",
        7: "办事人员和有关人员", 8: "商业、服务业人员", 9: "农牧渔水利业生产人员",
        10: "生产运输设备操作人员及有关人员", 11: "军人", 12: "其他/不清楚",
    },
    "cause": {
        1: "机动车车祸", 2: "非机动车车祸", 3: "跌倒/坠落", 4: "钝器伤", 5: "火器伤",
        6: "刀/锐器伤", 7: "烧烫伤", 8: "窒息/悬吊", 9: "溺水", 10: "中毒", 11: "动物伤",
        12: "性侵犯", 13: "不清楚/其他",
    },
    "place": {
        1: "家中", 2: "公共居住场所", 3: "学校与公共场所", 4: "体育和运动场所", 5: "公路/街道",
        6: "贸易和服务场所", 7: "工业和建筑场所", 8: "农田/农场", 9: "其他/不清楚",
    },
    "activity": {
        1: "工作", 2: "家务", 3: "学习", 4: "体育活动", 5: "休闲活动", 6: "生命活动",
        7: "驾乘交通工具", 8: "步行", 9: "其他/不清楚",
    },
    "intent": {1: "非故意(意外事故)", 2: "自残/自杀", 3: "故意(暴力、攻击)", 4: "不清楚/其他"},
    "alcohol": {1: "饮用", 2: "未饮用", 3: "不清楚"},
    "nature": {
        1: "骨折", 2: "扭伤/拉伤", 3: "锐器伤、咬伤、开放伤", 4: "挫伤、擦伤", 5: "烧烫伤",
        6: "脑震荡、脑挫裂伤", 7: "内脏器官伤", 8: "其他/不清楚",
    },
    "body_part": {
        1: "头部", 2: "上肢", 3: "下肢", 4: "躯干", 5: "多部位", 6: "全身广泛受伤",
        7: "其他/不清楚",
    },
    "severity": {1: "轻度", 2: "中度", 3: "重度"},
    "outcome": {1: "处理后离院", 2: "留观", 3: "转院", 4: "住院", 5: "死亡", 6: "其他"},
}  # fmt: skip
CARD_LISTS = [(name, codes) for name, codes in CODE_LISTS if name != "source"]


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def zh_labels(codes) -> dict:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in codes.choices}


def header_of(name: str) -> str:
    with translation.override("zh-hans"):
        return str(InjuryRecordResource().fields[name].column_name)


def preview(path: Path, user, name: str = "cards.xlsx") -> ImportBatch:
    batch, _report = batch_preview(name=stored(path), file_name=name, user=user)
    return batch


def imported(path: Path, user, name: str = "cards.xlsx") -> ImportBatch:
    """Check and import a file; the batch, refreshed."""
    batch = preview(path, user, name)
    report = batch_commit(batch=batch, user=user)
    assert report.ok, report.problems
    batch.refresh_from_db()
    return batch


def problems_of(report) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in report.errors]


@pytest.fixture(autouse=True)
def chinese():
    """Messages in the portal's language, as the users see them."""
    with translation.override("zh-hans"):
        yield


# --- The card's code lists ------------------------------------------------------------------


def test_the_code_lists_are_the_standards_numbers_and_chinese_labels():
    lists = {name: {v: fold(label) for v, label in zh_labels(codes).items()}
             for name, codes in CARD_LISTS}  # fmt: skip

    assert lists == {name: {v: fold(label) for v, label in listed.items()}
                     for name, listed in STANDARD.items()}  # fmt: skip


@pytest.mark.parametrize(("name", "codes"), CODE_LISTS, ids=[name for name, _c in CODE_LISTS])
def test_every_code_is_imported_from_its_number_and_its_chinese_label(
    tmp_path, district_user, unit_a, name, codes
):
    header = header_of(name)
    labels = zh_labels(codes)
    rows = [card_row(number=f"N{value}", **{header: value}) for value in labels] + [
        card_row(number=f"L{value}", **{header: label}) for value, label in labels.items()
    ]

    batch = imported(write_xlsx(tmp_path / f"{name}.xlsx", rows), district_user)

    assert batch.rows_added == 2 * len(labels)
    stored = dict(InjuryRecord.objects.values_list("record_number", name))
    assert stored == {
        **{f"N{value}": value for value in labels},
        **{f"L{value}": value for value in labels},
    }


def test_a_code_given_as_the_cards_number_and_label_or_in_english_or_ascii_brackets_is_read(
    tmp_path, district_user, unit_a
):
    rows = [
        card_row(number="H1", 伤害发生原因="3.跌倒/坠落", 伤害意图="非故意(意外事故)"),
        card_row(number="H2", 伤害发生原因="10、中毒", 伤害意图="故意(暴力、攻击)"),
        card_row(
            number="H3", 伤害发生原因="Drowning", 性别="female", 伤害意图="self-harm or suicide"
        ),
    ]

    imported(write_xlsx(tmp_path / "labels.xlsx", rows), district_user)

    stored = {r.record_number: (r.cause, r.intent, r.sex) for r in InjuryRecord.objects.all()}
    assert stored == {
        "H1": (card.Cause.FALL, card.Intent.UNINTENTIONAL, card.Sex.MALE),
        "H2": (card.Cause.POISONING, card.Intent.ASSAULT, card.Sex.MALE),
        "H3": (card.Cause.DROWNING, card.Intent.SELF_HARM, card.Sex.FEMALE),
    }


def test_a_code_outside_its_list_is_an_error_naming_the_list(tmp_path, district_user, unit_a):
    path = write_xlsx(tmp_path / "bad.xlsx", [card_row(伤害发生原因=14), card_row("A01", "H2")])

    report = injuries_import(path=path, user=district_user)

    listed = " / ".join(f"{v} {label}" for v, label in zh_labels(card.Cause).items())
    assert problems_of(report) == [
        (2, "伤害发生原因", NOT_A_CODE % {"value": "14", "choices": listed})
    ]
    assert (report.rows, report.added, report.rows_in_error) == (2, 1, 1)


def test_the_templates_codes_sheet_lists_every_code_of_every_list():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    data, codes = workbook.worksheets

    assert [cell.value for cell in data[1]] == HEADERS
    listed = {(row[0], row[1], row[2]) for row in codes.iter_rows(min_row=2, values_only=True)}
    expected = {
        (header_of(name), value, label)
        for name, choices in CODE_LISTS
        for value, label in zh_labels(choices).items()
    }
    assert listed == expected
    assert codes.max_row - 1 == len(expected)


# --- Files: xlsx and CSV in three encodings -------------------------------------------------


def three_cards() -> list[dict]:
    """A woman of 75 who fell at home (labels), a boy of 3 hit by a car (numbers), a man of 45
    cut on a building site (English labels, an ICD-10 code in small letters)."""
    return [
        card_row(number="H0001", 性别="女", 年龄=75),
        card_row(
            number="H0002", 性别=1, 年龄=3, 伤害发生原因=1, 伤害发生地点=5, 伤害发生时活动=8,
            伤害性质=1, 伤害部位=3, 伤害严重程度=2, 伤害结局=4, 户籍=None, 饮酒情况=None,
            伤害临床诊断=None, 伤害经过=None, **{"ICD-10编码": "s82.2"},
        ),
        card_row(
            number="H0003", 年龄=45, 伤害发生原因="cut or pierce",
            伤害发生地点="industrial or construction site", 伤害发生时活动="work",
            伤害性质="cut, bite or open wound", 伤害部位="upper limb", 患者就诊时间=None,
        ),
    ]  # fmt: skip


def assert_three_cards_stored(unit) -> None:
    day = injury_day()
    records = {r.record_number: r for r in InjuryRecord.objects.all()}
    assert set(records) == {"H0001", "H0002", "H0003"}
    for record in records.values():
        assert (record.unit, record.source, record.reporting_org) == (
            unit,
            card.Source.HOSPITAL,
            "顺义区医院",
        )
        assert (record.injury_date, record.injury_time) == (day, datetime.time(9, 30))
        assert (record.year, record.month) == (day.year, day.month)

    woman, boy, worker = records["H0001"], records["H0002"], records["H0003"]
    assert (woman.sex, woman.age, woman.age_group, woman.age_band, woman.domain) == (
        card.Sex.FEMALE, 75, 75, card.AgeBand.ELDERLY, card.Domain.FALL,
    )  # fmt: skip
    assert (woman.visit_date, woman.visit_time) == (day, datetime.time(10, 15))
    assert (woman.registration, woman.alcohol, woman.education) == (
        card.Registration.THIS_CITY, card.Alcohol.DID_NOT_DRINK, None,
    )  # fmt: skip
    assert (woman.diagnosis, woman.icd10, woman.narrative) == (
        "左膝挫伤",
        "S80.0",
        "在家拖地时滑倒",
    )

    assert (boy.sex, boy.age, boy.age_group, boy.age_band, boy.domain) == (
        card.Sex.MALE, 3, 0, card.AgeBand.CHILDREN, card.Domain.TRAFFIC,
    )  # fmt: skip
    assert (boy.cause, boy.place, boy.activity, boy.nature, boy.body_part) == (
        card.Cause.MOTOR_VEHICLE, card.Place.ROAD, card.Activity.WALKING,
        card.Nature.FRACTURE, card.BodyPart.LOWER_LIMB,
    )  # fmt: skip
    assert (boy.severity, boy.outcome, boy.registration, boy.alcohol) == (
        card.Severity.MODERATE, card.Outcome.ADMITTED, None, None,
    )  # fmt: skip
    assert (boy.icd10, boy.diagnosis, boy.narrative) == ("S82.2", "", "")

    assert (worker.age_group, worker.age_band, worker.domain) == (
        45, card.AgeBand.WORKING_AGE, card.Domain.WORK,
    )  # fmt: skip
    assert (worker.cause, worker.place, worker.activity) == (
        card.Cause.CUT, card.Place.INDUSTRIAL, card.Activity.WORK,
    )  # fmt: skip
    assert (worker.visit_date, worker.visit_time) == (None, None)


def test_an_xlsx_file_is_imported_with_its_values_and_derived_fields(tmp_path, clerk_a, unit_a):
    batch = imported(write_xlsx(tmp_path / "cards.xlsx", three_cards()), clerk_a)

    assert_three_cards_stored(unit_a)
    assert (batch.status, batch.rows_total, batch.rows_added) == (ImportBatch.Status.IMPORTED, 3, 3)
    assert set(InjuryRecord.objects.values_list("batch", flat=True)) == {batch.pk}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_file_is_imported_whatever_its_encoding(tmp_path, clerk_a, unit_a, encoding):
    path = write_csv(tmp_path / "cards.csv", three_cards(), encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")  # really not UTF-8

    batch = imported(path, clerk_a, "cards.csv")

    assert_three_cards_stored(unit_a)
    assert batch.rows_added == 3


def test_a_file_with_the_english_field_names_as_headers_is_imported(tmp_path, clerk_a, unit_a):
    path = write_csv(tmp_path / "cards.csv", english_headers(three_cards()))

    imported(path, clerk_a, "cards.csv")

    assert_three_cards_stored(unit_a)


def test_dates_and_times_are_read_from_date_cells_and_chinese_text(tmp_path, clerk_a, unit_a):
    day = injury_day()
    rows = [
        card_row(number="H1", 伤害发生时间=datetime.datetime.combine(day, datetime.time(8, 5, 59))),
        card_row(number="H2", 伤害发生时间=day, 患者就诊时间=day),
        card_row(number="H3", 伤害发生时间=f"{day.year}年{day.month}月{day.day}日 7时45分"),
        card_row(number="H4", 伤害发生时间=f"{day:%Y/%m/%d}"),
    ]

    imported(write_xlsx(tmp_path / "dates.xlsx", rows), clerk_a)

    stored = dict(
        (number, (date, time))
        for number, date, time in InjuryRecord.objects.values_list(
            "record_number", "injury_date", "injury_time"
        )
    )
    assert stored == {
        "H1": (day, datetime.time(8, 5)),
        "H2": (day, None),
        "H3": (day, datetime.time(7, 45)),
        "H4": (day, None),
    }


def test_columns_the_import_does_not_know_are_listed_and_not_read(tmp_path, clerk_a, unit_a):
    rows = [{**card_row(), "备注": "无", "填报人": "李医生"}]

    batch = imported(write_xlsx(tmp_path / "extra.xlsx", rows), clerk_a)

    assert batch.ignored_columns == ["备注", "填报人"]
    assert InjuryRecord.objects.count() == 1


def test_a_card_number_excel_holds_as_a_number_is_read_as_its_digits(tmp_path, clerk_a, unit_a):
    path = write_xlsx(tmp_path / "numbers.xlsx", [card_row(number=20240001)])
    imported(path, clerk_a)

    again = imported(write_xlsx(tmp_path / "again.xlsx", [card_row(number=20240001.0)]), clerk_a)

    assert list(InjuryRecord.objects.values_list("record_number", flat=True)) == ["20240001"]
    assert (again.rows_added, again.rows_unchanged) == (0, 1)


def test_a_file_without_the_optional_columns_leaves_those_fields_as_they_are(
    tmp_path, clerk_a, unit_a
):
    imported(write_xlsx(tmp_path / "full.xlsx", cards(1, 职业="在校学生", 年龄=16)), clerk_a)
    optional = {"患者就诊时间", "户籍", "文化程度", "职业", "饮酒情况", "伤害临床诊断",
                "ICD-10编码", "伤害经过"}  # fmt: skip
    rows = [{h: v for h, v in card_row(年龄=17).items() if h not in optional}]

    batch = imported(write_xlsx(tmp_path / "short.xlsx", rows), clerk_a)

    record = InjuryRecord.objects.get()
    assert batch.rows_updated == 1
    assert (record.age, record.occupation, record.registration) == (
        17, card.Occupation.STUDENT, card.Registration.THIS_CITY,
    )  # fmt: skip
    assert (record.icd10, record.visit_time, record.narrative) == (
        "S80.0", datetime.time(10, 15), "在家拖地时滑倒",
    )  # fmt: skip
    assert set(ImportBatchChange.objects.get().previous) == {
        "unit_id", "injury_date", "injury_time", "sex", "age", "cause", "place", "activity",
        "intent", "nature", "body_part", "severity", "outcome",
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_free_text_is_stored_exactly_as_written(tmp_path, clerk_a, unit_a, kind):
    texts = [
        '他说"没事", 然后走了',
        "第一行\n第二行\n第三行",
        "C:\\路径\\N 与 \\. 和\t制表",
        "NULL",
        "\\N",
        "\\.",
        "开始\n\\.\n结束",
    ]
    rows = [
        card_row(number=f"T{n}", 伤害经过=text, 伤害临床诊断=text[:200], 报告单位=f"医院,{n}")
        for n, text in enumerate(texts)
    ]
    write = write_xlsx if kind == "xlsx" else write_csv

    imported(write(tmp_path / f"texts.{kind}", rows), clerk_a, f"texts.{kind}")

    stored = {r.record_number: (r.narrative, r.diagnosis, r.reporting_org)
              for r in InjuryRecord.objects.all()}  # fmt: skip
    assert stored == {f"T{n}": (text, text, f"医院,{n}") for n, text in enumerate(texts)}


# --- Preview, then all or nothing -----------------------------------------------------------


def test_a_preview_writes_no_record_and_keeps_the_file_for_the_import(
    tmp_path, clerk_a, unit_a, kept_uploads
):
    InjuryRecordFactory(unit=unit_a, reporting_org="顺义区医院", record_number="H0001", age=34)
    path = write_xlsx(tmp_path / "cards.xlsx", cards(3))
    name = stored(path)
    before = InjuryRecord.objects.count()

    batch, report = batch_preview(name=name, file_name="三月.xlsx", user=clerk_a)

    assert InjuryRecord.objects.count() == before == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.rows_total, batch.rows_added, batch.rows_updated, batch.rows_in_error) == (
        3, 2, 1, 0,
    )  # fmt: skip
    assert (batch.file_name, batch.uploaded_by, batch.imported_at) == ("三月.xlsx", clerk_a, None)
    assert batch.stored_file == name and kept_uploads() == [name]
    assert name.startswith("injury-imports/") and name.endswith(".xlsx")
    assert (batch.sha256, batch.size) == (imports.file_sha256(path), path.stat().st_size)
    assert not report.committed
    assert not ImportBatchChange.objects.exists()


def test_a_commit_imports_the_file_and_deletes_it(tmp_path, clerk_a, unit_a, kept_uploads):
    path = write_xlsx(tmp_path / "cards.xlsx", cards(4))
    batch = preview(path, clerk_a)
    assert kept_uploads() == [batch.stored_file]

    report = batch_commit(batch=batch, user=clerk_a)

    batch.refresh_from_db()
    assert report.committed
    assert (batch.status, batch.rows_added, batch.stored_file) == ("imported", 4, "")
    assert batch.imported_at is not None
    assert kept_uploads() == []
    assert InjuryRecord.objects.filter(batch=batch, unit=unit_a).count() == 4


def test_a_batch_is_imported_once_however_often_commit_is_asked(tmp_path, clerk_a, unit_a):
    batch = imported(write_xlsx(tmp_path / "cards.xlsx", cards(2)), clerk_a)

    with pytest.raises(BatchError, match=re.escape(str(imports.BATCH_NOT_WAITING))):
        batch_commit(batch=batch, user=clerk_a)

    assert InjuryRecord.objects.count() == 2


def test_one_bad_row_means_the_file_cannot_be_imported(tmp_path, clerk_a, unit_a, kept_uploads):
    rows = [*cards(3), card_row(number="H0009", 年龄="三十")]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)

    batch, report = batch_preview(name=stored(path), file_name="bad.xlsx", user=clerk_a)

    assert (report.rows, report.added, report.rows_in_error) == (4, 3, 1)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_in_error, batch.stored_file) == ("previewed", 1, "")
    assert kept_uploads() == []  # a file with errors can never be imported: not kept
    with pytest.raises(BatchError, match=re.escape(str(imports.BATCH_HAS_ERRORS))):
        batch_commit(batch=batch, user=clerk_a)
    assert InjuryRecord.objects.count() == 0


def test_a_file_of_many_chunks_is_imported_whole(tmp_path, clerk_a, unit_a, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 3)
    InjuryRecordFactory(unit=unit_a, reporting_org="顺义区医院", record_number="H0010", age=20)

    batch = imported(write_xlsx(tmp_path / "long.xlsx", cards(10)), clerk_a)

    assert (batch.rows_total, batch.rows_added, batch.rows_updated) == (10, 9, 1)
    assert InjuryRecord.objects.filter(batch=batch, age=34).count() == 10


def test_a_bad_row_in_a_later_chunk_undoes_the_chunks_already_written(
    tmp_path, clerk_a, unit_a, monkeypatch
):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    rows = [*cards(5), card_row(number="H0009", 伤害发生原因="摔倒了")]
    batch = ImportBatch.objects.create(file_name="x.xlsx", sha256="0", size=1, uploaded_by=clerk_a)

    report = injuries_import(
        path=write_xlsx(tmp_path / "late.xlsx", rows), user=clerk_a, batch=batch, commit=True
    )

    assert (report.ok, report.committed, report.rows_in_error) == (False, False, 1)
    assert InjuryRecord.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_a_commit_that_finds_an_error_the_preview_did_not_writes_nothing(
    tmp_path, clerk_a, unit_a, unit_b, kept_uploads
):
    path = write_xlsx(tmp_path / "cards.xlsx", cards(3))
    batch = preview(path, clerk_a)
    # Meanwhile unit B's clerk enters card H0002 of the same hospital for unit B.
    InjuryRecordFactory(unit=unit_b, reporting_org="顺义区医院", record_number="H0002", age=50)

    report = batch_commit(batch=batch, user=clerk_a)

    assert not report.ok
    assert problems_of(report) == [(3, "卡片编号", str(imports.OTHER_UNITS_CARD))]
    assert InjuryRecord.objects.count() == 1
    assert InjuryRecord.objects.get().age == 50
    batch.refresh_from_db()
    assert (batch.status, batch.rows_in_error, batch.imported_at) == ("previewed", 1, None)
    assert batch.problems[0]["row"] == 3
    assert (batch.stored_file, kept_uploads()) == ("", [])  # it can never be imported now


# --- Errors: row, column as the file names it, message --------------------------------------


def test_errors_name_the_spreadsheet_row_the_files_column_and_say_what_is_wrong(
    tmp_path, clerk_a, unit_a
):
    future = datetime.date.today() + datetime.timedelta(days=400)
    rows = [
        card_row(number="H1"),
        card_row(number="H2", 年龄="abc"),
        card_row(number="H3", 性别=None, 年龄=130),
        card_row(number="H4", **{"ICD-10编码": "跌倒"}),
        card_row(number="H5", 伤害发生时间=f"{future:%Y-%m-%d} 08:00"),
        card_row(number="H6", 伤害发生时间="昨天"),
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)

    report = injuries_import(path=path, user=clerk_a)

    assert sorted(problems_of(report)) == sorted([
        (3, "年龄", NOT_WHOLE_NUMBER % {"value": "abc"}),
        (4, "性别", str(imports.REQUIRED_VALUE)),
        (4, "年龄", imports.AGE_OUT_OF_RANGE % {"limit": 120}),
        (5, "ICD-10编码", imports.BAD_ICD10 % {"value": "跌倒"}),
        (6, "伤害发生时间", str(imports.IN_THE_FUTURE)),
        (7, "伤害发生时间", NOT_A_DATETIME % {"value": "昨天"}),
    ])  # fmt: skip
    assert (report.rows, report.added, report.rows_in_error) == (6, 1, 5)
    assert NOT_WHOLE_NUMBER % {"value": "abc"} == "“abc”不是整数。"  # the user's language


def test_an_error_names_the_column_as_an_english_file_heads_it(tmp_path, clerk_a, unit_a):
    rows = english_headers([card_row(number="H1", 年龄="abc", 伤害发生原因=99)])
    path = write_csv(tmp_path / "bad.csv", rows)

    report = injuries_import(path=path, user=clerk_a)

    assert sorted((row, column) for row, column, _m in problems_of(report)) == [
        (2, "age"), (2, "cause"),
    ]  # fmt: skip


def test_empty_rows_are_skipped_but_rows_keep_their_spreadsheet_numbers(tmp_path, clerk_a, unit_a):
    path = tmp_path / "gaps.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append([card_row(number="H1")[h] for h in HEADERS])
    sheet.append([None] * len(HEADERS))
    sheet.append([card_row(number="H2", 年龄=-1)[h] for h in HEADERS])
    book.save(path)

    report = injuries_import(path=path, user=clerk_a)

    assert report.rows == 2
    assert [(row, column) for row, column, _m in problems_of(report)] == [(4, "年龄")]


def test_a_repeated_card_number_is_an_error_on_the_second_row_naming_the_first(
    tmp_path, clerk_a, unit_a
):
    rows = [card_row(number="H1"), card_row(number="H2"), card_row(number="H1", 年龄=40)]
    path = write_xlsx(tmp_path / "twice.xlsx", rows)
    batch = preview(path, clerk_a)

    assert batch.problems == [
        {
            "row": 4,
            "column": "卡片编号",
            "message": imports.REPEATED_ROW % {"row": 2},
            "error": True,
        }
    ]
    assert (batch.rows_added, batch.rows_in_error) == (2, 1)
    assert InjuryRecord.objects.count() == 0


def test_the_same_card_number_of_another_hospital_is_another_card(tmp_path, clerk_a, unit_a):
    rows = [card_row(number="H1"), card_row(number="H1", 报告单位="顺义区妇幼保健院")]

    batch = imported(write_xlsx(tmp_path / "two.xlsx", rows), clerk_a)

    assert batch.rows_added == 2
    assert InjuryRecord.objects.filter(record_number="H1").count() == 2


def test_warnings_are_counted_and_do_not_stop_the_import(tmp_path, clerk_a, unit_a):
    # A traffic crash at home: the card's checks warn, the row is imported.
    rows = [card_row(number="H1", 伤害发生原因="机动车车祸"), card_row(number="H2")]

    batch = imported(write_xlsx(tmp_path / "warn.xlsx", rows), clerk_a)

    assert (batch.rows_added, batch.rows_warned, batch.rows_in_error) == (2, 1, 0)
    assert {p["row"] for p in batch.problems} == {2}
    assert not any(p["error"] for p in batch.problems)


# --- Re-imports, updates and withdrawals ----------------------------------------------------


def test_importing_the_same_file_again_adds_and_changes_nothing(tmp_path, clerk_a, unit_a):
    path = write_xlsx(tmp_path / "cards.xlsx", cards(5))
    first = imported(path, clerk_a)
    before = list(InjuryRecord.objects.order_by("pk").values_list("pk", "updated_at", "batch"))

    second = imported(write_xlsx(tmp_path / "again.xlsx", cards(5)), clerk_a)

    assert (first.rows_added, second.rows_added) == (5, 0)
    assert (second.rows_unchanged, second.rows_updated) == (5, 0)
    assert InjuryRecord.objects.count() == 5
    after = list(InjuryRecord.objects.order_by("pk").values_list("pk", "updated_at", "batch"))
    assert after == before
    assert not ImportBatchChange.objects.exists()


def test_a_changed_row_updates_its_record_and_withdrawing_restores_it(
    tmp_path, clerk_a, district_user, unit_a
):
    first = imported(write_xlsx(tmp_path / "v1.xlsx", cards(3)), clerk_a)
    rows = cards(3)
    rows[1].update({"年龄": 70, "伤害严重程度": "重度", "ICD-10编码": None})
    second = imported(write_xlsx(tmp_path / "v2.xlsx", rows), clerk_a)

    assert (second.rows_added, second.rows_updated, second.rows_unchanged) == (0, 1, 2)
    changed = InjuryRecord.objects.get(record_number="H0002")
    assert (changed.age, changed.age_group, changed.age_band) == (70, 70, card.AgeBand.ELDERLY)
    assert (changed.severity, changed.icd10, changed.batch) == (card.Severity.SEVERE, "", second)
    change = ImportBatchChange.objects.get()
    assert (change.batch, change.record, change.previous_batch) == (second, changed, first)

    deleted = batch_withdraw(batch=second, by=district_user)

    assert deleted == 0
    changed.refresh_from_db()
    assert (changed.age, changed.age_group, changed.age_band) == (34, 30, card.AgeBand.WORKING_AGE)
    assert (changed.severity, changed.icd10, changed.batch) == (card.Severity.MILD, "S80.0", first)
    second.refresh_from_db()
    assert (second.status, second.withdrawn_by) == (ImportBatch.Status.WITHDRAWN, district_user)
    assert second.withdrawn_at is not None
    assert InjuryRecord.objects.count() == 3


def test_an_import_that_changes_a_hand_entered_record_restores_it_when_withdrawn(
    tmp_path, clerk_a, district_user, unit_a
):
    record = InjuryRecordFactory(
        unit=unit_a, reporting_org="顺义区医院", record_number="H0001", age=34,
        injury_date=injury_day(), injury_time=datetime.time(9, 30), visit_time=None,
    )  # fmt: skip
    batch = imported(write_xlsx(tmp_path / "cards.xlsx", cards(2)), clerk_a)
    record.refresh_from_db()
    assert (record.batch, record.visit_time, record.diagnosis) == (
        batch, datetime.time(10, 15), "左膝挫伤",
    )  # fmt: skip

    assert batch_withdraw(batch=batch, by=district_user) == 1

    record.refresh_from_db()
    assert (record.batch, record.visit_time, record.diagnosis) == (None, None, "")
    assert list(InjuryRecord.objects.values_list("record_number", flat=True)) == ["H0001"]


def test_withdrawing_deletes_the_records_the_batch_added_and_nothing_else(
    tmp_path, clerk_a, district_user, unit_a
):
    kept = InjuryRecordFactory(unit=unit_a, record_number="K1")
    batch = imported(write_xlsx(tmp_path / "cards.xlsx", cards(4)), clerk_a)

    assert batch_withdraw(batch=batch, by=district_user) == 4

    assert list(InjuryRecord.objects.all()) == [kept]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.WITHDRAWN
    with pytest.raises(BatchError, match=re.escape(str(imports.BATCH_NOT_IMPORTED))):
        batch_withdraw(batch=batch, by=district_user)


def test_the_first_import_cannot_be_withdrawn_while_a_later_one_changed_its_records(
    tmp_path, clerk_a, district_user, unit_a
):
    first = imported(write_xlsx(tmp_path / "v1.xlsx", cards(3)), clerk_a)
    second = imported(write_xlsx(tmp_path / "v2.xlsx", cards(3, 年龄=35)), clerk_a)

    with pytest.raises(BatchError) as refusal:
        batch_withdraw(batch=first, by=district_user)

    assert str(refusal.value) == imports.BATCH_CHANGED_LATER % {"files": str(second)}
    first.refresh_from_db()
    assert first.status == ImportBatch.Status.IMPORTED
    assert set(InjuryRecord.objects.values_list("age", "batch")) == {(35, second.pk)}

    batch_withdraw(batch=second, by=district_user)
    assert batch_withdraw(batch=first, by=district_user) == 3
    assert not InjuryRecord.objects.exists()


def test_a_previewed_batch_cannot_be_withdrawn(tmp_path, clerk_a, district_user, unit_a):
    batch = preview(write_xlsx(tmp_path / "cards.xlsx", cards(1)), clerk_a)

    with pytest.raises(BatchError, match=re.escape(str(imports.BATCH_NOT_IMPORTED))):
        batch_withdraw(batch=batch, by=district_user)


# --- Files refused whole --------------------------------------------------------------------


@pytest.mark.parametrize("identifier", ["姓名", "身份证号", "联系电话", "地址", "name", " Name "])
def test_a_file_with_a_personal_identifier_column_is_refused_and_leaves_no_trace(
    tmp_path, clerk_a, unit_a, identifier, kept_uploads
):
    rows = [{**card_row(number=f"H{n}"), identifier: "张三"} for n in range(3)]
    path = write_xlsx(tmp_path / "names.xlsx", rows)

    with pytest.raises(ImportRefused) as refusal:
        batch_preview(name=stored(path), file_name="names.xlsx", user=clerk_a)

    assert str(refusal.value) == imports.REFUSED_IDENTIFIERS % {"columns": identifier.strip()}
    assert not ImportBatch.objects.exists()
    assert not InjuryRecord.objects.exists()
    assert kept_uploads() == []


def test_a_file_larger_than_the_limit_is_refused(tmp_path, clerk_a, unit_a, settings):
    path = write_csv(tmp_path / "big.csv", cards(20))
    settings.INJURY_IMPORT_MAX_BYTES = path.stat().st_size - 1

    with pytest.raises(ImportRefused) as refusal:
        batch_preview(name=stored(path), file_name="big.csv", user=clerk_a)

    assert str(refusal.value) == imports.REFUSED_TOO_BIG % {"limit": 0}
    assert not ImportBatch.objects.exists()

    settings.INJURY_IMPORT_MAX_BYTES = path.stat().st_size
    assert injuries_import(path=path, user=clerk_a).added == 20


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_with_more_rows_than_the_limit_is_refused(tmp_path, clerk_a, unit_a, settings, kind):
    settings.INJURY_IMPORT_MAX_ROWS = 3
    write = write_xlsx if kind == "xlsx" else write_csv

    with pytest.raises(ImportRefused) as refusal:
        batch_preview(
            name=stored(write(tmp_path / f"four.{kind}", cards(4))), file_name="f", user=clerk_a
        )

    assert str(refusal.value) == imports.REFUSED_TOO_MANY_ROWS % {"limit": 3}
    assert not ImportBatch.objects.exists()
    assert injuries_import(path=write(tmp_path / f"three.{kind}", cards(3)), user=clerk_a).ok


def test_a_file_without_the_cards_columns_is_refused_naming_them(tmp_path, clerk_a, unit_a):
    rows = [{h: v for h, v in card_row().items() if h not in ("年龄", "伤害结局")}]

    with pytest.raises(ImportRefused) as refusal:
        injuries_import(path=write_xlsx(tmp_path / "short.xlsx", rows), user=clerk_a)

    assert str(refusal.value) == imports.REFUSED_MISSING_COLUMNS % {"columns": "年龄、伤害结局"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, imports.REFUSED_UNREADABLE),
        (b"PK\x03\x04 not really a workbook", imports.REFUSED_UNREADABLE),
        ("姓别,年龄\n".encode("utf-16"), imports.REFUSED_ENCODING),
        (b"\n\n", imports.REFUSED_NO_HEADER),
    ],
    ids=["broken-xls", "broken-xlsx", "utf-16", "empty"],
)
def test_a_file_that_cannot_be_read_is_refused_with_what_to_do(
    tmp_path, clerk_a, unit_a, content, message
):
    path = tmp_path / "odd.xlsx"
    path.write_bytes(content)

    with pytest.raises(ImportRefused, match=re.escape(str(message))):
        injuries_import(path=path, user=clerk_a)


# --- Who may import what --------------------------------------------------------------------


def test_a_clerk_cannot_import_rows_of_another_unit(tmp_path, clerk_a, unit_a, unit_b):
    rows = [card_row("A01", "H1"), card_row("B01", "H2"), card_row("乙街道", "H3")]
    batch = preview(write_xlsx(tmp_path / "mixed.xlsx", rows), clerk_a)

    assert [(p["row"], p["column"], p["message"]) for p in batch.problems] == [
        (3, "创建单位", NOT_YOUR_UNIT % {"value": "B01"}),
        (4, "创建单位", NOT_YOUR_UNIT % {"value": "乙街道"}),
    ]
    assert (batch.rows_added, batch.rows_in_error) == (1, 2)
    with pytest.raises(BatchError):
        batch_commit(batch=batch, user=clerk_a)
    assert not InjuryRecord.objects.exists()


def test_a_clerk_cannot_overwrite_a_card_recorded_under_another_unit(
    tmp_path, clerk_a, unit_a, unit_b
):
    other = InjuryRecordFactory(unit=unit_b, reporting_org="顺义区医院", record_number="H2", age=50)

    report = injuries_import(
        path=write_xlsx(tmp_path / "cards.xlsx", [card_row("A01", "H1"), card_row("A01", "H2")]),
        user=clerk_a,
    )

    assert problems_of(report) == [(3, "卡片编号", str(imports.OTHER_UNITS_CARD))]
    other.refresh_from_db()
    assert (other.unit, other.age, other.batch) == (unit_b, 50, None)


def test_a_provider_imports_records_of_any_unit(tmp_path, provider, unit_a, unit_b):
    InjuryRecordFactory(unit=unit_b, reporting_org="顺义区医院", record_number="H3", age=50)
    rows = [card_row("A01", "H1"), card_row("B01", "H2"), card_row("A01", "H3")]

    batch = imported(write_xlsx(tmp_path / "cards.xlsx", rows), provider)

    assert (batch.rows_added, batch.rows_updated, batch.uploaded_by) == (2, 1, provider)
    units = dict(InjuryRecord.objects.values_list("record_number", "unit__code"))
    assert units == {"H1": "A01", "H2": "B01", "H3": "A01"}


def test_district_staff_import_records_of_any_unit(tmp_path, district_user, unit_a, unit_b):
    rows = [card_row("A01", "H1"), card_row("B01", "H2")]

    batch = imported(write_xlsx(tmp_path / "cards.xlsx", rows), district_user)

    assert batch.rows_added == 2
    assert set(InjuryRecord.objects.values_list("unit", flat=True)) == {unit_a.pk, unit_b.pk}


def test_an_unknown_unit_is_an_error_naming_it(tmp_path, district_user, unit_a):
    report = injuries_import(
        path=write_xlsx(tmp_path / "cards.xlsx", [card_row("Z99", "H1")]), user=district_user
    )

    assert problems_of(report) == [(2, "创建单位", NO_UNIT % {"value": "Z99"})]
