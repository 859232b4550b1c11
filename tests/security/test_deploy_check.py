"""`check --deploy` is clean with production settings spelled out the way docs/deploy.md
sets them (DEBUG=0, HTTPS=1, behind the proxy); tests/lianbing/test_deploy.py checks the
defaults and the development key. Reuses its environment builder."""

from tests.lianbing.test_deploy import manage, production_env


def test_deploy_check_is_clean_with_https_behind_the_proxy(tmp_path):
    env = production_env(
        tmp_path,
        DEBUG="0",
        HTTPS="1",
        BEHIND_PROXY="1",
        ALLOWED_HOSTS="lianbing.example.cn",
        CSRF_TRUSTED_ORIGINS="https://lianbing.example.cn",
    )
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_keep_cookies_secure_and_logins_throttled(tmp_path):
    env = production_env(tmp_path, DEBUG="0", HTTPS="1", BEHIND_PROXY="1")
    script = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS >= 31536000, s.X_FRAME_OPTIONS,"
        " s.WAGTAILADMIN_USER_LOGIN_FORM, s.LOGIN_FAILURE_LIMIT, s.BEHIND_PROXY)"
    )
    result = manage(env, "shell", "--no-imports", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "True",
        "DENY",
        "people.forms.AdminLoginForm",
        "5",
        "True",
    ]
