"""HR pages: officer list, roster import with its one-time 初始密码单, template and export."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from people.models import AuditEntry, Officer
from tests.factories import PASSWORD, OfficerFactory, make_hr
from tests.people.roster_files import OFFICERS, replaced, snapshot, xlsx

HR_URLS = ["hr:officers", "hr:import", "hr:credentials", "hr:template", "hr:export"]


@pytest.fixture
def officers(city):
    return {
        "east": OfficerFactory(unit=city["east_squad"], name="东区甲", employee_number="31001"),
        "east_bureau": OfficerFactory(unit=city["east"], name="东区乙", employee_number="31002"),
        "west": OfficerFactory(unit=city["west"], name="西区丙", employee_number="32001"),
    }


@pytest.fixture
def east_hr(city, client):
    user = make_hr(city["east"])
    client.force_login(user)
    return user


def upload(client, data: bytes, name="名册.xlsx", **fields):
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("hr:import"), {"file": file, **fields})


def workbook_of(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize("name", HR_URLS)
def test_officer_without_hr_role_gets_403_on_every_hr_page(client, officers, name):
    client.force_login(officers["east"].user)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", HR_URLS)
def test_anonymous_visitor_is_sent_to_login(client, city, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("people:login"))


def test_unit_hr_sees_only_its_subtree_and_its_units_in_the_filter(client, officers, east_hr):
    response = client.get(reverse("hr:officers"))
    assert response.status_code == 200
    text = response.text
    assert "东区甲" in text and "东区乙" in text and "西区丙" not in text
    units = list(response.context["form"].fields["unit"].queryset.values_list("code", flat=True))
    assert units == ["D01", "D0101"]


def test_officer_list_filters_by_unit_status_and_search(client, officers, east_hr, city):
    squad = client.get(reverse("hr:officers"), {"unit": city["east_squad"].pk})
    assert [o.name for o in squad.context["page"]] == ["东区甲"]
    by_number = client.get(reverse("hr:officers"), {"q": "31002"})
    assert [o.name for o in by_number.context["page"]] == ["东区乙"]
    Officer.objects.filter(pk=officers["east"].pk).update(status="away")
    away = client.get(reverse("hr:officers"), {"status": "away"})
    assert [o.name for o in away.context["page"]] == ["东区甲"]
    # A unit outside the scope is not a choice: the filter is ignored, not widened.
    west = client.get(reverse("hr:officers"), {"unit": city["west"].pk})
    assert "西区丙" not in west.text


def test_officer_list_is_paginated(client, city, east_hr):
    for _ in range(55):
        OfficerFactory(unit=city["east"])
    first = client.get(reverse("hr:officers"))
    assert len(first.context["page"]) == 50
    second = client.get(reverse("hr:officers"), {"page": 2})
    assert len(second.context["page"]) == 5


def test_import_shows_the_summary_and_credentials_download_once(client, city):
    hr = make_hr(city["root"])
    client.force_login(hr)
    response = upload(client, xlsx())
    assert response.status_code == 200
    assert response.context["result"].officers_created == 4
    assert "下载初始密码单" in response.text

    download = client.post(reverse("hr:credentials"))
    assert download.status_code == 200
    rows = list(workbook_of(download).active.iter_rows(values_only=True))
    assert rows[0] == ("工号", "姓名", "单位", "初始密码")
    number, _name, _unit, password = rows[1]
    assert authenticate(username=number, password=password) is not None
    assert AuditEntry.objects.filter(action="roster.credentials_downloaded").exists()

    again = client.post(reverse("hr:credentials"))
    assert again.status_code == 302
    assert "hr_roster_credentials" not in client.session


def test_credentials_are_not_downloadable_by_another_hr_user(client, city):
    client.force_login(make_hr(city["root"]))
    upload(client, xlsx())
    client.force_login(make_hr(city["root"]))  # a new login: a new session
    response = client.post(reverse("hr:credentials"))
    assert response.status_code == 302
    assert response.url == reverse("hr:import")


def test_credentials_download_refuses_get(client, city):
    client.force_login(make_hr(city["root"]))
    upload(client, xlsx())
    assert client.get(reverse("hr:credentials")).status_code == 405


def test_broken_file_shows_the_problem_table_and_changes_nothing(client, city, east_hr):
    before = snapshot()
    rows = replaced(OFFICERS[:1], 0, "发证日期", "2024-02-30")
    response = upload(client, xlsx(rows, [["D0102", "东区二中队", "D01", "中队", 2]]))
    assert response.status_code == 200
    assert "没有做任何修改" in response.text
    (problem,) = response.context["problems"]
    assert (problem.sheet, problem.row, problem.column) == ("人员", 2, "发证日期")
    assert "2024-02-30" in response.text
    assert snapshot() == before


def test_east_hr_import_into_west_is_refused_naming_the_row(client, city, east_hr):
    rows = [["10061", "周瑜", "D02", "", "", "", "", "", "", ""]]
    response = upload(client, xlsx(rows, False))
    (problem,) = response.context["problems"]
    assert (problem.row, problem.column) == (2, "单位编码")
    assert not Officer.objects.filter(employee_number="10061").exists()


def test_dry_run_checkbox_validates_without_importing(client, city):
    client.force_login(make_hr(city["root"]))
    response = upload(client, xlsx(), dry_run="on")
    assert response.context["result"].dry_run
    assert "仅校验" in response.text
    assert not Officer.objects.exists()
    assert "下载初始密码单" not in response.text


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("名册.xls", "另存为 .xlsx"), ("名册.pdf", "只能上传 .xlsx 或 .csv 文件")],
)
def test_upload_of_another_file_type_is_refused_with_a_message(client, east_hr, name, fragment):
    response = upload(client, b"data", name)
    assert response.status_code == 200
    assert fragment in response.text
    assert response.context["result"] is None and response.context["problems"] is None


def test_upload_over_the_size_limit_is_refused(client, east_hr, settings):
    settings.IMPORT_MAX_UPLOAD_SIZE = 1024
    response = upload(client, b"x" * 2048, "名册.csv")
    assert "文件过大" in response.text


def test_template_download_has_the_chinese_headers_and_instructions(client, east_hr):
    response = client.get(reverse("hr:template"))
    workbook = workbook_of(response)
    assert workbook.sheetnames == ["人员", "单位", "说明"]
    header = next(workbook["人员"].iter_rows(values_only=True))
    assert header[:3] == ("工号", "姓名", "单位编码")
    assert workbook["人员"]["A1"].font.b
    guide = " ".join(str(c) for row in workbook["说明"].iter_rows(values_only=True) for c in row)
    assert "网吧与网络" in guide and "调离" in guide and "区(市)执法局" in guide


def test_export_holds_only_the_hr_users_scope(client, officers, east_hr):
    response = client.get(reverse("hr:export"))
    assert "attachment" in response["Content-Disposition"]
    workbook = workbook_of(response)
    numbers = {row[0] for row in workbook["人员"].iter_rows(min_row=2, values_only=True)}
    assert numbers == {"31001", "31002"}
    codes = {row[0] for row in workbook["单位"].iter_rows(min_row=2, values_only=True)}
    assert codes == {"D01", "D0101"}


def test_forced_password_change_applies_before_hr_pages(client, city):
    hr = make_hr(city["root"])
    hr.must_change_password = True
    hr.save()
    assert client.login(username=hr.username, password=PASSWORD)
    assert client.get(reverse("hr:officers")).status_code == 302
