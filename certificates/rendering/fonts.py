"""CJK fonts for certificates: find the system's Noto CJK faces and cut small subsets.

Why subsets: a Noto CJK face holds 65,000 glyphs in a 26 MB collection, and WeasyPrint
subsets it again for every PDF it writes (about 0.2 s a face). Rendering a batch with a
face cut down to the characters the batch prints (HarfBuzz, ~10 ms) makes that per-PDF
work trivial. The cut face keeps every glyph the documents need — rare characters in
names (喆, 堃, 燚) included — and the system families stay behind it as fallbacks for any
character the chosen face lacks, so nothing ever vanishes.
"""

import base64
import logging
import shutil
import subprocess
import threading
from functools import cache

log = logging.getLogger(__name__)

FAMILIES = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}
FALLBACKS = ('"Noto Serif CJK SC"', '"Noto Sans CJK SC"', "serif")
# The family name the subset faces are registered under in a render's CSS.
SUBSET_FAMILY = "LianbingCert"

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_blob_destroy(hb_blob_t *blob);
void hb_face_destroy(hb_face_t *face);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
void hb_set_add(hb_set_t *set, uint32_t codepoint);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
"""
_lock = threading.Lock()


@cache
def _harfbuzz():
    """(ffi, libharfbuzz, libharfbuzz-subset), or None where HarfBuzz-Subset is missing."""
    try:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(_CDEF)
        return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    except (ImportError, OSError) as error:  # pragma: no cover - depends on the system
        log.warning("HarfBuzz subsetting unavailable, certificates render slower: %s", error)
        return None


@cache
def font_source(font: str, bold: bool) -> tuple[str, int] | None:
    """(file, index in the collection) of the system face, or None if it is not installed."""
    family = FAMILIES.get(font, FAMILIES["serif"])
    if not shutil.which("fc-match"):
        return None
    pattern = f"{family}:{'bold' if bold else 'regular'}"
    result = subprocess.run(
        ["fc-match", "-f", "%{file}|%{index}|%{family}", pattern],
        capture_output=True,
        text=True,
        check=False,
    )
    path, _, rest = result.stdout.partition("|")
    index, _, families = rest.partition("|")
    if result.returncode or family not in families.split(","):
        log.warning("font %s not installed: certificates fall back to other faces", family)
        return None
    return path, int(index or 0)


@cache
def _face(path: str, index: int):
    ffi, hb, _subset = _harfbuzz()
    blob = hb.hb_blob_create_from_file_or_fail(path.encode())
    if blob == ffi.NULL:
        return None
    # Kept for the life of the process: the faces are read-only and reused by every batch.
    return hb.hb_face_create(blob, index)


def subset(font: str, bold: bool, characters: set[str]) -> bytes | None:
    """An OpenType face with only `characters` (and what shaping needs), or None."""
    tools = _harfbuzz()
    source = font_source(font, bold)
    if tools is None or source is None:
        return None
    ffi, hb, hbs = tools
    with _lock:
        face = _face(*source)
        if face is None:
            return None
        subset_input = hbs.hb_subset_input_create_or_fail()
        try:
            unicodes = hbs.hb_subset_input_unicode_set(subset_input)
            for character in characters:
                hb.hb_set_add(unicodes, ord(character))
            result = hbs.hb_subset_or_fail(face, subset_input)
        finally:
            hbs.hb_subset_input_destroy(subset_input)
        if result == ffi.NULL:
            return None
        blob = hb.hb_face_reference_blob(result)
        length = ffi.new("unsigned int *")
        data = bytes(ffi.buffer(hb.hb_blob_get_data(blob, length), length[0]))
        hb.hb_blob_destroy(blob)
        hb.hb_face_destroy(result)
    return data or None


def font_face_css(font: str, characters: set[str]) -> tuple[str, str]:
    """(@font-face rules, font-family list) for a render printing `characters`."""
    rules = []
    for weight, bold in ((400, False), (700, True)):
        data = subset(font, bold, characters)
        if data is None:
            continue
        uri = "data:font/otf;base64," + base64.b64encode(data).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{SUBSET_FAMILY}"; src: url({uri}); '
            f"font-weight: {weight}; }}"
        )
    system = f'"{FAMILIES.get(font, FAMILIES["serif"])}"'
    families = ([f'"{SUBSET_FAMILY}"'] if rules else []) + [system, *FALLBACKS]
    return "\n".join(rules), ", ".join(dict.fromkeys(families))
