"""Login by 工号, throttling, forced password change and logout."""

import pytest
from django.urls import reverse

from people.models import AuditEntry
from tests.factories import PASSWORD, OfficerFactory

LOGIN = "/accounts/login/"


@pytest.fixture
def officer(city):
    return OfficerFactory(unit=city["east_squad"], employee_number="10086")


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_officer_logs_in_with_employee_number_and_lands_on_dashboard(client, officer):
    response = login(client, "10086", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_wrong_password_is_refused_with_a_chinese_message(client, officer):
    response = login(client, "10086", "wrong-password")
    assert response.status_code == 200
    assert "工号或密码不正确" in response.text
    assert "_auth_user_id" not in client.session


def test_account_is_locked_after_repeated_failures_even_for_the_right_password(
    client, officer, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, "10086", "wrong-password")
    response = login(client, "10086", PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多" in response.text
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login.locked", target="10086").exists()


def test_lock_applies_to_the_account_not_to_other_officers(client, city, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    OfficerFactory(unit=city["west"], employee_number="20001")
    for _ in range(3):
        login(client, "10086", "wrong-password")
    assert login(client, "20001", PASSWORD).status_code == 302


def test_guessing_many_accounts_from_one_address_is_throttled(client, city, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 4
    target = OfficerFactory(unit=city["west"], employee_number="30001")
    for number in range(4):
        login(client, f"4000{number}", "guess")
    response = login(client, target.employee_number, PASSWORD)
    assert "登录失败次数过多" in response.text


def test_success_clears_earlier_failures_of_the_account(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    login(client, "10086", "wrong-password")
    login(client, "10086", "wrong-password")
    assert login(client, "10086", PASSWORD).status_code == 302
    client.post(reverse("people:logout"))
    login(client, "10086", "wrong-password")
    login(client, "10086", "wrong-password")
    assert login(client, "10086", PASSWORD).status_code == 302


def test_initial_password_forces_a_change_before_anything_else(client, officer):
    officer.user.must_change_password = True
    officer.user.save()
    login(client, "10086", PASSWORD)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("people:password_change")
    page = client.get(reverse("people:password_change"))
    assert "您正在使用初始密码" in page.text


def test_changing_the_initial_password_unlocks_the_site(client, officer):
    officer.user.must_change_password = True
    officer.user.save()
    login(client, "10086", PASSWORD)
    response = client.post(
        reverse("people:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-Mima-2026",
            "new_password2": "Xin-Mima-2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    officer.user.refresh_from_db()
    assert not officer.user.must_change_password
    assert officer.user.check_password("Xin-Mima-2026")


def test_a_weak_new_password_is_refused_and_the_change_stays_required(client, officer):
    officer.user.must_change_password = True
    officer.user.save()
    login(client, "10086", PASSWORD)
    response = client.post(
        reverse("people:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    officer.user.refresh_from_db()
    assert officer.user.must_change_password


def test_logout_ends_the_session(client, officer):
    login(client, "10086", PASSWORD)
    client.post(reverse("people:logout"))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("people:login"))


def test_deactivated_account_cannot_log_in(client, officer):
    officer.user.is_active = False
    officer.user.save()
    response = login(client, "10086", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
