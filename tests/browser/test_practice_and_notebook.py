"""Practice on a phone: instant feedback per question, then the wrong-answer notebook and a
practice paper drawn from the officer's weakest articles."""

from playwright.sync_api import expect

from quizzes.services.bank import freeze
from tests.browser.login import log_in
from tests.courses.course_factory import import_tiny_regulation
from tests.factories import OfficerFactory
from tests.quizzes import bank_factory as bf


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_officer_practises_checks_answers_and_revisits_mistakes(
    transactional_db, city, phone, screenshot
):
    articles = import_tiny_regulation()
    cat = bf.category("测试市条例")
    questions = [
        bf.question("truefalse", cat, explanation="行政机关不能自行设定处罚。"),
        bf.question("single", cat, explanation="依据第四条，规定必须公布。"),
    ]
    for question, label in zip(questions, ("第二条", "第三条"), strict=True):
        question.cited_articles.add(articles[label])
        question.save()
        freeze(question)
    quiz = bf.quiz(
        fixed=questions,
        title="条例每日一练",
        mode="practice",
        time_limit_minutes=0,
        shuffle_questions=False,
        shuffle_options=False,
    )
    officer = OfficerFactory(unit=city["east"], name="练习者")
    errors = []
    phone.on("pageerror", lambda error: errors.append(error))
    log_in(phone, officer.employee_number)
    phone.goto("/exams/")
    phone.get_by_test_id("quiz-card").filter(has_text=quiz.title).click()
    phone.get_by_test_id("start").click()

    section = phone.locator("section.lb-q:visible")
    section.get_by_text("对", exact=True).click()  # wrong: the key is 错
    expect(section.get_by_test_id("q-state")).to_contain_text("已保存")
    section.get_by_test_id("check").click()
    feedback = section.get_by_test_id("feedback")
    expect(feedback.get_by_test_id("key")).to_have_text("错")
    expect(feedback).to_contain_text("行政机关不能自行设定处罚。")
    fits_the_phone(phone)
    screenshot(phone, "feedback")
    phone.get_by_test_id("next").click()
    phone.locator("section.lb-q:visible label").first.click()  # A: right
    expect(phone.locator("section.lb-q:visible").get_by_test_id("q-state")).to_contain_text(
        "已保存"
    )
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("submit").click()
    expect(phone.get_by_test_id("score")).to_contain_text("2.0")

    phone.goto("/exams/notebook/")
    expect(phone.get_by_test_id("notebook-regulation")).to_contain_text("测试市文化市场管理条例")
    article = phone.get_by_test_id("notebook-article")
    expect(article).to_have_count(1)
    expect(article).to_contain_text("第二条")
    article.locator("summary").click()
    expect(article).to_contain_text("正确答案：错")
    fits_the_phone(phone)
    screenshot(phone, "notebook")
    phone.get_by_test_id("practice-weakest").click()
    expect(phone.locator("section.lb-q:visible")).to_contain_text("行政机关可以设定行政处罚")
    screenshot(phone, "weakest-practice")
    assert not errors
