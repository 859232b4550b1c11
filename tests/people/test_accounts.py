"""Staff accounts created through people.services.accounts.create_staff_user."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password

from lianbing.errors import DomainError
from people.models import AuditEntry, HRScope, User
from people.roles import Role, has_role, is_administrator
from people.services.accounts import create_staff_user
from people.utils import visible_units
from tests.factories import PASSWORD, OfficerFactory, UserFactory


def create(**overrides):
    values = {
        "username": "T100",
        "name": "张建国",
        "roles": [Role.TRAINER],
        "password": PASSWORD,
        "must_change_password": False,
        "actor": None,
    }
    return create_staff_user(**{**values, **overrides})


def test_trainer_gets_group_name_and_password(db):
    user = create(name="欧阳明辉")
    user.refresh_from_db()
    assert has_role(user, Role.TRAINER)
    assert (user.last_name, user.first_name) == ("欧阳", "明辉")
    assert user.get_full_name() == "欧阳明辉"
    assert not user.is_superuser and not user.is_staff
    assert user.must_change_password is False
    assert authenticate(username="T100", password=PASSWORD) == user


def test_creation_is_audited_with_its_actor(db, city):
    actor = UserFactory(username="admin0", roles=[Role.ADMINISTRATOR])
    user = create(username="HR200", roles=[Role.HR], hr_units=[city["east"]], actor=actor)
    entry = AuditEntry.objects.get(action="account.created")
    assert entry.actor == actor
    assert entry.target == str(user)
    assert entry.data == {"username": "HR200", "roles": ["人事"], "hr_units": ["D01"]}


def test_hr_scopes_are_created_for_each_unit(city):
    user = create(username="HR201", roles=[Role.HR], hr_units=[city["east"], city["detachment"]])
    assert set(HRScope.objects.filter(user=user).values_list("unit__code", flat=True)) == {
        "D01",
        "C0101",
    }
    assert set(visible_units(user).values_list("code", flat=True)) == {"D01", "D0101", "C0101"}


def test_administrator_is_a_superuser(db):
    user = create(username="admin", roles=[Role.ADMINISTRATOR])
    assert user.is_superuser and user.is_staff
    assert is_administrator(user)


@pytest.mark.parametrize("username", ["T100", "t100", " T100 "])
def test_duplicate_username_is_refused_and_nothing_is_written(db, username):
    create()
    with pytest.raises(DomainError) as refused:
        create(username=username, name="李文博")
    assert refused.value.code == "username_taken"
    assert User.objects.count() == 1
    assert AuditEntry.objects.filter(action="account.created").count() == 1


def test_an_officers_employee_number_cannot_be_reused(city):
    OfficerFactory(unit=city["west"], employee_number="10086")
    with pytest.raises(DomainError) as refused:
        create(username="10086")
    assert refused.value.code == "username_taken"


def test_hr_needs_a_scope_and_a_scope_needs_hr(city):
    with pytest.raises(DomainError) as refused:
        create(roles=[Role.HR])
    assert refused.value.code == "hr_scope_required"
    with pytest.raises(DomainError) as refused:
        create(roles=[Role.TRAINER], hr_units=[city["east"]])
    assert refused.value.code == "hr_scope_without_role"
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"username": "  "}, "username_required"),
        ({"name": ""}, "name_required"),
        ({"roles": []}, "roles_required"),
        ({"password": "12345678"}, "password_invalid"),
    ],
)
def test_incomplete_or_weak_accounts_are_refused(db, overrides, code):
    with pytest.raises(DomainError) as refused:
        create(**overrides)
    assert refused.value.code == code
    assert not User.objects.exists()


def test_a_precomputed_hash_can_be_shared(db):
    password_hash = make_password("lianbing2026")
    first = create(username="T101", password=None, password_hash=password_hash)
    second = create(username="T102", password=None, password_hash=password_hash)
    assert first.password == second.password == password_hash
    assert authenticate(username="T102", password="lianbing2026") == second


def test_must_change_password_is_kept(db):
    user = create(must_change_password=True)
    user.refresh_from_db()
    assert user.must_change_password is True
