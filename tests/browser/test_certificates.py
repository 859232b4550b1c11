"""An officer finds 我的证书 on a phone, downloads the PDF, and the QR code's URL opens the
public verification page; the certificate is also saved as a picture for people to look at."""

from pathlib import Path

from playwright.sync_api import expect

from certificates.services.issue import issue_certificate, revoke_certificate
from certificates.services.pdfs import item_for, render_missing
from tests.browser.login import log_in
from tests.certificates.conftest import make_template
from tests.certificates.pdf_tools import embedded_fonts, pdf_text, save_png
from tests.factories import OfficerFactory, make_hr

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_my_certificates_on_a_phone_and_the_verify_page(
    transactional_db, city, phone, live_server, settings, screenshot, tmp_path
):
    settings.ROOT_URLCONF = "tests.certificates.urls"
    settings.PUBLIC_BASE_URL = live_server.url
    make_template("course")
    make_template("award")
    officer = OfficerFactory(unit=city["east_squad"], name="欧阳喆燚")
    course = issue_certificate(
        kind="course",
        title="互联网上网服务营业场所管理条例精讲",
        officer=officer,
        fields={"course": "互联网上网服务营业场所管理条例精讲", "hours": "12"},
    )
    award = issue_certificate(
        kind="award",
        title="全市执法技能竞赛",
        officer=officer,
        fields={"competition": "2026年全市文化市场执法技能竞赛", "award": "一等奖"},
    )
    render_missing()
    revoked = issue_certificate(kind="course", title="已撤销的课程", officer=officer)
    revoke_certificate(certificate_id=revoked.pk, actor=make_hr(city["root"]), reason="错发")
    errors = []
    phone.on("pageerror", lambda error: errors.append(error))

    log_in(phone, officer.employee_number)
    phone.goto("/certificates/")
    cards = phone.get_by_test_id("certificate")
    expect(cards).to_have_count(3)
    expect(phone.get_by_test_id("my-certificates")).to_contain_text(course.serial)
    expect(phone.get_by_test_id("my-certificates")).to_contain_text("一等奖")
    fits_the_phone(phone)
    screenshot(phone, "my-certificates")

    with phone.expect_download() as download_info:
        cards.filter(has_text=course.serial).get_by_test_id("download").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert download_info.value.suggested_filename == f"{course.serial}-欧阳喆燚.pdf"
    assert "欧阳喆燚" in pdf_text(pdf) and course.serial in pdf_text(pdf)
    assert all(font["emb"] == "yes" for font in embedded_fonts(pdf))
    save_png(pdf, ARTIFACTS / "certificates" / "downloaded-course-certificate.png")
    award.refresh_from_db()
    save_png(award.pdf.read(), ARTIFACTS / "certificates" / "award-certificate.png")
    # The revoked one is listed but not offered for download.
    expect(cards.filter(has_text="已撤销的课程").get_by_test_id("download")).to_have_count(0)

    # What the QR code carries, opened as a phone camera would (logged out).
    phone.context.clear_cookies()
    verify_url = item_for(course).verify_url
    assert verify_url.startswith(live_server.url)
    phone.goto(verify_url)
    status = phone.get_by_test_id("verify-status")
    expect(status).to_have_attribute("data-status", "valid")
    expect(phone.get_by_test_id("verify-holder")).to_have_text("欧**燚")
    expect(phone.locator("main")).not_to_contain_text("东区一中队")
    fits_the_phone(phone)
    screenshot(phone, "verify-valid")

    phone.goto(item_for(revoked).verify_url)
    expect(phone.get_by_test_id("verify-status")).to_have_attribute("data-status", "revoked")
    expect(phone.locator("main")).not_to_contain_text("错发")
    screenshot(phone, "verify-revoked")

    response = phone.goto("/certificates/verify/forged-code-123/")
    assert response.status == 404
    expect(phone.get_by_test_id("verify-status")).to_contain_text("查无此证书")
    screenshot(phone, "verify-unknown")
    assert not errors
