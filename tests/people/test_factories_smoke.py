from people.models import Officer
from tests.factories import OfficerFactory


def test_officer_factory_builds_a_login_named_after_the_employee_number(city):
    officer = OfficerFactory(unit=city["east_squad"], employee_number="E777")
    assert Officer.objects.get(user__username="E777") == officer
