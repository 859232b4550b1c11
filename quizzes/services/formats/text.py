"""Text helpers shared by the readers: decoding files and turning HTML into plain text.

Question stems are plain text with line breaks; other platforms store HTML (Moodle's
"html" format, GIFT's [html] prefix). Tags are dropped, entities unescaped, blocks and
<br> become line breaks and other whitespace collapses the way a browser shows it.
"""

import codecs
import re
from html.parser import HTMLParser

from django.utils.translation import gettext as _

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "hr"}
_LISTS = {"ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr"}
_SECTIONS = {"address", "article", "aside", "blockquote", "div", "figure", "figcaption"}
_BLOCKS = frozenset(_HEADINGS | _LISTS | _SECTIONS | {"main", "nav", "p", "pre", "section"})
_CELLS = frozenset({"td", "th"})
_SKIPPED = frozenset({"script", "style", "head", "title"})
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
# Control characters other than tab and line breaks: not allowed in XML, never meant in text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.chunks.append("\n")
        elif tag in _BLOCKS:
            self.chunks.append("\n")
            self.pre += tag == "pre"
        elif tag in _CELLS:
            self.chunks.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag == "br" or tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.chunks.append("\n")
            self.pre = max(0, self.pre - (tag == "pre"))

    def handle_data(self, data):
        if self.skipping:
            return
        data = data.replace("\xa0", " ")
        self.chunks.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """ "<p>第一行<br>第二行</p><p>&lt;b&gt;</p>" → "第一行\\n第二行\\n<b>"."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    lines = [line.strip(" \t") for line in "".join(parser.chunks).split("\n")]
    text = "\n".join(line for line in lines if line)
    return text.strip()


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text or ""))


def text_in_format(text: str, format_name: str) -> str:
    """Plain text from a text in one of Moodle's formats (html, moodle_auto_format, …)."""
    name = (format_name or "").strip().lower()
    if name in ("html", "1"):
        return html_to_text(text)
    if name in ("moodle", "moodle_auto_format", "0", "") and looks_like_html(text):
        # Moodle's auto-format keeps line breaks and allows HTML: both survive as breaks.
        return html_to_text((text or "").replace("\n", "<br>"))
    return (text or "").strip()


def decode_text(data: bytes) -> str:
    """A text file's bytes (UTF-8 with or without BOM, UTF-16, GBK) as text with \\n breaks.

    Raises ValueError with a message for the user when it is not text at all.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        # Chinese Windows tools save "ANSI" text as GBK (gb18030 is its superset).
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text.replace("\r\n", "\n").replace("\r", "\n")
    raise ValueError(_("无法读取文件：不是文本，或编码无法识别（请用 UTF-8）"))
