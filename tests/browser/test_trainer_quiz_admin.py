"""A trainer's exam work in the Wagtail admin: draft questions from an article, grade a
written answer, then read the exam's analysis and the proctor's view."""

import re

from playwright.sync_api import expect

from courses.models import Article
from courses.services.regulation_import import import_regulation
from quizzes.models import Attempt, Question
from quizzes.services import attempts
from tests.browser.login import log_in
from tests.courses.conftest import REGULATIONS_DIR
from tests.factories import OfficerFactory, UserFactory
from tests.quizzes import bank_factory as bf

INTERNET = REGULATIONS_DIR / "internet-access-service-premises-regulations.md"


def sat_exam(quiz, officer, short_answer):
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    for item in attempt.items.all():
        kind = item.version.payload["kind"]
        response = short_answer if kind == "short" else (0 if kind == "single" else None)
        attempts.save_answer(
            attempt_id=attempt.pk,
            officer_id=officer.pk,
            position=item.position,
            response=response,
            seq=1,
        )
    return attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)


def test_trainer_drafts_grades_and_reads_the_analysis(transactional_db, city, desktop, screenshot):
    import_regulation(text=INTERNET.read_text(encoding="utf-8"), source_name=INTERNET.name)
    article = Article.objects.get(revision__regulation__title__contains="互联网上网", number=31)
    cat = bf.category("行政处罚法")
    quiz = bf.quiz(
        fixed=[bf.question("single", cat), bf.question("short", cat, points="5")],
        title="十一月执法业务测试",
        shuffle_questions=False,
    )
    officers = [OfficerFactory(unit=city[name]) for name in ("east", "east_squad", "west")]
    for officer, text in zip(officers, ("应当告知听证权利", "不清楚", "依法听证"), strict=True):
        sat_exam(quiz, officer, text)
    trainer = UserFactory(roles=["教员"], first_name="建国", last_name="张")
    trainer.must_change_password = False
    trainer.save()

    page = desktop
    log_in(page, trainer.username)

    # Drafts from 第三十一条: proposals to review, saved only as drafts.
    page.goto(f"/admin/quizzes/draft/?article={article.pk}")
    expect(page.get_by_test_id("article-text")).to_contain_text("第三十一条")
    proposals = page.get_by_test_id("proposal")
    expect(proposals.first).to_be_visible()
    count = proposals.count()
    screenshot(page, "draft-proposals")
    page.get_by_label("或新建分类").fill("互联网上网服务营业场所管理条例")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page).to_have_url(re.compile(r"/admin/snippets/quizzes/question/.*status=draft"))
    assert Question.objects.filter(status="draft", source="drafted").count() == count
    assert not Question.objects.filter(source="drafted").exclude(status="draft").exists()
    screenshot(page, "draft-list")

    # The written answers wait in the grading queue; the trainer grades them one by one.
    page.goto("/admin/quizzes/grading/")
    expect(page.get_by_test_id("grading-queue").locator("tbody tr")).to_have_count(3)
    page.get_by_role("link", name="评分").first.click()
    expect(page.get_by_test_id("officer-answer")).to_be_visible()
    screenshot(page, "grade-item")
    for _ in range(3):
        page.get_by_label(re.compile("得分")).fill("4")
        page.get_by_role("button", name="保存评分并继续").click()
    expect(page.get_by_test_id("grading-queue")).to_contain_text("没有待评分的答题")
    assert Attempt.objects.filter(quiz=quiz, state="graded").count() == 3

    page.goto(f"/admin/quizzes/analysis/{quiz.pk}/")
    expect(page.locator("main")).to_contain_text("十一月执法业务测试")
    screenshot(page, "analysis")
    page.goto(f"/admin/quizzes/monitor/{quiz.pk}/")
    expect(page.get_by_test_id("proctor-table").locator("tbody tr")).to_have_count(3)
    screenshot(page, "proctor")
