"""Moodle XML (<quiz><question type="…">…), read the way Moodle's qformat_xml reads it.

    <question type="category">   $course$/top/A/B sets the category of what follows
    multichoice                  <single>; answers' `fraction`: one correct → 单选, several
                                 positive fractions (multi-answer) → 多选
    multichoiceset               (all-or-nothing plugin) → 多选/单选 the same way
    truefalse                    → 判断 (the answer with fraction 100)
    shortanswer                  → 填空, answers with fraction 100 are the alternatives
    multianswer (Cloze)          → 填空 with one blank per {n:SHORTANSWER:…} (SA, MW, *_C);
                                 any other sub-question type → unsupported "multianswer"
    essay                        → 简答, <graderinfo> → 评分要点
    anything else                matching, numerical, calculated*, ddwtos, gapselect,
                                 description, random, ordering… → unsupported, by type name

<name> is dropped; <questiontext>, <generalfeedback> (→ 解析), answers and grader info in
format "html" become plain text; <defaultgrade> → 分值; <tags><tag><text> → 标签.
Line numbers are those of the <question> start tags. XML is parsed with defusedxml.

Our extension: a <lianbing> element holding the JSON metadata (Moodle ignores unknown
elements); a case is a `description` with "kind": "case" followed by its sub-questions,
each marked "part": true. Exports use format="plain_text" so text comes back unchanged.
"""

