"""A demo officer's first visit on a phone: log in, replace the initial password, see 我的学习."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from people.demo import DEMO_PASSWORD
from people.models import Officer


def test_demo_officer_logs_in_changes_initial_password_and_sees_dashboard(
    transactional_db, phone, screenshot
):
    call_command("load_demo", verbosity=0)
    officer = Officer.objects.filter(user__must_change_password=True).order_by("pk").first()

    phone.goto("/")
    expect(phone.get_by_role("heading", name="通知公告")).to_be_visible()
    screenshot(phone, "home")
    phone.get_by_role("link", name="工号登录").click()

    phone.get_by_label(re.compile("工号")).fill(officer.employee_number)
    phone.get_by_label(re.compile("密码")).fill("not-the-password")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_text("工号或密码不正确")).to_be_visible()

    phone.get_by_label(re.compile("密码")).fill(DEMO_PASSWORD)
    screenshot(phone, "login")
    phone.get_by_role("button", name="登录").click()

    expect(phone).to_have_url(re.compile(r"/accounts/password/$"))
    expect(phone.get_by_test_id("forced-change")).to_be_visible()
    screenshot(phone, "forced-change")
    phone.get_by_label(re.compile("旧密码")).fill(DEMO_PASSWORD)
    phone.locator("#id_new_password1").fill("Xunlian-2026!")
    phone.get_by_label(re.compile("新密码确认")).fill("Xunlian-2026!")
    phone.get_by_role("button", name="保存新密码").click()

    expect(phone).to_have_url(re.compile(r"/my/$"))
    expect(phone.get_by_test_id("officer-name")).to_have_text(officer.name)
    expect(phone.get_by_test_id("officer-unit")).to_contain_text(officer.unit.name)
    expect(phone.get_by_text("密码已修改")).to_be_visible()
    screenshot(phone, "dashboard")

    # The page must fit a phone: nothing wider than the viewport.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
