"""An administrator sets up the year's 能力提升年 in the admin, and it drives the requirement
officers see."""

import re
from datetime import date

from playwright.sync_api import expect

from people.models import AnnualProgramme
from people.roles import Role
from tests.browser.login import log_in, log_in_to_admin
from tests.factories import OfficerFactory, UserFactory


def test_administrator_sets_the_programme_and_officers_see_its_requirement(
    transactional_db, city, desktop, phone, screenshot
):
    year = date.today().year
    UserFactory(username="ADMIN1", roles=[Role.ADMINISTRATOR])
    OfficerFactory(unit=city["east_squad"], employee_number="50002", position="中队长")

    log_in_to_admin(desktop, "ADMIN1")
    desktop.goto("/admin/annualprogramme/new/")
    desktop.get_by_label("年度").fill(str(year))
    desktop.get_by_label("名称").fill(f"{year}年文化市场综合执法能力提升年")
    desktop.get_by_label("每人应修学时").fill("40")
    desktop.get_by_role("button", name=re.compile("学时要求")).click()
    desktop.locator("[id$='requirements-0-position']").fill("中队长")
    desktop.locator("[id$='requirements-0-hours']").fill("30")
    screenshot(desktop, "programme-form")
    desktop.get_by_role("button", name="创建").click()
    # Saved: the admin leaves the form for the list, which now holds the programme.
    expect(desktop).not_to_have_url(re.compile(r"/new/$"), timeout=30_000)
    expect(desktop.get_by_text(f"{year}年文化市场综合执法能力提升年").first).to_be_visible()
    programme = AnnualProgramme.objects.get(year=year)
    assert programme.requirements.get().hours == 30

    log_in(phone, "50002")
    phone.goto("/hours/")
    expect(phone.get_by_test_id("hours-required")).to_have_text("30.0")
    screenshot(phone, "my-hours-requirement")
