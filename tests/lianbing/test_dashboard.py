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
