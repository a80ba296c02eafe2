"""The evaluation schemes the portal starts with: the national on-site evaluation form and a
municipal variant, each with the 12 AQ/T 9001 elements and their items.

Taken from shared/domain/standards.md: §1.2 (the 12 elements and their main requirements), §1.5
(the national form: 150 points, 50 items of 3 points, pass at 100 with no item at zero, rectify
from 75) and §2.2 (a municipal variant: 12 elements, 45 items, 100 points, pass at 90).
`programs.evaluations.services.schemes_load` writes them; the office replaces the sample wording by
importing its own form (`programs.resources.SchemeItemResource`). Requirements are data in the
forms' own Chinese words, not interface text.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from programs.core.choices import TitleLevel

SAMPLE_WORDING = "示例条目：{}（请导入本区使用的正式评定表替换）"
CENT = Decimal("0.01")
PART_SHARES = (Decimal("0.8"), Decimal("1.0"), Decimal("1.2"))  # 有无 / 痕迹 / 效果 of 3 points


def split_points(points: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """An item's points split into 有无 / 痕迹 / 效果 in the national form's 0.8 : 1.0 : 1.2,
    to the cent; the last part takes the rounding so the three add up to `points` exactly."""
    presence, evidence = (
        (points * share / 3).quantize(CENT, rounding=ROUND_HALF_UP) for share in PART_SHARES[:2]
    )
    return presence, evidence, points - presence - evidence


# Each element: (name as in §1.2, [(requirement, wording known)]). A requirement whose wording
# is known comes from §1.5 (element 1, items 1–3) or from the lettered points (a)…(d) of §1.2's
# main-requirement column (element 2); the others are samples drawn from §1.2's requirement and
# evidence columns. The official spread of the 50 items over the 12 elements is unknown: this
# one (5,4,5,4,5,4,5,4,4,3,3,4) is our own.
ELEMENTS: list[tuple[str, list[tuple[str, bool]]]] = [
    (
        "安全社区创建机构与职责",
        [
            (
                "建立跨部门的安全社区建设领导机构，涵盖主要部门、社会组织及其负责人，"
                "负责组织协调创建工作和绩效评审。",
                True,
            ),
            (
                "结合本地需要设立若干安全促进项目组，成员包括部门和单位人员、专业人员、"
                "社会组织代表、志愿者和居民。",
                True,
            ),
            ("制定领导机构和各项目组的工作制度，明确其职责。", True),
            # §1.5 cuts the fourth item off after "long-term and annual …".
            ("制定安全社区建设长期规划和年度工作计划。", False),
            ("为创建工作提供人力、资金、物资和技术保障。", False),
        ],
    ),
    (
        "信息交流和全员参与",
        [
            ("建立部门、单位和组织之间的协商机制和合作伙伴关系。", True),
            ("建立信息交流和反馈渠道，及时处理社区公众的意见和需求。", True),
            ("发展群众组织和志愿者队伍，提高社区成员的参与率。", True),
            ("参与国内外安全社区网络和交流活动。", True),
        ],
    ),
    (
        "事故与伤害风险辨识及其评价",
        [
            ("建立事故与伤害风险辨识及评价制度，开展社区诊断。", False),
            ("开展危险源辨识和隐患排查，掌握重点场所、重点人群和重点问题。", False),
            ("收集分析以往事故与伤害记录，开展伤害调查或监测。", False),
            ("开展安全知识、态度、行为（知信行）和满意度调查。", False),
            ("形成社区诊断报告，诊断结果用于确定安全目标与计划。", False),
        ],
    ),
    (
        "安全目标与计划",
        [
            ("依据社区诊断结果，为不同层次和项目制定量化的安全目标。", False),
            ("计划明确责任部门、措施、进度和资源。", False),
            ("目标和计划覆盖高危人群、高风险环境和脆弱群体。", False),
            ("定期检查目标和计划的落实情况并适时调整。", False),
        ],
    ),
    (
        "安全促进项目",
        [
            ("针对社区诊断发现的重点问题策划安全促进项目。", False),
            ("重点项目有实施方案，明确责任部门、时间进度和资源保障。", False),
            ("干预措施涵盖政策、管理、服务、宣传、环境、设施和产品等方面。", False),
            ("项目覆盖交通、消防、居家、老年人、儿童、学校等重点领域和人群。", False),
            ("评估项目效果（伤害人数、事故数、知晓率、满意度、覆盖率），制定持续改进计划。", False),
        ],
    ),
    (
        "宣传教育与培训",
        [
            ("建立安全宣传教育管理制度和工作程序。", False),
            ("具备宣传栏、宣教基地、师资等宣传教育资源。", False),
            ("针对不同目标人群制定并实施培训计划。", False),
            ("宣传教育的渠道、方式和频次适当，效果可检验。", False),
        ],
    ),
    (
        "应急预案和响应",
        [
            ("辨识可能发生的重大突发事件及其后果。", False),
            ("建立应急组织机构，制定各层级应急预案。", False),
            ("组建专兼职救援队伍，人数、分布和能力满足需要。", False),
            ("配备应急物资和装备，明确存放位置。", False),
            ("针对不同场所和人群开展应急演练和培训。", False),
        ],
    ),
    (
        "监测与监督",
        [
            ("制定监测计划，监测安全目标、项目进展和安全绩效。", False),
            ("监测记录完整、可追溯。", False),
            ("对各项目组和相关单位的工作开展监督检查。", False),
            ("监测和监督结果及时通报并用于改进。", False),
        ],
    ),
    (
        "事故与伤害记录",
        [
            ("建立事故与伤害报告和记录制度。", False),
            ("建立医院伤害监测等数据来源，定期收集数据。", False),
            ("开展事故与伤害数据统计分析。", False),
            ("记录结果用于社区诊断和项目效果评估。", False),
        ],
    ),
    (
        "安全社区创建档案",
        [
            ("建立安全社区创建档案管理制度。", False),
            ("保存创建全过程的文件和记录，编有档案目录。", False),
            ("档案分类清楚、查阅方便。", False),
        ],
    ),
    (
        "预防与纠正措施",
        [
            ("针对监测和评审中发现的问题制定预防与纠正措施。", False),
            ("措施落实到责任部门并按期完成。", False),
            ("记录措施实施情况并验证效果。", False),
        ],
    ),
    (
        "评审与持续改进",
        [
            ("定期开展安全绩效评审。", False),
            ("评审形成报告，涵盖目标、项目和绩效。", False),
            ("根据评审结果制定持续改进计划。", False),
            ("持续改进计划得到落实，安全绩效逐步提升。", False),
        ],
    ),
]

# element number → English name (the elements of both schemes, in the standard's order)
ELEMENT_NAMES_EN = {
    1: "Organisation and responsibilities",
    2: "Communication and participation",
    3: "Identification and assessment of accident and injury risks",
    4: "Safety objectives and plans",
    5: "Safety promotion programmes",
    6: "Publicity, education and training",
    7: "Emergency plans and response",
    8: "Monitoring and supervision",
    9: "Accident and injury records",
    10: "Safe-community records",
    11: "Preventive and corrective actions",
    12: "Review and continuous improvement",
}

# Each item as written to the database: (text, is_sample, (presence, evidence, effect) points).
Item = tuple[str, bool, tuple[Decimal, Decimal, Decimal]]


def _item(requirement: str, known: bool, points: Decimal) -> Item:
    text = requirement if known else SAMPLE_WORDING.format(requirement)
    return text, not known, split_points(points)


NATIONAL_ELEMENTS: list[tuple[str, list[Item]]] = [
    (name, [_item(text, known, Decimal(3)) for text, known in items]) for name, items in ELEMENTS
]

# The municipal form's 45 items over the 12 elements, and which are worth 3 points (the first
# item of elements 1–10) rather than 2: 10 × 3 + 35 × 2 = 100. Both are our own sample
# weighting; the source (§2.2) gives only the totals. Every item's wording is a sample.
MUNICIPAL_ITEMS_PER_ELEMENT = (4, 4, 4, 4, 5, 4, 4, 3, 3, 3, 3, 4)
MUNICIPAL_THREE_POINT_ELEMENTS = range(1, 11)


def _municipal_points(element_number: int, item_index: int) -> Decimal:
    first = item_index == 0 and element_number in MUNICIPAL_THREE_POINT_ELEMENTS
    return Decimal(3) if first else Decimal(2)


MUNICIPAL_ELEMENTS: list[tuple[str, list[Item]]] = [
    (
        name,
        [
            _item(text, False, _municipal_points(number, index))
            for index, (text, _known) in enumerate(items[:count])
        ],
    )
    for number, ((name, items), count) in enumerate(
        zip(ELEMENTS, MUNICIPAL_ITEMS_PER_ELEMENT, strict=True), start=1
    )
]

SCHEMES = [
    {
        "code": "national-onsite",
        "name": "全国安全社区现场评定表",
        "version": "暂行",
        "level": TitleLevel.NATIONAL,
        "max_score": Decimal(150),
        "pass_mark": Decimal(100),
        "rectify_mark": Decimal(75),
        "no_zero_item": True,
        "is_sample": True,
        "notes": (
            "12个一级指标、50个二级指标，每项3分（有无0.8、痕迹1.0、效果1.2）。"
            "总分≥100且无0分项为通过；75–99分且无0分项可限期整改；低于75分或有0分项为不通过。"
            "已知原文的条目：要素1第1–3项、要素2第1–4项；其余为示例，各要素条目数为示例分配。"
        ),
        "elements": NATIONAL_ELEMENTS,
    },
    {
        # §2.2 names no rectify band and no zero-item rule, so the variant has neither: under
        # 90 fails. The office switches them on in the admin if its measures say otherwise.
        "code": "beijing-municipal",
        "name": "北京市市级安全社区评定表",
        "version": "示例",
        "level": TitleLevel.MUNICIPAL,
        "max_score": Decimal(100),
        "pass_mark": Decimal(90),
        "rectify_mark": None,
        "no_zero_item": False,
        "is_sample": True,
        "notes": (
            "12个一级指标、45个二级指标，满分100分，≥90分为通过（据市级安全社区评定管理办法摘要）。"
            "条目内容与分值均为示例：10项3分、35项2分。请导入本区使用的正式评定表替换。"
        ),
        "elements": MUNICIPAL_ELEMENTS,
    },
]
