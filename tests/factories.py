"""Small factories for test data: a unit, its groups and members, and users of every role."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from injuries import choices as card
from injuries.models import ImportBatch, InjuryRecord
from programs.core.choices import TitleLevel, UnitKind
from programs.models import (
    Certification,
    CreatingUnit,
    Department,
    District,
    Evaluation,
    EvaluationRound,
    EvaluationScheme,
    Event,
    Milestone,
    MonthlyReport,
    Phase,
    Program,
    SchemeElement,
    SchemeItem,
    Target,
    UnitMilestone,
    User,
)
from workgroups.models import (
    Activity,
    ActivityKind,
    Member,
    PromotionProject,
    SafetyArea,
    WorkGroup,
    WorkGroupTemplate,
)


class DistrictFactory(factory.django.DjangoModelFactory):
    """顺义区 unless told otherwise (`DistrictFactory(code="110116", name="怀柔区")`)."""

    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "110113"
    name = factory.LazyAttribute(lambda o: "顺义区" if o.code == "110113" else f"区{o.code}")
    population = 1_324_044


def district_of(o) -> District | None:
    """A user's district: their unit's or department's, none for the city-wide roles, else
    the default district."""
    if o.role in (User.Role.CITY, User.Role.ADMIN):
        return None
    if o.unit is not None:
        return o.unit.district
    if o.department is not None:
        return o.department.district
    return DistrictFactory()


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)

    code = "test-programme"
    name = "测试区安全社区创建工作"
    # Two years back, so "last month" is inside the programme whatever the day the tests run.
    start_date = factory.LazyFunction(
        lambda: timezone.localdate().replace(year=timezone.localdate().year - 2, month=1, day=1)
    )


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    program = factory.SubFactory(ProgramFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"阶段{n + 1}")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    phase = factory.SubFactory(PhaseFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"里程碑{n + 1}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"测试部门{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreatingUnit

    program = factory.SubFactory(ProgramFactory)
    district = factory.SelfAttribute("program.district")
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    kind = UnitKind.TOWN
    population = 30000


class WorkGroupTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkGroupTemplate

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"模板工作组{n + 1}")


class WorkGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkGroup

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"工作组{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    unit = factory.SubFactory(UnitFactory)
    body = Member.Body.COMMITTEE
    name = factory.Sequence(lambda n: f"成员{n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    """A publicity event held yesterday; pass `kind`, `date`, hazards … as the test needs."""

    class Meta:
        model = Activity

    unit = factory.SubFactory(UnitFactory)
    kind = ActivityKind.PUBLICITY
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    title = factory.Sequence(lambda n: f"安全宣传活动{n}")
    participants = 50


class PromotionProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromotionProject

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"安全促进项目{n}")
    safety_area = SafetyArea.ELDERLY
    target_groups = factory.LazyFunction(lambda: ["elderly"])
    interventions = factory.LazyFunction(lambda: ["education"])
    objective = "老年人跌倒发生率下降20%。"
    start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.DISTRICT
    unit = None
    department = None
    district = factory.LazyAttribute(district_of)
    password = factory.django.Password("test-pass-123")


class CertificationFactory(factory.django.DjangoModelFactory):
    """A Beijing title named on 1 December 2025 and valid for three years; pass `named_on=None`
    (and a status) for an application still under way."""

    class Meta:
        model = Certification

    unit = factory.SubFactory(UnitFactory)
    level = TitleLevel.MUNICIPAL
    status = Certification.Status.NAMED
    named_on = date(2025, 12, 1)
    applied_on = factory.LazyAttribute(
        lambda o: o.named_on - timedelta(days=90) if o.named_on else date(2025, 9, 1)
    )
    valid_until = factory.LazyAttribute(
        lambda o: o.named_on.replace(year=o.named_on.year + 3) if o.named_on else None
    )


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"target-{n}")
    name = factory.Sequence(lambda n: f"目标{n}")
    measure = Target.Measure.UNITS_SHARE
    level = TitleLevel.MUNICIPAL
    threshold = Decimal(50)
    deadline = date(2026, 12, 31)


class InjuryRecordFactory(factory.django.DjangoModelFactory):
    """A plausible hospital card: a man of 34 who fell at home a month ago and went home."""

    class Meta:
        model = InjuryRecord

    unit = factory.SubFactory(UnitFactory)
    source = card.Source.HOSPITAL
    reporting_org = "顺义区医院"
    record_number = factory.Sequence(lambda n: f"H{n:06d}")
    injury_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    visit_date = factory.SelfAttribute("injury_date")
    sex = card.Sex.MALE
    age = 34
    cause = card.Cause.FALL
    place = card.Place.HOME
    activity = card.Activity.HOUSEWORK
    intent = card.Intent.UNINTENTIONAL
    nature = card.Nature.CONTUSION
    body_part = card.BodyPart.LOWER_LIMB
    severity = card.Severity.MILD
    outcome = card.Outcome.DISCHARGED


class EvaluationSchemeFactory(factory.django.DjangoModelFactory):
    """The national on-site form's rules: 150 points, pass at 100 with no item at zero, rectify
    from 75. Add elements and items with the factories below."""

    class Meta:
        model = EvaluationScheme

    code = factory.Sequence(lambda n: f"scheme-{n}")
    name = factory.Sequence(lambda n: f"测试评定表{n}")
    max_score = Decimal(150)
    pass_mark = Decimal(100)
    rectify_mark = Decimal(75)
    no_zero_item = True


class SchemeElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchemeElement

    scheme = factory.SubFactory(EvaluationSchemeFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"一级指标{n + 1}")


class SchemeItemFactory(factory.django.DjangoModelFactory):
    """An item worth the default 0.8 + 1.0 + 1.2 = 3 points."""

    class Meta:
        model = SchemeItem

    element = factory.SubFactory(SchemeElementFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"二级指标要求{n + 1}")


class EvaluationRoundFactory(factory.django.DjangoModelFactory):
    """A self-assessment round open for the coming month; pass `evaluators=[…]` to name some."""

    class Meta:
        model = EvaluationRound
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    scheme = factory.SubFactory(EvaluationSchemeFactory)
    name = factory.Sequence(lambda n: f"评定轮次{n}")
    kind = EvaluationRound.Kind.SELF
    opens_on = factory.LazyFunction(timezone.localdate)
    closes_on = factory.LazyAttribute(lambda o: o.opens_on + timedelta(days=30))

    @factory.post_generation
    def evaluators(self, create, extracted, **kwargs):
        if create and extracted:
            self.evaluators.set(extracted)


class EvaluationFactory(factory.django.DjangoModelFactory):
    """A draft evaluation without score rows; `programs.evaluations.round_open` makes them."""

    class Meta:
        model = Evaluation

    round = factory.SubFactory(EvaluationRoundFactory)
    unit = factory.SubFactory(UnitFactory)

    class Params:
        final = factory.Trait(
            status=Evaluation.Status.FINAL,
            total=Decimal("120"),
            result=Evaluation.Result.PASS,
            finalised_at=factory.LazyFunction(timezone.now),
        )


class EventFactory(factory.django.DjangoModelFactory):
    """A row of the event log about `record` (a move by default), as `transition` writes it."""

    class Meta:
        model = Event

    class Params:
        record = None

    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.record))
    object_id = factory.LazyAttribute(lambda o: o.record.pk)
    unit_id = factory.LazyAttribute(
        lambda o: o.record.pk if isinstance(o.record, CreatingUnit) else o.record.unit_id
    )
    kind = Event.Kind.MOVE
    action = "start"
    at = factory.LazyFunction(timezone.now)


class MonthlyReportFactory(factory.django.DjangoModelFactory):
    """A unit's report of May 2026 in `status` (a draft by default); a report that was ever
    submitted carries its submission time, a returned one its reason."""

    class Meta:
        model = MonthlyReport

    unit = factory.SubFactory(UnitFactory)
    period = date(2026, 5, 1)
    status = MonthlyReport.Status.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.status == MonthlyReport.Status.DRAFT else timezone.now()
    )
    first_submitted_at = factory.SelfAttribute("submitted_at")
    return_reason = factory.LazyAttribute(
        lambda o: "请补充数据。" if o.status == MonthlyReport.Status.RETURNED else ""
    )


class UnitMilestoneFactory(factory.django.DjangoModelFactory):
    """A unit's row for a milestone of its programme (the signals make the row; this finds it
    and puts it in `status`); needs no evidence unless the milestone says so."""

    class Meta:
        model = UnitMilestone
        django_get_or_create = ("unit", "milestone")
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    milestone = factory.SubFactory(
        MilestoneFactory,
        phase__program=factory.SelfAttribute("...unit.program"),
        evidence_required=False,
    )

    @factory.post_generation
    def status(self, create, extracted, **kwargs):
        if create and extracted:
            reason = "请补充材料。" if extracted == UnitMilestone.Status.RETURNED else ""
            UnitMilestone.objects.filter(pk=self.pk).update(status=extracted, return_reason=reason)
            self.refresh_from_db()


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """A checked spreadsheet of injury cards waiting to be imported; `imported=True` for one
    brought in (with nothing in it to take back)."""

    class Meta:
        model = ImportBatch

    file_name = factory.Sequence(lambda n: f"cards-{n}.xlsx")
    sha256 = "0" * 64
    size = 1024
    uploaded_by = factory.SubFactory(UserFactory)

    class Params:
        imported = factory.Trait(
            status=ImportBatch.Status.IMPORTED, imported_at=factory.LazyFunction(timezone.now)
        )
