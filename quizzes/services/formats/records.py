"""What every question-file reader produces and every writer consumes.

A reader turns a file into `Record`s (one per importable question, in the payload shape of
`quizzes.services.payload`, each with the line or row it starts on), `Unsupported` entries
(questions of a type the platform has no kind for: listed, never dropped silently) and
`Problem`s (anything it could not read). Validation against the bank and the regulation
library happens later, in `question_import`; readers never touch the database.

The "lianbing" metadata (see docs/question-formats.md) carries what GIFT and Moodle XML have
no place for — difficulty, legal basis, status, a reference answer, case analysis — so an
export imports back without loss while other platforms ignore it.
"""

import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from quizzes.models.bank import Kind
from quizzes.services.keys import LETTERS, InvalidKey, parse_true_false

# Questions of a file that names no category (and an import given no default) go here. Data,
# not UI text: it is not translated, so every language imports into the same folder.
FALLBACK_CATEGORY = "未分类"
DEFAULT_DIFFICULTY = 2
META_PREFIX = "lianbing:"
# Keys of the metadata object; anything else is ignored (written by a later version).
META_TEXT_KEYS = ("stem", "answer", "explanation", "rubric")
STATUSES = ("draft", "active", "needs_review")


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file, located by line (GIFT, XML) or row (Excel, CSV)."""

    line: int | None
    field: str
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        if self.field:
            return _("第 %(line)d 行“%(field)s”：%(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return _("第 %(line)d 行：%(message)s") % {"line": self.line, "message": self.message}

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class Record:
    """One question read from a file, before validation."""

    line: int
    kind: str
    stem: str = ""
    options: list[str] = field(default_factory=list)
    answer: str = ""
    explanation: str = ""
    rubric: str = ""
    points: str = ""  # empty: 1, or for a case the sum of its parts
    difficulty: int | None = DEFAULT_DIFFICULTY  # None: unreadable (a problem says why)
    category: str = ""  # "行政处罚法 / 罚款"; empty: the import's default category
    tags: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)  # labels: 《行政处罚法》第三十条
    status: str = ""  # empty: decided at import (see question_import)
    parts: list["Record"] = field(default_factory=list)
    is_part: bool = False  # a case sub-question waiting for its case (GIFT, XML)

    def content(self) -> dict:
        return {
            "kind": str(self.kind),
            "stem": self.stem,
            "options": list(self.options),
            "answer": self.answer,
            "explanation": self.explanation,
            "rubric": self.rubric,
            "points": self.points,
        }

    def payload(self) -> dict:
        """The payload shape (`quizzes.services.payload`), article ids not yet resolved."""
        payload = self.content()
        payload.update(
            difficulty=self.difficulty,
            category=self.category,
            tags=list(self.tags),
            articles=[{"label": label} for label in self.articles],
            parts=[part.content() for part in self.parts],
        )
        return payload


@dataclass(frozen=True)
class Unsupported:
    line: int
    type: str

    def as_dict(self) -> dict:
        return {"line": self.line, "type": self.type}


@dataclass
class ParsedFile:
    format: str
    records: list[Record] = field(default_factory=list)
    unsupported: list[Unsupported] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- Categories ---------------------------------------------------------------------------

_CONTEXT = re.compile(r"^\$[a-z0-9_]*\$")


def category_from_moodle(path: str) -> str:
    """ "$course$/top/行政处罚法/罚款" → "行政处罚法 / 罚款".

    Moodle prefixes a context ($course$, $system$, $module$, $coursecategory$…) and its
    "top" category, and escapes a "/" inside a name as "//".
    """
    text = _CONTEXT.sub("", (path or "").strip()).strip()
    names = [name.replace("\0", "-").strip() for name in text.replace("//", "\0").split("/")]
    names = [name for name in names if name]
    if names and names[0].lower() == "top":
        names = names[1:]
    return " / ".join(names)


def category_to_moodle(path: str) -> str:
    names = [name.strip() for name in path.split("/") if name.strip()]
    return "/".join(["$course$", "top", *names])


def normalise_category(path: str) -> str:
    """ "行政处罚法/罚款" or "行政处罚法 ／ 罚款" → "行政处罚法 / 罚款"."""
    names = [name.strip() for name in (path or "").replace("／", "/").split("/")]
    return " / ".join(name for name in names if name)


# --- The lianbing metadata ----------------------------------------------------------------


def parse_metadata(text: str, line: int, problems: list[Problem]) -> dict | None:
    """The JSON after "lianbing:" in a comment or element; None (and a problem) if broken."""
    try:
        data = json.loads(text)
    except ValueError as error:
        message = _("lianbing 元数据不是有效的 JSON：%(error)s") % {"error": error}
        problems.append(Problem(line, "lianbing", message))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(line, "lianbing", _("lianbing 元数据应为 JSON 对象")))
        return None
    return data


def _strings(value) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    return None


def apply_metadata(record: Record, meta: dict, problems: list[Problem]) -> None:
    """Override what the file's own notation said with what the metadata says."""

    def bad(key):
        message = _("lianbing 元数据中“%(key)s”的值格式不正确") % {"key": key}
        problems.append(Problem(record.line, "lianbing", message))

    for key in META_TEXT_KEYS:
        if key in meta:
            if isinstance(meta[key], str):
                setattr(record, key, meta[key])
            else:
                bad(key)
    if "points" in meta:
        value = meta["points"]
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            record.points = str(value)
        else:
            bad("points")
    if "difficulty" in meta:
        value = meta["difficulty"]
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 3:
            record.difficulty = value
        else:
            bad("difficulty")
    for key in ("tags", "articles"):
        if key in meta:
            values = _strings(meta[key])
            if values is None:
                bad(key)
            else:
                setattr(record, key, values)
    if "status" in meta:
        if meta["status"] in STATUSES:
            record.status = meta["status"]
        else:
            bad("status")
    if meta.get("kind") == Kind.CASE:
        record.kind = Kind.CASE
    elif "kind" in meta:
        bad("kind")
    if meta.get("part") is True:
        record.is_part = True


