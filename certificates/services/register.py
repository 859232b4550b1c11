"""HR's certificate register: the scoped, filtered list, its Excel export and unit ZIPs."""

import io
import zipfile
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate
from people.models import Unit
from people.utils import sees_everything, visible_units


@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str = ""
    status: str = ""
    unit: Unit | None = None
    year: int | None = None


def scoped(user) -> QuerySet[Certificate]:
    """Certificates of the units the user may see (HR's scope; everything for admins)."""
    certificates = Certificate.objects.select_related("officer", "unit")
    if sees_everything(user):
        return certificates
    return certificates.filter(unit__in=visible_units(user))


def filtered(user, filters: Filters) -> QuerySet[Certificate]:
    certificates = scoped(user)
    if filters.q:
        certificates = certificates.filter(
            Q(serial__icontains=filters.q)
            | Q(officer__name__icontains=filters.q)
            | Q(officer__employee_number=filters.q)
            | Q(title__icontains=filters.q)
        )
    if filters.kind:
        certificates = certificates.filter(kind=filters.kind)
    if filters.status:
        certificates = certificates.filter(status=filters.status)
    if filters.unit is not None:
        certificates = certificates.filter(unit__path__startswith=filters.unit.path)
    if filters.year:
        start = timezone.make_aware(timezone.datetime(filters.year, 1, 1))
        end = timezone.make_aware(timezone.datetime(filters.year + 1, 1, 1))
        certificates = certificates.filter(issued_at__gte=start, issued_at__lt=end)
    return certificates.order_by("-issued_at", "-id")


def export_workbook(certificates) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("证书登记簿"))
    sheet.append(
        [
            _("证书编号"),
            _("证书类型"),
            _("持证人"),
            _("工号"),
            _("单位"),
            _("证明事项"),
            _("颁发时间"),
            _("状态"),
            _("撤销时间"),
            _("撤销理由"),
        ]
    )
    for c in certificates.iterator(chunk_size=2000):
        sheet.append(
            [
                c.serial,
                c.get_kind_display(),
                c.officer.name if c.officer_id else "",
                c.officer.employee_number if c.officer_id else "",
                c.unit.name if c.unit_id else "",
                c.title,
                timezone.localtime(c.issued_at).strftime("%Y-%m-%d %H:%M"),
                c.get_status_display(),
                timezone.localtime(c.revoked_at).strftime("%Y-%m-%d") if c.revoked_at else "",
                c.revoke_reason,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_archive(certificates) -> bytes:
    """The PDFs of `certificates` in one ZIP, named 编号-姓名.pdf; missing PDFs rendered."""
    from certificates.services.pdfs import render_missing

    certificates = list(certificates)
    missing = [c.pk for c in certificates if not c.pdf]
    if missing:
        render_missing(missing)
        fresh = Certificate.objects.in_bulk(missing)
        certificates = [fresh.get(c.pk, c) for c in certificates]
    out = io.BytesIO()
    # PDFs are already compressed: storing them is as small and much faster.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for c in certificates:
            if not c.pdf:
                continue
            with c.pdf.open("rb") as handle:
                archive.writestr(f"{c.serial}-{c.holder_name}.pdf", handle.read())
    return out.getvalue()
