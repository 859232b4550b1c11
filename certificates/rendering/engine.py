"""One reusable WeasyPrint path for many certificates.

Per render (a batch): the font subset for the characters the batch prints, the parsed CSS,
one FontConfiguration, one URL fetcher (data: URIs only — creating a fetcher builds an SSL
context, 0.2 s) and one image cache. Certificates are then laid out 25 to a document and
each page is written as its own PDF. Naive rendering (one HTML → PDF per certificate with
the system fonts) is kept for the benchmark's baseline.
"""

import base64
import io
import logging
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import segno
import weasyprint
from PIL import Image as Picture
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from certificates.rendering.fonts import FALLBACKS, FAMILIES, font_face_css
from certificates.rendering.layout import Layout, certificate_html, layout_css

log = logging.getLogger(__name__)

PAGES_PER_DOCUMENT = 25
QR_MASK = 3
QR_SCALE = 4  # pixels per module: sharp in print without a large image
QR_BORDER = 2  # modules of quiet zone


@dataclass(frozen=True)
class Item:
    """One certificate to print: its placeholder values and its verification URL."""

    data: dict
    verify_url: str = ""


def qr_data_uri(url: str) -> str:
    """The verification URL as a QR code: a black-and-white PNG, drawn without smoothing.

    Two shortcuts, each worth about a fifth of a certificate's render time: a fixed mask
    (segno otherwise scores all eight in pure Python; any mask decodes, the score only
    evens out dark and light areas) and Pillow's PNG encoder instead of segno's.
    """
    if not url:
        return ""
    code = segno.make(url, error="m", micro=False, mask=QR_MASK)
    size = len(code.matrix)
    modules = Picture.frombytes(
        "L", (size, size), bytes(0 if dark else 255 for row in code.matrix for dark in row)
    )
    border = QR_BORDER * QR_SCALE
    # Grayscale ("L"), not 1-bit: WeasyPrint converts 1-bit images to RGB, three times the
    # data to compress for every PDF.
    picture = Picture.new("L", (size * QR_SCALE + 2 * border,) * 2, 255)
    picture.paste(modules.resize((size * QR_SCALE,) * 2, Picture.NEAREST), (border,) * 2)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _wrap(fragments: Sequence[str], title: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{''.join(fragments)}</body></html>"
    )


def _characters(layout: Layout, items: Sequence[Item]) -> set[str]:
    chars = set(layout.text())
    for item in items:
        for value in item.data.values():
            chars.update(str(value))
    return chars


class Renderer:
    """Renders certificates of one layout; build one per batch."""

    def __init__(self, layout: Layout, characters: set[str], *, extra_css: str = ""):
        self.layout = layout
        self.font_config = FontConfiguration()
        self.fetcher = URLFetcher(allowed_protocols={"data"})
        faces, families = font_face_css(layout.font, characters)
        self.css = weasyprint.CSS(
            string=layout_css(layout, faces, families) + extra_css,
            font_config=self.font_config,
            url_fetcher=self.fetcher,
        )
        self.image_cache: dict = {}

    def document(self, html: str):
        return weasyprint.HTML(string=html, url_fetcher=self.fetcher).render(
            stylesheets=[self.css], font_config=self.font_config, cache=self.image_cache
        )

    def render_html(self, html: str) -> bytes:
        """A whole document (the annual record, previews) as one PDF."""
        return self.document(html).write_pdf()

    def render(self, items: Sequence[Item]) -> list[bytes]:
        pdfs: list[bytes] = []
        for start in range(0, len(items), PAGES_PER_DOCUMENT):
            chunk = items[start : start + PAGES_PER_DOCUMENT]
            fragments = [
                certificate_html(self.layout, item.data, qr_data_uri(item.verify_url))
                for item in chunk
            ]
            document = self.document(_wrap(fragments))
            if len(document.pages) != len(chunk):
                # A certificate overflowed its page: render this chunk one by one so page
                # boundaries cannot shift a certificate into its neighbour's PDF.
                log.warning("certificate layout overflowed a page; rendering singly")
                pdfs.extend(self.document(_wrap([f])).write_pdf() for f in fragments)
                continue
            for item, page in zip(chunk, document.pages, strict=True):
                single = document.copy([page])
                single.metadata.title = f"{self.layout.title} {item.data.get('serial', '')}"
                pdfs.append(single.write_pdf())
        return pdfs


def render_certificates(layout: Layout, items: Sequence[Item]) -> list[bytes]:
    """PDFs for `items`, in order, in this process."""
    if not items:
        return []
    return Renderer(layout, _characters(layout, items)).render(items)


def _render_chunk(args) -> list[bytes]:
    layout, items = args
    return render_certificates(layout, items)


def render_parallel(layout: Layout, items: Sequence[Item], *, processes: int, chunk: int = 50):
    """Yields (index of the first item, PDFs) chunk by chunk, rendering in `processes`
    forked processes when there is enough work — WeasyPrint is pure Python and single-core.

    The callers close database connections before forking; children never use the ORM.
    """
    chunks = [(i, list(items[i : i + chunk])) for i in range(0, len(items), chunk)]
    if processes <= 1 or len(chunks) <= 1:
        for start, part in chunks:
            yield start, render_certificates(layout, part)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = [(start, pool.submit(_render_chunk, (layout, part))) for start, part in chunks]
        for start, future in futures:
            yield start, future.result()


def render_naive(layout: Layout, item: Item) -> bytes:
    """The baseline: a fresh WeasyPrint render with the system fonts and default fetcher."""
    families = ", ".join([f'"{FAMILIES.get(layout.font, FAMILIES["serif"])}"', *FALLBACKS])
    html = _wrap([certificate_html(layout, item.data, qr_data_uri(item.verify_url))])
    return weasyprint.HTML(string=html).write_pdf(
        stylesheets=[weasyprint.CSS(string=layout_css(layout, "", families))]
    )
