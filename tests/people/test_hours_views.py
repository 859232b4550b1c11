"""The ledger pages: an officer's own hours, HR's manual entries, review, reversal, evidence."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from people.models import HourEntry, OfficerYearHours
from people.services.ledger import credit, record_manual_entry
from tests.factories import OfficerFactory, make_hr
from tests.people.ledger_factory import evidence, make_programme


@pytest.fixture
def people(city):
    east = OfficerFactory(unit=city["east_squad"], name="东区甲", position="科员")
    west = OfficerFactory(unit=city["west"], name="西区丙")
    return {
        "east": east,
        "west": west,
        "east_hr": make_hr(city["east"]),
        "west_hr": make_hr(city["west"]),
        "city_hr": make_hr(city["root"]),
    }


def _credit(officer, hours="2", source="1", on=None):
    return credit(
        officer_id=officer.pk,
        kind=HourEntry.Kind.ONLINE,
        hours=hours,
        on=on or date.today(),
        source_type=HourEntry.Source.COURSE,
        source_id=source,
        title=f"网络课程{source}",
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_officer_sees_own_hours_against_the_requirement(people):
    make_programme(date.today().year, required=10, by_position={"科员": 8})
    _credit(people["east"], "3")
    _credit(people["west"], "9", source="9")
    page = _client(people["east"].user).get(reverse("hours:mine")).content.decode()
    assert "网络课程1" in page and "网络课程9" not in page
    assert 'data-testid="hours-required">8.0<' in page
    assert "还差 5.0 学时" in page


def test_dashboard_shows_the_years_hours(people):
    _credit(people["east"], "41")
    page = _client(people["east"].user).get(reverse("dashboard")).content.decode()
    assert 'data-testid="dashboard-hours"' in page and "41.0" in page and "已达标" in page


def test_officers_cannot_open_hr_ledger_pages(people):
    entry = _credit(people["west"])
    client = _client(people["east"].user)
    for url in (
        reverse("hours:officer", args=[people["west"].pk]),
        reverse("hours:manual", args=[people["west"].pk]),
        reverse("hours:pending"),
    ):
        assert client.get(url).status_code == 403
    response = client.post(reverse("hours:reverse", args=[entry.pk]), {"reason": "x"})
    assert response.status_code == 403


def test_unit_hr_cannot_reach_another_units_officer_by_changing_ids(people):
    entry = _credit(people["west"])
    client = _client(people["east_hr"])
    assert client.get(reverse("hours:officer", args=[people["west"].pk])).status_code == 404
    assert client.get(reverse("hours:manual", args=[people["west"].pk])).status_code == 404
    response = client.post(reverse("hours:reverse", args=[entry.pk]), {"reason": "越权"})
    assert response.status_code == 404
    response = client.post(reverse("hours:review", args=[entry.pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert not HourEntry.objects.filter(reverses=entry).exists()


def test_manual_entry_with_evidence_then_approval_by_another_hr(people):
    east = people["east"]
    client = _client(people["east_hr"])
    upload = SimpleUploadedFile("结业证书.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        reverse("hours:manual", args=[east.pk]),
        {
            "kind": "external",
            "date": "2026-03-05",
            "hours": "6",
            "title": "省厅执法骨干培训",
            "evidence": upload,
        },
    )
    assert response.status_code == 302
    entry = HourEntry.objects.get(officer=east)
    assert entry.status == "pending"
    pending = client.get(reverse("hours:pending")).content.decode()
    assert "本人录入，须由其他人事人员审核" in pending
    city_client = _client(people["city_hr"])
    assert "省厅执法骨干培训" in city_client.get(reverse("hours:pending")).content.decode()
    city_client.post(reverse("hours:review", args=[entry.pk]), {"decision": "approve"})
    assert OfficerYearHours.objects.get(officer=east, year=2026).external == Decimal(6)


def test_manual_entry_form_names_the_bad_field_and_saves_nothing(people):
    client = _client(people["east_hr"])
    bad = SimpleUploadedFile("证明.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        reverse("hours:manual", args=[people["east"].pk]),
        {"kind": "external", "date": "2999-01-01", "hours": "0", "title": "", "evidence": bad},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "日期不能晚于今天" in page
    assert "证明材料只能是 PDF、JPG 或 PNG 文件" in page
    assert not HourEntry.objects.exists()


def test_rejecting_requires_a_reason(people):
    entry = record_manual_entry(
        actor=people["east_hr"],
        officer_id=people["east"].pk,
        kind="study",
        hours="2",
        on=date(2026, 3, 1),
        title="集体学习",
        evidence=evidence(),
    )
    client = _client(people["city_hr"])
    response = client.post(
        reverse("hours:review", args=[entry.pk]), {"decision": "reject"}, follow=True
    )
    assert "退回时请说明理由" in response.content.decode()
    assert HourEntry.objects.get(pk=entry.pk).status == "pending"


def test_reversal_from_the_officer_page_keeps_both_entries(people):
    entry = _credit(people["east"], "2")
    client = _client(people["east_hr"])
    client.post(reverse("hours:reverse", args=[entry.pk]), {"reason": "重复计入"})
    page = client.get(reverse("hours:officer", args=[people["east"].pk])).content.decode()
    assert "冲销：网络课程1" in page and "重复计入" in page and "已冲销" in page
    assert OfficerYearHours.objects.get(officer=people["east"]).total == 0


def test_state_changes_need_the_csrf_token(people):
    entry = _credit(people["east"], "2")
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["east_hr"])
    response = client.post(reverse("hours:reverse", args=[entry.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert not HourEntry.objects.filter(reverses=entry).exists()


def test_evidence_only_for_the_officer_and_hr_in_scope(people):
    entry = record_manual_entry(
        actor=people["east_hr"],
        officer_id=people["east"].pk,
        kind="external",
        hours="2",
        on=date(2026, 3, 1),
        title="外部培训",
        evidence=evidence(),
    )
    url = reverse("hours:evidence", args=[entry.pk])
    assert _client(people["east"].user).get(url).status_code == 200
    assert _client(people["city_hr"]).get(url).status_code == 200
    assert _client(people["west"].user).get(url).status_code == 404
    assert _client(people["west_hr"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    with pytest.raises(ValueError):
        _ = entry.evidence.url  # private storage: no public URL to guess
