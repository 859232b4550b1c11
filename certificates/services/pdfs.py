"""Rendering issued certificates to their stored PDFs."""

import logging
from mimetypes import guess_type

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateTemplate
from certificates.placeholders import DEFAULT_BODIES, DEFAULT_TITLES
from certificates.rendering.engine import Item, render_certificates
from certificates.rendering.layout import Image, Layout, flattened

log = logging.getLogger(__name__)

# Uploads are scaled down once (Wagtail renditions, cached) to what print needs. WeasyPrint
# embeds a JPEG as it is but re-encodes a PNG for every PDF (and splits its alpha channel):
# the page-sized background goes in as a JPEG, the small seal and signature keep their
# transparency as PNGs.
IMAGE_FILTERS = {
    "background": "max-2480x2480|format-jpeg|jpegquality-85",
    "seal": "max-600x600|format-png",
    "signature": "max-800x800|format-png",
}


def public_base_url() -> str:
    return getattr(settings, "PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")


def verify_url(code: str) -> str:
    """The absolute URL the QR code carries."""
    return public_base_url() + reverse("certificates:verify", kwargs={"code": code})


def _image(image, role: str) -> Image | None:
    if image is None:
        return None
    try:
        rendition = image.get_rendition(IMAGE_FILTERS[role])
        with rendition.file.open("rb") as handle:
            data = handle.read()
        mime = guess_type(rendition.file.name)[0] or "image/png"
    except (OSError, ValueError):
        log.warning("certificate image %s unreadable: rendered without it", image.pk)
        return None
    return Image(data=data, mime=mime)


def layout_for(template: CertificateTemplate | None, *, kind: str = "course") -> Layout:
    if template is None:
        # Certificates outlive deleted templates: print them plainly rather than not at all.
        return Layout(kind=kind, title=DEFAULT_TITLES[kind], body=DEFAULT_BODIES[kind])
    background = _image(template.background, "background")
    stamp = (lambda image: image) if background else flattened
    return Layout(
        kind=template.kind,
        page_size=template.page_size,
        orientation=template.orientation,
        font=template.font,
        title=template.title,
        body=template.body,
        issuer=template.issuer,
        accent_color=template.accent_color,
        show_border=template.show_border,
        background=background,
        # On a plain page the seal and signature can lose their transparency: much faster.
        seal=stamp(_image(template.seal, "seal")),
        signature=stamp(_image(template.signature, "signature")),
    )


def item_for(certificate: Certificate) -> Item:
    return Item(data=certificate.data, verify_url=verify_url(certificate.verify_code))


def file_name(certificate: Certificate) -> str:
    return f"{certificate.serial}.pdf"


def store_pdf(certificate: Certificate, pdf: bytes) -> bool:
    """Save the PDF unless another process stored one meanwhile; True if saved."""
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.pdf:
            certificate.pdf = locked.pdf
            return False
        locked.pdf.save(file_name(locked), ContentFile(pdf), save=False)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "rendered_at"])
    certificate.pdf, certificate.rendered_at = locked.pdf, locked.rendered_at
    return True


def render_pdf(certificate: Certificate) -> bytes:
    if certificate.kind == Certificate.Kind.ANNUAL_RECORD:
        from certificates.services.annual import render_annual_record

        return render_annual_record(certificate)
    layout = layout_for(certificate.template, kind=certificate.kind)
    (pdf,) = render_certificates(layout, [item_for(certificate)])
    return pdf


def ensure_pdf(certificate: Certificate) -> Certificate:
    """The certificate with its PDF stored, rendering it now if the worker has not."""
    if not certificate.pdf:
        store_pdf(certificate, render_pdf(certificate))
    return certificate


def render_missing(certificate_ids=None) -> int:
    """Render every listed (or every) certificate without a PDF, grouped by template."""
    pending = Certificate.objects.filter(pdf="").select_related("template")
    if certificate_ids is not None:
        pending = pending.filter(pk__in=certificate_ids)
    groups: dict = {}
    for certificate in pending:
        groups.setdefault((certificate.template_id, certificate.kind), []).append(certificate)
    count = 0
    for (_template_id, kind), certificates in groups.items():
        if kind == Certificate.Kind.ANNUAL_RECORD:
            for certificate in certificates:
                count += store_pdf(certificate, render_pdf(certificate))
            continue
        layout = layout_for(certificates[0].template, kind=kind)
        pdfs = render_certificates(layout, [item_for(c) for c in certificates])
        for certificate, pdf in zip(certificates, pdfs, strict=True):
            count += store_pdf(certificate, pdf)
    return count
