"""End to end on a phone: an officer completes a lesson, passes the course's exam (which the
course requires), and downloads the 结业证书 that completing the course issued."""

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.login import log_in
from tests.certificates.conftest import make_template
from tests.certificates.pdf_tools import embedded_fonts, pdf_text, save_png
from tests.courses.course_factory import build_course, import_tiny_regulation
from tests.factories import OfficerFactory
from tests.quizzes import bank_factory as bf

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_officer_completes_a_lesson_passes_the_exam_and_downloads_the_certificate(
    transactional_db, city, phone, screenshot
):
    make_template("course")
    articles = import_tiny_regulation()
    course, _lessons = build_course(
        title="互联网上网服务营业场所管理条例精讲",
        lessons=1,
        cited=[articles["第二条"]],
        credit_hours=2,
    )
    cat = bf.category()
    bf.quiz(
        fixed=[bf.question("single", cat), bf.question("single", cat)],
        title="条例精讲结业考试",
        course=course,
        required_for_completion=True,
        pass_percent=60,
        shuffle_questions=False,
        shuffle_options=False,
    )
    officer = OfficerFactory(unit=city["east_squad"], name="欧阳喆")
    errors = []
    phone.on("pageerror", lambda error: errors.append(error))

    log_in(phone, officer.employee_number)
    expect(phone.get_by_test_id("officer-name")).to_have_text("欧阳喆")

    # The lesson: enrol, read, mark done. The course still waits for its exam.
    phone.goto(course.url)
    phone.get_by_test_id("enroll").click()
    expect(phone.get_by_test_id("lesson-body")).to_contain_text("第二条")
    bar = phone.get_by_test_id("lesson-bar")
    bar.get_by_role("button", name="标记完成").click()
    expect(bar).to_contain_text("已完成")
    phone.goto(course.url)
    expect(phone.get_by_test_id("unmet")).to_contain_text("条例精讲结业考试")
    expect(phone.get_by_test_id("course-completed")).to_have_count(0)
    fits_the_phone(phone)
    screenshot(phone, "course-waits-for-exam")

    # The exam, from the dashboard: both answers right, submitted once.
    phone.goto("/my/")
    phone.get_by_test_id("dashboard-exams").get_by_role("link", name="条例精讲结业考试").click()
    phone.get_by_test_id("start").click()
    for number in (1, 2):
        section = phone.locator("section.lb-q:visible")
        section.locator("label", has_text="公布").click()
        expect(section.get_by_test_id("q-state")).to_contain_text("已保存")
        if number == 1:
            phone.get_by_test_id("next").click()
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("submit").click()
    expect(phone.get_by_test_id("result-summary")).to_contain_text("及格")
    fits_the_phone(phone)
    screenshot(phone, "exam-passed")

    # Passing completed the course, and completing it issued the certificate.
    phone.goto(course.url)
    expect(phone.get_by_test_id("course-completed")).to_have_text("已结业")
    phone.goto("/certificates/")
    card = phone.get_by_test_id("certificate").filter(has_text="互联网上网服务营业场所管理条例精讲")
    expect(card).to_have_count(1)
    fits_the_phone(phone)
    screenshot(phone, "my-certificates")
    with phone.expect_download() as download:
        card.get_by_test_id("download").click()
    pdf = Path(download.value.path()).read_bytes()
    text = pdf_text(pdf)
    assert "欧阳喆" in text and "互联网上网服务营业场所管理条例精讲" in text
    assert embedded_fonts(pdf) and all(font["emb"] == "yes" for font in embedded_fonts(pdf))
    save_png(pdf, ARTIFACTS / "certificates" / "e2e-course-certificate.png")
    assert errors == []
