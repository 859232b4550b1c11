"""Issuing, revoking and re-issuing certificates.

Services are keyword-only and atomic, lock the rows they change, write an audit entry and
refuse with a DomainError carrying a code. PDFs are rendered after the commit (a task, or
on first download), so issuing never fails because of a PDF.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateTemplate, Source
from certificates.services import serials
from certificates.services.data import base_fields
from lianbing.errors import DomainError
from people.services import audit
from people.utils import can_manage_unit

log = logging.getLogger(__name__)


class CertificateError(DomainError):
    code = "certificate"


def _printable(value):
    # Placeholder values are text; structured parts (the annual record's tables) stay JSON.
    return value if isinstance(value, dict | list) else str(value)


def _check_scope(actor, unit) -> None:
    # None is the system (hooks, tasks); people must manage the certificate's unit.
    if actor is not None and unit is not None and not can_manage_unit(actor, unit):
        raise CertificateError(_("无权管理该单位的证书"), code="forbidden")


def schedule_render(certificate_ids: list[int]) -> None:
    """Queue the PDFs for the task worker once the issuing transaction commits."""

    def enqueue():
        from certificates.tasks import render_certificates_task

        try:
            render_certificates_task.enqueue(certificate_ids)
        except Exception:  # the download renders a missing PDF anyway
            log.exception("could not queue certificate rendering")

    transaction.on_commit(enqueue)


def issue_certificate(
    *,
    kind: str,
    title: str,
    officer=None,
    unit=None,
    template: CertificateTemplate | None = None,
    fields: dict | None = None,
    source_type: str = Source.MANUAL,
    source_id: str = "",
    actor=None,
    render: bool = True,
) -> Certificate:
    """A new valid certificate with the next serial; the PDF follows after the commit."""
    if officer is None and unit is None:
        raise CertificateError(_("请选择持证人或单位"), code="no_holder")
    template = template or CertificateTemplate.active_for(kind)
    if template is None and kind != Certificate.Kind.ANNUAL_RECORD:
        # (The annual record has a built-in layout; a template only restyles it.)
        raise CertificateError(_("没有启用的该类型证书模板"), code="no_template")
    if template is not None and template.kind != kind:
        raise CertificateError(_("模板类型与证书类型不符"), code="wrong_template")
    holder_unit = unit or officer.unit
    _check_scope(actor, holder_unit)
    now = timezone.now()
    with transaction.atomic():
        if source_id and officer is not None:
            duplicate = Certificate.objects.filter(
                officer=officer,
                kind=kind,
                source_type=source_type,
                source_id=source_id,
                status=Certificate.Status.VALID,
            ).exists()
            if duplicate:
                raise CertificateError(_("该人员已持有此项证书"), code="duplicate")
        (serial,) = serials.allocate(year=timezone.localdate(now).year)
        data = base_fields(officer=officer, unit=holder_unit, serial=serial, issued_at=now)
        data.update({k: _printable(v) for k, v in (fields or {}).items()})
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    serial=serial,
                    kind=kind,
                    template=template,
                    officer=officer,
                    unit=holder_unit,
                    title=title[:200],
                    data=data,
                    source_type=source_type,
                    source_id=str(source_id),
                    issued_at=now,
                    issued_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError as error:  # a concurrent issue for the same source won
            raise CertificateError(_("该人员已持有此项证书"), code="duplicate") from error
        audit.record(
            actor=actor,
            action="certificate.issued",
            target=certificate,
            serial=serial,
            kind=kind,
            source=f"{source_type}:{source_id}",
        )
        if render:
            schedule_render([certificate.pk])
    return certificate


def _locked(certificate_id: int) -> Certificate:
    try:
        return (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("unit", "officer__unit", "template")
            .get(pk=certificate_id)
        )
    except Certificate.DoesNotExist as error:
        raise CertificateError(_("证书不存在"), code="not_found") from error


def revoke_certificate(*, certificate_id: int, actor, reason: str) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("请填写撤销理由"), code="reason_required")
    with transaction.atomic():
        certificate = _locked(certificate_id)
        _check_scope(actor, certificate.unit)
        if certificate.status != Certificate.Status.VALID:
            raise CertificateError(_("只能撤销有效的证书"), code="not_valid")
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        certificate.revoke_reason = reason[:200]
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
        audit.record(
            actor=actor,
            action="certificate.revoked",
            target=certificate,
            serial=certificate.serial,
            reason=reason,
        )
    return certificate


def reissue_certificate(
    *, certificate_id: int, actor, reason: str = "", fields: dict | None = None
) -> Certificate:
    """A new certificate (new serial, current holder data) replacing a valid one, which
    becomes superseded and points to it."""
    with transaction.atomic():
        old = _locked(certificate_id)
        _check_scope(actor, old.unit)
        if old.status != Certificate.Status.VALID:
            raise CertificateError(_("只能重新颁发有效的证书"), code="not_valid")
        # Superseded first: the one-valid-per-source constraint then admits the new one.
        old.status = Certificate.Status.SUPERSEDED
        old.save(update_fields=["status"])
        kept = {k: v for k, v in old.data.items() if k not in {"serial", "date", "year"}}
        if old.officer_id:
            # A correction re-issue prints the holder's current record (a fixed name).
            for key in ("name", "unit", "number", "position"):
                kept.pop(key, None)
        new = issue_certificate(
            kind=old.kind,
            title=old.title,
            officer=old.officer,
            unit=None if old.officer_id else old.unit,
            template=old.template
            if old.template and old.template.kind == old.kind
            else CertificateTemplate.active_for(old.kind),
            fields={**kept, **(fields or {})},
            source_type=old.source_type,
            source_id=old.source_id,
            actor=actor,
        )
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        audit.record(
            actor=actor,
            action="certificate.reissued",
            target=old,
            serial=old.serial,
            new_serial=new.serial,
            reason=reason,
        )
    return new
