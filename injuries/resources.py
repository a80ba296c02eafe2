"""Injury records as spreadsheets: the columns, how each cell is read and how it is written.

`InjuryRecordResource` is the one description of an injury spreadsheet. The admin exports with
it; the import page and `manage.py import_injuries` read every cell through its fields and
widgets (`injuries.services`), in batches instead of import-export's row-by-row loop, which is
too slow for a hospital's year of cards.

Headers are the card's names (性别, 年龄, 伤害发生时间 …) or the English field names (sex, age,
injured_at …); codes are the card's numbers, its Chinese labels or the English ones.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import cached_property
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export import fields

from injuries import choices
from injuries.errors import NO_UNIT, NOT_A_CODE, NOT_A_DATETIME, NOT_YOUR_UNIT
from injuries.models import CARD_FIELDS, InjuryRecord
from programs.core.models import CreatingUnit
from safecommunity.spreadsheets import (
    ChoiceWidget,
    LookupWidget,
    PlainRenderMixin,
    SpreadsheetResource,
    StrictIntegerWidget,
    TextWidget,
    WorkbookWriter,
    _is_blank,
    _normalise,
    refuse,
)

#: Headers that would bring personal identifiers in; a file with any of them is refused whole.
IDENTIFIER_HEADERS = frozenset(
    map(
        _normalise,
        [
            "姓名", "患者姓名", "病人姓名", "名字", "身份证", "身份证号", "身份证号码", "证件号码",
            "证件号", "电话", "联系电话", "手机", "手机号", "手机号码", "联系方式", "地址",
            "联系地址", "家庭住址", "住址", "现住址", "户籍地址", "name", "patient name",
            "full name", "id number", "id card", "id card number", "identity number", "phone",
            "telephone", "phone number", "mobile", "address", "home address",
        ],
    )
)  # fmt: skip

#: Other headers seen on cards and hospital exports → the field they fill.
HEADER_ALIASES = {
    "单位": "unit",
    "创建单位代码": "unit",
    "所属单位": "unit",
    "来源": "source",
    "填报单位": "reporting_org",
    "填报机构": "reporting_org",
    "监测医院": "reporting_org",
    "编号": "record_number",
    "卡号": "record_number",
    "卡片号": "record_number",
    "发生时间": "injured_at",
    "受伤时间": "injured_at",
    "就诊时间": "visited_at",
    "是否故意": "intent",
    "意图": "intent",
    "饮酒": "alcohol",
    "临床诊断": "diagnosis",
    "icd10": "icd10",
    "icd-10": "icd10",
    "icd10编码": "icd10",
    "icd-10编码": "icd10",
    "伤害经过": "narrative",
    "简要经过": "narrative",
}

SOURCE_ALIASES = {
    "医疗机构": choices.Source.HOSPITAL,
    "哨点医院": choices.Source.HOSPITAL,
    "交警": choices.Source.TRAFFIC_POLICE,
    "公安交管": choices.Source.TRAFFIC_POLICE,
    "交通管理": choices.Source.TRAFFIC_POLICE,
    "消防": choices.Source.FIRE,
    "消防救援": choices.Source.FIRE,
    "安监": choices.Source.WORK_SAFETY,
    "应急管理": choices.Source.WORK_SAFETY,
    "应急管理局": choices.Source.WORK_SAFETY,
    "教育": choices.Source.SCHOOL,
    "学校": choices.Source.SCHOOL,
    "社区": choices.Source.COMMUNITY,
    "街道": choices.Source.COMMUNITY,
}

_DATETIME_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*(?:[:分]\s*(?:(\d{1,2})(?:\.\d+)?\s*秒?)?)?)?$"
)
_NUMBERED_LABEL_RE = re.compile(r"^(\d{1,2})\s*[.、:：\-\s]\s*(\S.*)$")


class DateTimeCellWidget(PlainRenderMixin, TextWidget):
    """A date with an optional time: a date cell, or text such as 2024-03-31 14:30,
    2024/3/31 or 2024年3月31日 14时30分. Written back as 2024-03-31 14:30."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if _is_blank(value):
            return None
        if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
            # Excel has no date-only cells: a date cell reads as midnight, which is no time.
            return value.date()
        if isinstance(value, datetime.datetime | datetime.date):
            return value
        text = str(value).strip()
        digits = text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:]
        if (
            len(text) == 16
            and text[4] == text[7] == "-"
            and text[10] == " "
            and text[13] == ":"
            and digits.isdigit()
        ):
            # 2024-03-31 14:30, as most systems write it: read without the pattern (a hundred
            # thousand rows give two each); anything else takes the pattern below.
            try:
                return datetime.datetime(
                    int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                    int(text[14:]),
                )  # fmt: skip
            except ValueError:
                pass
        match = _DATETIME_RE.match(text)
        if not match:
            raise refuse(NOT_A_DATETIME, text)
        year, month, day, hour, minute, _second = match.groups()
        try:
            day_ = datetime.date(int(year), int(month), int(day))
            if hour is None:
                return day_
            return datetime.datetime.combine(day_, datetime.time(int(hour), int(minute)))
        except ValueError:
            raise refuse(NOT_A_DATETIME, text) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("force_native_type") or value is None:
            return value
        if isinstance(value, datetime.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        return value.isoformat()


def _fold(text: Any) -> str:
    """A label compared as `_normalise` does, and with full-width punctuation and digits as
    their half-width forms: the card prints 非故意（意外事故）, many systems export
    非故意(意外事故)."""
    return unicodedata.normalize("NFKC", _normalise(text))


class CardCodeWidget(ChoiceWidget):
    """A code of the card: its number (1, "1", 1.0), its label in Chinese or English, or both
    as hospital systems export them ("3.跌倒/坠落")."""

    @cached_property
    def folded(self) -> dict[str, Any]:
        """Every accepted spelling, folded by `_fold` → the code."""
        return {_fold(text): code for text, code in self.table.items()}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if _is_blank(value):
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value == int(value):
                value = int(value)  # calamine reads every number as a float: 14.0 is 14
                if value in self.labels:
                    return value
            raise self._refusal(value)
        try:
            return self.folded[_fold(value)]
        except KeyError:
            pass
        numbered = _NUMBERED_LABEL_RE.match(_fold(value))
        if numbered:
            code, label = int(numbered.group(1)), numbered.group(2)
            if code in self.labels and self.folded.get(label) == code:
                return code
        raise self._refusal(value)

    def _refusal(self, value: Any) -> ValueError:
        listed = " / ".join(f"{code} {label}" for code, label in self.labels.items())
        return refuse(NOT_A_CODE, str(value).strip(), choices=listed)


class UnitWidget(LookupWidget):
    """The creating unit by code or name. A clerk imports into their own unit only; district
    staff and providers into any unit."""

    def __init__(self) -> None:
        super().__init__(CreatingUnit, "code", not_found=NO_UNIT)

    @cached_property
    def units(self) -> dict[str, CreatingUnit]:
        """Every unit by its code and its name; loaded once per import."""
        found = {}
        for unit in CreatingUnit.objects.only("pk", "code", "name"):
            found[_normalise(unit.code)] = unit
            found[_normalise(unit.name)] = unit
        return found

    @cached_property
    def allowed(self) -> set[int] | None:
        """The units the importing user may add records to; None means every unit."""
        user = getattr(self.resource, "user", None)
        return None if user is None else InjuryRecord.objects.unit_ids_editable_by(user)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> CreatingUnit | None:
        if _is_blank(value):
            return None
        text = str(value).strip()
        unit = self.units.get(_normalise(text))
        if unit is None:
            raise refuse(NO_UNIT, text)
        if self.allowed is not None and unit.pk not in self.allowed:
            raise refuse(NOT_YOUR_UNIT, text)
        return unit

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else value.code


def _code_field(name: str) -> fields.Field:
    """A coded column of the card; the data source also takes the departments' usual names."""
    model_field = InjuryRecord._meta.get_field(name)
    if name == "source":
        widget = ChoiceWidget(model_field.choices, aliases=SOURCE_ALIASES)
    else:
        widget = CardCodeWidget(model_field.choices)
    return fields.Field(attribute=name, column_name=model_field.verbose_name, widget=widget)


class InjuryRecordResource(SpreadsheetResource):
    """An injury record as a spreadsheet row, keyed by source, organisation and card number."""

    unit = fields.Field(
        attribute="unit",
        column_name=pgettext_lazy("injury card", "creating unit"),
        widget=UnitWidget(),
    )
    injured_at = fields.Field(
        attribute="injured_at",
        column_name=pgettext_lazy("injury card", "injury date and time"),
        widget=DateTimeCellWidget(),
    )
    visited_at = fields.Field(
        attribute="visited_at",
        column_name=pgettext_lazy("injury card", "visit date and time"),
        widget=DateTimeCellWidget(),
    )
    age = fields.Field(
        attribute="age",
        column_name=pgettext_lazy("injury card", "age"),
        widget=StrictIntegerWidget(),
    )
    source = _code_field("source")
    sex = _code_field("sex")
    registration = _code_field("registration")
    education = _code_field("education")
    occupation = _code_field("occupation")
    cause = _code_field("cause")
    place = _code_field("place")
    activity = _code_field("activity")
    intent = _code_field("intent")
    alcohol = _code_field("alcohol")
    nature = _code_field("nature")
    body_part = _code_field("body_part")
    severity = _code_field("severity")
    outcome = _code_field("outcome")

    class Meta(SpreadsheetResource.Meta):
        model = InjuryRecord
        name = _("Injury records")
        import_id_fields = ["source", "reporting_org", "record_number"]
        fields = (
            "unit",
            "source",
            "reporting_org",
            "record_number",
            "injured_at",
            "visited_at",
            *CARD_FIELDS,
        )
        export_order = fields

    def _header_aliases(self) -> dict[str, str]:
        aliases = super()._header_aliases()
        for alias, name in HEADER_ALIASES.items():
            aliases.setdefault(_normalise(alias), self.fields[name].column_name)
        return aliases

    def header_map(self, headers: list[Any]) -> dict[int, str]:
        """Column position → field name, for the headers this resource knows."""
        by_header = {field.column_name: name for name, field in self.fields.items()}
        aliases = self._header_aliases()
        found = {}
        for position, header in enumerate(headers):
            column = aliases.get(_normalise(header))
            if column is not None:
                found[position] = by_header[column]
        return found

    def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        super().before_save_instance(instance, row, **kwargs)
        if isinstance(instance.icd10, str):
            instance.icd10 = instance.icd10.upper()


def template_workbook() -> bytes:
    """The import template: the header row of every column (the card's names in the current
    language) and a second sheet listing every code with its labels."""
    resource = InjuryRecordResource()
    book = WorkbookWriter()
    headers = [str(field.column_name) for field in resource.get_export_fields()]
    book.sheet(_("Injury records"), headers, widths=[16] * len(headers))
    codes = book.sheet(
        _("Codes"), [_("Column"), _("Code"), _("Label"), "English"], widths=(20, None, 36, 36)
    )
    for name, listed in choices.CODE_LISTS:
        header = str(resource.fields[name].column_name)
        for value, label in listed.choices:
            with translation.override("en"):
                english = str(label)
            codes.row([header, value, str(label), english])
    return book.save()
