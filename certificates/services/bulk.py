"""Bulk issue on the task worker: chosen officers, a whole unit, a competition's winners.

The certificates (rows, serials) are created in one transaction, then rendered chunk by
chunk — in forked processes on a multi-core machine — with the job's progress and heartbeat
saved after each chunk for the progress page. A job whose worker dies half-way is shown as
stalled once its heartbeat is older than CERTIFICATE_JOB_STALL_SECONDS; HR resumes it, and
the next run issues only the recipients the job has no certificate for and renders only
the missing PDFs (downloads and `render_missing` also render a missing PDF).
"""

import logging
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import BulkIssueJob, Certificate, CertificateTemplate, Source
from certificates.rendering.engine import render_parallel
from certificates.services import serials
from certificates.services.data import base_fields
from certificates.services.issue import CertificateError
from certificates.services.pdfs import file_name, item_for, layout_for
from people.models import Officer, Unit
from people.services import audit

log = logging.getLogger(__name__)

MAX_RECIPIENTS = 20_000


def render_processes() -> int:
    configured = getattr(settings, "CERTIFICATE_RENDER_PROCESSES", None)
    if configured is not None:
        return max(1, int(configured))
    return max(1, min(4, os.cpu_count() or 1))


def render_chunk() -> int:
    """Certificates per progress step (and heartbeat) of a bulk job."""
    return max(1, int(getattr(settings, "CERTIFICATE_RENDER_CHUNK", 50)))


def start_bulk_issue(
    *,
    template: CertificateTemplate,
    recipients: list[dict],
    title: str,
    actor,
    source_type: str = Source.MANUAL,
    source_id: str = "",
) -> BulkIssueJob:
    """recipients: [{"officer_id": 1} or {"unit_id": 2}, optionally "fields": {...}]."""
    if not recipients:
        raise CertificateError(_("没有选择颁发对象"), code="no_recipients")
    if len(recipients) > MAX_RECIPIENTS:
        raise CertificateError(_("一次最多颁发 %(n)d 份") % {"n": MAX_RECIPIENTS}, code="too_many")
    with transaction.atomic():
        job = BulkIssueJob.objects.create(
            template=template,
            created_by=actor,
            recipients=recipients,
            title=title[:200],
            source_type=source_type,
            source_id=source_id,
            total=len(recipients),
        )
        audit.record(
            actor=actor,
            action="certificate.bulk_started",
            target=job,
            job=job.pk,
            count=len(recipients),
        )

        def enqueue():
            from certificates.tasks import bulk_issue_task

            bulk_issue_task.enqueue(job.pk)

        transaction.on_commit(enqueue)
    return job


def _create(job: BulkIssueJob) -> int:
    """Issue the recipients this job has not covered yet; returns how many it issued.

    Idempotent per job: a resumed job finds the certificates its earlier run committed
    (whatever their status now: a revoked one is not issued again) and skips them. The
    job's row is locked, so two workers on one job cannot both issue a recipient.
    """
    with transaction.atomic():
        job = BulkIssueJob.objects.select_for_update().select_related("template").get(pk=job.pk)
        recipients = job.recipients
        officer_ids = [r["officer_id"] for r in recipients if r.get("officer_id")]
        officers = Officer.objects.select_related("unit").in_bulk(officer_ids)
        units = Unit.objects.in_bulk([r["unit_id"] for r in recipients if r.get("unit_id")])
        issued = Certificate.objects.filter(bulk_job=job)
        in_job = issued.count()
        covered_officers = set(issued.exclude(officer=None).values_list("officer_id", flat=True))
        covered_units = set(issued.filter(officer=None).values_list("unit_id", flat=True))
        held = set()
        if job.source_id:
            held = set(
                Certificate.objects.filter(
                    kind=job.template.kind,
                    source_type=job.source_type,
                    source_id=job.source_id,
                    status=Certificate.Status.VALID,
                    officer_id__in=officer_ids,
                )
                .exclude(bulk_job=job)
                .values_list("officer_id", flat=True)
            )
        todo = []
        for recipient in recipients:
            officer = officers.get(recipient.get("officer_id"))
            unit = units.get(recipient.get("unit_id"))
            if officer is None and unit is None:
                continue
            if officer is not None:
                if officer.pk in held or officer.pk in covered_officers:
                    continue
                covered_officers.add(officer.pk)  # a recipient listed twice gets one
            elif unit.pk in covered_units:
                continue
            else:
                covered_units.add(unit.pk)
            todo.append((officer, unit or officer.unit, recipient.get("fields") or {}))
        now = timezone.now()
        numbers = serials.allocate(year=timezone.localdate(now).year, count=len(todo))
        certificates = []
        for (officer, unit, fields), serial in zip(todo, numbers, strict=True):
            data = base_fields(officer=officer, unit=unit, serial=serial, issued_at=now)
            data.update({k: str(v) for k, v in fields.items()})
            certificates.append(
                Certificate(
                    serial=serial,
                    kind=job.template.kind,
                    template=job.template,
                    officer=officer,
                    unit=unit,
                    title=job.title,
                    data=data,
                    source_type=job.source_type,
                    source_id=job.source_id,
                    issued_at=now,
                    issued_by=job.created_by,
                    bulk_job=job,
                )
            )
        Certificate.objects.bulk_create(certificates)
        total = in_job + len(certificates)
        BulkIssueJob.objects.filter(pk=job.pk).update(
            total=total, skipped=len(recipients) - total, heartbeat_at=timezone.now()
        )
        if certificates:
            audit.record(
                actor=job.created_by,
                action="certificate.bulk_issued",
                target=job,
                job=job.pk,
                count=len(certificates),
                first=numbers[0],
                last=numbers[-1],
                run=job.runs,
            )
    return len(certificates)


