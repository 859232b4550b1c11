"""A unit HR's walk: see their officers, have a broken roster refused, import a good one,
hand out the initial passwords — and the new officer logs in with one on a phone."""

import re

import openpyxl
from playwright.sync_api import expect

from people.models import Officer
from tests.browser.login import log_in
from tests.factories import PASSWORD, OfficerFactory, make_hr
from tests.people.roster_files import xlsx

EAST_UNITS = [["D0102", "东区二中队", "D01", "中队", 2]]
EAST_OFFICERS = [
    ["70001", "欧阳明", "D0102", "中队长", "13800138000", "A01", "2024-01-05", "2030-01-04"]
    + ["新闻出版、版权", "在岗"],
    ["70002", "李娜", "D0101", "执法队员", "", "", "", "", "网吧与网络", ""],
]


def test_unit_hr_imports_a_roster_and_hands_out_initial_passwords(
    transactional_db, city, desktop, phone, screenshot, tmp_path
):
    OfficerFactory(unit=city["east_squad"], name="东区老队员", employee_number="60001")
    OfficerFactory(unit=city["west"], name="西区队员", employee_number="60002")
    make_hr(city["east"], username="HR-EAST")

    log_in(desktop, "HR-EAST", PASSWORD)
    desktop.get_by_role("link", name="人员管理").first.click()
    table = desktop.get_by_test_id("officer-table")
    expect(table).to_contain_text("东区老队员")
    expect(table).not_to_contain_text("西区队员")
    screenshot(desktop, "officer-list")

    desktop.get_by_role("link", name="导入名册").click()
    broken = xlsx([EAST_OFFICERS[0], EAST_OFFICERS[0]], EAST_UNITS)  # 工号 twice
    desktop.get_by_label(re.compile("名册文件")).set_input_files(
        {"name": "名册.xlsx", "mimeType": "application/octet-stream", "buffer": broken}
    )
    desktop.get_by_role("button", name="上传").click()
    problems = desktop.get_by_test_id("roster-problems")
    expect(problems).to_contain_text("没有做任何修改")
    expect(problems).to_contain_text("70001")
    screenshot(desktop, "refused")
    assert not Officer.objects.filter(employee_number="70001").exists()

    desktop.get_by_label(re.compile("名册文件")).set_input_files(
        {
            "name": "名册.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": xlsx(EAST_OFFICERS, EAST_UNITS),
        }
    )
    desktop.get_by_role("button", name="上传").click()
    expect(desktop.get_by_test_id("officers-created")).to_have_text("2")
    expect(desktop.get_by_test_id("units-created")).to_have_text("1")
    screenshot(desktop, "imported")

    with desktop.expect_download() as download_info:
        desktop.get_by_role("button", name="下载初始密码单").click()
    path = tmp_path / "credentials.xlsx"
    download_info.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    password = next(row for row in rows if row and row[0] == "70001")[3]
    expect(desktop.get_by_test_id("credentials")).to_have_count(0)

    log_in(phone, "70001", password)
    expect(phone.get_by_test_id("forced-change")).to_be_visible()
    screenshot(phone, "new-officer-first-login")
