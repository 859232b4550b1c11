"""Demo question bank and quizzes over the seven core regulations.

DEMO ONLY. `build_demo_questions` fills the bank with active questions that each cite the
articles they rest on: hand-written ones (`quizzes.demo_data`, one module per regulation) and,
for the bulk, proposals of `quizzes.services.drafting` that pass the review below — the
same proposals a trainer sees in 由条文生成试题, here accepted by rule instead of by eye.
`build_demo_exam` adds the city-wide exam and a practice quiz, sized to what the bank
holds. `load_question_bank` is the `manage.py load_demo` step running both.

Everything goes through `draft_service.build_question`, so each question is checked by
`keys.content_problems` and frozen. Loading again changes nothing: a regulation category
that already holds questions means the bank was built.
"""

import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from courses.models import Regulation
from lianbing.errors import DomainError
from people.demo import DemoConfig, StepReport
from quizzes.demo_data import LAWS, Item, all_items
from quizzes.models import Category, DrawRule, Kind, Question, Quiz
from quizzes.services.bank import category_for_path
from quizzes.services.draft_service import build_question
from quizzes.services.drafting import propose_questions, short_title

EXAM_TITLE = "2026年度全市文化市场综合执法人员法律知识考试"
PRACTICE_TITLE = "行政处罚法专项练习"
# Drafted questions kept per regulation: enough for varied papers, few enough to review,
# in a mix that suits papers; capacity a kind cannot fill goes to the others.
DRAFTED_PER_REGULATION = 40
DRAFTED_MIX = {"single": 15, "fill": 12, "truefalse": 13}
MAX_DRAFTED_STEM = 240
# Per core regulation: (kind, count, points each). Short and case come from two categories.
EXAM_RULES = [(Kind.SINGLE, 4, "1.0"), (Kind.MULTIPLE, 2, "2.0"), (Kind.TRUE_FALSE, 2, "1.0"),
              (Kind.FILL, 1, "1.0")]  # fmt: skip
EXAM_MANUAL_RULES = [("处罚", Kind.SHORT, 1), ("网吧", Kind.CASE, 1)]
PRACTICE_RULES = [(Kind.SINGLE, 6), (Kind.MULTIPLE, 3), (Kind.TRUE_FALSE, 4), (Kind.FILL, 3)]


class DemoBankError(DomainError):
    code = "demo_bank"


def _regulations() -> dict[str, Regulation]:
    found = {
        r.title: r
        for r in Regulation.objects.filter(
            title__in=LAWS.values(), current_revision__isnull=False
        ).select_related("current_revision")
    }
    missing = [title for title in LAWS.values() if title not in found]
    if missing:
        raise DemoBankError(f"演示题库需要先导入法规：{'、'.join(missing)}")
    return {key: found[title] for key, title in LAWS.items()}


def root_categories() -> dict[str, Category]:
    """The demo's top categories that exist, by short key ("处罚" → 行政处罚法)."""
    names = {short_title(title): key for key, title in LAWS.items()}
    return {names[c.name]: c for c in Category.get_root_nodes().filter(name__in=names)}


def _already_built() -> bool:
    return any(
        Question.objects.filter(category__path__startswith=root.path).exists()
        for root in root_categories().values()
    )


class _Bank:
    """Articles by number and categories by chapter, loaded once for the whole build."""

    def __init__(self, regulations: dict[str, Regulation]):
        self.regulations = regulations
        self.articles = {}
        for key, regulation in regulations.items():
            rows = regulation.current_revision.articles.select_related("chapter")
            self.articles[key] = {
                a.number: a for a in rows.order_by("position") if not a.sub_number
            }
        self._categories: dict[str, Category] = {}

    def article(self, key: str, number: int):
        try:
            return self.articles[key][number]
        except KeyError:
            raise DemoBankError(f"《{LAWS[key]}》现行文本没有第{number}条") from None

    def category(self, key: str, article) -> Category:
        path = short_title(LAWS[key])
        if article.chapter is not None:
            path += f" / {article.chapter}"
        if path not in self._categories:
            self._categories[path] = category_for_path(path)
        return self._categories[path]


def _cited(bank: _Bank, item: Item) -> list:
    articles = []
    for ref in item.articles:
        key, number = ref if isinstance(ref, tuple) else (item.law, ref)
        articles.append(bank.article(key, number))
    text = "\n".join(a.text for a in articles)
    for phrase in item.check:
        if phrase not in text:
            raise DemoBankError(f"演示试题“{item.stem[:30]}”的依据与条文不符：找不到“{phrase}”")
    return articles


