"""An officer on a phone opens a competition whose rankings are released and reads the rule
beside the individual and unit rankings; a panel judge scores an entry on a phone."""

import re

from playwright.sync_api import expect

from quizzes.competitions.models import ScoreSheet
from quizzes.competitions.services.release import release_rankings
from tests.browser.login import log_in
from tests.factories import OfficerFactory, UserFactory
from tests.quizzes.competitions.factory import entry, judged, officers, preliminary, sat


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_officer_reads_the_released_ranking_on_a_phone(
    transactional_db, city, phone, screenshot
):
    competition = preliminary(title="2026年全市文化市场执法知识竞赛", min_participation_percent=20)
    small = officers(city["detachment"], 3)
    large = officers(city["east_squad"], 12)
    for officer, score in zip(small, [84, 82, 80], strict=True):
        sat(competition, officer, score, minutes=25)
    for officer, score in zip(large[:2], [97, 96], strict=True):
        sat(competition, officer, score, minutes=40)
    me = OfficerFactory(unit=city["west"], name="王喆堃")
    sat(competition, me, 88, minutes=31)
    release_rankings(competition=competition, actor=UserFactory(roles=["教员"]))

    log_in(phone, me.employee_number)
    phone.goto("/competitions/")
    phone.get_by_role("link", name="2026年全市文化市场执法知识竞赛").click()
    expect(phone.get_by_test_id("individual-rule")).to_contain_text("用时短者在前")
    expect(phone.get_by_test_id("unit-rule")).to_contain_text("参赛率")
    expect(phone.get_by_test_id("threshold-rule")).to_contain_text("低于 20%")
    units = phone.get_by_test_id("unit-ranking")
    bureau = units.locator(f'tr[data-unit="{city["bureau"].pk}"]')
    expect(bureau).to_contain_text("82.00")
    expect(bureau).to_contain_text("100.0%")
    east = units.locator(f'tr[data-unit="{city["east"].pk}"]')
    expect(east).to_contain_text("96.50")
    expect(east).to_contain_text("不排名")  # 2 of 12 took part: 16.7% < 20%
    expect(phone.get_by_test_id("individual-ranking")).to_contain_text("王喆堃")
    expect(phone.locator("tr.table-primary")).to_contain_text("88.00")
    fits_the_phone(phone)
    screenshot(phone, "ranking")


def test_a_judge_scores_an_entry_on_a_phone(transactional_db, city, phone, screenshot):
    competition, judges = judged(judges=5)
    judge = judges[0]
    author = OfficerFactory(unit=city["east"])
    first = entry(
        competition, "关于某网吧接纳未成年人案的行政处罚决定书", unit=city["east"], authors=[author]
    )
    entry(competition, "关于某书店销售非法出版物案的行政处罚决定书", unit=city["west"])

    log_in(phone, judge.username)
    phone.goto("/competitions/")
    phone.get_by_role("link", name="评分", exact=True).click()
    expect(phone.get_by_test_id("judge-progress")).to_contain_text("已评 0 / 2 件")
    screenshot(phone, "entries")
    phone.get_by_test_id("judge-entry").first.click()
    expect(phone.get_by_test_id("entry-title")).to_contain_text("接纳未成年人")
    for number, mark in enumerate(["9", "8.5", "7", "10"], start=1):
        phone.get_by_label(re.compile(f"评分项{number}")).fill(mark)
    phone.get_by_label("评语").fill("事实清楚，说理充分。")
    fits_the_phone(phone)
    screenshot(phone, "sheet")
    phone.get_by_role("button", name="提交评分").click()
    expect(phone.get_by_role("alert")).to_contain_text("评分已保存")
    expect(phone.get_by_test_id("judge-progress")).to_contain_text("已评 1 / 2 件")
    screenshot(phone, "scored")
    sheet = ScoreSheet.objects.get()
    assert (sheet.entry_id, sheet.judge_id) == (first.pk, judge.pk)
    assert [str(m.mark) for m in sheet.marks.all()] == ["9.0", "8.5", "7.0", "10.0"]
