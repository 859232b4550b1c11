"""A trainer sets up a live final in the Wagtail admin: teams by employee number, rounds,
a question with its options; then opens the host console from the list."""

import re

from playwright.sync_api import expect

from quizzes.competitions.models import Competition
from quizzes.finals.models import Final, RoundQuestion
from tests.browser.login import log_in
from tests.factories import OfficerFactory, UserFactory


def test_trainer_sets_up_a_final_and_opens_its_console(transactional_db, city, desktop, screenshot):
    Competition.objects.create(title="全市执法知识竞赛")
    east = [OfficerFactory(unit=city["east"], employee_number=f"E10{n}") for n in range(2)]
    west = [OfficerFactory(unit=city["west"], employee_number=f"W20{n}") for n in range(2)]
    trainer = UserFactory(roles=["教员"], first_name="建国", last_name="张")
    trainer.must_change_password = False
    trainer.save()

    page = desktop
    log_in(page, trainer.username)

    page.goto("/admin/snippets/finals/final/add/")
    page.locator("#id_competition").select_option(label="全市执法知识竞赛")
    page.locator("#id_title").fill("年度知识竞赛决赛")
    page.get_by_label(re.compile(trainer.username)).check()
    while page.locator("[id^='id_teams-'][id$='-name']").count() < 2:
        page.locator("#id_teams-ADD").click()
    page.locator("#id_teams-0-name").fill("东区代表队")
    page.locator("#id_teams-0-member_numbers").fill("E100, E101")
    page.locator("#id_teams-1-name").fill("西区代表队")
    page.locator("#id_teams-1-member_numbers").fill("W200，W999")  # one unknown number
    if page.locator("[id^='id_rounds-'][id$='-kind']").count() < 1:
        page.locator("#id_rounds-ADD").click()
    page.locator("#id_rounds-0-kind").select_option("buzzer")
    page.locator("#id_rounds-0-title").fill("抢答题")
    page.get_by_role("button", name="保存").first.click()
    expect(page.get_by_text("没有这些工号：W999")).to_be_visible()
    assert not Final.objects.exists()
    screenshot(page, "unknown-employee-number")

    page.locator("#id_teams-1-member_numbers").fill("W200 W201")
    page.get_by_role("button", name="保存").first.click()
    expect(page).to_have_url(re.compile(r"/admin/snippets/finals/final/$"))
    final = Final.objects.get()
    teams = {t.name: sorted(o.pk for o in t.members.all()) for t in final.teams.all()}
    assert teams == {
        "东区代表队": sorted(o.pk for o in east),
        "西区代表队": sorted(o.pk for o in west),
    }
    assert list(final.hosts.all()) == [trainer]

    page.goto("/admin/snippets/finals/roundquestion/add/")
    page.locator("#id_round").select_option(label="年度知识竞赛决赛 · 抢答题")
    page.locator("#id_stem").fill("网吧每日营业时间限于几时至几时？")
    page.locator("#id_options_text").fill("8时至24时\n0时至24时\n")
    page.locator("#id_answer").fill("A. 8时至24时")
    page.get_by_role("button", name="保存").first.click()
    expect(page).to_have_url(re.compile(r"/admin/snippets/finals/roundquestion/"))
    assert RoundQuestion.objects.get().options == ["8时至24时", "0时至24时"]

    page.goto("/admin/snippets/finals/final/")
    screenshot(page, "final-list")
    page.get_by_role("link", name="主持控制台").click()
    expect(page.get_by_test_id("host-round")).to_have_text("尚未进入环节")
    page.get_by_test_id("start-round").click()
    expect(page.get_by_test_id("host-round")).to_have_text("抢答题")
    expect(page.get_by_test_id("show-question")).to_be_visible()
    screenshot(page, "console-ready")
