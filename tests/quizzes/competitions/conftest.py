import pytest

from people.roles import Role
from tests.factories import UserFactory, make_hr


@pytest.fixture(autouse=True)
def certificate_settings(settings):
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    settings.PUBLIC_BASE_URL = "https://lianbing.example.cn"


@pytest.fixture
def trainer(db):
    return UserFactory(roles=[Role.TRAINER])


@pytest.fixture
def city_hr(city):
    return make_hr(city["root"])
