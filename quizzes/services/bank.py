"""Writing to the question bank: versions, categories by path, status after review."""

from django.db import transaction

from quizzes.models import Category, Question, QuestionVersion
from quizzes.services.payload import payload_hash, question_payload


def freeze(question: Question) -> QuestionVersion:
    """The version attempts should draw now; writes a new one only if the content changed."""
    payload = question_payload(question)
    digest = payload_hash(payload)
    current = question.current_version
    if current is not None and current.content_hash == digest:
        if current.payload != payload:  # category or tags moved: not a new version
            QuestionVersion.objects.filter(pk=current.pk).update(payload=payload)
            current.payload = payload
        return current
    with transaction.atomic():
        last = (
            QuestionVersion.objects.select_for_update()
            .filter(question=question)
            .order_by("-number")
            .first()
        )
        version = QuestionVersion.objects.create(
            question=question,
            number=(last.number + 1) if last else 1,
            payload=payload,
            content_hash=digest,
        )
        Question.objects.filter(pk=question.pk).update(current_version=version)
        question.current_version = version
    return version


def category_for_path(path: str, *, create: bool = True) -> Category | None:
    """The category named "行政处罚法 / 罚款" (levels separated by "/"), made if missing."""
    names = [name.strip() for name in path.replace("／", "/").split("/") if name.strip()]
    if not names:
        return None
    parent = None
    for name in names:
        siblings = Category.get_root_nodes() if parent is None else parent.get_children()
        node = siblings.filter(name=name).first()
        if node is None:
            if not create:
                return None
            node = Category.add_root(name=name) if parent is None else parent.add_child(name=name)
        parent = node
    return parent
