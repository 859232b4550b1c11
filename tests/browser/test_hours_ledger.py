"""HR keeps the ledger: records outside training with evidence, another HR approves it,
a wrong credit is reversed — and the officer sees the result on a phone."""

from datetime import date

from playwright.sync_api import expect

from people.models import HourEntry, OfficerYearHours
from people.services.ledger import credit
from tests.browser.login import log_in
from tests.factories import OfficerFactory, make_hr
from tests.people.ledger_factory import make_programme


def test_hr_records_approves_and_reverses_hours_and_the_officer_sees_them(
    transactional_db, city, desktop, phone, screenshot
):
    year = date.today().year
    make_programme(year, required=20)
    officer = OfficerFactory(unit=city["east_squad"], name="欧阳喆", employee_number="50001")
    make_hr(city["east"], username="HR-EAST")
    make_hr(city["root"], username="HR-CITY")
    for source, hours in (("1", "6"), ("2", "4")):
        credit(
            officer_id=officer.pk,
            kind=HourEntry.Kind.ONLINE,
            hours=hours,
            on=date(year, 3, int(source)),
            source_type=HourEntry.Source.COURSE,
            source_id=source,
            title=f"行政处罚法精讲（{source}）",
        )

    log_in(desktop, "HR-EAST")
    desktop.goto(f"/hours/officers/{officer.pk}/")
    expect(desktop.get_by_test_id("hours-total")).to_have_text("10.0")
    desktop.get_by_role("link", name="录入学时").click()
    desktop.get_by_label("类别").select_option(label="外部培训")
    desktop.get_by_label("日期").fill(f"{year}-04-10")
    desktop.get_by_label("学时").fill("8")
    desktop.get_by_label("培训内容").fill("省文化和旅游厅执法骨干培训班")
    desktop.get_by_label("证明材料").set_input_files(
        {"name": "结业证书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}
    )
    screenshot(desktop, "manual-entry")
    desktop.get_by_role("button", name="提交审核").click()
    expect(desktop.get_by_text("待其他人事人员审核后计入学时")).to_be_visible()
    expect(desktop.get_by_test_id("hours-status")).to_contain_text("另有 1 条待审核")
    expect(desktop.get_by_test_id("hours-total")).to_have_text("10.0")
    desktop.get_by_role("button", name="退出").click()

    log_in(desktop, "HR-CITY")
    desktop.get_by_test_id("nav-training").click()
    desktop.get_by_role("link", name="学时审核").click()
    pending = desktop.get_by_test_id("pending-table")
    expect(pending).to_contain_text("省文化和旅游厅执法骨干培训班")
    screenshot(desktop, "pending")
    pending.get_by_role("button", name="通过").click()
    expect(desktop.get_by_text("已通过：省文化和旅游厅执法骨干培训班")).to_be_visible()
    expect(pending).to_contain_text("没有待审核的学时")

    desktop.goto(f"/hours/officers/{officer.pk}/")
    expect(desktop.get_by_test_id("hours-total")).to_have_text("18.0")
    wrong = HourEntry.objects.get(officer=officer, source_id="2")
    row = desktop.get_by_test_id(f"ledger-row-{wrong.pk}")
    row.get_by_text("冲销", exact=True).click()
    row.get_by_placeholder("冲销理由").fill("同一课程重复计入")
    row.get_by_role("button", name="确认冲销").click()
    expect(desktop.get_by_text("已冲销：行政处罚法精讲（2）")).to_be_visible()
    expect(desktop.get_by_test_id("hours-total")).to_have_text("14.0")
    screenshot(desktop, "officer-ledger")
    assert OfficerYearHours.objects.get(officer=officer, year=year).total == 14

    log_in(phone, "50001")
    phone.goto("/hours/")
    expect(phone.get_by_test_id("hours-total")).to_have_text("14.0")
    expect(phone.get_by_test_id("hours-status")).to_contain_text("还差 6.0 学时")
    entries = phone.get_by_test_id("hours-entries")
    expect(entries).to_contain_text("省文化和旅游厅执法骨干培训班")
    expect(entries).to_contain_text("冲销：行政处罚法精讲（2）")
    expect(entries).to_contain_text("同一课程重复计入")
    screenshot(phone, "my-hours")
