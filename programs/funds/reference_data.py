"""The fund sources and categories every district starts with (issue 16; the seed's plans:
"a little from the government, a little from the level above, a little raised by the street,
a little from society")."""

# (code, name, English name)
FUND_SOURCES = [
    ("district_budget", "区级财政预算", "District budget"),
    ("city_transfer", "市级转移支付", "City transfer payment"),
    ("unit_own", "单位自筹", "Unit's own funds"),
    ("social", "社会支持", "Social support"),
]

FUND_CATEGORIES = [
    ("promotion", "安全促进项目", "Safety promotion projects"),
    ("publicity", "宣传培训", "Publicity and training"),
    ("facilities", "设施建设", "Facilities"),
    ("surveillance", "伤害监测", "Injury surveillance"),
    ("evaluation", "评估认证", "Evaluation and certification"),
    ("other", "其他", "Other"),
]
