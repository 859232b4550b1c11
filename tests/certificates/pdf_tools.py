"""Looking inside real PDFs with poppler: extracted text and embedded fonts."""

import subprocess
import tempfile
from pathlib import Path


def _run(tool: str, pdf: bytes, *args) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        result = subprocess.run(
            [tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            check=True,
        )
    return result.stdout.decode("utf-8")


def pdf_text(pdf: bytes) -> str:
    """Text as pdftotext extracts it, with whitespace removed (lines wrap anywhere)."""
    return "".join(_run("pdftotext", pdf, "-enc", "UTF-8").split())


def embedded_fonts(pdf: bytes) -> list[dict]:
    """pdffonts' table: [{"name", "type", "emb", "sub", "uni"}]."""
    lines = _run("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name … type words … encoding emb sub uni object-id generation
        fonts.append(
            {"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3], "line": line}
        )
    return fonts


def page_count(pdf: bytes) -> int:
    info = _run("pdfinfo", pdf)
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def save_png(pdf: bytes, path: Path, dpi: int = 60) -> Path:
    """The first page as a PNG, for people (and reviewers) to look at."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                handle.name,
                str(path.with_suffix("")),
            ],
            check=True,
        )
    return path
