from certificates.demo import load_demo_certificates
from certificates.models import Certificate, CertificateTemplate, Kind
from people.demo import DemoConfig
from tests.factories import OfficerFactory


def test_demo_step_makes_templates_and_downloadable_certificates(city):
    for _ in range(6):
        OfficerFactory(unit=city["east_squad"])
    report = load_demo_certificates(DemoConfig())
    assert CertificateTemplate.objects.filter(active=True).count() == len(Kind.choices)
    assert Certificate.objects.count() == 7
    assert not Certificate.objects.filter(pdf="").exists()
    assert "7" in report.lines[0]
    assert "已存在" in load_demo_certificates(DemoConfig()).lines[0]
