"""The admin's live preview: a template (saved or as being edited) with sample data.

The preview panel shows the PDF's pages as pictures in an HTML page: a PDF in Wagtail's
preview iframe goes to the browser's PDF viewer, which never reports the frame loaded (the
live preview then stops updating) and which phones do not have. The pages are drawn by
poppler's pdftoppm, the tool the project already installs for PDFs; without it the page
embeds the PDF itself. The "PDF" preview mode serves the document as it will print.
"""

import base64
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from certificates.models import Kind
from certificates.placeholders import SAMPLE
from certificates.rendering.engine import Item, render_certificates
from certificates.services.pdfs import layout_for, public_base_url

log = logging.getLogger(__name__)

PREVIEW_DPI = 110
PREVIEW_PAGES = 3


def preview_pdf(template) -> bytes:
    if template.kind == Kind.ANNUAL_RECORD:
        from certificates.services.annual import sample_annual_record

        return sample_annual_record(template)
    item = Item(data=dict(SAMPLE), verify_url=public_base_url() + "/certificates/verify/SAMPLE/")
    (pdf,) = render_certificates(layout_for(template), [item])
    return pdf


def pdf_data_uri(pdf: bytes) -> str:
    return "data:application/pdf;base64," + base64.b64encode(pdf).decode("ascii")


def page_pictures(pdf: bytes, *, dpi: int = PREVIEW_DPI, pages: int = PREVIEW_PAGES) -> list[str]:
    """The first `pages` pages as PNG data: URIs; [] when pdftoppm is missing or fails."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return []
    with tempfile.TemporaryDirectory(prefix="lianbing-preview-") as folder:
        source = Path(folder) / "preview.pdf"
        source.write_bytes(pdf)
        command = [tool, "-png", "-r", str(dpi), "-f", "1", "-l", str(pages)]
        try:
            subprocess.run(
                [*command, str(source), str(Path(folder) / "page")],
                check=True,
                capture_output=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError):
            log.warning("pdftoppm could not draw the certificate preview", exc_info=True)
            return []
        return [
            "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
            for path in sorted(Path(folder).glob("page*.png"))
        ]