def _store(certificates: list[Certificate], pdfs: list[bytes]) -> None:
    now = timezone.now()
    for certificate, pdf in zip(certificates, pdfs, strict=True):
        certificate.pdf.save(file_name(certificate), ContentFile(pdf), save=False)
        certificate.rendered_at = now
    Certificate.objects.bulk_update(certificates, ["pdf", "rendered_at"])


class LostLease(Exception):
    """The job was resumed elsewhere while this worker was slow: it stops quietly."""


def _claim(job_id: int) -> BulkIssueJob | None:
    """Mark a queued job running for this worker; None if it is not queued."""
    with transaction.atomic():
        job = BulkIssueJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != BulkIssueJob.State.QUEUED:
            return None
        job.state = BulkIssueJob.State.RUNNING
        job.runs += 1
        job.heartbeat_at = timezone.now()
        job.error = ""
        job.save(update_fields=["state", "runs", "heartbeat_at", "error"])
    return job


def _beat(job: BulkIssueJob, **changes) -> None:
    """Save progress if this worker still holds the job's current run."""
    updated = BulkIssueJob.objects.filter(pk=job.pk, runs=job.runs).update(
        heartbeat_at=timezone.now(), **changes
    )
    if not updated:
        raise LostLease(job.pk)


def run_bulk_issue(job_id: int, *, processes: int | None = None) -> str:
    """The task body: issue what is missing, then render what has no PDF yet.

    Safe to run again on the same job (a resumed job, a duplicate task): only a queued
    job is claimed, and a claimed job issues and renders only what is still missing.
    """
    job = _claim(job_id)
    if job is None:
        current = BulkIssueJob.objects.filter(pk=job_id).values_list("state", flat=True).first()
        return current or "missing"
    try:
        _create(job)
        job.refresh_from_db(fields=["total", "skipped"])
        issued = Certificate.objects.filter(bulk_job=job)
        pending = list(issued.filter(pdf="").order_by("serial"))
        done = job.total - len(pending)
        _beat(job, done=done)
        layout = layout_for(job.template)
        items = [item_for(c) for c in pending]
        # Forked render processes must not share an open transaction's connection state.
        workers = 1 if transaction.get_connection().in_atomic_block else processes
        steps = render_parallel(
            layout, items, processes=workers or render_processes(), chunk=render_chunk()
        )
        for start, pdfs in steps:
            _store(pending[start : start + len(pdfs)], pdfs)
            _beat(job, done=done + start + len(pdfs))
    except LostLease:
        log.warning("bulk certificate job %s was resumed by another worker", job_id)
        return "superseded"
    except Exception as error:
        log.exception("bulk certificate job %s failed", job_id)
        BulkIssueJob.objects.filter(pk=job.pk, runs=job.runs).update(
            state=BulkIssueJob.State.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        return BulkIssueJob.State.FAILED
    BulkIssueJob.objects.filter(pk=job.pk, runs=job.runs).update(
        state=BulkIssueJob.State.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    return BulkIssueJob.State.DONE


def resume_bulk_issue(*, job_id: int, actor) -> BulkIssueJob:
    """Queue a stalled or failed job again; its next run issues only what is missing."""
    with transaction.atomic():
        job = BulkIssueJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise CertificateError(_("任务不存在"), code="not_found")
        if actor is not None and not actor.is_superuser and job.created_by_id != actor.pk:
            raise CertificateError(_("只能继续自己发起的任务"), code="forbidden")
        if not job.can_resume:
            if job.state == BulkIssueJob.State.DONE:
                raise CertificateError(_("任务已完成"), code="finished")
            raise CertificateError(_("任务仍在进行，请稍候"), code="still_running")
        previous = job.state
        job.state = BulkIssueJob.State.QUEUED
        # A fresh heartbeat: the job is not stalled again before a worker has had a chance.
        job.heartbeat_at = timezone.now()
        job.error = ""
        job.finished_at = None
        job.save(update_fields=["state", "heartbeat_at", "error", "finished_at"])
        audit.record(
            actor=actor,
            action="certificate.bulk_resumed",
            target=job,
            job=job.pk,
            previous=previous,
            done=job.done,
            total=job.total,
        )

        def enqueue():
            from certificates.tasks import bulk_issue_task

            bulk_issue_task.enqueue(job.pk)

        transaction.on_commit(enqueue)
    return job
