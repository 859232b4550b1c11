"""`manage.py load_demo` and the demo organisation in people.demo."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from people import demo
from people.models import HRScope, Officer, Unit, User
from people.roles import Role, is_administrator
from people.utils import visible_officers
from tests.factories import OfficerFactory

RARE = set(demo.RARE_CHARACTERS)


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def without_exam_steps(monkeypatch):
    """The question bank and exam steps have their own tests (tests/quizzes/test_demo_bank.py)
    and take most of load_demo's time; the organisation tests run without them."""
    from people.management.commands import load_demo

    exam_steps = {
        "load_question_bank",
        "load_demo_attempts",
        "load_demo_hours",
        "load_demo_certificates",
    }
    steps = [step for step in load_demo.STEPS if step.__name__ not in exam_steps]
    monkeypatch.setattr(load_demo, "STEPS", steps)


@pytest.fixture
def demo_service(db):
    return load()


def snapshot() -> dict:
    return {
        "units": Unit.objects.count(),
        "officers": Officer.objects.count(),
        "users": User.objects.count(),
        "scopes": HRScope.objects.count(),
        "domains": Officer.domains.through.objects.count(),
        "memberships": User.groups.through.objects.count(),
        "passwords": dict(User.objects.values_list("username", "password")),
        "officer_rows": list(Officer.objects.order_by("pk").values()),
    }


# --- The roster as data ----------------------------------------------------------------------


def test_roster_is_deterministic_and_plausible():
    roster = demo.build_roster()
    assert roster == demo.build_roster()
    officers = roster.officers
    assert len(officers) == demo.DEFAULT_OFFICERS
    numbers = [officer.employee_number for officer in officers]
    assert numbers == [str(n) for n in range(10001, 10001 + len(officers))]
    assert [officer.row for officer in officers] == list(range(2, len(officers) + 2))
    assert [unit.row for unit in roster.units] == list(range(2, len(roster.units) + 2))
    phones = [officer.phone for officer in officers]
    assert len(set(phones)) == len(phones)
    assert all(len(p) == 11 and p[:2] in {"13", "15", "18"} and p.isdigit() for p in phones)
    by_unit: dict[str, list[str]] = {}
    for officer in officers:
        assert 2 <= len(officer.name) <= 4
        assert 1 <= len(officer.domain_codes) <= 3
        by_unit.setdefault(officer.unit_code, []).append(officer.name)
    assert all(len(set(names)) == len(names) for names in by_unit.values())
    assert {char for officer in officers for char in officer.name} >= RARE
    assert any(officer.name[:2] in demo.COMPOUND_SURNAMES for officer in officers)
    statuses = [officer.status for officer in officers]
    assert statuses.count("active") >= 0.9 * len(officers)
    assert {"away", "transferred"} <= set(statuses)
    numbers = [o.certificate_number for o in officers if o.certificate_number]
    assert len(set(numbers)) == len(numbers)
    issued = [o for o in officers if o.certificate_issued]
    assert all(2019 <= o.certificate_issued.year <= 2024 for o in issued)
    assert all(o.certificate_expires > o.certificate_issued for o in issued)


def test_parents_come_before_children_and_codes_are_unique():
    seen = set()
    for row in demo.build_roster().units:
        assert row.parent_code == "" or row.parent_code in seen
        assert row.code not in seen
        seen.add(row.code)


def test_network_detachment_works_mostly_on_the_internet():
    officers = [o for o in demo.build_roster().officers if o.unit_code == "SJ06"]
    on_internet = [o for o in officers if "internet" in o.domain_codes]
    assert len(on_internet) >= 0.7 * len(officers)


@pytest.mark.parametrize("count", [1, 7, 41, 300, 512])
def test_officers_are_shared_out_exactly(count):
    assert len(demo.build_roster(count).officers) == count


# --- The command -----------------------------------------------------------------------------


