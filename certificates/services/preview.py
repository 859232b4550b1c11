"""The admin's live preview: a template (saved or as being edited) with sample data."""

from certificates.models import Kind
from certificates.placeholders import SAMPLE
from certificates.rendering.engine import Item, render_certificates
from certificates.services.pdfs import layout_for, public_base_url


def preview_pdf(template) -> bytes:
    if template.kind == Kind.ANNUAL_RECORD:
        from certificates.services.annual import sample_annual_record

        return sample_annual_record(template)
    item = Item(data=dict(SAMPLE), verify_url=public_base_url() + "/certificates/verify/SAMPLE/")
    (pdf,) = render_certificates(layout_for(template), [item])
    return pdf
