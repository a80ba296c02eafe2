"""The district's targets as data, from its plan (shared/domain/program.md)."""

from datetime import date

# (code, name, measure, level, threshold, deadline)
TARGETS = [
    (
        "pilots-beijing-title",
        "首批6家试点单位获得北京市安全社区称号",
        "pilots_titled",
        "municipal",
        100,
        date(2025, 12, 31),
    ),
    (
        "half-beijing-title",
        "至少50%的创建单位获得北京市安全社区称号",
        "units_share",
        "municipal",
        50,
        date(2026, 12, 31),
    ),
    (
        "two-national-titles",
        "至少2家单位获得全国或以上安全社区称号",
        "units_count",
        "national",
        2,
        date(2027, 12, 31),
    ),
]
