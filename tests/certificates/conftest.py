import pytest

from certificates.models import CertificateTemplate
from certificates.placeholders import DEFAULT_BODIES, DEFAULT_TITLES
from tests.factories import OfficerFactory, make_hr


@pytest.fixture(autouse=True)
def certificate_settings(settings):
    # PDFs go to the test settings' private storage (a temporary folder).
    settings.ROOT_URLCONF = "tests.certificates.urls"
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    settings.PUBLIC_BASE_URL = "https://lianbing.example.cn"


def make_template(kind="course", **fields) -> CertificateTemplate:
    return CertificateTemplate.objects.create(
        kind=kind,
        name=fields.pop("name", f"{DEFAULT_TITLES[kind]}模板"),
        title=fields.pop("title", DEFAULT_TITLES[kind]),
        body=fields.pop("body", DEFAULT_BODIES[kind]),
        issuer=fields.pop("issuer", "市文化市场综合执法局"),
        **fields,
    )


@pytest.fixture
def course_template(db):
    return make_template("course")


@pytest.fixture
def officer(city):
    return OfficerFactory(unit=city["detachment"], name="王喆堃", employee_number="10001")


@pytest.fixture
def other_officer(city):
    return OfficerFactory(unit=city["east_squad"], name="李燚", employee_number="20001")


@pytest.fixture
def city_hr(city):
    return make_hr(city["root"])


@pytest.fixture
def east_hr(city):
    return make_hr(city["east"])
