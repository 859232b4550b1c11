"""Passwords: PBKDF2-SHA256 at the configured (OWASP) count; older hashes follow at login."""

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher as DjangoPBKDF2
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse

from tests.factories import OfficerFactory

PRODUCTION = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]


@override_settings(PASSWORD_HASHERS=PRODUCTION, PASSWORD_PBKDF2_ITERATIONS=600_000)
def test_new_passwords_use_the_configured_iteration_count():
    assert make_password("Passw0rd-练兵").startswith("pbkdf2_sha256$600000$")


@override_settings(PASSWORD_HASHERS=PRODUCTION, PASSWORD_PBKDF2_ITERATIONS=600_000)
def test_a_hash_at_djangos_count_still_logs_in_and_is_rehashed(client, city):
    officer = OfficerFactory(unit=city["east_squad"])
    user = officer.user
    user.password = DjangoPBKDF2().encode("Passw0rd-练兵", "fixedsaltfixedsalt")
    user.must_change_password = False
    user.save()
    assert f"${DjangoPBKDF2.iterations}$" in user.password

    response = client.post(
        reverse("people:login"), {"username": user.username, "password": "Passw0rd-练兵"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$600000$")
