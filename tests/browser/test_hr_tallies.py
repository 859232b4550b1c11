"""City HR walks the training-hour tallies on a desktop: the unit tree, a filter down to one
district, the Excel download checked with openpyxl, then the officer, domain and annual
summary pages — a screenshot of each for people to look at."""

import openpyxl
from playwright.sync_api import expect

from tests.browser.login import log_in
from tests.factories import PASSWORD
from tests.people.tally_service import YEAR, build_service


def test_city_hr_filters_the_unit_tally_and_downloads_it(
    transactional_db, city, desktop, screenshot, tmp_path
):
    build_service(city)
    log_in(desktop, "HR-CITY", PASSWORD)
    expect(desktop.get_by_test_id("current-user")).to_be_visible()

    desktop.goto(f"/tallies/?year={YEAR}")
    table = desktop.get_by_test_id("unit-table")
    expect(table).to_contain_text("西区文化执法局")
    expect(desktop.get_by_test_id("unit-chart").locator("svg")).to_have_count(2)
    screenshot(desktop, "units")

    desktop.get_by_label("单位").select_option(value=str(city["east"].pk))
    desktop.get_by_role("button", name="筛选").click()
    expect(desktop.get_by_test_id("tally-heading")).to_contain_text("东区文化执法局")
    expect(table).not_to_contain_text("西区")
    east = table.locator(f'tr[data-unit="{city["east"].pk}"]')
    expect(east).to_contain_text("65.0")
    expect(east).to_contain_text("未完成")
    screenshot(desktop, "units-east")

    with desktop.expect_download() as download_info:
        desktop.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename == f"单位学时统计-{YEAR}年-东区文化执法局.xlsx"
    path = tmp_path / "units.xlsx"
    download.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert "东区文化执法局" in rows[0][0] and rows[1][0] == "单位"
    assert [(row[0], row[1], row[2]) for row in rows[2:]] == [
        ("东区文化执法局", 3, 65),
        ("东区一中队", 2, 65),
    ]

    desktop.get_by_role("link", name="人员统计").click()
    officers = desktop.get_by_test_id("officer-tally")
    expect(officers).to_contain_text("东区甲")
    expect(officers).not_to_contain_text("西区丁")
    screenshot(desktop, "officers")
    desktop.get_by_label("只看未达标").check()
    desktop.get_by_role("button", name="筛选").click()
    expect(officers.locator("tbody tr")).to_have_count(2)
    expect(officers).not_to_contain_text("东区乙")
    screenshot(desktop, "officers-short")

    desktop.get_by_role("link", name="领域统计").click()
    expect(desktop.get_by_test_id("domain-table")).to_contain_text("网吧与网络")
    screenshot(desktop, "domains")

    desktop.get_by_role("link", name="年度总结").click()
    expect(desktop.get_by_test_id("report-sentence")).to_contain_text(
        "全年共举办培训班1期，培训执法人员2人次"
    )
    expect(desktop.get_by_test_id("month-chart").locator("svg rect")).to_have_count(12)
    screenshot(desktop, "summary")

    desktop.get_by_label("单位").select_option(value="")
    desktop.get_by_role("button", name="筛选").click()
    expect(desktop.get_by_test_id("report-sentence")).to_contain_text("举办培训班2期")
    screenshot(desktop, "summary-city")

    # Printed, the summary is the report alone: no navigation, filter or buttons.
    desktop.emulate_media(media="print")
    expect(desktop.get_by_test_id("tally-filter")).to_be_hidden()
    expect(desktop.get_by_test_id("report-sentence")).to_be_visible()
    screenshot(desktop, "summary-print")
