"""User journeys in a real Chromium, driven by Playwright against a live server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from programs.models import User
from tests.factories import MemberFactory, UnitFactory, UserFactory, WorkGroupFactory
from workgroups.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "clerk-pass-2025"


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#login-submit").click()


def test_clerk_edits_a_member_of_a_work_group_and_cannot_open_another_unit(page: Page, live_server):
    own = UnitFactory(code="T07", name="马坡镇")
    other = UnitFactory(code="S06", name="旺泉街道")
    group = WorkGroupFactory(unit=own, name="消防安全组")
    member = MemberFactory(
        unit=own, body=Member.Body.GROUP, group=group, name="孟磊", phone="010-1234567"
    )
    UserFactory(username="clerk", role=User.Role.CLERK, unit=own, password=PASSWORD)

    log_in(page, live_server, "clerk")

    # The clerk lands on the unit's own page, in Chinese.
    expect(page).to_have_url(re.compile(r"/units/T07/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("马坡镇")
    card = page.locator(f"#group-{group.pk}")
    expect(card).to_contain_text("孟磊")

    card.get_by_role("link", name="编辑 孟磊").click()
    phone = page.get_by_label("电话")
    expect(phone).to_have_value("010-1234567")
    phone.fill("010-69441234")
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(rf"/units/T07/#member-{member.pk}$"))
    expect(page.get_by_role("alert")).to_contain_text("孟磊")
    expect(page.locator(f"#member-{member.pk}")).to_contain_text("010-69441234")
    member.refresh_from_db()
    assert member.phone == "010-69441234"

    # Another unit's page is outside the clerk's scope: 404, whatever the route.
    response = page.goto(f"{live_server.url}{other.get_absolute_url()}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("页面不存在")


def test_wrong_input_in_a_member_form_is_shown_at_the_field_and_saves_nothing(
    page: Page, live_server
):
    own = UnitFactory(code="T07", name="马坡镇")
    group = WorkGroupFactory(unit=own, name="交通安全组")
    MemberFactory(unit=own, body=Member.Body.GROUP, group=group, name="郝洋")
    UserFactory(username="clerk", role=User.Role.CLERK, unit=own, password=PASSWORD)

    log_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/units/T07/members/add/?group={group.pk}")
    page.get_by_label("姓名").fill("郝洋")
    page.get_by_role("button", name="保存").click()

    field = page.locator("#field-name")
    expect(field.locator(".invalid-feedback")).to_contain_text("已是该工作组成员")
    assert Member.objects.filter(group=group, name="郝洋").count() == 1
