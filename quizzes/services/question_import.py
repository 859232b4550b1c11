"""Importing a question file (Excel/CSV, GIFT, Moodle XML) into the bank, all or nothing.

The whole file is read and validated first — every question's content with
`keys.content_problems`, points, categories, tags, and each 法条依据 against the current
text of its regulation — and any problem refuses the file with `QuestionImportError`, whose
problems name the line (or row) and field. Otherwise everything is saved in one
transaction, with one audit entry.

Decisions (also in docs/question-formats.md):
- Questions of types the platform does not support (matching, numerical, description…) are
  not errors: they are listed in the summary's `unsupported` with their line, never dropped
  silently, and the rest is imported.
- A question already in the bank — same category, kind and stem — is skipped and counted as
  `unchanged`, so importing the same file twice changes nothing; so is a repeat within the
  file.
- Imported questions are `source=import` and `active`, unless the file gives a status or the
  question has no key to grade by (a 简答 with neither reference answer nor rubric: `draft`).
- Questions without a category go to the `category` argument, else to "未分类".
- A dry run validates and summarises without writing. It also works without a reachable or
  migrated database; it then cannot check 法条依据 or duplicates and says so in `warnings`.
"""

from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from courses.models import Article, Regulation
from lianbing.errors import DomainError
from people.services import audit
from quizzes.models import CasePart, Kind, Question
from quizzes.services.bank import category_for_path, freeze
from quizzes.services.formats.citations import parse_label
from quizzes.services.formats.gift import read_gift
from quizzes.services.formats.moodlexml import read_moodlexml
from quizzes.services.formats.records import (
    FALLBACK_CATEGORY,
    ParsedFile,
    Problem,
    Record,
    normalise_category,
)
from quizzes.services.formats.spreadsheet import read_spreadsheet
from quizzes.services.keys import content_problems
from quizzes.services.payload import points_text

READERS = {"xlsx": read_spreadsheet, "gift": read_gift, "moodlexml": read_moodlexml}
FORMAT_NAMES = {"xlsx": "xlsx", "excel": "xlsx", "csv": "xlsx", "gift": "gift", "txt": "gift"}
FORMAT_NAMES |= {"moodlexml": "moodlexml", "moodle": "moodlexml", "xml": "moodlexml"}
EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "xlsx", ".gift": "gift"}
EXTENSIONS |= {".xml": "moodlexml"}
MAX_POINTS = Decimal("999.9")
NAME_LIMIT = 100  # Category.name and taggit's Tag.name
KIND_ORDER = [kind.value for kind in Kind]
NATIONAL_PREFIX = "中华人民共和国"


class QuestionImportError(DomainError):
    """The file was refused and nothing saved; `problems` names each line and field."""

    code = "question_import_invalid"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.line or 0)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def detect_format(data: bytes, filename: str = "", format: str | None = None) -> str:
    if format:
        name = FORMAT_NAMES.get(format.strip().lower())
        if name is None:
            message = _("不支持的格式“%(format)s”，可选：xlsx、gift、moodlexml") % {
                "format": format
            }
            raise QuestionImportError([Problem(None, "", message)])
        return name
    extension = PurePath(filename or "").suffix.lower()
    if extension == ".xls":
        message = _("不支持 .xls 文件：请在 Excel 中另存为 .xlsx")
        raise QuestionImportError([Problem(None, "", message)])
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    head = data[:512].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    return "moodlexml" if head.startswith(("<?xml", "<quiz")) else "gift"


def read_question_file(data: bytes, *, filename: str = "", format: str | None = None):
    """The file's questions, unsupported questions and reading problems (no database)."""
    fmt = detect_format(data, filename, format)
    if not data.strip():
        return ParsedFile(fmt, problems=[Problem(None, "", _("文件是空的"))])
    return READERS[fmt](data)


# --- Validation ---------------------------------------------------------------------------


