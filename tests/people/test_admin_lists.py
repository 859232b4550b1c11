"""The managed lists in the Wagtail admin: administrators only."""

from people.models import Domain, HRScope
from people.roles import Role
from tests.factories import UserFactory


def test_administrator_adds_an_enforcement_domain_in_the_admin(client, db):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.post("/admin/domain/new/", {"name": "旅游", "code": "tourism", "order": 7})
    assert response.status_code == 302
    assert Domain.objects.filter(code="tourism", name="旅游").exists()
    assert "旅游" in client.get("/admin/domain/").text


def test_administrator_grants_an_hr_scope(client, city):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    hr = UserFactory(roles=[Role.HR])
    response = client.post("/admin/hrscope/new/", {"user": hr.pk, "unit": city["east"].pk})
    assert response.status_code == 302
    assert HRScope.objects.filter(user=hr, unit=city["east"]).exists()


def test_trainer_cannot_manage_domains_or_scopes(client, db):
    client.force_login(UserFactory(roles=[Role.TRAINER]))
    for url in ("/admin/domain/", "/admin/domain/new/", "/admin/hrscope/new/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
    response = client.post("/admin/domain/new/", {"name": "旅游", "code": "tourism", "order": 7})
    assert not Domain.objects.filter(code="tourism").exists()


def test_officer_cannot_enter_the_wagtail_admin(client, db):
    client.force_login(UserFactory(roles=[Role.OFFICER]))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_trainer_enters_the_wagtail_admin_to_edit_pages(client, db):
    client.force_login(UserFactory(roles=[Role.TRAINER]))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200
