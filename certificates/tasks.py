"""Background work on the django.tasks worker (`manage.py db_worker`). Tasks take ids."""

from django.tasks import task


@task()
def render_certificates_task(certificate_ids: list[int]) -> int:
    """Renders the PDFs of freshly issued certificates (queued after their commit)."""
    from certificates.services.pdfs import render_missing

    return render_missing(certificate_ids)


@task()
def bulk_issue_task(job_id: int) -> str:
    """Issues and renders a bulk job, updating its progress record as it goes."""
    from certificates.services.bulk import run_bulk_issue

    return run_bulk_issue(job_id)
