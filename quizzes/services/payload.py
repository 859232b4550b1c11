"""The frozen form of a question: what an attempt was given, and what exports write.

A payload is plain JSON:

    {"kind": "single", "stem": "…", "options": ["…", "…"], "answer": "B",
     "explanation": "…", "rubric": "…", "points": "2.0", "difficulty": 2,
     "category": "行政处罚法 / 罚款", "tags": ["罚款"],
     "articles": [{"id": 17, "label": "《行政处罚法》第三十条"}],
     "parts": [<payload of each 案例分析 sub-question, without parts>]}

`payload_hash` ignores what does not change how the question is asked or graded (category,
tags), so moving a question to another folder does not make a new version.
"""

import hashlib
import json
from decimal import Decimal

GRADING_FIELDS = ("kind", "stem", "options", "answer", "explanation", "rubric", "points", "parts")


def points_text(points) -> str:
    return str(Decimal(str(points)).quantize(Decimal("0.1")))


def content_payload(content) -> dict:
    """The part every question and sub-question has (a Question or CasePart instance)."""
    return {
        "kind": content.kind,
        "stem": content.stem,
        "options": list(content.options or []),
        "answer": content.answer,
        "explanation": content.explanation,
        "rubric": content.rubric,
        "points": points_text(content.points),
    }


def article_label(article) -> str:
    return f"《{article.revision.regulation.title}》{article.display}"


def question_payload(question, *, parts=None, articles=None, tags=None) -> dict:
    """The payload of a saved question; related rows may be passed in to save queries."""
    if parts is None:
        parts = question.parts.all()
    if articles is None:
        articles = question.cited_articles.select_related("revision__regulation").order_by(
            "revision__regulation__title", "position"
        )
    if tags is None:
        tags = sorted(tag.name for tag in question.tags.all())
    payload = content_payload(question)
    payload.update(
        difficulty=int(question.difficulty),
        category=question.category.full_name if question.category_id else "",
        tags=list(tags),
        articles=[{"id": a.pk, "label": article_label(a)} for a in articles],
        parts=[content_payload(part) for part in parts],
    )
    return payload


def payload_hash(payload: dict) -> str:
    graded = {field: payload.get(field) for field in GRADING_FIELDS}
    graded["articles"] = sorted(a["id"] for a in payload.get("articles") or ())
    text = json.dumps(graded, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def total_points(payload: dict) -> Decimal:
    """A case is worth the sum of its parts; any other question its own points."""
    if payload["kind"] == "case" and payload.get("parts"):
        return sum((Decimal(p["points"]) for p in payload["parts"]), Decimal("0"))
    return Decimal(payload["points"])
