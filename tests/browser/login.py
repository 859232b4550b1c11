"""Logging in from a browser test, waiting until the server has answered.

Clicking 登录 and navigating straight on races the login POST: on a slow machine the next
``goto`` cancels it and the page opens anonymously. These helpers wait for the redirect.
"""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD

LOGIN_PAGE = re.compile(r"/accounts/login/")
ADMIN_LOGIN_PAGE = re.compile(r"/admin/login/")


def log_in(page, username: str, password: str | None = None, *, open_form: bool = True) -> None:
    """Logs in through the site's form; ``open_form=False`` uses the form already shown
    (after a redirect to it with ``?next=``)."""
    if open_form:
        page.goto("/accounts/login/")
    page.get_by_label(re.compile("工号")).fill(username)
    page.get_by_label(re.compile("密码")).fill(password or PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(LOGIN_PAGE, timeout=30_000)


def log_in_to_admin(page, username: str, password: str | None = None) -> None:
    """Logs in through Wagtail's admin login form."""
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password or PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).not_to_have_url(ADMIN_LOGIN_PAGE, timeout=30_000)
