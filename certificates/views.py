"""Officers' and the public's pages: 我的证书, PDF downloads and the verification page."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from certificates.models import Certificate
from certificates.placeholders import mask_name
from certificates.services.pdfs import ensure_pdf
from people.models import Officer
from people.utils import can_view_unit, is_hr


@never_cache
def verify(request, code: str):
    """Public, no login: what the QR code opens. Says only whether the certificate is
    valid, what it certifies and when, and the holder's masked name."""
    certificate = (
        Certificate.objects.select_related("unit")
        .filter(verify_code=code)
        .only(
            "serial",
            "kind",
            "title",
            "issued_at",
            "status",
            "revoked_at",
            "data",
            "officer_id",
            "unit__name",
        )
        .first()
    )
    if certificate is None:
        return render(request, "certificates/verify_unknown.html", status=404)
    holder = (
        mask_name(certificate.data.get("name", ""))
        if certificate.officer_id
        else certificate.unit.name
    )
    return render(
        request, "certificates/verify.html", {"certificate": certificate, "holder": holder}
    )


@login_required
def mine(request):
    officer = Officer.objects.filter(user=request.user).first()
    certificates = (
        Certificate.objects.filter(officer=officer).order_by("-issued_at") if officer else []
    )
    return render(
        request, "certificates/mine.html", {"officer": officer, "certificates": certificates}
    )


def may_download(user, certificate: Certificate) -> bool:
    """The holder may download their valid certificates; HR and administrators every
    certificate of the units in their scope; nobody else."""
    if certificate.officer_id and certificate.officer.user_id == user.pk:
        return certificate.is_valid
    return is_hr(user) and certificate.unit_id is not None and can_view_unit(user, certificate.unit)


@login_required
def download(request, pk: int):
    certificate = Certificate.objects.select_related("officer", "unit", "template").filter(pk=pk)
    certificate = certificate.first()
    # The same 404 for a missing certificate and for someone else's: ids reveal nothing.
    if certificate is None or not may_download(request.user, certificate):
        raise Http404
    ensure_pdf(certificate)
    name = f"{certificate.serial}-{certificate.holder_name}.pdf"
    response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        request.GET.get("inline") != "1", name
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
