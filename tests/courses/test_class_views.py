"""Training class pages: scope on every page and endpoint, forms' messages, QR sign-in."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Attendance, ClassMember, ClassSession, TrainingClass
from courses.services import sign_in
from people.models import HourEntry
from people.roles import Role
from tests.courses.test_class_services import class_hours, enrol, make_class, scan
from tests.factories import OfficerFactory, UserFactory, make_hr


@pytest.fixture
def east(city):
    training_class = make_class(city["east"])
    officer = OfficerFactory(unit=city["east_squad"], employee_number="40001", name="王东")
    enrol(training_class, officer)
    session = training_class.sessions.get()
    attendance = Attendance.objects.create(
        session=session, officer=officer, method=Attendance.Method.MARKED
    )
    return {
        "class": training_class,
        "session": session,
        "officer": officer,
        "attendance": attendance,
        "hr": make_hr(city["east"]),
    }


def class_pages(east):
    """Every HR page and endpoint that takes an id, as (method, url)."""
    c, s, o, a = east["class"].pk, east["session"].pk, east["officer"].pk, east["attendance"].pk
    return [
        ("get", reverse("classes:detail", args=[c])),
        ("get", reverse("classes:edit", args=[c])),
        ("post", reverse("classes:edit", args=[c])),
        ("get", reverse("classes:roster", args=[c])),
        ("post", reverse("classes:roster", args=[c])),
        ("post", reverse("classes:roster_add", args=[c])),
        ("post", reverse("classes:roster_remove", args=[c, o])),
        ("get", reverse("classes:venue", args=[s])),
        ("get", reverse("classes:venue_state", args=[s])),
        ("get", reverse("classes:attendance", args=[s])),
        ("post", reverse("classes:attendance", args=[s])),
        ("post", reverse("classes:attendance_remove", args=[a])),
    ]


PAGE_COUNT = 12
LIST_PAGES = [reverse("classes:list"), reverse("classes:create")]


@pytest.mark.parametrize("index", range(PAGE_COUNT))
def test_anonymous_visitors_go_to_login(client, east, index):
    method, url = class_pages(east)[index]
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response.url.startswith(reverse("people:login"))


@pytest.mark.parametrize("index", range(PAGE_COUNT))
def test_an_officer_gets_403(client, east, index):
    client.force_login(east["officer"].user)
    method, url = class_pages(east)[index]
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("index", range(PAGE_COUNT))
def test_hr_of_another_unit_gets_404_and_changes_nothing(client, east, city, index):
    client.force_login(make_hr(city["west"]))
    method, url = class_pages(east)[index]
    data = {"reason": "x", "employee_number": "40001", "units": [city["west"].pk]}
    assert getattr(client, method)(url, data).status_code == 404
    assert Attendance.objects.filter(pk=east["attendance"].pk).exists()
    assert ClassMember.objects.filter(training_class=east["class"]).count() == 1


@pytest.mark.parametrize("url", LIST_PAGES)
def test_officers_get_403_on_the_list_and_the_new_class_form(client, east, url):
    client.force_login(east["officer"].user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("index", range(PAGE_COUNT))
def test_hr_of_the_organiser_or_above_and_administrators_may_open_every_page(
    client, east, city, index
):
    method, url = class_pages(east)[index]
    if method != "get":
        return
    for user in (east["hr"], make_hr(city["root"]), UserFactory(roles=[Role.ADMINISTRATOR])):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_the_list_shows_only_classes_in_scope_with_their_figures(client, east, city):
    make_class(city["west"], title="西区执法培训班")
    make_class(city["east_squad"], title="中队培训班", batch=2)
    client.force_login(east["hr"])

    text = client.get(reverse("classes:list")).text

    assert "文化市场执法业务培训班" in text and "中队培训班" in text
    assert "西区执法培训班" not in text
    assert "第2期" in text
    assert "100.0%" in text  # 1 of 1 member attended the 1 session


def test_the_list_filters_by_year(client, east, city):
    later = make_class(city["east"], title="下一年度的班")
    TrainingClass.objects.filter(pk=later.pk).update(year=2027)
    client.force_login(east["hr"])

    text = client.get(reverse("classes:list"), {"year": 2027}).text

    assert "下一年度的班" in text and "文化市场执法业务培训班" not in text


def class_data(organiser, *, sessions=(), **overrides):
    data = {
        "title": "网吧执法专题培训班",
        "year": "2026",
        "batch": "2",
        "domain": "",
        "organiser": str(organiser.pk),
        "starts_on": "2026-06-01",
        "ends_on": "2026-06-02",
        "venue": "东区局会议室",
        "description": "",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "60",
    }
    for i, session in enumerate(sessions):
        for key, value in session.items():
            data[f"sessions-{i}-{key}"] = value
    data.update(overrides)
    return data


MORNING = {"title": "上网服务场所检查要点", "starts_at": "2026-06-01T09:00"}
MORNING |= {"ends_at": "2026-06-01T12:00", "hours": "3"}


def test_hr_creates_a_class_with_sessions_and_goes_on_to_the_roster(client, city):
    hr = make_hr(city["east"])
    client.force_login(hr)

    response = client.post(reverse("classes:create"), class_data(city["east"], sessions=[MORNING]))

    training_class = TrainingClass.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("classes:roster", args=[training_class.pk])
    assert training_class.created_by == hr and training_class.batch == 2
    session = training_class.sessions.get()
    assert session.hours == Decimal(3) and session.title == "上网服务场所检查要点"


def errors_of(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.text)


@pytest.mark.parametrize(
    ("overrides", "session", "message"),
    [
        ({"title": ""}, MORNING, "请填写培训班名称"),
        ({"ends_on": "2026-05-30"}, MORNING, "结业日期不能早于开班日期"),
        ({"year": "2025"}, MORNING, "年度应与开班或结业日期所在年份一致"),
        ({"starts_on": "2026-13-01"}, MORNING, "请输入有效的日期"),
        ({}, MORNING | {"ends_at": "2026-06-01T08:00"}, "结束时间须晚于开始时间"),
        ({}, MORNING | {"ends_at": "2026-06-02T08:00"}, "课次须在同一天内开始和结束"),
        (
            {},
            MORNING | {"starts_at": "2026-06-05T09:00", "ends_at": "2026-06-05T11:00"},
            "课次日期须在培训班日期（2026-06-01 至 2026-06-02）之内",
        ),
        ({}, MORNING | {"hours": "20"}, "12"),
        ({}, MORNING | {"title": ""}, "请填写课次内容"),
        ({}, MORNING | {"starts_at": "明天上午"}, "请输入有效的日期和时间"),
    ],
)
def test_the_class_form_explains_what_is_wrong(client, city, overrides, session, message):
    client.force_login(make_hr(city["east"]))
    data = class_data(city["east"], sessions=[session], **overrides)

    text = errors_of(client.post(reverse("classes:create"), data))

    assert message in text
    assert "请按下方提示修改后再保存" in text
    assert not TrainingClass.objects.exists()


def test_a_class_needs_a_session(client, city):
    client.force_login(make_hr(city["east"]))
    text = errors_of(client.post(reverse("classes:create"), class_data(city["east"])))
    assert "请至少添加 1 个课次" in text


def test_the_organiser_must_be_in_scope(client, city):
    client.force_login(make_hr(city["east"]))
    data = class_data(city["west"], sessions=[MORNING])

    text = errors_of(client.post(reverse("classes:create"), data))

    assert "所选主办单位无效或不在您的管辖范围内" in text
    assert "西区文化执法局" not in text  # not even offered
    assert not TrainingClass.objects.exists()


def edit_data(east, **session_overrides):
    session = east["session"]
    data = class_data(
        east["class"].organiser,
        starts_on="2026-05-18",
        ends_on="2026-05-20",
        title=east["class"].title,
        batch="1",
        sessions=[
            {
                "id": str(session.pk),
                "title": session.title,
                "starts_at": "2026-05-18T09:00",
                "ends_at": "2026-05-18T12:00",
                "hours": "3",
            }
            | session_overrides
        ],
    )
    data["sessions-INITIAL_FORMS"] = "1"
    return data


def test_editing_a_class_keeps_attended_sessions_hours_and_date(client, east):
    client.force_login(east["hr"])
    url = reverse("classes:edit", args=[east["class"].pk])

    text = errors_of(client.post(url, edit_data(east, hours="4")))
    assert "已有人签到，不能再修改学时" in text

    moved = {"starts_at": "2026-05-19T09:00", "ends_at": "2026-05-19T12:00"}
    assert "已有人签到，不能再改到其他日期" in errors_of(client.post(url, edit_data(east, **moved)))

    deleting = edit_data(east, DELETE="on")
    replacement = MORNING | {"starts_at": "2026-05-18T09:00", "ends_at": "2026-05-18T12:00"}
    deleting |= {f"sessions-1-{key}": value for key, value in replacement.items()}
    deleting["sessions-TOTAL_FORMS"] = "2"
    assert "已有签到记录，不能删除" in errors_of(client.post(url, deleting))
    assert ClassSession.objects.filter(pk=east["session"].pk, hours=3).exists()

    renamed = client.post(url, edit_data(east, title="第1讲（调整）", ends_at="2026-05-18T11:30"))
    assert renamed.status_code == 302
    assert ClassSession.objects.get(pk=east["session"].pk).title == "第1讲（调整）"


def test_roster_by_unit_then_add_and_remove_one_officer(client, east, city):
    squad_member = OfficerFactory(unit=city["east_squad"], name="赵中队")
    newcomer = OfficerFactory(unit=city["east"], employee_number="40009", name="钱局")
    client.force_login(east["hr"])
    roster_url = reverse("classes:roster", args=[east["class"].pk])

    response = client.post(roster_url, {"units": [city["east_squad"].pk]})
    assert response.status_code == 302
    assert ClassMember.objects.filter(officer=squad_member).exists()

    response = client.post(
        reverse("classes:roster_add", args=[east["class"].pk]), {"employee_number": " 40009 "}
    )
    assert response.status_code == 302
    assert ClassMember.objects.filter(officer=newcomer, training_class=east["class"]).exists()

    remove = reverse("classes:roster_remove", args=[east["class"].pk, newcomer.pk])
    assert client.post(remove).status_code == 302
    assert not ClassMember.objects.filter(officer=newcomer).exists()
    text = client.get(roster_url).text
    table = text[text.index('data-testid="member-table"') :]
    assert "赵中队" in table and "钱局" not in table


def test_roster_form_messages(client, east, city):
    west_officer = OfficerFactory(unit=city["west"], employee_number="50001")
    client.force_login(east["hr"])
    roster_url = reverse("classes:roster", args=[east["class"].pk])
    add_url = reverse("classes:roster_add", args=[east["class"].pk])

    assert "请至少选择一个单位或执法领域" in errors_of(client.post(roster_url, {}))
    text = errors_of(client.post(roster_url, {"units": [city["west"].pk]}))
    assert "所选项目无效或不在您的管辖范围内" in text
    assert (
        "您的管辖范围内没有工号为 50001 的人员"
        in client.post(add_url, {"employee_number": "50001"}).text
    )
    assert "已在参训名单中" in client.post(add_url, {"employee_number": "40001"}).text
    assert "请填写工号" in client.post(add_url, {"employee_number": ""}).text
    assert not ClassMember.objects.filter(officer=west_officer).exists()


def test_someone_who_attended_cannot_be_removed_from_the_roster(client, east):
    client.force_login(east["hr"])
    remove = reverse("classes:roster_remove", args=[east["class"].pk, east["officer"].pk])

    response = client.post(remove, follow=True)

    assert "已有签到记录，请先在签到表中撤销签到" in response.text
    assert ClassMember.objects.filter(officer=east["officer"]).exists()


def test_the_venue_screen_shows_an_absolute_sign_in_url_and_its_qr_code(client, east):
    client.force_login(east["hr"])

    response = client.get(reverse("classes:venue", args=[east["session"].pk]))

    text = response.text
    assert response["Cache-Control"].startswith("max-age=0")
    match = re.search(r'data-sign-in-url="([^"]+)"', text)
    assert match and match.group(1).startswith("http://testserver/classes/check-in/")
    assert "<svg" in text and "已签到" in text and "应到" in text
    assert "第1讲 行政处罚程序" in text


def test_the_venue_state_endpoint_gives_the_current_code_and_the_count(client, east):
    client.force_login(east["hr"])

    state = client.get(reverse("classes:venue_state", args=[east["session"].pk])).json()

    assert state["signed_in"] == 1 and state["expected"] == 1
    assert state["svg"].startswith("<svg")
    assert state["window"] in (sign_in.current_window(), sign_in.current_window() - 1)
    assert 1 <= state["seconds_left"] <= sign_in.WINDOW_SECONDS
    path = state["url"].removeprefix("http://testserver")
    assert path == reverse(
        "classes:check_in",
        kwargs={
            "session_id": east["session"].pk,
            "window": state["window"],
            "code": path.split("/")[-2],
        },
    )


def test_the_attendance_sheet_marks_and_removes_with_a_reason(client, east, city):
    late = OfficerFactory(unit=city["east_squad"], employee_number="40002")
    enrol(east["class"], late)
    client.force_login(east["hr"])
    sheet = reverse("classes:attendance", args=[east["session"].pk])

    assert "请至少勾选一名学员" in client.post(sheet, {}).text
    assert client.post(sheet, {"officers": [late.pk]}).status_code == 302
    assert class_hours(late) == Decimal(3)
    text = client.get(sheet).text
    assert "人工签到" in text and "已签到 2 / 应到 2" in text

    attendance = Attendance.objects.get(officer=late)
    remove = reverse("classes:attendance_remove", args=[attendance.pk])
    response = client.post(remove, {"reason": "  "}, follow=True)
    assert "请填写撤销签到的理由" in response.text
    assert class_hours(late) == Decimal(3)

    client.post(remove, {"reason": "误勾选"})
    assert not Attendance.objects.filter(pk=attendance.pk).exists()
    assert class_hours(late) == Decimal(0)


def test_marking_a_stranger_is_not_a_valid_choice(client, east, city):
    stranger = OfficerFactory(unit=city["east_squad"])
    client.force_login(east["hr"])
    sheet = reverse("classes:attendance", args=[east["session"].pk])

    response = client.post(sheet, {"officers": [stranger.pk]})

    assert response.status_code == 200 and "所选人员不在参训名单中" in response.text
    assert not Attendance.objects.filter(officer=stranger).exists()


# --- the officers' sign-in --------------------------------------------------------------


@pytest.fixture
def ready(city):
    training_class = make_class(city["east"])
    officer = OfficerFactory(unit=city["east_squad"])
    enrol(training_class, officer)
    session = training_class.sessions.get()
    return {
        "session": session,
        "officer": officer,
        "url": reverse("classes:check_in", kwargs=scan(session)),
    }


def outcome(response) -> str:
    return re.search(r'data-outcome="([^"]*)"', response.text).group(1)


def test_get_only_asks_for_confirmation_and_post_signs_in(client, ready):
    client.force_login(ready["officer"].user)

    page = client.get(ready["url"])
    assert page.status_code == 200 and outcome(page) == "ready"
    assert "确认签到" in page.text
    assert not Attendance.objects.exists()

    done = client.post(ready["url"])
    assert done.status_code == 200 and outcome(done) == "success"
    assert "签到成功，计入 3.0 学时" in done.text
    assert class_hours(ready["officer"]) == Decimal(3)

    again = client.post(ready["url"])
    assert outcome(again) == "already" and "您已签到" in again.text
    assert outcome(client.get(ready["url"])) == "already"
    assert HourEntry.objects.filter(officer=ready["officer"]).count() == 1


def test_anonymous_scanners_log_in_and_come_back_to_the_same_url(client, ready):
    response = client.get(ready["url"])
    assert response.status_code == 302
    assert response.url.startswith(reverse("people:login"))
    assert "next=" in response.url and str(ready["session"].pk) in response.url
    assert client.post(ready["url"]).status_code == 302
    assert not Attendance.objects.exists()


def test_a_cross_site_post_cannot_sign_anyone_in(ready):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ready["officer"].user)

    assert client.post(ready["url"]).status_code == 403
    assert not Attendance.objects.exists()


def test_hr_state_changes_need_the_csrf_token(east, city):
    client = Client(enforce_csrf_checks=True)
    client.force_login(east["hr"])
    remove = reverse("classes:attendance_remove", args=[east["attendance"].pk])
    assert client.post(remove, {"reason": "x"}).status_code == 403
    roster_url = reverse("classes:roster", args=[east["class"].pk])
    assert client.post(roster_url, {"units": [city["east"].pk]}).status_code == 403
    assert Attendance.objects.filter(pk=east["attendance"].pk).exists()


def test_an_expired_code_says_scan_again(client, ready):
    client.force_login(ready["officer"].user)
    old = sign_in.current_window() - sign_in.MAX_AGE_WINDOWS - 1
    url = reverse("classes:check_in", kwargs=scan(ready["session"], window=old))

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200 and outcome(response) == "expired"
        assert "已过期，请重新扫码" in response.text
    assert not Attendance.objects.exists()


def test_forged_and_other_sessions_codes_are_404_and_reveal_nothing(client, ready, city):
    other = make_class(city["west"], title="西区秘密培训班").sessions.get()
    client.force_login(ready["officer"].user)
    urls = [
        reverse("classes:check_in", kwargs=scan(ready["session"], code="abcdefabcdef")),
        reverse("classes:check_in", kwargs=scan(other, session_id=ready["session"].pk)),
        reverse("classes:check_in", kwargs=scan(ready["session"], session_id=other.pk)),
        reverse("classes:check_in", kwargs={"session_id": 999_999, "window": 1, "code": "x"}),
    ]
    for url in urls:
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 404 and outcome(response) == "forged"
            assert "签到码无效" in response.text and "西区秘密培训班" not in response.text
    assert not Attendance.objects.exists()


def test_someone_not_on_the_roster_is_told_so(client, ready, city):
    client.force_login(OfficerFactory(unit=city["east_squad"]).user)

    for response in (client.get(ready["url"]), client.post(ready["url"])):
        assert response.status_code == 200 and outcome(response) == "not_on_roster"
        assert "您不在本培训班的参训名单中" in response.text
    assert not Attendance.objects.exists()


def test_a_user_without_an_officer_profile_is_told_so(client, ready, city):
    client.force_login(make_hr(city["east"]))
    for response in (client.get(ready["url"]), client.post(ready["url"])):
        assert response.status_code == 200 and outcome(response) == "not_officer"
        assert "只有执法人员可以签到" in response.text
