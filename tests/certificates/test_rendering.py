"""Real PDFs: the text poppler extracts equals the data, and the CJK faces are embedded
(a PDF without them would show boxes although text extraction still finds the characters)."""

from pathlib import Path

import pytest

from certificates.placeholders import DEFAULT_BODIES, SAMPLE, fill
from certificates.rendering.engine import Item, render_certificates, render_naive
from certificates.rendering.layout import Image, Layout
from tests.certificates.pdf_tools import embedded_fonts, page_count, pdf_text, save_png

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "certificates"
LAYOUT = Layout(title="结业证书", body=DEFAULT_BODIES["course"], issuer="市文化市场综合执法局")


def _cjk_fonts(pdf: bytes) -> list[dict]:
    return [f for f in embedded_fonts(pdf) if "CJK" in f["name"] or "LianbingCert" in f["name"]]


def test_text_of_a_rendered_certificate_equals_its_data():
    data = {**SAMPLE, "name": "王喆堃燚", "serial": "LB2026-000007"}
    (pdf,) = render_certificates(LAYOUT, [Item(data, "https://x.cn/certificates/verify/abc/")])
    text = pdf_text(pdf)
    expected_body = "".join(fill(DEFAULT_BODIES["course"], data).split())
    assert expected_body in text
    for value in ("结业证书", "王喆堃燚", "LB2026-000007", "市文化市场综合执法局", data["date"]):
        assert value in text
    assert page_count(pdf) == 1
    save_png(pdf, ARTIFACTS / "course-certificate.png")


def test_a_cjk_font_is_embedded_and_covers_rare_characters():
    (pdf,) = render_certificates(LAYOUT, [Item({**SAMPLE, "name": "喆堃燚"})])
    fonts = _cjk_fonts(pdf)
    assert fonts, embedded_fonts(pdf)
    assert all(f["emb"] == "yes" for f in fonts)
    assert all(f["uni"] == "yes" for f in fonts)  # ToUnicode: copy and search work
    # Nothing fell back to an unembedded or non-CJK face (which would draw boxes).
    assert all(f["emb"] == "yes" for f in embedded_fonts(pdf))
    assert "喆堃燚" in pdf_text(pdf)


def test_batch_render_gives_each_certificate_its_own_pdf():
    items = [Item({**SAMPLE, "name": f"张{n}堃", "serial": f"LB2026-{n:06d}"}) for n in range(30)]
    pdfs = render_certificates(LAYOUT, items)
    assert len(pdfs) == 30
    for n in (0, 24, 25, 29):  # either side of a 25-page document boundary
        text = pdf_text(pdfs[n])
        assert f"张{n}堃" in text and f"LB2026-{n:06d}" in text
        assert f"张{n + 1}堃" not in text
        assert page_count(pdfs[n]) == 1


def test_an_overlong_certificate_still_gets_exactly_its_own_pdf():
    long_body = "{姓名}同志：\n" + "依法行政，规范执法。" * 120
    layout = Layout(title="荣誉证书", body=long_body)
    items = [Item({**SAMPLE, "name": f"赵{n}"}) for n in range(3)]
    pdfs = render_certificates(layout, items)
    assert [f"赵{n}" in pdf_text(pdf) for n, pdf in enumerate(pdfs)] == [True] * 3


@pytest.mark.parametrize("size,orientation", [("A5", "portrait"), ("A4", "portrait")])
def test_page_sizes(size, orientation):
    layout = Layout(page_size=size, orientation=orientation, body=DEFAULT_BODIES["course"])
    (pdf,) = render_certificates(layout, [Item(dict(SAMPLE))])
    assert SAMPLE["name"] in pdf_text(pdf)
    assert page_count(pdf) == 1


def test_images_are_drawn(tmp_path):
    from PIL import Image as Picture

    seal = tmp_path / "seal.png"
    Picture.new("RGBA", (200, 200), (200, 0, 0, 180)).save(seal)
    layout = Layout(
        body=DEFAULT_BODIES["course"], seal=Image(seal.read_bytes(), "image/png"), font="sans"
    )
    (pdf,) = render_certificates(layout, [Item(dict(SAMPLE), "https://x.cn/v/1/")])
    assert pdf.count(b"/Subtype /Image") >= 2  # the seal and the QR code
    assert SAMPLE["name"] in pdf_text(pdf)


def test_the_naive_baseline_renders_the_same_text():
    item = Item(dict(SAMPLE), "https://x.cn/v/1/")
    (fast,) = render_certificates(LAYOUT, [item])
    assert pdf_text(render_naive(LAYOUT, item)) == pdf_text(fast)


def test_markup_in_data_is_printed_not_interpreted():
    (pdf,) = render_certificates(
        LAYOUT, [Item({**SAMPLE, "name": '<img src="file:///etc/passwd">'})]
    )
    assert '<imgsrc="file:///etc/passwd">' in pdf_text(pdf)


def test_the_qr_code_in_the_pdf_encodes_the_verify_url(tmp_path):
    """The QR image pdfimages extracts is, module for module, the symbol of the URL."""
    import subprocess

    import segno
    from PIL import Image as Picture

    from certificates.rendering.engine import QR_BORDER, QR_MASK

    url = "https://lianbing.example.cn/certificates/verify/AbCdEfGhIjKlMnOpQrStUv/"
    (pdf,) = render_certificates(LAYOUT, [Item(dict(SAMPLE), url)])
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdfimages", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "img")], check=True
    )
    (image_path,) = sorted(tmp_path.glob("img-*.png"))
    picture = Picture.open(image_path).convert("L")
    expected = segno.make(url, error="m", micro=False, mask=QR_MASK).matrix
    size = len(expected)
    pixels = picture.width // (size + 2 * QR_BORDER)
    decoded = [
        [
            picture.getpixel(
                ((QR_BORDER + x) * pixels + pixels // 2, (QR_BORDER + y) * pixels + pixels // 2)
            )
            < 128
            for x in range(size)
        ]
        for y in range(size)
    ]
    assert decoded == [[bool(v) for v in row] for row in expected]


def test_template_images_seal_flattened_on_a_plain_page(db, tmp_path):
    """Seal and signature lose their transparency on a plain page (a JPEG is embedded as it
    is, a transparent PNG re-encoded for every PDF); over a background they keep it."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as Picture
    from wagtail.images.models import Image as WagtailImage

    from certificates.services.pdfs import layout_for
    from tests.certificates.conftest import make_template

    def upload(name, mode, colour):
        out = io.BytesIO()
        Picture.new(mode, (300, 300), colour).save(out, "PNG")
        image = WagtailImage(title=name)
        image.file = ImageFile(io.BytesIO(out.getvalue()), name=f"{name}.png")
        image.save()
        return image

    seal = upload("seal", "RGBA", (200, 0, 0, 120))
    template = make_template("course", seal=seal)
    layout = layout_for(template)
    assert layout.seal.mime == "image/jpeg" and layout.background is None
    template.background = upload("paper", "RGB", (250, 240, 220))
    layout = layout_for(template)
    assert layout.background.mime == "image/jpeg" and layout.seal.mime == "image/png"
    (pdf,) = render_certificates(layout, [Item(dict(SAMPLE), "https://x.cn/v/1/")])
    assert SAMPLE["name"] in pdf_text(pdf)
    save_png(pdf, ARTIFACTS / "certificate-with-background.png")
