"""GIFT, Moodle's plain-text question format, read the way Moodle's own importer reads it.

Reading (qformat_gift): questions are separated by blank lines; lines starting with "//" are
comments; `$CATEGORY: $course$/top/A/B` sets the category of the questions that follow;
`::title::` is dropped; `[html]`, `[moodle]`, `[plain]`, `[markdown]` prefix a text's
format (HTML becomes plain text); `\\~ \\= \\# \\{ \\} \\: \\\\` are escapes and `\\n` a line
break; `####` starts the general feedback (→ 解析). The answer braces decide the type:

    no braces                 description → unsupported "description" (a case, see below)
    {}                        essay → 简答 (short)
    {#…}                      numerical → unsupported "numerical" (tolerances have no kind)
    {=a ~b ~c}                multiple choice; with no "=" answer, answers with a positive
                              weight (~%50%a) are all correct → 多选 when more than one
    {=a -> b …}               matching → unsupported "matching"
    {T} {TRUE} {F} {FALSE}    true/false → 判断
    {=a =b}                   short answer → 填空 with accepted alternatives a|b

Braces in the middle of the text ("missing word") leave a "____" blank in the stem.
Per-answer feedback (#…) becomes the 解析 only when there is no general feedback.

Our extension: a comment `// lianbing: {JSON}` inside a question's block carries what GIFT
cannot (difficulty, points, legal basis, status, reference answer, rubric); a description
whose metadata says "kind": "case" is a 案例分析 scenario and the following questions with
"part": true are its sub-questions. Tags are also written as Moodle's `// [tag:…]` comments.
"""

import re

from django.utils.translation import gettext as _

from quizzes.models.bank import Kind
from quizzes.services.formats.records import (
    META_PREFIX,
    ParsedFile,
    Problem,
    Record,
    Unsupported,
    apply_metadata,
    attach_parts,
    category_from_moodle,
    category_to_moodle,
    choice_key,
    metadata_json,
    parse_metadata,
    part_metadata,
    question_metadata,
    true_false_key,
)
from quizzes.services.formats.text import decode_text, looks_like_html, text_in_format
from quizzes.services.keys import LETTERS, format_blanks, parse_blanks

