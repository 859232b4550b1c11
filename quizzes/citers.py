"""Questions citing an amended article are flagged and taken out of new papers.

A flagged question's status becomes "needs review", so draw rules stop drawing it until a
trainer has checked it against the new text and set it active again. Attempts already
taken keep the version they were given.
"""

from courses.services.amendments import register_article_citer
from quizzes.models import Question


@register_article_citer
def questions_citing(articles) -> list[Question]:
    ids = set(articles.values_list("pk", flat=True))
    if not ids:
        return []
    questions = list(Question.objects.filter(cited_articles__in=ids).distinct().order_by("pk"))
    Question.objects.filter(pk__in=[q.pk for q in questions]).exclude(
        status=Question.Status.DRAFT
    ).update(status=Question.Status.NEEDS_REVIEW)
    return questions


__all__ = ["questions_citing"]
