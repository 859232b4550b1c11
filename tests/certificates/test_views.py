"""Pages: public verification, 我的证书 and downloads, HR's register and its actions."""

import io
import zipfile

import pytest
from django.urls import reverse

from certificates.models import Certificate
from certificates.services.issue import issue_certificate, reissue_certificate, revoke_certificate
from tests.certificates.pdf_tools import pdf_text
from tests.factories import PASSWORD, OfficerFactory, UserFactory


def _issue(officer, **kwargs):
    return issue_certificate(
        kind="course",
        title=kwargs.pop("title", "行政处罚法精讲"),
        officer=officer,
        fields={"course": "行政处罚法精讲", "hours": "12"},
        **kwargs,
    )


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _verify(client, certificate):
    return client.get(reverse("certificates:verify", args=[certificate.verify_code]))


def test_verify_valid_shows_masked_name_and_nothing_more(client, officer, course_template):
    certificate = _issue(officer)
    response = _verify(client, certificate)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in html
    assert "王*堃" in html and "王喆堃" not in html
    assert "行政处罚法精讲" in html and certificate.serial in html
    main = html.split("<main", 1)[1]
    # (Not "12" itself: December's dates and the CSRF token may contain it.)
    for private in ("执法一支队", "10001", "学时"):
        assert private not in main


def test_verify_revoked_shows_date_not_reason(client, officer, course_template, city_hr):
    certificate = _issue(officer)
    revoke_certificate(certificate_id=certificate.pk, actor=city_hr, reason="考试作弊被查实")
    html = _verify(client, certificate).content.decode()
    assert 'data-status="revoked"' in html and "撤销" in html
    assert "考试作弊" not in html


def test_verify_superseded(client, officer, course_template, city_hr):
    certificate = _issue(officer)
    new = reissue_certificate(certificate_id=certificate.pk, actor=city_hr)
    html = _verify(client, certificate).content.decode()
    assert 'data-status="superseded"' in html and "已重新颁发" in html
    assert new.serial not in html
    assert 'data-status="valid"' in _verify(client, new).content.decode()


def test_verify_unknown_code_is_a_clear_404(client, db):
    response = client.get(reverse("certificates:verify", args=["nope-not-a-code"]))
    assert response.status_code == 404
    assert "查无此证书" in response.content.decode()


def test_qr_code_carries_the_absolute_verify_url(officer, course_template):
    from certificates.services.pdfs import item_for

    certificate = _issue(officer)
    url = item_for(certificate).verify_url
    assert url == f"https://lianbing.example.cn/certificates/verify/{certificate.verify_code}/"


def test_officer_sees_and_downloads_own_certificates(client, officer, course_template):
    certificate = _issue(officer)
    _login(client, officer.user)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert certificate.serial in page and "下载 PDF" in page
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]
    pdf = b"".join(response.streaming_content)
    assert certificate.serial in pdf_text(pdf) and "王喆堃" in pdf_text(pdf)