def _points(record: Record, problems: list[Problem]) -> None:
    """Fill in default points; report points that are no number or too fine or large."""
    for part in record.parts:
        _points(part, problems)
    if not record.points:
        total = sum((Decimal(part.points) for part in record.parts), Decimal())
        record.points = str(total) if record.kind == Kind.CASE and total > 0 else "1"
        return
    try:
        value = Decimal(record.points.strip())
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        message = _("分值“%(points)s”不是数字") % {"points": record.points}
        problems.append(Problem(record.line, _("分值"), message))
        record.points = "1"  # reported once here, not again by content_problems
        return
    if value > 0 and not 0 < value.quantize(Decimal("0.1")) <= MAX_POINTS:
        message = _("分值应在 0.1 到 %(max)s 之间") % {"max": MAX_POINTS}
        problems.append(Problem(record.line, _("分值"), message))
    elif value > 0:
        record.points = points_text(value)


def _content(record: Record, problems: list[Problem]) -> None:
    found = content_problems(
        kind=record.kind,
        stem=record.stem,
        options=record.options,
        answer=record.answer,
        points=record.points,
        parts=[part.content() for part in record.parts],
    )
    prefixes = [
        (_("小题%(number)d") % {"number": n}, part) for n, part in enumerate(record.parts, 1)
    ]
    for problem in found:
        line, field = record.line, problem.field
        for prefix, part in prefixes:
            # A sub-question with a line of its own (its own row or block) is named by it.
            if field.startswith(f"{prefix}·") and part.line != record.line:
                line, field = part.line, field[len(prefix) + 1 :]
                break
        problems.append(Problem(line, field, problem.message))


def _names(record: Record, problems: list[Problem]) -> None:
    for name in record.category.split(" / "):
        if len(name) > NAME_LIMIT:
            message = _("分类名称最多 %(limit)d 个字") % {"limit": NAME_LIMIT}
            problems.append(Problem(record.line, _("分类"), message))
    for tag in record.tags:
        if len(tag) > NAME_LIMIT:
            message = _("标签“%(tag)s…”过长（最多 %(limit)d 个字）")
            problems.append(
                Problem(record.line, _("标签"), message % {"tag": tag[:10], "limit": NAME_LIMIT})
            )


class ArticleLibrary:
    """Resolves article labels against the current text of each regulation, with a cache."""

    def __init__(self):
        self.regulations: dict[str, Regulation | None] = {}

    def regulation(self, title: str) -> Regulation | None:
        if title not in self.regulations:
            # Trainers write 《行政处罚法》 for 《中华人民共和国行政处罚法》.
            found = {
                r.title: r
                for r in Regulation.objects.filter(title__in=[title, NATIONAL_PREFIX + title])
            }
            self.regulations[title] = found.get(title) or found.get(NATIONAL_PREFIX + title)
        return self.regulations[title]

    def resolve(self, label: str) -> Article:
        """The article, or ValueError saying why not."""
        title, number, sub_number = parse_label(label)
        regulation = self.regulation(title)
        if regulation is None:
            raise ValueError(_("法规库中没有《%(title)s》（请先导入该法规）") % {"title": title})
        article = Article.objects.filter(
            revision_id=regulation.current_revision_id, number=number, sub_number=sub_number
        ).first()
        if article is None:
            message = _("《%(title)s》现行文本中没有“%(label)s”")
            raise ValueError(message % {"title": regulation.title, "label": label})
        return article


def _same(stem: str) -> str:
    """A stem for comparing: forms store "\\r\\n" line breaks, files give "\\n"."""
    return stem.replace("\r\n", "\n").replace("\r", "\n").strip()


