"""Saving proposals drafted from an article: drafts that cite it, frozen and audited.

A drafted question is never active on its own: it is saved as a 草稿 and draw rules only
draw active questions, so it reaches an officer only after a trainer has read it and
changed its status.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.errors import DomainError
from people.services import audit
from quizzes.models import CasePart, Category, Question
from quizzes.services.bank import freeze
from quizzes.services.drafting import propose_questions
from quizzes.services.keys import content_problems


class DraftError(DomainError):
    code = "draft"


def article_proposals(article) -> list[dict]:
    """The proposals for a saved article (the same list the preview showed)."""
    return propose_questions(
        regulation_title=article.revision.regulation.title,
        article_display=article.display,
        text=article.text,
        paragraphs=article.paragraphs,
    )


def build_question(
    data: dict, *, category: Category, articles, status: str, source: str, author=None
) -> Question:
    """A question from payload-shaped `data` (with "parts" for a case), saved and frozen.

    Raises DraftError when the content fails `keys.content_problems`: nothing malformed
    is written, whoever the caller is.
    """
    parts = data.get("parts") or []
    problems = content_problems(
        kind=data["kind"],
        stem=data["stem"],
        options=data.get("options") or [],
        answer=data.get("answer", ""),
        points=data.get("points", "1"),
        parts=parts,
    )
    if problems:
        details = "；".join(f"{p.field}：{p.message}" for p in problems)
        raise DraftError(_("试题内容有误：%(details)s") % {"details": details})
    question = Question(
        category=category,
        kind=data["kind"],
        stem=data["stem"],
        options=list(data.get("options") or []),
        answer=data.get("answer", ""),
        explanation=data.get("explanation", ""),
        rubric=data.get("rubric", ""),
        points=Decimal(str(data.get("points", "1"))),
        difficulty=int(data.get("difficulty", 2)),
        status=status,
        source=source,
        created_by=author if getattr(author, "is_authenticated", False) else None,
    )
    # modelcluster keeps parts, tags and cited articles in memory until the one save().
    question.parts = [
        CasePart(
            kind=part["kind"],
            stem=part["stem"],
            options=list(part.get("options") or []),
            answer=part.get("answer", ""),
            explanation=part.get("explanation", ""),
            rubric=part.get("rubric", ""),
            points=Decimal(str(part.get("points", "1"))),
            sort_order=number,
        )
        for number, part in enumerate(parts)
    ]
    question.cited_articles = list(articles)
    if data.get("tags"):
        question.tags.add(*data["tags"])
    question.save()
    freeze(question)
    return question


def draft_from_article(
    *, article, category: Category, actor, selected: Iterable[int] | None = None
) -> list[Question]:
    """Save the article's proposals (all, or those at the `selected` indices) as drafts.

    The proposals are drafted again here rather than taken from the browser, so what is
    saved is exactly what `propose_questions` says about the article's stored text.
    """
    proposals = article_proposals(article)
    if selected is not None:
        wanted = set(selected)
        proposals = [p for index, p in enumerate(proposals) if index in wanted]
    if not proposals:
        raise DraftError(_("没有选中任何试题。"), code="nothing_selected")
    with transaction.atomic():
        questions = [
            build_question(
                proposal,
                category=category,
                articles=[article],
                status=Question.Status.DRAFT,
                source=Question.Source.DRAFTED,
                author=actor,
            )
            for proposal in proposals
        ]
        audit.record(
            actor=actor,
            action="question.drafted_from_article",
            target=article,
            category=category.full_name,
            count=len(questions),
            question_ids=[q.pk for q in questions],
        )
    return questions