BLANK = "____"
_ESCAPES = {"\\\\": "\ue000", "\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003"}
_ESCAPES |= {"\\{": "\ue004", "\\}": "\ue005", "\\~": "\ue006", "\\n": "\ue007"}
_RESTORE = {"\ue000": "\\", "\ue001": ":", "\ue002": "#", "\ue003": "="}
_RESTORE |= {"\ue004": "{", "\ue005": "}", "\ue006": "~", "\ue007": "\n"}
_FORMATS = {"html": "html", "moodle": "moodle", "plain": "plain", "markdown": "markdown"}
_WEIGHT = re.compile(r"^%\s*(-?\d+(?:\.\d*)?)\s*%")
_TAG = re.compile(r"\[tag:([^\]]+)\]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _protect(text: str) -> str:
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _formatted(text: str, default: str = "moodle") -> tuple[str, str]:
    """(plain text, format) of a text that may start with a [format] prefix."""
    text = text.strip()
    match = re.match(r"\[(\w+)\]", text)
    if match and match[1].lower() in _FORMATS:
        default, text = _FORMATS[match[1].lower()], text[match.end() :]
    return text_in_format(_restore(text), default), default


def _weighted(item: str, default: float) -> tuple[float, str]:
    if match := _WEIGHT.match(item):
        return float(match[1]), item[match.end() :]
    return default, item


def _split_feedback(item: str, text_format: str) -> tuple[str, str]:
    answer, _hash, feedback = item.partition("#")
    return _formatted(answer, text_format)[0], _formatted(feedback, text_format)[0]


def _choice(record: Record, answers: str, text_format: str) -> list[str]:
    single = "=" in answers
    items = answers.replace("=", "~=").split("~")
    if items and not items[0].strip():
        items.pop(0)
    weighted = []
    for item in items:
        item = item.strip()
        weight = 0.0
        if item.startswith("="):
            weight, item = _weighted(item[1:], 100.0)
        else:
            weight, item = _weighted(item, 0.0)
        text, feedback = _split_feedback(item, text_format)
        weighted.append((weight, text, feedback))
    # A "=" answer makes it single-answer: partial-credit answers are then simply wrong.
    correct = [i for i, (w, _t, _f) in enumerate(weighted) if (w >= 100 if single else w > 0)]
    record.kind = Kind.MULTIPLE if not single and len(correct) > 1 else Kind.SINGLE
    record.options = [text for _w, text, _f in weighted]
    record.answer = "".join(LETTERS[i] if i < len(LETTERS) else "?" for i in correct)
    return [weighted[i][2] for i in correct]


def _fill(record: Record, answers: str, text_format: str) -> list[str]:
    items = answers.split("=")
    if items and not items[0].strip():
        items.pop(0)
    accepted, feedbacks = [], []
    for item in items:
        weight, item = _weighted(item.strip(), 100.0)
        text, feedback = _split_feedback(item, text_format)
        if weight >= 100:  # partial-credit answers have no place in a 填空 key
            accepted.append(text)
            feedbacks.append(feedback)
    record.kind = Kind.FILL
    record.answer = "|".join(accepted)
    return feedbacks


def _answer_section(text: str, line: int, problems: list[Problem]):
    """(stem, answers or None for a description) of a question's protected text."""
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        return text, None
    if start >= 0 and (finish < 0 or "{" in text[start + 1 : finish]):
        problems.append(Problem(line, _("答案"), _("大括号不配对：“{”后面缺少“}”")))
        return None
    if start < 0 or finish < start:
        problems.append(Problem(line, _("答案"), _("大括号不配对：“}”前面缺少“{”")))
        return None
    if "{" in text[finish + 1 :] or "}" in text[finish + 1 :]:
        message = _(
            "一道题只能有一组答案 {…}：若是两道题，请用空行分隔；题干中的大括号请写成 \\{ \\}"
        )
        problems.append(Problem(line, _("答案"), message))
        return None
    # Moodle's rule: answers closing the text follow the question, elsewhere they leave a blank.
    blank = "" if text.rstrip().endswith("}") else BLANK
    return text[:start] + blank + text[finish + 1 :], text[start + 1 : finish].strip()


def _question(text: str, line: int, problems: list[Problem]) -> Record | Unsupported | None:
    if text.startswith("::"):
        end = text.find("::", 2)
        text = text[end + 2 :].strip() if end >= 0 else text[2:]
    section = _answer_section(text, line, problems)
    if section is None:
        return None
    stem, answers = section
    stem, text_format = _formatted(stem)
    record = Record(line=line, kind=Kind.SHORT, stem=stem)
    if answers is None:
        record.kind = ""  # a description: a case scenario if its metadata says so
        return record
    answers, _sep, general = answers.rpartition("####") if "####" in answers else (answers, "", "")
    answers = answers.strip()
    record.explanation = _formatted(general, text_format)[0]
    feedbacks = []
    if not answers:
        record.kind = Kind.SHORT
    elif answers.startswith("#"):
        return Unsupported(line, "numerical")
    elif "~" in answers:
        feedbacks = _choice(record, answers, text_format)
    elif "=" in answers and "->" in answers:
        return Unsupported(line, "matching")
    elif (key := answers.split("#")[0].strip().upper()) in _TRUE_FALSE:
        record.kind = Kind.TRUE_FALSE
        record.answer = "对" if _TRUE_FALSE[key] else "错"
        bits = answers.split("#", 2)
        feedbacks = [_formatted(bits[2], text_format)[0]] if len(bits) > 2 else []
    else:
        feedbacks = _fill(record, answers, text_format)
    if not record.explanation:
        record.explanation = "\n".join(dict.fromkeys(f for f in feedbacks if f))
    return record


def _blocks(text: str):
    """Blank-line separated blocks, as lists of (line number, line)."""
    block = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def read_gift(data: bytes) -> ParsedFile:
    parsed = ParsedFile("gift")
    try:
        text = decode_text(data)
    except ValueError as error:
        parsed.problems.append(Problem(None, "", str(error)))
        return parsed
    category, records = "", []
    for block in _blocks(text):
        body, comments = [], []
        for number, line in block:
            if line.strip().startswith("//"):
                comments.append((number, line.strip()[2:].strip()))
            else:
                body.append((number, line))
        if body and body[0][1].strip().startswith("$CATEGORY:"):
            category = category_from_moodle(_restore(body[0][1].strip()[len("$CATEGORY:") :]))
            body = body[1:]  # Moodle wants a blank line after it; a question may follow anyway
        if not body:
            continue
        line = body[0][0]
        meta, tags = None, []
        for number, comment in comments:
            if comment.startswith(META_PREFIX):
                meta = parse_metadata(comment[len(META_PREFIX) :], number, parsed.problems)
            tags += [tag.strip() for tag in _TAG.findall(comment) if tag.strip()]
        item = _question(
            _protect("\n".join(text for _n, text in body).strip()), line, parsed.problems
        )
        if isinstance(item, Unsupported):
            parsed.unsupported.append(item)
            continue
        if item is None:
            continue
        item.category, item.tags = category, list(dict.fromkeys(tags))
        if meta:
            apply_metadata(item, meta, parsed.problems)
        if not item.kind:
            parsed.unsupported.append(Unsupported(line, "description"))
            continue
        records.append(item)
    parsed.records = attach_parts(records, parsed.problems)
    return parsed


# --- Writing ------------------------------------------------------------------------------


def escape(text: str) -> str:
    text = (text or "").replace("\r", "").replace("\\", "\\\\")
    for char in ":#={}~":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _weight(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _needs_plain(payload: dict) -> bool:
    """Would a reader take the stem's start for a comment or a format, or the text for HTML?"""
    texts = [payload["stem"], payload["explanation"], *payload["options"], payload["answer"]]
    stem = payload["stem"].lstrip()
    return stem.startswith(("[", "//", "$")) or any(looks_like_html(text) for text in texts)


def _answers(payload: dict) -> tuple[str, bool]:
    """The text inside the braces, and whether it carries the 答案 exactly."""
    kind, answer, options = payload["kind"], payload["answer"], payload["options"]
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        correct, exact = choice_key(answer)
        if kind == Kind.SINGLE:
            marks = ["=" if i in correct else "~" for i in range(len(options))]
        else:
            share = _weight(100 / max(len(correct), 1))
            marks = [f"~%{share}%" if i in correct else "~%-100%" for i in range(len(options))]
        lines = [f"\t{mark}{escape(text)}" for mark, text in zip(marks, options, strict=True)]
        return "\n" + "\n".join(lines) + "\n", exact
    if kind == Kind.TRUE_FALSE:
        value, exact = true_false_key(answer)
        return ("TRUE" if value else "FALSE"), exact
    if kind == Kind.FILL:
        try:
            blanks = parse_blanks(answer)
        except ValueError:
            blanks = []
        if len(blanks) == 1 and format_blanks(blanks) == answer:
            return " ".join(f"={escape(text)}" for text in blanks[0]), True
        return f"={escape(answer)}", False  # several blanks: the key as one answer, and meta
    return "", False  # 简答: an essay; the reference answer goes in the metadata


def _block(payload: dict, meta: dict, tags=()) -> list[str]:
    lines = []
    if tags:
        lines.append("// " + " ".join(f"[tag:{tag}]" for tag in tags))
    lines.append(f"// {META_PREFIX} {metadata_json(meta)}")
    stem = ("[plain]" if _needs_plain(payload) else "") + escape(payload["stem"])
    if payload["kind"] == Kind.CASE:
        return [*lines, stem]  # a description: no braces
    answers, _exact = _answers(payload)
    feedback = f"####{escape(payload['explanation'])}" if payload["explanation"] else ""
    if answers.endswith("\n"):  # choices, one a line, the way Moodle writes them
        return [*lines, f"{stem} {{{answers}" + (f"\t{feedback}\n" if feedback else "") + "}"]
    return [*lines, f"{stem} {{{answers}{feedback}}}"]


def write_gift(items) -> bytes:
    """GIFT text for (payload, status) pairs, grouped by category in the order given."""
    header = _("练兵题库导出（GIFT 格式）。“// lianbing:”注释是本平台的扩展信息，其他平台会忽略。")
    out, category = [f"// {header}", ""], None
    for payload, status in items:
        if payload["category"] != category:
            category = payload["category"]
            out += [f"$CATEGORY: {category_to_moodle(category)}", ""]
        if payload["kind"] == Kind.CASE:
            native = {"stem"}  # a description has no feedback: the 解析 goes in the metadata
        else:
            native = {"stem", "explanation"} | ({"answer"} if _answers(payload)[1] else set())
        meta = question_metadata(payload, status, native=native)
        out += [*_block(payload, meta, payload.get("tags") or ()), ""]
        for part in payload.get("parts") or ():
            part_native = {"stem", "explanation"} | ({"answer"} if _answers(part)[1] else set())
            out += [*_block(part, part_metadata(part, native=part_native)), ""]
    return "\n".join(out).encode("utf-8")
