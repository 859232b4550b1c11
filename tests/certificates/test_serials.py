"""Serials stay unique when many issue at once."""

import threading

import pytest
from django.db import connection, connections

from certificates.models import Certificate, SerialCounter
from certificates.services.serials import allocate, format_serial


@pytest.mark.django_db
def test_serials_are_consecutive_per_year():
    assert allocate(year=2026) == ["LB2026-000001"]
    assert allocate(year=2026, count=3) == ["LB2026-000002", "LB2026-000003", "LB2026-000004"]
    assert allocate(year=2027) == ["LB2027-000001"]
    assert SerialCounter.objects.get(year=2026).last == 4


def test_serial_format(settings):
    settings.CERTIFICATE_SERIAL_PREFIX = "WH"
    assert format_serial(2026, 123) == "WH2026-000123"


@pytest.mark.django_db(transaction=True)
def test_serials_unique_under_concurrent_issue(city, course_template):
    """Threads with their own database connections issue at the same time."""
    from certificates.services.issue import issue_certificate
    from tests.factories import OfficerFactory

    officers = [OfficerFactory(unit=city["bureau"]) for _ in range(8)]
    barrier = threading.Barrier(len(officers))
    errors, serials = [], []

    def issue(officer):
        try:
            barrier.wait(timeout=10)
            for n in range(5):
                certificate = issue_certificate(
                    kind="course",
                    title="并发测试",
                    officer=officer,
                    source_id=f"c{n}",
                    source_type="course",
                    render=False,
                )
                serials.append(certificate.serial)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(o,)) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(serials) == 40 == len(set(serials))
    assert Certificate.objects.count() == 40
    assert SerialCounter.objects.get().last == 40
    assert connection.vendor in {"sqlite", "postgresql"}
