"""A new officer's walk through a course on a phone: enrol, read, take notes, finish, 结业."""

import re

from playwright.sync_api import expect

from people.models import Domain
from tests.browser.conftest import SCREENSHOTS
from tests.browser.login import log_in
from tests.courses.course_factory import build_course, import_tiny_regulation
from tests.factories import OfficerFactory

NOTE = "检查前先亮证，\n现场制作笔录。"  # 14 characters without the line break


def fits_the_phone(page):
    # Nothing may be wider than the 390-px viewport: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def viewport_shot(page, step):
    """What the phone shows without scrolling: where the sticky lesson bar really sits."""
    page.screenshot(path=str(SCREENSHOTS / f"test_course_walk-{step}-viewport.png"))


def test_new_officer_walks_through_a_course_on_a_phone(transactional_db, city, phone, screenshot):
    old = import_tiny_regulation()
    import_tiny_regulation(amended=True)  # the lessons cite 2020 numbers; pages show 2024's
    build_course(
        title="文化市场管理条例精讲",
        cited=[old["第二条"], old["第三条"]],
        credit_hours=4,
        domains=Domain.objects.filter(code__in=["internet", "performance"]),
        audience="全市文化市场综合执法人员",
    )
    officer = OfficerFactory(unit=city["east_squad"], name="新学员")

    errors = []
    phone.on("pageerror", lambda error: errors.append(error))
    phone.clock.install()  # lets the test fire the 30-second heartbeat timer at once
    log_in(phone, officer.employee_number)
    expect(phone.get_by_test_id("officer-name")).to_have_text("新学员")
    expect(phone.get_by_test_id("dashboard-courses")).to_contain_text("暂无课程")
    fits_the_phone(phone)
    screenshot(phone, "dashboard-empty")

    phone.get_by_role("link", name="去课程中心选课").click()
    expect(phone.get_by_role("heading", name="课程中心")).to_be_visible()
    expect(phone.get_by_test_id("course-card")).to_contain_text("4 学时 · 3 课")
    fits_the_phone(phone)
    screenshot(phone, "course-index")

    phone.get_by_test_id("course-card").click()
    expect(phone.get_by_test_id("course-title")).to_contain_text("文化市场管理条例精讲")
    fits_the_phone(phone)
    screenshot(phone, "course")
    phone.get_by_role("button", name="报名学习").click()

    # Lesson 1: the cited articles as in force, with their old numbers noted.
    expect(phone.get_by_test_id("lesson-title")).to_have_text("第1讲 课时1")
    body = phone.get_by_test_id("lesson-body")
    expect(body).to_contain_text("第三条（原第二条）")
    expect(body).to_contain_text("（二）接纳未成年人进入互联网上网服务营业场所；")
    expect(phone.get_by_test_id("key-points")).to_be_visible()
    expect(phone.get_by_test_id("case-study")).to_contain_text("分析与处理")
    # The officer's own progress, note and done button arrive once the page has loaded.
    expect(phone.get_by_test_id("lesson-bar")).to_contain_text("0/3 课时")
    expect(phone.get_by_test_id("note-panel")).to_be_attached()
    expect(phone.get_by_test_id("lesson-bar")).to_be_in_viewport()  # sticks to the bottom
    fits_the_phone(phone)
    screenshot(phone, "lesson")
    viewport_shot(phone, "lesson")

    # The page's heartbeat reaches the server with its CSRF token; the server does the timing.
    with phone.expect_response(re.compile(r"/heartbeat/$")) as beat:
        phone.clock.fast_forward("00:31")
    assert beat.value.status == 204

    phone.get_by_test_id("note-panel").locator("summary").click()
    phone.get_by_role("textbox", name="学习笔记").fill(NOTE)
    phone.get_by_role("button", name="保存笔记").click()
    status = phone.get_by_test_id("note-status")
    expect(status).to_contain_text(re.compile(r"已保存 \d\d:\d\d"))
    expect(status).to_contain_text("本课 14 字")
    fits_the_phone(phone)
    screenshot(phone, "note-saved")

    bar = phone.get_by_test_id("lesson-bar")
    bar.get_by_role("button", name="标记完成").click()
    expect(bar).to_contain_text("已完成")
    expect(bar).to_contain_text("1/3 课时")
    screenshot(phone, "lesson-done")

    for number in (2, 3):
        bar.get_by_role("link", name="下一课").click()
        expect(phone.get_by_test_id("lesson-title")).to_have_text(f"第{number}讲 课时{number}")
        bar.get_by_role("button", name="标记完成").click()
        expect(bar).to_contain_text(f"{number}/3 课时")
    expect(bar.get_by_test_id("bar-completed")).to_have_text("已结业")
    screenshot(phone, "last-lesson-done")
    viewport_shot(phone, "last-lesson-done")

    bar.get_by_role("link", name="返回课程").click()
    expect(phone.get_by_test_id("course-completed")).to_have_text("已结业")
    expect(phone.get_by_test_id("my-progress")).to_contain_text("结业")
    expect(phone.get_by_test_id("lesson-list").locator(".lb-tick-done")).to_have_count(3)
    fits_the_phone(phone)
    screenshot(phone, "course-completed")

    phone.goto("/my/")
    expect(phone.get_by_test_id("dashboard-courses")).to_contain_text("文化市场管理条例精讲")
    expect(phone.get_by_test_id("dashboard-courses")).to_contain_text("已结业")
    expect(phone.get_by_test_id("note-chars")).to_contain_text("14")
    fits_the_phone(phone)
    screenshot(phone, "dashboard")

    phone.get_by_test_id("dashboard-courses").get_by_role("link", name="全部").click()
    expect(phone.get_by_test_id("my-courses")).to_contain_text("3/3 课时")
    fits_the_phone(phone)
    screenshot(phone, "my-courses")
    assert errors == []
