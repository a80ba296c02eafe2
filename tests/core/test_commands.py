"""`manage.py add_user` and `manage.py load_demo_data`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from programs.demo import DEMO_PASSWORD
from programs.models import CreatingUnit, User
from tests.factories import DepartmentFactory, DistrictFactory, UnitFactory, UserFactory
from workgroups.models import Member, WorkGroup

pytestmark = pytest.mark.django_db


def add_user(*args: str) -> str:
    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


# --- add_user ----------------------------------------------------------------------------------


def test_add_user_creates_a_clerk_of_the_named_unit(unit_a):
    add_user("li", "--role", "clerk", "--unit", "A01", "--password", "pw-123456", "--name", "李静")
    user = User.objects.get(username="li")
    assert (user.role, user.unit, user.department) == (User.Role.CLERK, unit_a, None)
    assert (user.last_name, user.first_name) == ("李", "静")


def test_add_user_keeps_the_address_and_language_for_mail(unit_a):
    add_user(
        "li", "--role", "district", "--password", "pw-123456",
        "--email", "li@example.org", "--language", "en",
    )  # fmt: skip
    user = User.objects.get(username="li")
    assert (user.email, user.language) == ("li@example.org", "en")


def test_add_user_accepts_a_unit_code_in_lower_case(unit_a):
    add_user("li", "--role", "clerk", "--unit", "a01", "--password", "pw-123456")
    assert User.objects.get(username="li").unit == unit_a


def test_add_user_creates_a_provider_of_the_named_department():
    department = DepartmentFactory(name="区卫生局")
    add_user("chen", "--role", "provider", "--department", "区卫生局", "--password", "pw-123456")
    user = User.objects.get(username="chen")
    assert (user.role, user.department, user.unit) == (User.Role.PROVIDER, department, None)


@pytest.mark.parametrize("role", [User.Role.DISTRICT, User.Role.EVALUATOR])
def test_add_user_creates_a_user_without_unit_or_department(role):
    shunyi = DistrictFactory()
    output = add_user("wang", "--role", role, "--password", "pw-123456")
    user = User.objects.get(username="wang")
    assert (user.role, user.unit, user.department, user.district) == (role, None, None, shunyi)
    assert "wang" in output


def test_add_user_puts_staff_in_the_named_district_when_there_are_several():
    DistrictFactory()
    huairou = DistrictFactory(code="110116", name="怀柔区")
    with pytest.raises(CommandError, match="--district"):
        add_user("wang", "--role", "district", "--password", "pw-123456")
    add_user("wang", "--role", "district", "--district", "110116", "--password", "pw-123456")
    assert User.objects.get(username="wang").district == huairou


def test_add_user_gives_a_clerk_the_district_of_the_unit():
    DistrictFactory()
    huairou_unit = UnitFactory(
        code="110116001", name="泉河街道", kind="street",
        program__code="huairou", program__district=DistrictFactory(code="110116", name="怀柔区"),
    )  # fmt: skip
    add_user("li", "--role", "clerk", "--unit", "110116001", "--password", "pw-123456")
    assert User.objects.get(username="li").district == huairou_unit.district


def test_add_user_creates_a_city_user_of_no_district():
    DistrictFactory()
    add_user("liu", "--role", "city", "--password", "pw-123456")
    user = User.objects.get(username="liu")
    assert (user.role, user.district, user.sees_every_district) == (User.Role.CITY, None, True)
    with pytest.raises(CommandError, match="no district"):
        add_user("liu2", "--role", "city", "--district", "110113", "--password", "pw-123456")


def test_add_user_refuses_an_unknown_district_and_creates_no_user():
    DistrictFactory()
    with pytest.raises(CommandError, match="No district with code '110199'"):
        add_user("wang", "--role", "district", "--district", "110199", "--password", "pw")
    assert not User.objects.filter(username="wang").exists()


def test_add_user_sets_the_given_password(unit_a):
    add_user("li", "--role", "clerk", "--unit", "A01", "--password", "pw-123456")
    user = User.objects.get(username="li")
    assert user.check_password("pw-123456")
    assert not user.check_password("something-else")


def test_add_user_refuses_an_unknown_unit_code_and_creates_no_user(unit_a):
    with pytest.raises(CommandError, match="No unit with code 'Z99'"):
        add_user("li", "--role", "clerk", "--unit", "Z99", "--password", "pw-123456")
    assert not User.objects.filter(username="li").exists()


def test_add_user_refuses_an_unknown_department_and_creates_no_user():
    DistrictFactory()
    with pytest.raises(CommandError, match="No department named '不存在的局'"):
        add_user("chen", "--role", "provider", "--department", "不存在的局", "--password", "pw")
    assert not User.objects.filter(username="chen").exists()


def test_add_user_refuses_a_clerk_without_a_unit_and_names_the_field():
    DistrictFactory()
    with pytest.raises(CommandError, match=r"^unit: "):
        add_user("li", "--role", "clerk", "--password", "pw-123456")
    assert not User.objects.filter(username="li").exists()


def test_add_user_refuses_a_provider_without_a_department_and_names_the_field():
    DistrictFactory()
    with pytest.raises(CommandError, match=r"^department: "):
        add_user("chen", "--role", "provider", "--password", "pw-123456")
    assert not User.objects.filter(username="chen").exists()


def test_add_user_refuses_a_unit_for_district_staff(unit_a):
    with pytest.raises(CommandError, match=r"^unit: "):
        add_user("wang", "--role", "district", "--unit", "A01", "--password", "pw-123456")
    assert not User.objects.filter(username="wang").exists()


def test_add_user_refuses_a_taken_username_and_leaves_that_user_alone():
    existing = UserFactory(username="wang", role=User.Role.DISTRICT)
    with pytest.raises(CommandError, match="'wang' already exists"):
        add_user("wang", "--role", "evaluator", "--password", "pw-123456")
    existing.refresh_from_db()
    assert existing.role == User.Role.DISTRICT
    assert User.objects.filter(username="wang").count() == 1


# --- load_demo_data ----------------------------------------------------------------------------


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    return load_demo()


def test_demo_creates_a_user_for_every_role(demo):
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)


def test_demo_users_sign_in_with_the_printed_password(demo):
    assert DEMO_PASSWORD in demo
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD), user.username


def test_demo_admin_is_a_superuser(demo):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.is_administrator


def test_demo_clerk_belongs_to_unit_t07(demo):
    assert User.objects.get(username="clerk").unit == CreatingUnit.objects.get(code="T07")


def test_demo_gives_every_unit_fourteen_active_groups_with_members(demo):
    units = CreatingUnit.objects.all()
    assert units.count() == 38 + 16  # 顺义区's plan, 怀柔区's streets and towns
    for unit in units:
        groups = WorkGroup.objects.filter(unit=unit).active()
        assert groups.count() == 14, unit.code
        assert not groups.filter(members__isnull=True).exists(), unit.code
        assert unit.members.filter(body=Member.Body.COMMITTEE).exists(), unit.code
        assert unit.members.filter(body=Member.Body.OFFICE).exists(), unit.code


def test_demo_units_carry_their_official_division_codes(demo):
    coded = CreatingUnit.objects.exclude(division_code="")
    assert coded.filter(district__code="110113").count() == 25
    assert coded.filter(district__code="110116").count() == 16  # their code is the unit's
    assert CreatingUnit.objects.get(code="T07").division_name == "马坡地区"  # the clerk's town
    assert not coded.filter(kind="zone").exists()


def test_demo_members_pass_validation(demo):
    for member in Member.objects.filter(unit__code__in=["T07", "S06", "E13"]):
        member.full_clean()


def test_second_demo_run_adds_nothing(demo):
    before = (User.objects.count(), Member.objects.count(), WorkGroup.objects.count())
    load_demo()
    assert (User.objects.count(), Member.objects.count(), WorkGroup.objects.count()) == before