def _item_data(item: Item) -> dict:
    data = {
        "kind": item.kind,
        "stem": item.stem,
        "options": list(item.options),
        "answer": item.answer,
        "explanation": item.explanation,
        "rubric": item.rubric,
        "points": item.points,
        "difficulty": item.difficulty,
        "tags": [],
        "parts": [
            {
                "kind": p.kind,
                "stem": p.stem,
                "options": list(p.options),
                "answer": p.answer,
                "explanation": p.explanation,
                "rubric": p.rubric,
                "points": p.points,
            }
            for p in item.parts
        ],
    }
    if item.parts:  # a case is worth what its parts are worth
        data["points"] = str(sum(Decimal(p.points) for p in item.parts))
    return data


def reviewed_proposals(regulation_title: str, articles: list) -> list[tuple[object, dict]]:
    """Which drafted proposals the demo keeps for one regulation, as (article, proposal).

    First a choice and a fill-in of every article with a fine, time limit or authority,
    then 错 statements, then one statement about 应当/可以/不得 of the other articles,
    then 对 statements: many articles covered before any article gets a second question.
    """
    ranked = []
    for position, article in enumerate(articles):
        proposals = propose_questions(
            regulation_title=regulation_title,
            article_display=article.display,
            text=article.text,
            paragraphs=article.paragraphs,
        )
        proposals = [p for p in proposals if len(p["stem"]) <= MAX_DRAFTED_STEM]
        rich = [p for p in proposals if "法律规范" not in p["tags"]]
        if rich:
            firsts = {}
            for proposal in rich:
                slot = (
                    proposal["kind"],
                    proposal["answer"] if proposal["kind"] == "truefalse" else "",
                )
                firsts.setdefault(slot, proposal)
            tiers = {
                ("single", ""): 0,
                ("fill", ""): 1,
                ("truefalse", "错"): 2,
                ("truefalse", "对"): 4,
            }
            ranked += [(tiers[s], position, article, p) for s, p in firsts.items() if s in tiers]
        else:
            wanted = "错" if position % 2 == 0 else "对"
            statement = next((p for p in proposals if p["answer"] == wanted), None)
            if statement is not None:
                ranked.append((3, position, article, statement))
    ranked.sort(key=lambda row: row[:2])
    return [(article, proposal) for _tier, _position, article, proposal in ranked]


def select_drafted(ranked: list, *, taken: set) -> list:
    """Up to DRAFTED_PER_REGULATION of the ranked proposals, in DRAFTED_MIX proportions."""
    ranked = [(a, p) for a, p in ranked if p["stem"] not in taken]
    chosen, counts = [], Counter()
    for article, proposal in ranked:
        if counts[proposal["kind"]] < DRAFTED_MIX.get(proposal["kind"], 0):
            chosen.append((article, proposal))
            counts[proposal["kind"]] += 1
    for row in ranked:
        if len(chosen) >= DRAFTED_PER_REGULATION:
            break
        if row not in chosen:
            chosen.append(row)
    return chosen[:DRAFTED_PER_REGULATION]


def build_demo_questions(*, author=None) -> dict:
    """The demo bank: hand-written and reviewed drafted questions, all active."""
    started = time.monotonic()
    if _already_built():
        return {"created": 0, "skipped": True, "by_kind": {}, "seconds": 0.0}
    bank = _Bank(_regulations())
    by_kind: Counter = Counter()
    stems = set()
    with transaction.atomic():
        for item in all_items():
            articles = _cited(bank, item)
            build_question(
                _item_data(item),
                category=bank.category(item.law, articles[0]),
                articles=articles,
                status=Question.Status.ACTIVE,
                source=Question.Source.MANUAL,
                author=author,
            )
            by_kind[item.kind] += 1
            stems.add(item.stem)
        for key, regulation in bank.regulations.items():
            articles = list(bank.articles[key].values())
            ranked = reviewed_proposals(regulation.title, articles)
            for article, proposal in select_drafted(ranked, taken=stems):
                build_question(
                    proposal,
                    category=bank.category(key, article),
                    articles=[article],
                    status=Question.Status.ACTIVE,
                    source=Question.Source.DRAFTED,
                    author=author,
                )
                by_kind[proposal["kind"]] += 1
                stems.add(proposal["stem"])
    return {
        "created": sum(by_kind.values()),
        "skipped": False,
        "by_kind": dict(by_kind),
        "seconds": round(time.monotonic() - started, 1),
    }


