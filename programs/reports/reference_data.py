"""The monthly report's default indicators and validation rules, as data."""

# --- The monthly report -------------------------------------------------------------------------

# The accident categories of the monthly report: (code, Chinese name, English name). Each has
# three indicators: accidents, deaths and injuries.
ACCIDENT_CATEGORIES = [
    ("production", "生产安全事故", "production safety accidents"),
    ("traffic", "道路交通事故", "road traffic accidents"),
    ("fire", "火灾事故", "fires"),
    ("gas", "燃气事故", "gas accidents"),
    ("public-order", "治安事件", "public order incidents"),
]
# The injury records count the people a category injured and killed (not its accidents, which
# the unit enters): the records' group in the IndicatorSource names, by category. The report
# card cannot tell a gas accident, so gas stays the unit's to enter.
INJURY_RECORD_GROUPS = {
    "production": "work",
    "traffic": "traffic",
    "fire": "fire",
    "public-order": "assault",
}


def _injury_source(category: str, count: str) -> str:
    """The automatic source of a category's deaths or injured ("deaths", "injured"), if any."""
    group = INJURY_RECORD_GROUPS.get(category)
    return f"injury_{group}_{count}" if group else "none"


# (code, name, English name, unit of measure, section, automatic source)
INDICATORS = [
    ("creation-meetings", "召开创建工作会议", "Creation work meetings held", "次", "work",
     "creation_meeting_count"),
    ("committee-meetings", "召开促进委员会会议", "Committee meetings held", "次", "work",
     "committee_meeting_count"),
    ("projects-active", "在实施的安全促进项目", "Promotion projects under way", "个", "work",
     "projects_active"),
    ("volunteers", "安全志愿者", "Safety volunteers", "人", "work", "none"),
    ("publicity-events", "开展安全宣传活动", "Publicity events", "次", "activities",
     "publicity_count"),
    ("publicity-participants", "宣传活动参与人次", "Publicity participants", "人次", "activities",
     "publicity_participants"),
    ("trainings", "开展安全培训", "Trainings held", "次", "activities", "training_count"),
    ("trainees", "培训人次", "Trainees", "人次", "activities", "training_participants"),
    ("drills", "开展应急演练", "Emergency drills", "次", "activities", "drill_count"),
    ("drill-participants", "演练参与人次", "Drill participants", "人次", "activities",
     "drill_participants"),
    ("hazard-inspections", "开展隐患排查", "Hazard inspections", "次", "hazards",
     "hazard_inspection_count"),
    ("hazards-found", "排查发现隐患", "Hazards found", "项", "hazards", "hazards_found"),
    ("hazards-rectified", "完成隐患整改", "Hazards rectified", "项", "hazards",
     "hazards_rectified"),
    *(
        row
        for code, name, english in ACCIDENT_CATEGORIES
        for row in (
            (f"accidents-{code}", name, english.capitalize(), "起", "accidents", "none"),
            (f"deaths-{code}", f"{name}死亡人数", f"Deaths in {english}", "人", "accidents",
             _injury_source(code, "deaths")),
            (f"injuries-{code}", f"{name}受伤人数", f"Injuries in {english}", "人", "accidents",
             _injury_source(code, "injured")),
        )
    ),
]  # fmt: skip


def _participants_rule(events: str, people: str, zh: str, en: str) -> tuple:
    """A warning when a kind of activity was held but fewer people than events are recorded."""
    return (
        f"{people}-for-{events}",
        f"{zh}人次不少于次数",
        people,
        "gte",
        events,
        "warning",
        f"本月开展了{zh}，但参与人次少于{zh}次数：请核对人数，或在说明中写明原因。",
        f"Fewer {en} participants than {en} events this month: check the numbers or explain why.",
    )


# (code, name, left indicator, operator, right indicator code or constant, severity,
#  message in Chinese, message in English)
VALIDATION_RULES = [
    (
        "hazards-rectified-within-found",
        "整改隐患不多于发现隐患",
        "hazards-rectified",
        "lte",
        "hazards-found",
        # An error: "rectified" counts the hazards of this month's inspections that were fixed
        # (as each inspection records them), so it can never exceed those found.
        "error",
        "本月排查发现的隐患中，已整改的数量不能多于发现的数量。",
        "Of the hazards found this month, no more can be rectified than were found.",
    ),
    _participants_rule("publicity-events", "publicity-participants", "安全宣传活动", "publicity"),
    _participants_rule("trainings", "trainees", "安全培训", "training"),
    _participants_rule("drills", "drill-participants", "应急演练", "drill"),
    *(
        (
            f"deaths-{code}-explained",
            f"{name}死亡须说明",
            f"deaths-{code}",
            "eq",
            0,
            "warning",
            f"本月报告了{name}死亡：请在说明中写明事故经过和处置情况。",
            f"Deaths in {english} are reported this month: describe what happened and what "
            "was done in the comment.",
        )
        for code, name, english in ACCIDENT_CATEGORIES
    ),
]
