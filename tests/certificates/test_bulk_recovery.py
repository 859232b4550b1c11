"""A bulk job whose worker dies half-way: stalled on the progress page, resumed by HR, and
the next run issues and renders only what is missing — no duplicate, no burned serial."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import BulkIssueJob, Certificate
from certificates.services import bulk
from certificates.services.bulk import LostLease, resume_bulk_issue, run_bulk_issue
from certificates.services.issue import CertificateError, revoke_certificate
from people.models import AuditEntry
from tests.certificates.conftest import make_template
from tests.factories import PASSWORD, OfficerFactory, make_hr


class WorkerKilled(BaseException):
    """What SIGKILL leaves behind: no except clause and no finally runs in the task body."""


@pytest.fixture(autouse=True)
def small_chunks(settings):
    settings.CERTIFICATE_RENDER_CHUNK = 2
    settings.CERTIFICATE_JOB_STALL_SECONDS = 300


def _kill_at_chunk(monkeypatch, chunk: int):
    """The worker dies when it is about to store the `chunk`-th chunk of PDFs."""
    real = bulk._store
    calls = []

    def store(certificates, pdfs):
        calls.append(len(pdfs))
        if len(calls) == chunk:
            raise WorkerKilled
        real(certificates, pdfs)

    monkeypatch.setattr(bulk, "_store", store)


def _age(job, seconds=301):
    BulkIssueJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=seconds)
    )
    job.refresh_from_db()


def _progress(client, job) -> str:
    return client.get(reverse("certificates:job_progress", args=[job.pk])).content.decode()


def _start(city_hr, officers, template, **kwargs):
    return bulk.start_bulk_issue(
        template=template,
        recipients=[{"officer_id": o.pk, "fields": {"course": "课程"}} for o in officers],
        title="行政处罚法专题培训",
        actor=city_hr,
        **kwargs,
    )


def test_a_job_killed_mid_render_is_stalled_then_resumed_without_duplicates(
    client, city, city_hr, monkeypatch, django_capture_on_commit_callbacks
):
    template = make_template("course")
    officers = [OfficerFactory(unit=city["east_squad"]) for _ in range(5)]
    job = _start(city_hr, officers, template)
    _kill_at_chunk(monkeypatch, 2)
    with pytest.raises(WorkerKilled):
        run_bulk_issue(job.pk)
    job.refresh_from_db()
    issued = Certificate.objects.filter(bulk_job=job)
    assert (job.state, job.done, job.total, job.runs) == ("running", 2, 5, 1)
    assert issued.count() == 5 and issued.exclude(pdf="").count() == 2
    first_files = dict(issued.exclude(pdf="").values_list("pk", "pdf"))

    # Within the timeout it is just running: polled, nothing to resume.
    client.login(username=city_hr.username, password=PASSWORD)
    html = _progress(client, job)
    assert 'data-state="running"' in html and "hx-get" in html and "resume" not in html
    with pytest.raises(CertificateError) as refused:
        resume_bulk_issue(job_id=job.pk, actor=city_hr)
    assert refused.value.code == "still_running"

    # No heartbeat for longer than the timeout: stalled, the page stops polling.
    _age(job)
    html = _progress(client, job)
    assert 'data-state="stalled"' in html and "hx-get" not in html
    assert 'data-testid="resume"' in html and "已停滞" in html and "2 / 5" in html
    # Meanwhile HR revoked one of the certificates already issued: it stays revoked.
    revoked = issued.exclude(pdf="").first()
    revoke_certificate(certificate_id=revoked.pk, actor=city_hr, reason="错发")

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("certificates:job_resume", args=[job.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/bulk/{job.pk}/")
    assert len(callbacks) == 1  # the task is queued again
    job.refresh_from_db()
    assert job.state == "queued" and not job.is_stalled
    assert AuditEntry.objects.filter(action="certificate.bulk_resumed").count() == 1

    assert run_bulk_issue(job.pk) == "done"
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.skipped, job.runs) == ("done", 5, 5, 0, 2)
    assert issued.count() == 5 and not issued.filter(pdf="").exists()
    assert sorted(issued.values_list("officer_id", flat=True)) == sorted(o.pk for o in officers)
    serials = sorted(issued.values_list("serial", flat=True))
    # One allocation for the job: no serial was handed out twice or burned by the resume.
    assert [s[-6:] for s in serials] == ["000001", "000002", "000003", "000004", "000005"]
    # The PDFs the first run stored were kept, not rendered again.
    assert dict(issued.filter(pk__in=first_files).values_list("pk", "pdf")) == first_files
    revoked.refresh_from_db()
    assert revoked.status == "revoked"
    assert 'data-state="done"' in _progress(client, job)
    # A duplicate task for the finished job does nothing.
    assert run_bulk_issue(job.pk) == "done" and issued.count() == 5


def test_a_job_killed_while_issuing_issues_everyone_on_resume(city, city_hr, monkeypatch):
    template = make_template("award")
    officers = [OfficerFactory(unit=city["west"]) for _ in range(3)]
    job = _start(city_hr, officers, template, source_type="competition", source_id="知识竞赛")

    def killed(**kwargs):
        raise WorkerKilled

    monkeypatch.setattr(bulk.serials, "allocate", killed)
    with pytest.raises(WorkerKilled):
        run_bulk_issue(job.pk)
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.state == "running" and not Certificate.objects.exists()
    _age(job)
    resume_bulk_issue(job_id=job.pk, actor=city_hr)
    assert run_bulk_issue(job.pk) == "done"
    assert Certificate.objects.filter(bulk_job=job, source_id="知识竞赛").count() == 3


def test_a_slow_worker_that_lost_its_run_stops_without_touching_the_job(city, city_hr):
    template = make_template("course")
    job = _start(city_hr, [OfficerFactory(unit=city["west"]) for _ in range(3)], template)
    slow = bulk._claim(job.pk)  # worker A starts, then goes silent
    _age(job)
    resume_bulk_issue(job_id=job.pk, actor=city_hr)
    assert run_bulk_issue(job.pk) == "done"  # worker B
    with pytest.raises(LostLease):
        bulk._beat(slow, done=1)  # A wakes up: its run is no longer the job's
    job.refresh_from_db()
    assert (job.state, job.done) == ("done", 3)
    assert Certificate.objects.filter(bulk_job=job).count() == 3


def test_a_queued_job_nobody_picks_up_is_stalled_too(client, city, city_hr):
    template = make_template("course")
    job = _start(city_hr, [OfficerFactory(unit=city["west"])], template)
    client.login(username=city_hr.username, password=PASSWORD)
    assert 'data-state="queued"' in _progress(client, job)
    BulkIssueJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    html = _progress(client, job)
    assert 'data-state="stalled"' in html and "db_worker" in html and "resume" in html


def test_a_failed_job_is_retried_and_only_its_creator_may_resume_it(
    client, city, city_hr, monkeypatch
):
    template = make_template("course")
    job = _start(city_hr, [OfficerFactory(unit=city["west"]) for _ in range(2)], template)

    def broken(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(bulk, "layout_for", broken)
    assert run_bulk_issue(job.pk) == "failed"
    monkeypatch.undo()
    other_hr = make_hr(city["root"])
    client.login(username=other_hr.username, password=PASSWORD)
    assert client.post(reverse("certificates:job_resume", args=[job.pk])).status_code == 404
    with pytest.raises(CertificateError):
        resume_bulk_issue(job_id=job.pk, actor=other_hr)
    client.login(username=city_hr.username, password=PASSWORD)
    html = _progress(client, job)
    assert "字体缺失" in html and "重试" in html
    client.post(reverse("certificates:job_resume", args=[job.pk]))
    assert run_bulk_issue(job.pk) == "done"
    assert Certificate.objects.filter(bulk_job=job).exclude(pdf="").count() == 2
