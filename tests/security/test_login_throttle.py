"""Login throttling: repeated failures lock the account, and many from one address lock the
address; while locked even the right password is refused with a plain message. Every login
page of the site is throttled: ours, the Wagtail admin's and Wagtail's front-end one."""

import pytest
from django.conf import settings
from django.urls import reverse

from people.services import login_throttle
from tests.factories import PASSWORD

OURS = "/accounts/login/"
ADMIN = "/admin/login/"
LOCKED = "登录失败次数过多"


def attempt(client, username, password, *, url=OURS, ip="10.9.8.7", **headers):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=ip, headers=headers
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limits_come_from_settings_with_sensible_defaults():
    assert settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.LOGIN_IP_FAILURE_LIMIT == 30
    assert settings.LOGIN_FAILURE_WINDOW == 900


def test_five_failures_lock_the_account_even_for_the_right_password(world, db, client):
    number = world.officer_a.employee_number
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert "工号或密码不正确" in attempt(client, number, "guess").content.decode()
    response = attempt(client, number, PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多，请 15 分钟后再试。" in response.content.decode()
    assert not logged_in(client)
    # From another address too: the lock is the account's.
    assert LOCKED in attempt(client, number, PASSWORD, ip="10.1.1.1").content.decode()
    # With the number written differently (spaces) as well.
    assert LOCKED in attempt(client, f" {number} ", PASSWORD).content.decode()


def test_the_lock_lifts_after_the_window(world, db, client, monkeypatch):
    number = world.officer_a.employee_number
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, number, "guess")
    later = login_throttle.time.time() + settings.LOGIN_FAILURE_WINDOW + 5
    monkeypatch.setattr(login_throttle.time, "time", lambda: later)
    assert attempt(client, number, PASSWORD).status_code == 302
    assert logged_in(client)


def test_one_address_guessing_many_accounts_is_locked(world, db, client, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    for n in range(6):
        attempt(client, f"9900{n}", "guess", ip="10.2.2.2")
    target = world.officer_b.employee_number
    assert LOCKED in attempt(client, target, PASSWORD, ip="10.2.2.2").content.decode()
    assert not logged_in(client)
    assert attempt(client, target, PASSWORD, ip="10.3.3.3").status_code == 302


def test_a_made_up_x_real_ip_does_not_spread_guesses_over_addresses(world, db, client, settings):
    """Regression: the address was read from X-Real-IP whatever sent it."""
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    for n in range(6):
        attempt(client, f"9900{n}", "guess", ip="10.4.4.4", x_real_ip=f"172.16.0.{n}")
    target = world.officer_b.employee_number
    response = attempt(client, target, PASSWORD, ip="10.4.4.4", x_real_ip="172.16.9.9")
    assert LOCKED in response.content.decode()


def test_behind_the_proxy_x_real_ip_is_the_clients_address(world, db, client, settings):
    settings.BEHIND_PROXY = True
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    for n in range(6):
        attempt(client, f"9900{n}", "guess", ip="127.0.0.1", x_real_ip="10.5.5.5")
    target = world.officer_b.employee_number
    blocked = attempt(client, target, PASSWORD, ip="127.0.0.1", x_real_ip="10.5.5.5")
    assert LOCKED in blocked.content.decode()
    other = attempt(client, target, PASSWORD, ip="127.0.0.1", x_real_ip="10.6.6.6")
    assert other.status_code == 302


def test_the_admin_login_is_throttled_too(world, db, client):
    """Regression: /admin/login/ used Wagtail's own form, which counted nothing."""
    username = world.users["trainer"].username
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, username, "guess", url=ADMIN)
    response = attempt(client, username, PASSWORD, url=ADMIN)
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_failures_on_the_admin_login_count_for_our_login_page(world, db, client):
    username = world.users["trainer"].username
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, username, "guess", url=ADMIN)
    assert LOCKED in attempt(client, username, PASSWORD).content.decode()


def test_the_admin_login_still_logs_a_trainer_in(world, db, client):
    response = attempt(client, world.users["trainer"].username, PASSWORD, url=ADMIN)
    assert response.status_code == 302 and logged_in(client)


@pytest.mark.parametrize("method", ["get", "post"])
def test_wagtails_front_end_login_is_our_login_page(world, db, client, method):
    """Regression: /_util/login/ was Django's plain login view, with no throttling."""
    url = reverse("wagtailcore_login") + "?next=/my/"
    if method == "post":
        data = {"username": world.officer_a.employee_number, "password": PASSWORD}
        response = client.post(url, data)
    else:
        response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))
    assert "next=" in response["Location"]
    assert not logged_in(client)
