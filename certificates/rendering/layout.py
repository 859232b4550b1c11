"""A certificate as HTML and CSS: one fixed-size page per certificate.

`Layout` is a picklable snapshot of a CertificateTemplate (images as bytes), so render
worker processes never touch the database. The CSS is built once per layout and render;
each certificate adds only a few elements of text and its QR code.
"""

import base64
from dataclasses import dataclass, field
from html import escape

from certificates.placeholders import fill

PAGE_MM = {"A4": (297, 210), "A5": (210, 148)}
PAPER = "#fffdf7"  # the page colour when a template has no background image
# Characters the layout prints besides the template text and the data.
STATIC_TEXT = "证书编号：扫码验证真伪 0123456789-LB年月日"


@dataclass(frozen=True)
class Image:
    data: bytes
    mime: str

    def uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def flattened(image: Image | None, colour: str = PAPER) -> Image | None:
    """A transparent image laid on the paper colour as a JPEG.

    WeasyPrint embeds a JPEG as it is, but decodes a PNG with transparency and encodes it
    again, twice, for every PDF it writes (about a quarter of a certificate's render time
    for a seal). On a plain page the result looks the same; the layout draws the seal under
    the text, so the opaque corners cover nothing.
    """
    if image is None or image.mime == "image/jpeg":
        return image
    import io

    from PIL import Image as Picture

    source = Picture.open(io.BytesIO(image.data)).convert("RGBA")
    paper = Picture.new("RGBA", source.size, colour)
    out = io.BytesIO()
    Picture.alpha_composite(paper, source).convert("RGB").save(out, "JPEG", quality=92)
    return Image(data=out.getvalue(), mime="image/jpeg")


@dataclass(frozen=True)
class Layout:
    kind: str = "course"
    page_size: str = "A4"
    orientation: str = "landscape"
    font: str = "serif"
    title: str = "结业证书"
    body: str = ""
    issuer: str = ""
    accent_color: str = "#b22222"
    show_border: bool = True
    background: Image | None = None
    seal: Image | None = None
    signature: Image | None = None
    extra_css: str = field(default="")

    @property
    def size_mm(self) -> tuple[int, int]:
        long, short = PAGE_MM.get(self.page_size, PAGE_MM["A4"])
        return (long, short) if self.orientation == "landscape" else (short, long)

    def text(self) -> str:
        """The template's own printed text, for the font subset."""
        return self.title + self.body + self.issuer + STATIC_TEXT


def _pt(value: float, scale: float) -> str:
    return f"{value * scale:.1f}pt"


def layout_css(layout: Layout, font_faces: str, families: str) -> str:
    width, height = layout.size_mm
    # Type scales with the short side: an A5 certificate is an A4 one shrunk.
    scale = min(width, height) / 210
    accent = layout.accent_color if layout.accent_color.startswith("#") else "#b22222"
    background = (
        f"background: url({layout.background.uri()}) center / 100% 100% no-repeat;"
        if layout.background
        else f"background: {PAPER};"
    )
    border = (
        f"border: {1.6 * scale:.1f}mm double {accent}; outline: {0.4 * scale:.1f}mm solid {accent};"
        f" outline-offset: {1.5 * scale:.1f}mm;"
        if layout.show_border and not layout.background
        else ""
    )
    seal = (
        f".seal {{ background: url({layout.seal.uri()}) center / contain no-repeat; }}"
        if layout.seal
        else ".seal { display: none; }"
    )
    signature = (
        f".signature {{ background: url({layout.signature.uri()}) center / contain no-repeat; }}"
        if layout.signature
        else ".signature { display: none; }"
    )
    pad = 26 * scale
    return f"""
{font_faces}
@page {{ size: {width}mm {height}mm; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: {families}; color: #1f1f1f; }}
.cert {{ position: relative; width: {width}mm; height: {height}mm; overflow: hidden;
  box-sizing: border-box; padding: {pad:.1f}mm {pad * 1.25:.1f}mm 0; break-after: page;
  {background} }}
.cert:last-child {{ break-after: auto; }}
.frame {{ position: absolute; left: {9 * scale:.1f}mm; top: {9 * scale:.1f}mm;
  right: {9 * scale:.1f}mm; bottom: {9 * scale:.1f}mm; {border} }}
h1 {{ margin: {4 * scale:.1f}mm 0 {10 * scale:.1f}mm; text-align: center; font-weight: 700;
  font-size: {_pt(44, scale)}; letter-spacing: {_pt(16, scale)}; color: {accent}; }}
.body p {{ margin: 0; font-size: {_pt(18, scale)}; line-height: 2; text-indent: 2em;
  text-align: justify; }}
.body p.lead {{ text-indent: 0; font-weight: 700; }}
.sign {{ position: absolute; right: {pad * 1.4:.1f}mm; bottom: {30 * scale:.1f}mm;
  width: {95 * scale:.1f}mm; text-align: center; font-size: {_pt(16, scale)}; line-height: 1.9; }}
.seal {{ position: absolute; z-index: 0; left: 50%; top: 50%; width: {40 * scale:.1f}mm;
  height: {40 * scale:.1f}mm; margin: -{20 * scale:.1f}mm 0 0 -{20 * scale:.1f}mm; }}
.sign > div:not(.seal) {{ position: relative; z-index: 1; }}
{seal}
.signature {{ height: {14 * scale:.1f}mm; }}
{signature}
.verify {{ position: absolute; left: {pad * 1.2:.1f}mm; bottom: {18 * scale:.1f}mm;
  font-size: {_pt(9.5, scale)}; color: #444; }}
.verify img {{ display: block; width: {24 * scale:.1f}mm; height: {24 * scale:.1f}mm;
  image-rendering: pixelated; margin-bottom: 1mm; }}
{layout.extra_css}
"""


def paragraphs(text: str, data: dict) -> str:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        lead = ' class="lead"' if line.endswith(("：", ":")) else ""
        out.append(f"<p{lead}>{fill(line, data, html=True)}</p>")
    return "".join(out)


def certificate_html(layout: Layout, data: dict, qr_uri: str) -> str:
    """One certificate page (a fragment: batches put several in one document)."""
    serial = escape(str(data.get("serial", "")))
    qr = f'<img src="{qr_uri}" alt="">' if qr_uri else ""
    return (
        '<section class="cert"><div class="frame"></div>'
        f"<h1>{escape(fill(layout.title, data))}</h1>"
        f'<div class="body">{paragraphs(layout.body, data)}</div>'
        '<div class="sign"><div class="seal"></div><div class="signature"></div>'
        f"<div>{escape(fill(layout.issuer, data))}</div>"
        f"<div>{escape(str(data.get('date', '')))}</div></div>"
        f'<div class="verify">{qr}<div>证书编号：{serial}</div><div>扫码验证真伪</div></div>'
        "</section>"
    )