import re
import xml.etree.ElementTree as ET
from xml.sax import SAXParseException

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from quizzes.models.bank import Kind
from quizzes.services.formats.records import (
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
from quizzes.services.formats.text import CONTROL, text_in_format
from quizzes.services.formats.xmltree import Node, parse_xml
from quizzes.services.keys import (
    BLANK_MARK,
    FALSE_WORDS,
    LETTERS,
    TRUE_WORDS,
    format_blanks,
    parse_blanks,
)

BLANK = "____"
SHORT_ANSWER_CODES = frozenset({"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"})
_CLOZE = re.compile(r"\{(\d*):([A-Za-z_]+):((?:\\.|[^\\}])*)\}")
_CLOZE_SPECIAL = re.compile(r"([\\}#~])")


def _rich(node: Node | None, default_format: str = "moodle_auto_format") -> str:
    """The plain text of a Moodle text element (<questiontext format="html"><text>…)."""
    if node is None:
        return ""
    text_node = node.find("text")
    text = text_node.text if text_node is not None else node.text
    return text_in_format(text, node.attrs.get("format", default_format))


def _fraction(answer: Node) -> float:
    try:
        return float(answer.attrs.get("fraction", "0"))
    except ValueError:
        return 0.0


def _answers(question: Node) -> list[tuple[float, str, str]]:
    return [(_fraction(a), _rich(a), _rich(a.find("feedback"))) for a in question.findall("answer")]


def _choice(record: Record, question: Node, single: bool) -> list[str]:
    answers = _answers(question)
    top = max((f for f, _t, _f in answers), default=0)
    # Single-answer: the full-credit answer(s); partial credit has no place in a 单选 key.
    correct = [
        i
        for i, (fraction, _t, _f) in enumerate(answers)
        if fraction > 0 and (fraction >= top or not single)
    ]
    record.kind = Kind.MULTIPLE if len(correct) > 1 else Kind.SINGLE
    record.options = [text for _f, text, _fb in answers]
    record.answer = "".join(LETTERS[i] if i < len(LETTERS) else "?" for i in correct)
    return [answers[i][2] for i in correct]


def _cloze_answers(body: str) -> list[str]:
    accepted = []
    for item in re.split(r"(?<!\\)~", body):
        match = re.match(r"\s*(=|%(-?\d+(?:[.,]\d*)?)%)?", item)
        fraction = 100.0 if match[1] == "=" else float((match[2] or "0").replace(",", "."))
        text = re.split(r"(?<!\\)#", item[match.end() :], maxsplit=1)[0]
        if fraction >= 100:
            accepted.append(re.sub(r"\\(.)", r"\1", text).strip())
    return accepted


def _cloze(record: Record, text: str) -> bool:
    """Fill in a Cloze question's blanks; False when a sub-question is not a short answer."""
    codes = list(_CLOZE.finditer(text))
    if any(code[2].upper() not in SHORT_ANSWER_CODES for code in codes):
        return False
    record.kind = Kind.FILL
    record.stem = _CLOZE.sub(BLANK, text)
    record.answer = format_blanks([_cloze_answers(code[3]) for code in codes])
    return True


def _question(node: Node, qtype: str, category: str) -> Record | Unsupported:
    record = Record(line=node.line, kind=Kind.SHORT, category=category)
    record.stem = _rich(node.find("questiontext"))
    record.explanation = _rich(node.find("generalfeedback"))
    feedbacks = []
    if qtype == "multichoice":
        single = node.value("single", "true").lower() in ("true", "1")
        feedbacks = _choice(record, node, single)
    elif qtype == "multichoiceset":
        feedbacks = _choice(record, node, False)
    elif qtype == "truefalse":
        answers = sorted(_answers(node), key=lambda item: -item[0])
        if answers and answers[0][0] > 0:
            word = answers[0][1].strip()
            record.answer = (
                "对"
                if word.upper() in TRUE_WORDS
                else "错"
                if word.upper() in FALSE_WORDS
                else word
            )
            feedbacks = [answers[0][2]]
        record.kind = Kind.TRUE_FALSE
    elif qtype == "shortanswer":
        answers = _answers(node)
        record.kind = Kind.FILL
        record.answer = "|".join(text for fraction, text, _f in answers if fraction >= 100)
        feedbacks = [fb for fraction, _t, fb in answers if fraction >= 100]
    elif qtype == "multianswer":
        if not _cloze(record, record.stem):
            return Unsupported(node.line, qtype)
    elif qtype == "essay":
        record.rubric = _rich(node.find("graderinfo"))
    elif qtype == "description":
        record.kind = ""  # a case scenario if its metadata says so
    else:
        return Unsupported(node.line, qtype)
    if not record.explanation:
        record.explanation = "\n".join(dict.fromkeys(f for f in feedbacks if f))
    grade = node.value("defaultgrade")
    try:
        if float(grade) > 0:  # 0 (Moodle's "no mark"): the platform's default
            record.points = grade
    except ValueError:
        record.points = grade  # validation names it
    tags = node.find("tags")
    record.tags = [
        t.value("text") for t in (tags.findall("tag") if tags else []) if t.value("text")
    ]
    return record


def read_moodlexml(data: bytes) -> ParsedFile:
    parsed = ParsedFile("moodlexml")
    try:
        root = parse_xml(data)
    except SAXParseException as error:
        message = _("XML 格式错误：%(error)s") % {"error": error.getMessage()}
        parsed.problems.append(Problem(error.getLineNumber(), "", message))
        return parsed
    except DefusedXmlException:
        message = _("XML 文件含有不允许的 DTD 或实体定义")
        parsed.problems.append(Problem(None, "", message))
        return parsed
    if root is None or root.tag != "quiz":
        message = _("不是 Moodle XML 题目文件：根元素应为 <quiz>")
        parsed.problems.append(Problem(root.line if root else 1, "", message))
        return parsed
    category, records = "", []
    for node in root.findall("question"):
        qtype = node.attrs.get("type", "").strip()
        if qtype == "category":
            category = category_from_moodle(_rich(node.find("category"), "plain_text"))
            continue
        if not qtype:
            message = _("<question> 缺少 type 属性")
            parsed.problems.append(Problem(node.line, "type", message))
            continue
        item = _question(node, qtype, category)
        if isinstance(item, Unsupported):
            parsed.unsupported.append(item)
            continue
        meta_node = node.find("lianbing")
        if meta_node is not None:
            meta = parse_metadata(meta_node.text, meta_node.line, parsed.problems)
            if meta:
                apply_metadata(item, meta, parsed.problems)
        if not item.kind:
            parsed.unsupported.append(Unsupported(node.line, qtype))
            continue
        records.append(item)
    parsed.records = attach_parts(records, parsed.problems)
    return parsed


# --- Writing ------------------------------------------------------------------------------


def _text(parent, tag: str, text: str, *, plain: bool = True, **attrs):
    element = ET.SubElement(parent, tag, {"format": "plain_text"} if plain else {}, **attrs)
    ET.SubElement(element, "text").text = CONTROL.sub("", text or "")
    return element


def _simple(parent, tag: str, text: str):
    ET.SubElement(parent, tag).text = text


def _cloze_code(alternatives: list[str]) -> str:
    answers = "~".join("=" + _CLOZE_SPECIAL.sub(r"\\\1", text) for text in alternatives)
    return "{1:SHORTANSWER:" + answers + "}"


def _fill(question, payload: dict) -> tuple[str, set[str]]:
    """Write a 填空's answers; returns its Moodle type and the fields written exactly."""
    answer, stem = payload["answer"], payload["stem"]
    try:
        blanks = parse_blanks(answer)
    except ValueError:
        blanks = []
    exact = {"answer"} if blanks and format_blanks(blanks) == answer else set()
    if len(blanks) == 1:
        for text in blanks[0] if exact else [answer]:
            _text(question, "answer", text, fraction="100")
        return "shortanswer", exact | {"stem"}
    codes = iter([_cloze_code(alternatives) for alternatives in blanks])
    if len(BLANK_MARK.findall(stem)) == len(blanks):
        text = BLANK_MARK.sub(lambda _m: next(codes), stem)
    else:
        text = " ".join([stem, *codes])
    question.find("questiontext").find("text").text = CONTROL.sub("", text)
    same_stem = _CLOZE.sub(BLANK, text) == stem
    return "multianswer", exact | ({"stem"} if same_stem else set())


def _question_element(quiz, payload: dict, status: str, meta_for) -> None:
    kind = payload["kind"]
    question = ET.SubElement(quiz, "question")
    # Moodle requires a name; ours are nameless, so the start of the stem stands in.
    name = " ".join(payload["stem"].split())[:40]
    ET.SubElement(ET.SubElement(question, "name"), "text").text = CONTROL.sub("", name)
    _text(question, "questiontext", payload["stem"])
    _text(question, "generalfeedback", payload["explanation"])
    native = {"stem", "explanation", "points", "tags"}
    if kind == Kind.CASE:
        qtype = "description"
        native.discard("points")  # a description is worth nothing in Moodle
    else:
        _simple(question, "defaultgrade", payload["points"])
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        qtype = "multichoice"
        correct, exact = choice_key(payload["answer"])
        native |= {"answer"} if exact else set()
        _simple(question, "single", "true" if kind == Kind.SINGLE else "false")
        _simple(question, "shuffleanswers", "true")
        _simple(question, "answernumbering", "ABCD")
        share = f"{100 / max(len(correct), 1):.5f}".rstrip("0").rstrip(".")
        for index, text in enumerate(payload["options"]):
            wrong = "0" if kind == Kind.SINGLE else "-100"
            _text(question, "answer", text, fraction=share if index in correct else wrong)
    elif kind == Kind.TRUE_FALSE:
        qtype = "truefalse"
        value, exact = true_false_key(payload["answer"])
        native |= {"answer"} if exact else set()
        _text(question, "answer", "true", fraction="100" if value else "0")
        _text(question, "answer", "false", fraction="0" if value else "100")
    elif kind == Kind.FILL:
        qtype, exact = _fill(question, payload)
        native = (native - {"stem"}) | exact
    elif kind == Kind.SHORT:
        qtype, native = "essay", native | {"rubric"}
        _simple(question, "responseformat", "editor")
        _simple(question, "responserequired", "1")
        _simple(question, "responsefieldlines", "15")
        _simple(question, "attachments", "0")
        _text(question, "graderinfo", payload["rubric"])
    question.set("type", qtype)
    if payload.get("tags"):
        tags = ET.SubElement(question, "tags")
        for tag in payload["tags"]:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
    meta = meta_for(payload, status, native)
    ET.SubElement(question, "lianbing").text = metadata_json(meta)


def write_moodlexml(items) -> bytes:
    """Moodle XML for (payload, status) pairs, grouped by category in the order given."""
    quiz, category = ET.Element("quiz"), None
    quiz.append(ET.Comment(" lianbing: 练兵题库导出；<lianbing> 元素为本平台扩展信息 "))
    for payload, status in items:
        if payload["category"] != category:
            category = payload["category"]
            element = ET.SubElement(quiz, "question", type="category")
            _text(element, "category", category_to_moodle(category), plain=False)
            _text(element, "info", "", plain=False, format="moodle_auto_format")
        _question_element(
            quiz, payload, status, lambda p, s, native: question_metadata(p, s, native=native)
        )
        for part in payload.get("parts") or ():
            _question_element(quiz, part, "", lambda p, s, native: part_metadata(p, native=native))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="UTF-8", xml_declaration=True) + b"\n"
