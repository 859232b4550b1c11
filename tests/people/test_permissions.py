"""The permission helper every app relies on: who may see which officer's and unit's records."""

import pytest
from django.contrib.auth.models import AnonymousUser

from people.roles import Role
from people.utils import (
    can_view_officer,
    can_view_unit,
    is_hr,
    visible_officers,
    visible_units,
)
from tests.factories import OfficerFactory, UserFactory, make_hr


@pytest.fixture
def officers(city):
    return {
        "east": OfficerFactory(unit=city["east_squad"]),
        "east_colleague": OfficerFactory(unit=city["east"]),
        "west": OfficerFactory(unit=city["west"]),
        "bureau": OfficerFactory(unit=city["detachment"]),
    }


def test_anonymous_user_sees_no_officer_and_no_unit(city, officers):
    anonymous = AnonymousUser()
    assert not can_view_officer(anonymous, officers["west"])
    assert not can_view_unit(anonymous, city["west"])
    assert not visible_officers(anonymous).exists()
    assert not visible_units(anonymous).exists()


def test_officer_sees_only_themselves(city, officers):
    me = officers["east"].user
    assert can_view_officer(me, officers["east"])
    assert not can_view_officer(me, officers["east_colleague"])
    assert not can_view_officer(me, officers["west"])
    assert list(visible_officers(me)) == [officers["east"]]
    assert not can_view_unit(me, city["east_squad"])


def test_unit_hr_sees_its_whole_subtree_and_nothing_else(city, officers):
    hr = make_hr(city["east"])
    assert is_hr(hr)
    assert can_view_officer(hr, officers["east"])  # in a squad below the bureau
    assert can_view_officer(hr, officers["east_colleague"])
    assert not can_view_officer(hr, officers["west"])
    assert not can_view_officer(hr, officers["bureau"])
    assert set(visible_officers(hr)) == {officers["east"], officers["east_colleague"]}
    assert set(visible_units(hr)) == {city["east"], city["east_squad"]}
    assert not can_view_unit(hr, city["root"])


def test_hr_of_a_squad_cannot_see_its_parent_bureau(city, officers):
    hr = make_hr(city["east_squad"])
    assert can_view_officer(hr, officers["east"])
    assert not can_view_officer(hr, officers["east_colleague"])


def test_unit_code_prefix_does_not_leak_a_sibling_subtree(city, officers):
    """Scopes follow tree paths, not unit codes: D01 HR must not see a unit coded D010."""
    from tests.factories import make_unit

    lookalike = make_unit("东区仿冒单位", "D010", parent=city["root"])
    stranger = OfficerFactory(unit=lookalike)
    hr = make_hr(city["east"])
    assert not can_view_officer(hr, stranger)


def test_city_hr_sees_every_officer(city, officers):
    hr = make_hr(city["root"])
    assert all(can_view_officer(hr, officer) for officer in officers.values())
    assert visible_officers(hr).count() == len(officers)


def test_trainer_cannot_see_another_units_officer(city, officers):
    trainer = UserFactory(roles=[Role.TRAINER])
    assert not is_hr(trainer)
    assert not can_view_officer(trainer, officers["west"])
    assert not visible_officers(trainer).exists()


def test_hr_scope_without_the_hr_role_grants_nothing(city, officers):
    """A stale scope row must not keep access alive once the HR role is taken away."""
    hr = make_hr(city["east"])
    hr.groups.clear()
    fresh = type(hr).objects.get(pk=hr.pk)
    assert not can_view_officer(fresh, officers["east"])


def test_administrator_sees_everything(city, officers):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    assert can_view_officer(admin, officers["west"])
    assert visible_units(admin).count() == 6