def test_builds_the_described_service(demo_service):
    root = Unit.get_root_nodes().get()
    assert (root.code, root.kind) == (demo.ROOT_CODE, Unit.Kind.SERVICE)
    city_bureau = Unit.objects.get(kind=Unit.Kind.CITY_BUREAU)
    assert city_bureau.get_parent() == root
    bureau_children = city_bureau.get_children()
    assert 5 <= bureau_children.count() <= 8
    assert {unit.kind for unit in bureau_children} == {Unit.Kind.DIVISION, Unit.Kind.DETACHMENT}
    districts = Unit.objects.filter(kind=Unit.Kind.DISTRICT_BUREAU)
    assert districts.count() == 10
    for district in districts:
        assert district.get_parent() == root
        squads = district.get_children()
        assert 1 <= squads.count() <= 3
        assert {unit.kind for unit in squads} == {Unit.Kind.SQUAD}

    officers = Officer.objects.annotate(domain_count=Count("domains"))
    assert 250 <= officers.count() <= 350
    assert not officers.filter(domain_count=0).exists()
    assert not officers.filter(unit=root).exists()
    assert officers.filter(unit__kind=Unit.Kind.SQUAD).count() > officers.count() / 2
    assert not Officer.objects.exclude(user__groups__name=Role.OFFICER.value).exists()

    trainers = User.objects.filter(groups__name=Role.TRAINER.value)
    assert sorted(trainers.values_list("username", flat=True)) == [f"T00{n}" for n in range(1, 6)]
    assert all(user.get_full_name() for user in trainers)
    city_hr = User.objects.get(username="HR001", groups__name=Role.HR.value)
    assert [scope.unit for scope in city_hr.hr_scopes.all()] == [root]
    unit_scopes = [
        User.objects.get(username=username).hr_scopes.get().unit for username in ("HR101", "HR102")
    ]
    assert unit_scopes[0] != unit_scopes[1]
    assert {unit.kind for unit in unit_scopes} == {Unit.Kind.DISTRICT_BUREAU}
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and is_administrator(admin)
    assert admin.groups.filter(name=Role.ADMINISTRATOR.value).exists()
    staff = User.objects.filter(officer__isnull=True)
    assert staff.count() == 9
    assert not staff.filter(must_change_password=True).exists()


def test_prints_the_demo_logins(demo_service):
    for text in ("admin", "HR001", "HR101", "HR102", "T001", "T005", demo.DEMO_PASSWORD):
        assert text in demo_service
    assert "首次登录须修改密码" in demo_service
    samples = demo.sample_officer_logins()
    assert len(samples) == 3
    assert len({login.scope for login in samples}) == 3
    for login in samples:
        assert login.username in demo_service


def test_a_second_run_adds_nothing(demo_service):
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert "已存在，未改动" in output


def test_if_empty_skips_when_officers_exist(city):
    OfficerFactory(unit=city["east_squad"], employee_number="10086")
    output = load("--if-empty")
    assert "跳过" in output
    assert Officer.objects.count() == 1
    assert not Unit.objects.filter(code=demo.CITY_BUREAU_CODE).exists()
    assert not User.objects.filter(username="admin").exists()


def test_if_empty_loads_into_an_empty_database(db):
    load("--if-empty", "--officers", "40")
    assert Officer.objects.count() == 40
    assert User.objects.filter(username="admin").exists()


def test_a_demo_officer_logs_in_and_must_change_the_password(demo_service, client):
    user = User.objects.get(username="10001")
    assert user.must_change_password is True
    assert client.login(username="10001", password=demo.DEMO_PASSWORD)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("people:password_change")


def test_demo_staff_log_in_without_changing_the_password(demo_service, client):
    assert client.login(username="HR001", password=demo.DEMO_PASSWORD)
    assert not User.objects.get(username="HR001").must_change_password


def test_a_unit_hr_sees_only_their_bureaus_officers(demo_service):
    hr = User.objects.get(username="HR101")
    bureau = hr.hr_scopes.get().unit
    visible = visible_officers(hr)
    expected = Officer.objects.filter(unit__path__startswith=bureau.path)
    assert expected.count() > 0
    assert set(visible) == set(expected)
    assert {officer.unit.code[:2] for officer in visible} == {bureau.code}
    assert visible_officers(User.objects.get(username="HR001")).count() == Officer.objects.count()


def test_rare_characters_reach_the_database(demo_service):
    names = "".join(Officer.objects.values_list("name", flat=True))
    assert set(names) >= RARE


def test_officer_count_is_configurable_and_must_be_positive(db):
    load("--officers", "25")
    assert Officer.objects.count() == 25
    with pytest.raises(Exception, match="正整数"):
        load("--officers", "0")


def test_roles_are_the_migrated_groups(demo_service):
    assert Group.objects.filter(name__in=[role.value for role in Role]).count() == len(Role)
