from django.urls import reverse

from tests.factories import OfficerFactory, UserFactory


def test_dashboard_requires_login(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_dashboard_shows_the_logged_in_officers_profile_and_unit(client, city):
    me = OfficerFactory(
        unit=city["east_squad"],
        name="王思远",
        position="中队长",
        certificate_number="文执2023-0815",
        domains=["internet", "press"],
    )
    client.force_login(me.user)
    page = client.get(reverse("dashboard")).text
    assert "王思远" in page
    assert "东区文化执法局 / 东区一中队" in page
    assert "中队长" in page and "文执2023-0815" in page
    assert "网吧与网络" in page and "新闻出版" in page


def test_dashboard_shows_no_other_officers_data(client, city):
    me = OfficerFactory(unit=city["east_squad"], name="王思远")
    OfficerFactory(
        unit=city["east_squad"], name="赵其他", phone="13900001111", certificate_number="X-99"
    )
    client.force_login(me.user)
    page = client.get(reverse("dashboard")).text
    assert "赵其他" not in page
    assert "13900001111" not in page and "X-99" not in page


def test_dashboard_marks_an_expired_enforcement_certificate(client, city):
    import datetime

    me = OfficerFactory(
        unit=city["west"],
        certificate_number="文执2019-0001",
        certificate_expires=datetime.date(2020, 1, 1),
    )
    client.force_login(me.user)
    assert "已过期" in client.get(reverse("dashboard")).text


def test_staff_without_an_officer_profile_gets_a_pointer_not_an_error(client, db):
    client.force_login(UserFactory(roles=["教员"]))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "没有学员档案" in response.text


def test_dashboard_shows_my_courses_continue_link_and_yearly_note_count(client, city):
    from courses.services import learning
    from tests.courses.course_factory import build_course

    me = OfficerFactory(unit=city["east_squad"])
    other = OfficerFactory(unit=city["east_squad"])
    mine = build_course(title="著作权法精讲", lessons=3)
    theirs = build_course(title="别人的课程", lessons=1)
    learning.enroll(officer=me, course=mine.course)
    learning.enroll(officer=other, course=theirs.course)
    learning.mark_lesson_done(officer=me, lesson=mine.lessons[0])
    learning.save_note(officer=me, lesson=mine.lessons[0], text="侵权复制品 应当没收。")
    learning.save_note(officer=other, lesson=theirs.lessons[0], text="不应计入我的字数")

    client.force_login(me.user)
    page = client.get(reverse("dashboard")).text

    assert "著作权法精讲" in page and "1/3 课时" in page
    assert "别人的课程" not in page
    assert f'href="{mine.lessons[1].url}" data-testid="continue"' in page
    assert "暂无课程" not in page
    assert '<span class="fs-4 fw-bold">10</span>' in page
    assert "暂无待参加的考试" in page and "暂无证书" in page
    # No hours yet: the year's hours card shows 0 of the default requirement.
    assert 'data-testid="dashboard-hours"' in page and "还差 40 学时" in page


def test_dashboard_without_courses_points_to_the_course_centre(client, city):
    from tests.courses.course_factory import course_index

    index = course_index()
    me = OfficerFactory(unit=city["west"])
    client.force_login(me.user)
    page = client.get(reverse("dashboard")).text
    assert "暂无课程" in page and f'href="{index.url}"' in page
    assert '<span class="fs-4 fw-bold">0</span>' in page
