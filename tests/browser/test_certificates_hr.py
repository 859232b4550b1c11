"""HR's side of certificates in the browser: the register (filters, revocation with a reason,
Excel and ZIP downloads) and bulk issue for a unit, run by a real `manage.py db_worker` —
including a worker killed half-way, the job shown stalled and resumed without duplicates."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from certificates.models import BulkIssueJob, Certificate
from certificates.services.issue import issue_certificate
from certificates.services.pdfs import render_missing
from tests.browser.login import log_in
from tests.certificates.conftest import make_template
from tests.certificates.pdf_tools import pdf_text, save_png
from tests.certificates.worker import task_worker, wait_until
from tests.factories import OfficerFactory, make_hr

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def certificate_urls(settings, live_server):
    settings.ROOT_URLCONF = "tests.certificates.urls"
    settings.PUBLIC_BASE_URL = live_server.url
    settings.CERTIFICATE_RENDER_PROCESSES = 1


def no_horizontal_scroll(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_register_filters_revocation_and_downloads(
    transactional_db, city, desktop, certificate_urls, screenshot
):
    make_template("course")
    make_template("award")
    east = [OfficerFactory(unit=city["east_squad"], name=n) for n in ("陈喆", "林堃", "黄燚")]
    west = OfficerFactory(unit=city["west"], name="赵西")
    for officer in east:
        issue_certificate(
            kind="course",
            title="互联网上网服务营业场所管理条例精讲",
            officer=officer,
            fields={"course": "互联网上网服务营业场所管理条例精讲", "hours": "12"},
        )
    award = issue_certificate(
        kind="award",
        title="全市执法技能竞赛",
        officer=east[0],
        fields={"competition": "全市执法技能竞赛", "award": "一等奖"},
    )
    issue_certificate(kind="course", title="西区课程", officer=west)
    render_missing()
    hr = make_hr(city["root"], username="HR-CERT")
    errors = []
    desktop.on("pageerror", lambda error: errors.append(error))

    log_in(desktop, hr.username)
    desktop.goto("/certificates/register/")
    rows = desktop.get_by_test_id("register-row")
    expect(rows).to_have_count(5)
    filters = desktop.get_by_test_id("register-filters")
    filters.get_by_label("单位").select_option(label="东区文化执法局")
    filters.get_by_label("类型").select_option(label="结业证书")
    filters.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(3)
    expect(desktop.get_by_test_id("register")).not_to_contain_text("赵西")
    expect(desktop.get_by_test_id("register")).not_to_contain_text(award.serial)
    filters.get_by_label("搜索").fill("林堃")
    filters.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    filters.get_by_label("搜索").fill("")
    filters.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(3)
    screenshot(desktop, "register-filtered")

    # Revoke 林堃's certificate with a reason; a reason is required.
    target = rows.filter(has_text="林堃")
    serial = target.locator("td").first.inner_text().strip()
    target.get_by_role("link", name="撤销").click()
    expect(desktop.get_by_role("heading", name="撤销证书")).to_be_visible()
    expect(desktop.locator("main")).to_contain_text(serial)
    screenshot(desktop, "revoke-form")
    desktop.get_by_role("button", name="确认撤销").click()
    expect(desktop).to_have_url(re.compile(r"/revoke/$"))  # the browser refuses an empty reason
    desktop.get_by_label("理由").fill("培训记录核查有误")
    desktop.get_by_role("button", name="确认撤销").click()
    expect(desktop.locator(".alert-success")).to_contain_text(f"证书 {serial} 已撤销")
    assert Certificate.objects.get(serial=serial).revoke_reason == "培训记录核查有误"

    desktop.goto("/certificates/register/?status=revoked")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("已撤销")
    expect(rows.first).to_contain_text("培训记录核查有误")
    expect(rows.first.get_by_role("link", name="撤销")).to_have_count(0)
    screenshot(desktop, "register-revoked")

    # The Excel export carries the filters of the page it was started from.
    desktop.goto(f"/certificates/register/?unit={city['east'].pk}")
    expect(rows).to_have_count(4)
    with desktop.expect_download() as download_info:
        desktop.get_by_test_id("export").click()
    download = download_info.value
    assert re.fullmatch(r"证书登记簿-\d{8}\.xlsx", download.suggested_filename)
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:3] == ["证书编号", "证书类型", "持证人"]
    assert sorted(row[2] for row in table[1:]) == sorted(["陈喆", "陈喆", "林堃", "黄燚"])
    revoked_row = next(row for row in table if row[0] == serial)
    assert revoked_row[7] == "已撤销" and revoked_row[9] == "培训记录核查有误"
    assert all(row[4] == "东区一中队" for row in table[1:])

    # The unit's valid certificates as one ZIP: the revoked one is left out.
    with desktop.expect_download() as download_info:
        desktop.get_by_test_id("zip").click()
    assert download_info.value.suggested_filename == "东区文化执法局-证书.zip"
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    names = sorted(archive.namelist())
    assert len(names) == 3 and not any(serial in name for name in names)
    assert any(name.endswith("-黄燚.pdf") for name in names)
    first = archive.read(next(n for n in names if n.endswith("-黄燚.pdf")))
    assert "黄燚" in pdf_text(first)
    save_png(first, ARTIFACTS / "certificates" / "zip-course-certificate.png")
    assert not errors


def start_unit_bulk_issue(page, unit_label, title):
    page.goto("/certificates/bulk/")
    page.get_by_label("证书模板").select_option(index=1)
    page.get_by_label("证明事项").fill(title)
    page.get_by_label(re.compile("整个单位")).check()
    page.get_by_label("单位", exact=True).select_option(label=unit_label)
    page.get_by_role("button", name="开始颁发").click()
    expect(page).to_have_url(re.compile(r"/certificates/bulk/\d+/$"))
    return BulkIssueJob.objects.latest("created_at")


def test_bulk_issue_for_a_unit_runs_on_the_task_worker(
    transactional_db, city, desktop, live_server, certificate_urls, screenshot
):
    make_template("model_officer")
    members = [OfficerFactory(unit=city["east_squad"]) for _ in range(12)]
    OfficerFactory(unit=city["west"])  # another unit: not included
    hr = make_hr(city["east"], username="HR-EAST")
    errors = []
    desktop.on("pageerror", lambda error: errors.append(error))

    log_in(desktop, hr.username)
    desktop.goto("/certificates/bulk/")
    screenshot(desktop, "bulk-form")
    job = start_unit_bulk_issue(desktop, "东区文化执法局", "2026年度执法练兵标兵")
    progress = desktop.get_by_test_id("job-progress")
    # No worker yet: the job waits in the queue and the page says why.
    expect(progress).to_have_attribute("data-state", "queued")
    expect(progress).to_contain_text("db_worker")
    screenshot(desktop, "bulk-queued")

    with task_worker(
        PUBLIC_BASE_URL=live_server.url, CERTIFICATE_RENDER_PROCESSES=1, CERTIFICATE_RENDER_CHUNK=3
    ) as worker:
        # The page polls on its own: it reaches done without a reload.
        expect(progress).to_have_attribute("data-state", "done", timeout=90_000)
        assert worker.alive
    expect(progress).to_contain_text("已生成 12 / 12 份")
    expect(desktop.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    screenshot(desktop, "bulk-done")

    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.runs) == ("done", 12, 12, 1)
    issued = Certificate.objects.filter(bulk_job=job)
    assert sorted(issued.values_list("officer_id", flat=True)) == sorted(m.pk for m in members)
    assert not issued.filter(pdf="").exists()
    one = issued.first()
    text = pdf_text(one.pdf.read())
    assert one.officer.name in text and one.serial in text and "执法练兵标兵" in text

    desktop.get_by_test_id("job-certificates").click()
    expect(desktop.get_by_test_id("register-row")).to_have_count(12)
    assert not errors


def test_a_bulk_job_whose_worker_is_killed_is_stalled_and_resumed(
    transactional_db, city, desktop, live_server, certificate_urls, settings, screenshot
):
    settings.CERTIFICATE_JOB_STALL_SECONDS = 4
    make_template("course")
    members = [OfficerFactory(unit=city["detachment"]) for _ in range(24)]
    hr = make_hr(city["root"], username="HR-CITY")
    worker_settings = {
        "PUBLIC_BASE_URL": live_server.url,
        "CERTIFICATE_RENDER_PROCESSES": 1,
        "CERTIFICATE_RENDER_CHUNK": 4,
    }

    log_in(desktop, hr.username)
    with task_worker(**worker_settings) as worker:
        job = start_unit_bulk_issue(desktop, "执法一支队", "行政处罚法专题培训")

        def part_done():
            job.refresh_from_db()
            return job.state == "running" and 4 <= job.done < 24

        wait_until(part_done, timeout=60, interval=0.05, worker=worker)
        worker.kill()  # SIGKILL in the middle of rendering: nothing in the task cleans up
    job.refresh_from_db()
    before = dict(Certificate.objects.filter(bulk_job=job).exclude(pdf="").values_list("pk", "pdf"))
    assert job.state == "running" and 4 <= len(before) < 24
    assert Certificate.objects.filter(bulk_job=job).count() == 24  # issued, not all rendered

    # No heartbeat: the page stops showing a running bar and offers to resume.
    progress = desktop.get_by_test_id("job-progress")
    desktop.reload()
    expect(progress).to_have_attribute("data-state", "stalled", timeout=15_000)
    expect(desktop.get_by_test_id("job-stalled")).to_contain_text("后台任务进程可能已中断")
    screenshot(desktop, "bulk-stalled")
    desktop.get_by_test_id("resume").click()
    expect(desktop.locator(".alert-success")).to_contain_text("已重新排队")
    expect(progress).to_have_attribute("data-state", "queued")

    with task_worker(**worker_settings):
        expect(progress).to_have_attribute("data-state", "done", timeout=90_000)
    expect(progress).to_contain_text("已生成 24 / 24 份")
    screenshot(desktop, "bulk-resumed-done")

    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.runs) == ("done", 24, 24, 2)
    issued = Certificate.objects.filter(bulk_job=job)
    officers = list(issued.values_list("officer_id", flat=True))
    assert sorted(officers) == sorted(m.pk for m in members)  # everyone once, nobody twice
    serials = sorted(issued.values_list("serial", flat=True))
    assert len(set(serials)) == 24 and [s[-6:] for s in serials] == [
        f"{n:06d}" for n in range(1, 25)
    ]
    assert not issued.filter(pdf="").exists()
    # What the killed run had stored is kept; the resumed run rendered only the rest.
    assert dict(issued.filter(pk__in=before).values_list("pk", "pdf")) == before
