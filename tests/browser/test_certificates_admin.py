"""An administrator edits a certificate template in the Wagtail admin and the live preview
shows the certificate PDF of the form as it is being typed, with sample data."""

import re
from pathlib import Path

from playwright.sync_api import expect

from people.roles import Role
from tests.browser.login import log_in_to_admin
from tests.certificates.conftest import make_template
from tests.certificates.pdf_tools import pdf_text, save_png
from tests.factories import UserFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_template_live_preview_in_the_admin(transactional_db, desktop, settings, screenshot):
    settings.ROOT_URLCONF = "tests.certificates.urls"
    template = make_template("course", name="结业证书（标准）")
    UserFactory(username="ADMIN-CERT", roles=[Role.ADMINISTRATOR])
    errors = []
    desktop.on("pageerror", lambda error: errors.append(error))

    log_in_to_admin(desktop, "ADMIN-CERT")
    desktop.goto(f"/admin/snippets/certificates/certificatetemplate/edit/{template.pk}/")
    expect(desktop.locator("#id_title")).to_have_value("结业证书")

    preview_url = f"/admin/snippets/certificates/certificatetemplate/preview/{template.pk}/"
    desktop.locator('[data-side-panel-toggle="preview"]').click()
    preview = desktop.frame_locator("#w-preview-iframe")
    expect(preview.get_by_test_id("preview-pages").locator("img")).to_have_count(1)

    # Typing updates the preview: Wagtail posts the form as it changes and swaps in a new
    # frame with the pictures of the new PDF.
    # (Wagtail takes the form's initial state 2 s after the page loads; edits made before
    # that count as the initial state, so a person — and this test — types after it.)
    desktop.wait_for_timeout(2500)
    with desktop.expect_response(
        lambda r: preview_url in r.url and r.request.method == "GET", timeout=30_000
    ):
        desktop.locator("#id_title").fill("培训结业证书")
        desktop.locator("#id_issuer").fill("市文化市场综合执法局（喆堃燚）")
    expect(preview.get_by_test_id("preview-pages").locator("img")).to_have_count(1)
    screenshot(desktop, "admin-preview")

    # The PDF mode serves the document as it prints, with what was just typed.
    fetched = desktop.context.request.get(preview_url + "?mode=pdf&in_preview_panel=true")
    assert fetched.headers["content-type"] == "application/pdf"
    pdf = fetched.body()
    text = pdf_text(pdf)
    assert "培训结业证书" in text and "市文化市场综合执法局（喆堃燚）" in text
    save_png(pdf, ARTIFACTS / "certificates" / "admin-preview.png", dpi=80)

    # A placeholder the platform does not know is refused on save, with the list of known ones.
    desktop.locator("#id_body").fill("兹证明 {姓名} 完成 {课时数}。")
    desktop.get_by_role("button", name=re.compile("保存")).first.click()
    expect(desktop.locator("main")).to_contain_text("未知的占位符：{课时数}")
    template.refresh_from_db()
    assert template.title == "结业证书"  # nothing was saved
    assert not errors
