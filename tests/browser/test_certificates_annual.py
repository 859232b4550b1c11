"""The officer's 年度培训档案 on a phone: HR generates it, the officer finds it in 我的证书,
downloads the multi-page PDF and it reads right (rare characters included)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from certificates.services.annual import issue_annual_record
from certificates.services.issue import issue_certificate
from people.models import HourEntry
from people.services.ledger import credit
from tests.browser.login import log_in
from tests.certificates.conftest import make_template
from tests.certificates.pdf_tools import embedded_fonts, page_count, pdf_text, save_png
from tests.factories import OfficerFactory, make_hr

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_annual_training_record_on_a_phone(
    transactional_db, city, phone, live_server, settings, screenshot
):
    settings.ROOT_URLCONF = "tests.certificates.urls"
    settings.PUBLIC_BASE_URL = live_server.url
    year = date.today().year
    make_template("course")
    officer = OfficerFactory(unit=city["east_squad"], name="司马喆堃燚", position="执法队员")
    titles = [
        "行政处罚法精讲",
        "互联网上网服务营业场所管理条例",
        "娱乐场所管理条例",
        "营业性演出管理条例实施细则",
        "出版管理条例与非法出版物鉴定",
    ]
    for month, title in enumerate(titles, start=1):
        credit(
            officer_id=officer.pk,
            kind=HourEntry.Kind.ONLINE,
            hours=Decimal("6"),
            on=date(year, month, 10),
            source_type=HourEntry.Source.COURSE,
            source_id=f"c{month}",
            title=title,
        )
    credit(
        officer_id=officer.pk,
        kind=HourEntry.Kind.EXAM,
        hours=Decimal("2"),
        on=date(year, 6, 1),
        source_type=HourEntry.Source.QUIZ,
        source_id="q1",
        title="全市执法人员法律知识考试",
    )
    course = issue_certificate(
        kind="course", title=titles[0], officer=officer, fields={"course": titles[0]}
    )
    record = issue_annual_record(officer=officer, year=year, actor=make_hr(city["root"]))
    errors = []
    phone.on("pageerror", lambda error: errors.append(error))

    log_in(phone, officer.employee_number)
    phone.goto("/certificates/")
    card = phone.get_by_test_id("certificate").filter(has_text="年度培训档案")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(f"{year}年度培训档案")
    expect(card).to_contain_text(record.serial)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    card.scroll_into_view_if_needed()
    screenshot(phone, "my-certificates-with-annual-record")

    with phone.expect_download() as download_info:
        card.get_by_test_id("download").click()
    download = download_info.value
    assert download.suggested_filename == f"{record.serial}-司马喆堃燚.pdf"
    pdf = Path(download.path()).read_bytes()
    text = pdf_text(pdf)
    expected = ("年度培训档案", "司马喆堃燚", "东区一中队", record.serial, course.serial)
    for value in (*expected, *titles):
        assert value in text, value
    assert "全市执法人员法律知识考试" in text and "32" in text  # 5 × 6 + 2 hours
    assert all(font["emb"] == "yes" for font in embedded_fonts(pdf))
    assert page_count(pdf) >= 1
    save_png(pdf, ARTIFACTS / "certificates" / "annual-record.png", dpi=80)
    assert not errors
