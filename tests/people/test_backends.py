"""The session's user comes with its officer profile and its roles, read afresh each request."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.roles import Role
from tests.factories import OfficerFactory, make_hr


def test_an_officer_page_reads_user_profile_and_roles_in_one_query(client, city):
    officer = OfficerFactory(unit=city["east_squad"])
    client.force_login(officer.user)
    client.get(reverse("courses:my"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("courses:my")).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [s for s in sql if "auth_group" in s and "people_user" not in s], sql
    assert not [s for s in sql if s.startswith('SELECT "people_officer"')], sql


def test_a_role_granted_or_withdrawn_shows_at_the_next_request(client, city):
    officer = OfficerFactory(unit=city["east_squad"])
    client.force_login(officer.user)
    assert "内容管理" not in client.get(reverse("dashboard")).text
    officer.user.groups.add(Group.objects.get(name=Role.TRAINER.value))
    assert "内容管理" in client.get(reverse("dashboard")).text
    officer.user.groups.remove(Group.objects.get(name=Role.TRAINER.value))
    assert "内容管理" not in client.get(reverse("dashboard")).text


def test_hr_navigation_follows_the_roles_read_with_the_user(client, city):
    client.force_login(make_hr(city["east"]))
    assert "人员管理" in client.get(reverse("dashboard")).text