def _available(category: Category, kind: str) -> int:
    return Question.objects.filter(
        category__path__startswith=category.path, kind=kind, status=Question.Status.ACTIVE
    ).count()


def _add_rules(quiz: Quiz, rules) -> int:
    """Draw rules (category, kind, count, points), each capped at what the bank holds."""
    order = 0
    for category, kind, count, points in rules:
        count = min(count, _available(category, kind))
        if count:
            DrawRule.objects.create(
                quiz=quiz,
                sort_order=order,
                category=category,
                kind=kind,
                count=count,
                points=Decimal(points) if points else None,
            )
            order += 1
    return order


def build_demo_exam(*, author=None) -> dict:
    """The city-wide exam (open now, 60 minutes) and a practice quiz; skips existing ones."""
    roots = root_categories()
    if set(roots) != set(LAWS):
        raise DemoBankError("演示考试需要先建立演示题库（build_demo_questions）。")
    now = timezone.now()
    created = []
    exam = Quiz.objects.filter(title=EXAM_TITLE).first()
    if exam is None:
        with transaction.atomic():
            exam = Quiz.objects.create(
                title=EXAM_TITLE,
                description=(
                    "本次考试限时60分钟，满分100分，60分及格，只能作答一次。试题覆盖行政处罚法、著作权法、"
                    "文物保护法、出版管理条例、印刷业管理条例、互联网上网服务营业场所管理条例和广播电视"
                    "管理条例；简答题和案例分析题由教员阅卷评分，考试关闭后公布答案与解析。"
                ),
                mode=Quiz.Mode.EXAM,
                live=True,
                opens_at=now - timedelta(days=3),
                closes_at=now + timedelta(days=30),
                time_limit_minutes=60,
                attempts_allowed=1,
                pass_percent=60,
                multiple_scoring=Quiz.MultipleScoring.PARTIAL,
                show_answers=Quiz.Release.AFTER_CLOSE,
                show_explanations=Quiz.Release.AFTER_CLOSE,
                created_by=author,
            )
            rules = [(roots[key], k, n, p) for key in LAWS for k, n, p in EXAM_RULES]
            rules += [(roots[key], kind, count, None) for key, kind, count in EXAM_MANUAL_RULES]
            _add_rules(exam, rules)
        created.append(exam.title)
    practice = Quiz.objects.filter(title=PRACTICE_TITLE).first()
    if practice is None:
        with transaction.atomic():
            practice = Quiz.objects.create(
                title=PRACTICE_TITLE,
                description="每次随机抽取行政处罚法客观题，交卷后即可查看答案和解析，可反复练习。",
                mode=Quiz.Mode.PRACTICE,
                live=True,
                opens_at=now - timedelta(days=30),
                attempts_allowed=0,
                shuffle_questions=True,
                multiple_scoring=Quiz.MultipleScoring.PARTIAL,
                show_answers=Quiz.Release.IMMEDIATELY,
                show_explanations=Quiz.Release.IMMEDIATELY,
                created_by=author,
            )
            _add_rules(practice, [(roots["处罚"], k, n, None) for k, n in PRACTICE_RULES])
        created.append(practice.title)
    return {"exam": exam.pk, "practice": practice.pk, "created": created}


def load_question_bank(config: DemoConfig) -> StepReport:
    """The load_demo step: the bank, then the exam and the practice quiz."""
    bank = build_demo_questions(author=config.actor)
    quizzes = build_demo_exam(author=config.actor)
    labels = dict(Kind.choices)
    lines = []
    if bank["skipped"]:
        lines.append("试题：演示题库已存在，未重复创建")
    else:
        kinds = "，".join(f"{labels[k]} {n}" for k, n in bank["by_kind"].items())
        lines.append(f"试题：新建 {bank['created']} 道（{kinds}），用时 {bank['seconds']} 秒")
    lines.append(
        "考试与练习："
        + ("新建 " + "、".join(quizzes["created"]) if quizzes["created"] else "已存在")
    )
    return StepReport(title="题库与考试", lines=lines)
