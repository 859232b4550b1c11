"""An officer takes the city-wide exam on a phone: every answer saved as given, a reload
resumes where they were, no key in the page, submit once, result as the quiz releases it."""

import re

from playwright.sync_api import expect

from quizzes.models import Attempt
from tests.browser.login import log_in
from tests.factories import OfficerFactory
from tests.quizzes import bank_factory as bf

SECRETS = ("解析：依据第四条", "十五|15", "要点：适用条款", "较大数额罚款、没收较大数额违法所得等")


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def answer_visible_question(page):
    section = page.locator("section.lb-q:visible")
    kind = section.get_attribute("data-kind")
    if kind in ("single", "truefalse"):
        section.locator("label").first.click()
    elif kind == "multiple":
        section.locator("label").nth(0).click()
        section.locator("label").nth(1).click()
    elif kind == "fill":
        section.locator(".lb-blank").first.fill("15")
    elif kind == "short":
        section.locator(".lb-text").fill("较大数额罚款应当告知听证权利。")
    elif kind == "case":
        section.locator(".lb-part").first.locator("label").first.click()
        section.locator(".lb-part").nth(1).locator(".lb-text").fill("责令改正，给予警告。")
    expect(section.get_by_test_id("q-state")).to_contain_text("已保存")
    return kind


def test_officer_takes_an_exam_on_a_phone(transactional_db, city, phone, screenshot):
    cat = bf.category()
    questions = [
        bf.question("single", cat, explanation="解析：依据第四条，规定必须公布。"),
        bf.question("multiple", cat),
        bf.question("truefalse", cat),
        bf.question("fill", cat),
        bf.question("short", cat, points="5"),
        bf.question("case", cat),
    ]
    quiz = bf.quiz(fixed=questions, title="2026年度全市执法人员法律知识考试", time_limit_minutes=30)
    officer = OfficerFactory(unit=city["east_squad"], name="考生甲")
    errors = []
    phone.on("pageerror", lambda error: errors.append(error))

    log_in(phone, officer.employee_number)
    exams = phone.get_by_test_id("dashboard-exams")
    expect(exams).to_contain_text(quiz.title)
    exams.get_by_role("link", name=quiz.title).click()
    expect(phone.get_by_role("heading", name=quiz.title)).to_be_visible()
    fits_the_phone(phone)
    screenshot(phone, "quiz-detail")
    phone.get_by_test_id("start").click()

    expect(phone.get_by_test_id("timer")).to_have_text(re.compile(r"^(29|30):\d\d$"))
    html = phone.content()
    assert not [secret for secret in SECRETS if secret in html]
    first_kind = answer_visible_question(phone)
    fits_the_phone(phone)
    screenshot(phone, "first-question")

    # A reload (or another device) resumes with the saved answer and the running clock.
    phone.reload()
    section = phone.locator("section.lb-q:visible")
    assert section.get_attribute("data-kind") == first_kind
    expect(section.get_by_test_id("q-state")).to_have_text("已保存")
    expect(phone.get_by_test_id("answered")).to_have_text("1")

    for _ in range(5):
        phone.get_by_test_id("next").click()
        answer_visible_question(phone)
    expect(phone.get_by_test_id("answered")).to_have_text("6")
    navigator = phone.get_by_test_id("navigator")
    expect(navigator.locator(".btn-success")).to_have_count(6)
    navigator.get_by_role("button", name="第 3 题").click()
    expect(phone.locator("section.lb-q:visible")).to_have_attribute("data-position", "3")
    screenshot(phone, "navigator")

    phone.on("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("submit").click()
    expect(phone.get_by_test_id("result-summary")).to_contain_text("主观题待教员评分")
    fits_the_phone(phone)
    screenshot(phone, "result")
    attempt = Attempt.objects.get(officer=officer)
    assert attempt.state == Attempt.State.GRADING
    assert attempt.items.filter(response__isnull=False).count() == 6
    assert not errors


def test_an_answer_tapped_before_the_page_script_ran_is_saved(transactional_db, city, phone):
    """On a slow phone the question shows before take.js has loaded: a tap then fires no
    event. The script, once it runs, finds the changed input and saves it."""
    cat = bf.category()
    quiz = bf.quiz(fixed=[bf.question("truefalse", cat), bf.question("single", cat)])
    officer = OfficerFactory(unit=city["east_squad"], name="考生乙")
    held = []
    phone.route("**/quizzes/take*.js", lambda route: held.append(route))  # held back
    log_in(phone, officer.employee_number)
    phone.goto(f"/exams/{quiz.pk}/")
    phone.get_by_test_id("start").click()

    section = phone.locator("section.lb-q:visible")
    section.locator("label").first.click()
    expect(section.get_by_test_id("q-state")).to_have_text("未作答")  # nobody listening yet
    assert len(held) == 1
    held[0].continue_()

    expect(section.get_by_test_id("q-state")).to_contain_text("已保存")
    item = Attempt.objects.get(officer=officer).items.get(position=1)
    assert item.response is not None
