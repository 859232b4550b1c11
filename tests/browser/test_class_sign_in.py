"""An offline class from HR's desk to the training room: HR creates a class with a session
and a roster, opens the venue screen on the projector, and an officer scans it with a phone,
logs in, confirms and sees the hours — while the screen's live count goes up."""

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Attendance, TrainingClass
from courses.services import sign_in
from tests.browser.login import log_in
from tests.courses.test_class_services import class_hours, scan
from tests.factories import OfficerFactory, make_hr


def test_hr_runs_a_class_and_an_officer_signs_in_by_phone(
    transactional_db, city, desktop, phone, screenshot
):
    officer = OfficerFactory(unit=city["east_squad"], name="周签到", employee_number="80001")
    OfficerFactory(unit=city["east_squad"], name="吴未到", employee_number="80002")
    OfficerFactory(unit=city["west"], name="西区队员", employee_number="80003")
    make_hr(city["east"], username="HR-EAST")
    today = timezone.localdate()

    desktop.goto("/classes/")
    log_in(desktop, "HR-EAST", open_form=False)
    desktop.get_by_role("link", name="新建培训班").click()
    desktop.get_by_label("培训班名称").fill("网吧执法专题培训班")
    desktop.get_by_label("期数").fill("2")
    desktop.get_by_label("主办单位").select_option(label="东区文化执法局")
    desktop.get_by_label("开班日期").fill(today.isoformat())
    desktop.get_by_label("结业日期").fill(today.isoformat())
    desktop.get_by_label("培训地点").fill("东区局三楼会议室")
    desktop.get_by_label("课次内容").fill("上网服务场所检查要点")
    desktop.get_by_label("开始时间").fill(f"{today.isoformat()}T00:00")
    desktop.get_by_label("结束时间").fill(f"{today.isoformat()}T23:30")
    desktop.get_by_label("学时").fill("3")
    sessions = desktop.get_by_test_id("session-form")
    desktop.get_by_role("button", name="添加课次").click()
    expect(sessions).to_have_count(2)
    sessions.last.get_by_role("button", name="移除").click()
    expect(sessions).to_have_count(1)
    screenshot(desktop, "class-form")
    desktop.get_by_role("button", name="保存").click()

    expect(desktop.get_by_role("alert")).to_contain_text("已创建培训班")
    desktop.get_by_test_id("roster-units").get_by_label("东区一中队").check()
    desktop.get_by_role("button", name="加入名单").click()
    members = desktop.get_by_test_id("member-table")
    expect(members).to_contain_text("周签到")
    expect(members).to_contain_text("吴未到")
    expect(members).not_to_contain_text("西区队员")
    screenshot(desktop, "roster")

    desktop.get_by_role("link", name="返回培训班").click()
    expect(desktop.get_by_test_id("session-table")).to_contain_text("0 / 2")
    # The venue link opens a new tab on the projector; here the same page follows it.
    desktop.goto(desktop.get_by_test_id("venue-1").get_attribute("href"))
    expect(desktop.get_by_test_id("venue-count")).to_contain_text("0")
    expect(desktop.get_by_test_id("venue-count")).to_contain_text("2")
    expect(desktop.locator("[data-qr] svg")).to_be_visible()
    screenshot(desktop, "venue")
    sign_in_url = desktop.get_by_test_id("sign-in-url").get_attribute("href")
    assert sign_in_url.startswith("http") and "/classes/check-in/" in sign_in_url

    # The phone's camera opens the URL: log in first, then back to the same page.
    phone.goto(sign_in_url)
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
    log_in(phone, "80001", open_form=False)
    expect(phone.get_by_test_id("confirm-check-in")).to_be_visible()
    expect(phone.get_by_test_id("check-in")).to_contain_text("上网服务场所检查要点")
    screenshot(phone, "confirm")
    assert not Attendance.objects.exists()  # opening the page signs nobody in

    phone.get_by_test_id("confirm-check-in").click()
    expect(phone.get_by_test_id("check-in-message")).to_contain_text("签到成功，计入 3.0 学时")
    screenshot(phone, "signed-in")
    assert class_hours(officer, year=today.year) == 3

    # The projector's count follows without a reload.
    expect(desktop.get_by_test_id("venue-count")).to_contain_text("1", timeout=15_000)
    expect(desktop.locator("[data-signed-in]")).to_have_text("1")
    screenshot(desktop, "venue-after")

    # Scanning again only says so; an old or made-up code says what to do.
    phone.goto(sign_in_url)
    expect(phone.get_by_test_id("check-in-message")).to_contain_text("您已签到")
    screenshot(phone, "already")
    session = TrainingClass.objects.get().sessions.get()
    old = sign_in.current_window() - sign_in.MAX_AGE_WINDOWS - 1
    phone.goto(reverse("classes:check_in", kwargs=scan(session, window=old)))
    expect(phone.get_by_test_id("check-in-message")).to_contain_text("已过期，请重新扫码")
    screenshot(phone, "expired")
    phone.goto(f"/classes/check-in/{session.pk}/1/000000000000/")
    expect(phone.get_by_test_id("check-in-message")).to_contain_text("签到码无效")
    screenshot(phone, "forged")

    # After the class, HR marks the officer who signed the paper sheet instead.
    desktop.goto(reverse("classes:attendance", args=[session.pk]))
    expect(desktop.get_by_test_id("status-80001")).to_contain_text("扫码签到")
    desktop.get_by_label("补记 吴未到 签到").check()
    desktop.get_by_role("button", name="为勾选人员补记签到").click()
    expect(desktop.get_by_test_id("status-80002")).to_contain_text("人工签到")
    expect(desktop.get_by_test_id("sheet-count")).to_contain_text("已签到 2 / 应到 2")
    screenshot(desktop, "attendance-sheet")
    desktop.goto(reverse("classes:detail", args=[session.training_class_id]))
    expect(desktop.get_by_test_id("session-table")).to_contain_text("100.0%")
    screenshot(desktop, "detail")
