import math

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from people.services import audit, login_throttle


def client_ip(request) -> str:
    """The client's address for login throttling.

    Behind the documented reverse proxy (BEHIND_PROXY=1) REMOTE_ADDR is the proxy, which
    sets X-Real-IP. Anywhere else that header is whatever the client chose to send, and
    trusting it would let one client spread its guesses over made-up addresses.
    """
    if settings.BEHIND_PROXY and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR") or "unknown"


THROTTLED = _("登录失败次数过多，请 %(minutes)s 分钟后再试。")


class ThrottledLoginMixin:
    """Refuse a login while the account or the address is throttled; count failures.

    Every login form of the site uses it: ours, and the Wagtail admin's
    (WAGTAILADMIN_USER_LOGIN_FORM), so no login page is a way around the limit.
    """

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        self.cleaned_data["username"] = username
        ip = client_ip(self.request)
        wait = login_throttle.seconds_locked(username=username, ip=ip)
        if wait:
            raise forms.ValidationError(
                THROTTLED, code="throttled", params={"minutes": math.ceil(wait / 60)}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_throttle.register_failure(username=username, ip=ip)
            if login_throttle.seconds_locked(username=username, ip=ip):
                audit.record(actor=None, action="login.locked", target=username, ip=ip)
            raise
        login_throttle.clear(username=username)
        return cleaned


class EmployeeLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Login with 工号 and password, refused while the account or address is throttled."""

    username = forms.CharField(
        label=_("工号"),
        max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("工号或密码不正确。"),
        "inactive": _("该账号已停用，请联系本单位人事。"),
        "throttled": THROTTLED,
    }


class AdminLoginForm(ThrottledLoginMixin, WagtailLoginForm):
    """The Wagtail admin's login form, throttled like ours."""


class PasswordChangeForm(DjangoPasswordChangeForm):
    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit=commit)


def show_visible_unit_tree(field, user) -> None:
    """Limit a unit choice field to the units the user may see, indented as a tree."""
    from people.utils import visible_units

    units = visible_units(user).order_by("path")
    top = min((unit.depth for unit in units), default=1)
    field.queryset = units
    field.label_from_instance = lambda unit: "\u3000" * (unit.depth - top) + unit.name