def metadata_json(meta: dict) -> str:
    return json.dumps(meta, ensure_ascii=False, separators=(", ", ": "))


def question_metadata(payload: dict, status: str, *, native: set[str]) -> dict:
    """What a writer must add as metadata: every field its format cannot carry (not in native).

    Defaults (difficulty 中, no tags…) are left out to keep the comments short.
    """
    meta = {}
    if payload["kind"] == Kind.CASE:
        meta["kind"] = Kind.CASE
    if "difficulty" not in native and payload.get("difficulty", DEFAULT_DIFFICULTY) != 2:
        meta["difficulty"] = payload["difficulty"]
    if "points" not in native:
        meta["points"] = payload["points"]
    for key in ("answer", "explanation", "rubric", "stem"):
        if key not in native and payload.get(key):
            meta[key] = payload[key]
    if "tags" not in native and payload.get("tags"):
        meta["tags"] = list(payload["tags"])
    if payload.get("articles"):
        meta["articles"] = [article["label"] for article in payload["articles"]]
    if status:
        meta["status"] = status
    return meta


def choice_key(answer: str) -> tuple[list[int], bool]:
    """A 单选/多选 key's option indices, and whether it is written canonically ("ACD")."""
    indices = sorted({LETTERS.index(c) for c in (answer or "").upper() if c in LETTERS})
    return indices, answer == "".join(LETTERS[i] for i in indices)


def true_false_key(answer: str) -> tuple[bool, bool]:
    """A 判断 key's value, and whether it is written canonically ("对" or "错")."""
    try:
        value = parse_true_false(answer)
    except InvalidKey:
        value = False
    return value, answer in ("对", "错")


def part_metadata(part: dict, *, native: set[str]) -> dict:
    meta = {"part": True}
    if "points" not in native:
        meta["points"] = part["points"]
    for key in ("answer", "explanation", "rubric", "stem"):
        if key not in native and part.get(key):
            meta[key] = part[key]
    return meta


def attach_parts(records: list[Record], problems: list[Problem]) -> list[Record]:
    """Move each sub-question (metadata "part": true) into the case question before it."""
    result, case = [], None
    for record in records:
        if record.is_part:
            if case is None:
                message = _("这是案例分析题的小题，但前面没有案例分析题（lianbing 元数据）")
                problems.append(Problem(record.line, "lianbing", message))
            else:
                case.parts.append(record)
            continue
        case = record if record.kind == Kind.CASE else None
        result.append(record)
    return result
