"""A minimal XML element tree that remembers the line of each element, parsed safely.

ElementTree drops line numbers, and import problems must name the line of the <question>;
so the tree is built from SAX events (defusedxml's parser: no DTD entities, no external
references). Files in GBK are converted to UTF-8 first, since expat cannot decode them.
"""

import codecs
import io
import re
from xml.sax.handler import ContentHandler

from defusedxml.sax import make_parser

_DECLARED = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")
_DECLARED_TEXT = re.compile(r"^(\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*[\"'])[A-Za-z0-9._-]+([\"'])")


class Node:
    __slots__ = ("tag", "attrs", "line", "children", "chunks")

    def __init__(self, tag, attrs, line):
        self.tag, self.attrs, self.line = tag, attrs, line
        self.children, self.chunks = [], []

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def find(self, tag):
        return next((child for child in self.children if child.tag == tag), None)

    def findall(self, tag):
        return [child for child in self.children if child.tag == tag]

    def value(self, tag, default="") -> str:
        child = self.find(tag)
        return child.text.strip() if child is not None else default


class _TreeBuilder(ContentHandler):
    """A minimal element tree that remembers each element's line (ElementTree does not)."""

    def __init__(self):
        super().__init__()
        self.stack, self.root, self.locator = [], None, None

    def setDocumentLocator(self, locator):
        self.locator = locator

    def startElement(self, name, attrs):
        node = Node(name, dict(attrs), self.locator.getLineNumber() if self.locator else 0)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name):
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].chunks.append(content)


def _as_utf8(data: bytes) -> bytes:
    """Expat reads UTF-8 and UTF-16 only: GBK files (declared or not) are converted first."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    declared = _DECLARED.match(data)
    encoding = declared[1].decode("ascii").lower() if declared else "utf-8"
    if encoding.replace("-", "") in ("utf8", "usascii", "ascii"):
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            encoding = "gb18030"  # "ANSI" text saved on a Chinese Windows
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return data  # expat reports it, with a line
    if declared:
        text = _DECLARED_TEXT.sub(r"\1UTF-8\2", text, count=1)
    return text.encode("utf-8")


def parse_xml(data: bytes) -> Node:
    """The root element; raises SAXParseException (it has a line) or DefusedXmlException."""
    builder = _TreeBuilder()
    parser = make_parser()
    parser.setContentHandler(builder)
    parser.parse(io.BytesIO(_as_utf8(data)))
    return builder.root
