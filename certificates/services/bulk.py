"""Bulk issue on the task worker: chosen officers, a whole unit, a competition's winners.

The certificates (rows, serials) are created in one transaction, then rendered chunk by
chunk — in forked processes on a multi-core machine — with the job's progress saved after
each chunk for the progress page. A job that dies half-way leaves valid certificates whose
PDFs the next download (or `render_missing`) produces.
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


def _create(job: BulkIssueJob) -> list[Certificate]:
    recipients = job.recipients
    officer_ids = [r["officer_id"] for r in recipients if r.get("officer_id")]
    officers = Officer.objects.select_related("unit").in_bulk(officer_ids)
    units = Unit.objects.in_bulk([r["unit_id"] for r in recipients if r.get("unit_id")])
    held = set()
    if job.source_id:
        held = set(
            Certificate.objects.filter(
                kind=job.template.kind,
                source_type=job.source_type,
                source_id=job.source_id,
                status=Certificate.Status.VALID,
                officer_id__in=officer_ids,
            ).values_list("officer_id", flat=True)
        )
    todo = []
    for recipient in recipients:
        officer = officers.get(recipient.get("officer_id"))
        unit = units.get(recipient.get("unit_id"))
        if (officer is None and unit is None) or (officer and officer.pk in held):
            continue
        if officer is not None:
            held.add(officer.pk)  # a recipient listed twice gets one certificate
        todo.append((officer, unit or officer.unit, recipient.get("fields") or {}))
    now = timezone.now()
    with transaction.atomic():
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
                )
            )
        certificates = Certificate.objects.bulk_create(certificates)
        job.total = len(certificates)
        job.skipped = len(recipients) - len(certificates)
        job.save(update_fields=["total", "skipped"])
        audit.record(
            actor=job.created_by,
            action="certificate.bulk_issued",
            target=job,
            job=job.pk,
            count=len(certificates),
            first=numbers[0] if numbers else "",
            last=numbers[-1] if numbers else "",
        )
    return certificates


def _store(certificates: list[Certificate], pdfs: list[bytes]) -> None:
    now = timezone.now()
    for certificate, pdf in zip(certificates, pdfs, strict=True):
        certificate.pdf.save(file_name(certificate), ContentFile(pdf), save=False)
        certificate.rendered_at = now
    Certificate.objects.bulk_update(certificates, ["pdf", "rendered_at"])


def run_bulk_issue(job_id: int, *, processes: int | None = None) -> str:
    job = BulkIssueJob.objects.select_related("template").filter(pk=job_id).first()
    if job is None or job.state in (BulkIssueJob.State.DONE, BulkIssueJob.State.RUNNING):
        return job.state if job else "missing"
    BulkIssueJob.objects.filter(pk=job.pk).update(state=BulkIssueJob.State.RUNNING, done=0)
    try:
        certificates = _create(job)
        layout = layout_for(job.template)
        items = [item_for(c) for c in certificates]
        # Forked render processes must not share an open transaction's connection state.
        workers = 1 if transaction.get_connection().in_atomic_block else processes
        for start, pdfs in render_parallel(layout, items, processes=workers or render_processes()):
            _store(certificates[start : start + len(pdfs)], pdfs)
            job.done = start + len(pdfs)
            BulkIssueJob.objects.filter(pk=job.pk).update(done=job.done)
    except Exception as error:
        log.exception("bulk certificate job %s failed", job_id)
        BulkIssueJob.objects.filter(pk=job.pk).update(
            state=BulkIssueJob.State.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        return BulkIssueJob.State.FAILED
    BulkIssueJob.objects.filter(pk=job.pk).update(
        state=BulkIssueJob.State.DONE, finished_at=timezone.now()
    )
    return BulkIssueJob.State.DONE