def test_officer_cannot_download_another_officers_certificate(
    client, officer, other_officer, course_template
):
    theirs = _issue(other_officer)
    _login(client, officer.user)
    assert client.get(reverse("certificates:download", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("certificates:download", args=[theirs.pk + 999])).status_code == 404
    assert theirs.serial not in client.get(reverse("certificates:mine")).content.decode()


def test_anonymous_download_goes_to_login(client, officer, course_template):
    certificate = _issue(officer)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_revoked_certificate_is_not_downloadable_by_its_holder(
    client, officer, course_template, city_hr
):
    certificate = _issue(officer)
    revoke_certificate(certificate_id=certificate.pk, actor=city_hr, reason="错发")
    _login(client, officer.user)
    assert client.get(reverse("certificates:download", args=[certificate.pk])).status_code == 404


def test_hr_downloads_only_within_scope(client, officer, other_officer, course_template, east_hr):
    mine, theirs = _issue(other_officer), _issue(officer)
    _login(client, east_hr)
    assert client.get(reverse("certificates:download", args=[mine.pk])).status_code == 200
    assert client.get(reverse("certificates:download", args=[theirs.pk])).status_code == 404


def test_register_is_scoped_and_filtered(client, officer, other_officer, course_template, east_hr):
    east, bureau = _issue(other_officer), _issue(officer)
    _login(client, east_hr)
    html = client.get(reverse("certificates:register")).content.decode()
    assert east.serial in html and bureau.serial not in html
    html = client.get(reverse("certificates:register"), {"status": "revoked"}).content.decode()
    assert east.serial not in html
    html = client.get(reverse("certificates:register"), {"q": "李燚"}).content.decode()
    assert east.serial in html


def test_officer_cannot_open_the_register(client, officer):
    _login(client, officer.user)
    assert client.get(reverse("certificates:register")).status_code == 403


def test_register_excel_export(client, officer, other_officer, course_template, city_hr):
    from openpyxl import load_workbook

    a, b = _issue(officer), _issue(other_officer)
    _login(client, city_hr)
    response = client.get(reverse("certificates:export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "证书编号"
    assert {row[0] for row in rows[1:]} == {a.serial, b.serial}


def test_unit_zip(client, city, officer, course_template, city_hr):
    second = OfficerFactory(unit=city["detachment"], name="陈堃")
    elsewhere = OfficerFactory(unit=city["west"])
    certificates = [_issue(officer), _issue(second)]
    _issue(elsewhere)
    _login(client, city_hr)
    response = client.get(reverse("certificates:zip"), {"unit": city["bureau"].pk})
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == sorted(f"{c.serial}-{c.holder_name}.pdf" for c in certificates)


def test_revoke_and_reissue_from_the_register(client, officer, course_template, city_hr):
    certificate = _issue(officer)
    _login(client, city_hr)
    url = reverse("certificates:revoke", args=[certificate.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # the form asks for a reason
    client.post(url, {"reason": "重复颁发"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    other = _issue(officer, title="另一门课")
    client.post(reverse("certificates:reissue", args=[other.pk]))
    other.refresh_from_db()
    assert other.status == "superseded" and other.superseded_by.status == "valid"


def test_hr_cannot_act_outside_scope(client, officer, course_template, east_hr):
    certificate = _issue(officer)
    _login(client, east_hr)
    url = reverse("certificates:revoke", args=[certificate.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.post(reverse("certificates:reissue", args=[certificate.pk])).status_code == 404
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"


def test_trainer_sees_certificates_of_own_courses(client, officer, course_template):
    from certificates.models import Source
    from people.roles import Role
    from tests.courses.course_factory import build_course

    trainer = UserFactory(roles=[Role.TRAINER])
    course, _ = build_course(lessons=1)
    course.trainers.add(trainer)
    course.save()  # parental relations are written on save
    theirs = _issue(officer, source_type=Source.COURSE, source_id=str(course.pk))
    unrelated = _issue(officer, source_type=Source.COURSE, source_id="99999", title="别的课")
    _login(client, trainer)
    html = client.get(reverse("certificates:courses")).content.decode()
    assert theirs.serial in html and unrelated.serial not in html


@pytest.mark.parametrize("kind", ["course", "annual_record"])
def test_admin_template_preview_shows_the_pdf_with_sample_data(admin_client, kind):
    from tests.certificates.conftest import make_template

    template = make_template(kind)
    url = reverse(
        "wagtailsnippets_certificates_certificatetemplate:preview_on_edit", args=[template.pk]
    )
    data = {
        "kind": kind,
        "name": template.name,
        "active": "on",
        "page_size": "A5",
        "orientation": "portrait",
        "font": "serif",
        "title": "预览证书",
        "body": template.body,
        "issuer": "预览执法局",
        "accent_color": "#8b0000",
        "show_border": "on",
    }
    assert admin_client.post(url, data).json()["is_valid"]
    # The panel's default mode: the PDF's pages drawn as pictures in an HTML page.
    response = admin_client.get(url)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert html.count('<img src="data:image/png;base64,') >= 1 and "<embed" not in html
    # The PDF mode: the document as it will print, with the form's current values.
    response = admin_client.get(url, {"mode": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "预览执法局" in text and "王喆堃" in text


def test_admin_template_preview_without_pdftoppm_embeds_the_pdf(
    admin_client, course_template, monkeypatch
):
    from certificates.services import preview

    monkeypatch.setattr(preview.shutil, "which", lambda name: None)
    url = reverse(
        "wagtailsnippets_certificates_certificatetemplate:preview_on_edit",
        args=[course_template.pk],
    )
    t = course_template
    data = {
        "kind": t.kind,
        "name": t.name,
        "page_size": t.page_size,
        "orientation": t.orientation,
        "font": t.font,
        "title": t.title,
        "body": t.body,
        "accent_color": t.accent_color,
    }
    assert admin_client.post(url, data).json()["is_valid"]
    html = admin_client.get(url).content.decode()
    assert '<embed src="data:application/pdf;base64,' in html and "<img" not in html


def test_admin_template_pages_and_placeholder_check(admin_client, course_template):
    base = "wagtailsnippets_certificates_certificatetemplate"
    assert admin_client.get(reverse(f"{base}:list")).status_code == 200
    edit = reverse(f"{base}:edit", args=[course_template.pk])
    assert admin_client.get(edit).status_code == 200
    url = reverse(f"{base}:preview_on_edit", args=[course_template.pk])
    data = {
        "kind": "course",
        "name": "x",
        "page_size": "A4",
        "orientation": "landscape",
        "font": "serif",
        "title": "结业证书",
        "body": "{姓名}完成{不存在}",
        "accent_color": "#b22222",
    }
    assert not admin_client.post(url, data).json()["is_valid"]
    home = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("certificates:register") in home