def _database_checks(records, default: str, problems: list[Problem]):
    """Articles by record index, and the indices of questions already in the bank."""
    library, articles, duplicates = ArticleLibrary(), {}, set()
    for index, record in enumerate(records):
        articles[index] = []
        for label in record.articles:
            try:
                articles[index].append(library.resolve(label))
            except ValueError as error:
                problems.append(Problem(record.line, _("法条依据"), str(error)))
    existing: dict[str, set] = {}
    seen = set()
    for index, record in enumerate(records):
        path = record.category or default
        if path not in existing:
            category = category_for_path(path, create=False)
            questions = (
                Question.objects.filter(category=category) if category else Question.objects.none()
            )
            existing[path] = {(k, _same(stem)) for k, stem in questions.values_list("kind", "stem")}
        key = (path, record.kind, _same(record.stem))
        if key[1:] in existing[path] or key in seen:
            duplicates.add(index)
        seen.add(key)
    return articles, duplicates


def _status(record: Record) -> str:
    if record.status:
        return record.status
    graded = [record, *record.parts] if record.kind != Kind.CASE else record.parts
    keyless = any(
        q.kind == Kind.SHORT and not (q.answer.strip() or q.rubric.strip()) for q in graded
    )
    return Question.Status.DRAFT if keyless else Question.Status.ACTIVE


# --- Import -------------------------------------------------------------------------------


def import_questions(
    *, data: bytes, filename: str = "", format=None, category=None, actor=None, dry_run=False
) -> dict:
    """Validate the whole file, then save it in one transaction (or nothing, on a dry run)."""
    parsed = read_question_file(data, filename=filename, format=format)
    default = normalise_category(category or "") or FALLBACK_CATEGORY
    problems = list(parsed.problems)
    for record in parsed.records:
        _points(record, problems)
        _content(record, problems)
        _names(record, problems)
    if not problems and not parsed.records and not parsed.unsupported:
        problems.append(Problem(None, "", _("文件中没有试题")))
    if problems:
        raise QuestionImportError(problems)
    warnings = []
    try:
        articles, duplicates = _database_checks(parsed.records, default, problems)
    except DatabaseError:
        if not dry_run:
            raise
        # A dry run only needs the file: without a database, say what was not checked.
        articles, duplicates = {}, set()
        warnings.append(_("无法访问数据库：未核对法条依据和重复试题"))
    if problems:
        raise QuestionImportError(problems)
    summary = _summary(parsed, default, duplicates, dry_run, warnings)
    if dry_run:
        return summary
    with transaction.atomic():
        categories = {}
        for index, record in enumerate(parsed.records):
            if index in duplicates:
                continue
            path = record.category or default
            if path not in categories:
                categories[path] = category_for_path(path)
            _save(record, categories[path], articles[index], actor)
        audit.record(actor=actor, action="questions.imported", target=filename, **summary)
    return summary


def _summary(parsed, default, duplicates, dry_run, warnings) -> dict:
    kinds = Counter(record.kind for record in parsed.records)
    summary = {
        "format": parsed.format,
        "by_type": {kind: kinds[kind] for kind in KIND_ORDER if kinds[kind]},
        "categories": list(dict.fromkeys(r.category or default for r in parsed.records)),
        "unsupported": [item.as_dict() for item in parsed.unsupported],
        "total": len(parsed.records),
        "created": len(parsed.records) - len(duplicates),
        "unchanged": len(duplicates),
        "dry_run": dry_run,
    }
    if warnings:
        summary["warnings"] = warnings
    return summary


def _content_fields(record: Record) -> dict:
    return {
        "kind": record.kind,
        "stem": record.stem,
        "options": list(record.options),
        "answer": record.answer,
        "explanation": record.explanation,
        "rubric": record.rubric,
        "points": Decimal(record.points),
    }


def _save(record: Record, category, articles, actor) -> Question:
    question = Question(
        **_content_fields(record),
        category=category,
        difficulty=record.difficulty,
        status=_status(record),
        source=Question.Source.IMPORT,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    question.parts = [
        CasePart(sort_order=order, **_content_fields(part))
        for order, part in enumerate(record.parts)
    ]
    if record.tags:
        question.tags.add(*record.tags)
    question.cited_articles = articles
    question.save()
    # Frozen from the database, so the version holds exactly what was stored.
    question = Question.objects.select_related("category").get(pk=question.pk)
    freeze(question)
    return question
