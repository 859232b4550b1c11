"""End to end for unit HR: import a roster, then export the year's officer tally, which now
lists the imported officers (with no hours yet) and nobody outside the HR's units."""

import re

import openpyxl
from playwright.sync_api import expect

from tests.browser.login import log_in
from tests.factories import OfficerFactory, make_hr
from tests.people.roster_files import xlsx

UNITS = [["D0102", "东区二中队", "D01", "中队", 2]]
OFFICERS = [
    ["71001", "欧阳明", "D0102", "中队长", "", "", "", "", "网吧与网络", "在岗"],
    ["71002", "李娜", "D0101", "执法队员", "", "", "", "", "新闻出版、版权", ""],
]


def test_unit_hr_imports_a_roster_and_exports_the_officer_tally(
    transactional_db, city, desktop, screenshot, tmp_path
):
    OfficerFactory(unit=city["west"], name="西区队员", employee_number="72001")
    make_hr(city["east"], username="HR-EAST")

    log_in(desktop, "HR-EAST")
    desktop.get_by_role("link", name="人员管理").first.click()
    desktop.get_by_role("link", name="导入名册").click()
    desktop.get_by_label(re.compile("名册文件")).set_input_files(
        {
            "name": "东区名册.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": xlsx(OFFICERS, UNITS),
        }
    )
    desktop.get_by_role("button", name="上传").click()
    expect(desktop.get_by_test_id("officers-created")).to_have_text("2")
    screenshot(desktop, "roster-imported")

    desktop.goto("/tallies/")
    desktop.get_by_role("link", name="人员统计").click()
    officers = desktop.get_by_test_id("officer-tally")
    expect(officers).to_contain_text("欧阳明")
    expect(officers).to_contain_text("李娜")
    expect(officers).not_to_contain_text("西区队员")
    screenshot(desktop, "officer-tally")
    with desktop.expect_download() as download_info:
        desktop.get_by_test_id("export-xlsx").click()
    path = tmp_path / "officers.xlsx"
    download_info.value.save_as(path)
    cells = {
        str(value)
        for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert {"71001", "71002", "欧阳明", "李娜"} <= cells
    assert "72001" not in cells and "西区队员" not in cells
