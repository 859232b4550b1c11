"""Exporting questions as Excel (the import template's layout), GIFT or Moodle XML.

Each question is written from its payload (`quizzes.services.payload.question_payload`) plus
its status, in category-tree order; importing the file again gives the same payloads.
"""

from courses.models import Article
from quizzes.models import Category, Question
from quizzes.services.formats.gift import write_gift
from quizzes.services.formats.moodlexml import write_moodlexml
from quizzes.services.formats.spreadsheet import XLSX_CONTENT_TYPE, write_xlsx
from quizzes.services.payload import question_payload

WRITERS = {"xlsx": write_xlsx, "gift": write_gift, "moodlexml": write_moodlexml}
CONTENT_TYPES = {
    "xlsx": XLSX_CONTENT_TYPE,
    "gift": "text/plain; charset=utf-8",
    "moodlexml": "application/xml; charset=utf-8",
}
EXTENSIONS = {"xlsx": ".xlsx", "gift": ".gift.txt", "moodlexml": ".xml"}


def questions_in(category: Category | None):
    """Every question of a category and its sub-categories (all questions for None)."""
    questions = Question.objects.all()
    if category is not None:
        questions = questions.filter(category__path__startswith=category.path)
    return questions


def export_items(queryset) -> list[tuple[dict, str]]:
    """(payload, status) of each question, in category-tree order, with a few queries."""
    questions = list(
        queryset.select_related("category")
        .prefetch_related("parts", "tags")
        .order_by("category__path", "pk")
    )
    through = Question.cited_articles.through
    cited: dict[int, list[Article]] = {}
    links = through.objects.filter(question__in=[q.pk for q in questions]).select_related(
        "article__revision__regulation"
    )
    for link in links.order_by("article__revision__regulation__title", "article__position"):
        cited.setdefault(link.question_id, []).append(link.article)
    names: dict[int, str] = {}
    items = []
    for question in questions:
        if question.category_id not in names:
            names[question.category_id] = question.category.full_name
        payload = question_payload(
            question,
            parts=sorted(question.parts.all(), key=lambda part: part.sort_order or 0),
            articles=cited.get(question.pk, []),
            tags=sorted(tag.name for tag in question.tags.all()),
        )
        payload["category"] = names[question.category_id]
        items.append((payload, question.status))
    return items


def export_questions(queryset, format: str) -> bytes:
    """The questions as a file in `format` (xlsx, gift or moodlexml)."""
    return WRITERS[format](export_items(queryset))
