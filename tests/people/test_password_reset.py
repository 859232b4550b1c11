"""HR resets a forgotten password: a new initial password, only for officers in scope."""

from django.contrib.auth import authenticate
from django.urls import reverse

from people.models import AuditEntry
from tests.factories import PASSWORD, OfficerFactory, make_hr


def reset_url(officer):
    return reverse("hr:password_reset", args=[officer.pk])


def test_unit_hr_resets_an_officers_password_and_downloads_it_once(client, city):
    import io

    import openpyxl

    officer = OfficerFactory(unit=city["east_squad"], employee_number="50001", name="周明")
    client.force_login(make_hr(city["east"]))
    response = client.post(reset_url(officer), {"next": "/hr/?page=1"})
    assert response.status_code == 302 and response.url == "/hr/?page=1"

    officer.user.refresh_from_db()
    assert officer.user.must_change_password
    assert authenticate(username="50001", password=PASSWORD) is None
    sheet = openpyxl.load_workbook(io.BytesIO(client.post(reverse("hr:credentials")).content))
    rows = list(sheet.active.iter_rows(values_only=True))
    new_password = next(row for row in rows if row and row[0] == "50001")[3]
    assert authenticate(username="50001", password=new_password) == officer.user
    assert AuditEntry.objects.filter(action="account.password_reset").count() == 1


def test_unit_hr_cannot_reset_the_password_of_another_units_officer(client, city):
    stranger = OfficerFactory(unit=city["west"], employee_number="60001")
    client.force_login(make_hr(city["east"]))
    assert client.post(reset_url(stranger)).status_code == 404
    stranger.user.refresh_from_db()
    assert stranger.user.check_password(PASSWORD)
    assert not stranger.user.must_change_password


def test_officer_cannot_reset_anyones_password(client, city):
    me = OfficerFactory(unit=city["east"])
    colleague = OfficerFactory(unit=city["east"])
    client.force_login(me.user)
    assert client.post(reset_url(colleague)).status_code == 403
    colleague.user.refresh_from_db()
    assert colleague.user.check_password(PASSWORD)


def test_reset_redirect_ignores_an_external_next_address(client, city):
    officer = OfficerFactory(unit=city["east"])
    client.force_login(make_hr(city["east"]))
    response = client.post(reset_url(officer), {"next": "https://evil.example.com/"})
    assert response.url == reverse("hr:officers")


def test_reset_is_refused_for_a_transferred_officers_disabled_account(client, city):
    officer = OfficerFactory(unit=city["east"], status="transferred")
    officer.user.is_active = False
    officer.user.save()
    client.force_login(make_hr(city["east"]))
    response = client.post(reset_url(officer), follow=True)
    assert "已停用" in response.text
    officer.user.refresh_from_db()
    assert not officer.user.must_change_password


def test_reset_needs_a_post(client, city):
    officer = OfficerFactory(unit=city["east"])
    client.force_login(make_hr(city["east"]))
    assert client.get(reset_url(officer)).status_code == 405
