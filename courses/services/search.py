"""Chinese search over the regulation library and the course pages.

Chinese has no spaces between words, so full-text engines that split on spaces (SQLite's
and PostgreSQL's default parsers, Wagtail's database backend) index a whole sentence as
one "word" and find nothing. Instead each whitespace-separated term of the query must occur
as a substring (`icontains`, plain LIKE on both databases) of the article text or of its
regulation's title; terms like 第二十五条 match article numbers. Candidates are capped and
ranked in Python.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from courses.models import Article, ArticleChange, CoursePage, LessonPage, Regulation
from courses.services.chinese_numerals import NUMERAL, chinese_to_int

# Colloquial words officers type, and the words the regulations use. A term matches if it
# or any of its expansions occurs. (Terms that are already substrings of the formal word,
# like 演出 of 营业性演出, need no entry: a substring search finds them anyway.)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "网吧": ("互联网上网服务营业场所",),
    "网咖": ("互联网上网服务营业场所",),
    "上网场所": ("互联网上网服务营业场所",),
    "网吧条例": ("互联网上网服务营业场所管理条例",),
    "歌厅": ("歌舞娱乐场所",),
    "ktv": ("歌舞娱乐场所",),
    "卡拉ok": ("歌舞娱乐场所",),
    "游戏厅": ("游艺娱乐场所",),
    "电玩城": ("游艺娱乐场所",),
    "盗版": ("侵权复制品", "侵犯著作权"),
    "演唱会": ("营业性演出",),
    "书店": ("出版物发行", "出版物零售"),
    "光盘": ("音像制品",),
    "执照": ("许可证",),
}
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_ARTICLE_TERM = re.compile(rf"^第?({NUMERAL}|\d+)条(?:之({NUMERAL}|\d+))?$")
_QUOTES = str.maketrans("", "", "《》〈〉「」“”\"'")

MAX_TERMS = 8
# Ranking happens in Python; this many candidates (best text matches first) are scored.
CANDIDATE_CAP = 400
# BM25's usual constants: occurrences count with diminishing returns, long articles that
# mention a term once in a list of penalties rank below short articles about it.
K1, B = 1.2, 0.75
TITLE_BOOST = 1.5
SNIPPET_CHARS = 110
MAX_REVISION_STEPS = 50


@dataclass(frozen=True)
class Term:
    text: str
    variants: tuple[str, ...]  # lower-cased strings, any of which satisfies the term


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)
    numbers: list[tuple[int, int]] = field(default_factory=list)  # (number, sub_number)

    def __bool__(self):
        return bool(self.terms or self.numbers)

    @property
    def variants(self) -> list[str]:
        return [variant for term in self.terms for variant in term.variants]


@dataclass
class ArticleHit:
    article: Article
    regulation: Regulation
    score: float
    snippet: SafeString
    title_match: bool = False


def _number(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() else chinese_to_int(text)


def parse_query(query: str) -> ParsedQuery:
    """Split on whitespace (and Chinese list punctuation) into text and article-number terms."""
    parsed = ParsedQuery()
    seen = set()
    for raw in _SEPARATORS.split((query or "").strip()):
        if len(parsed.terms) + len(parsed.numbers) >= MAX_TERMS:
            break
        raw = raw.translate(_QUOTES).strip()
        if not raw or raw.lower() in seen:
            continue
        seen.add(raw.lower())
        folded = unicodedata.normalize("NFKC", raw)  # full-width digits, ＫＴＶ…
        if match := _ARTICLE_TERM.match(folded):
            try:
                number = _number(match[1])
                sub_number = _number(match[2]) if match[2] else 0
            except ValueError:
                pass
            else:
                if (number, sub_number) not in parsed.numbers:
                    parsed.numbers.append((number, sub_number))
                continue
        # Both spellings: the texts write （一） full-width but 24时 with ASCII digits.
        variants = dict.fromkeys([raw.lower(), folded.lower()])
        variants.update(dict.fromkeys(SYNONYMS.get(folded.lower(), ())))
        parsed.terms.append(Term(raw, tuple(variants)))
    return parsed


def _term_q(term: Term, *fields: str) -> Q:
    q = Q()
    for variant in term.variants:
        for name in fields:
            q |= Q(**{f"{name}__icontains": variant})
    return q


def current_articles() -> QuerySet:
    """Articles of each regulation's current revision: older wording is not searched."""
    return Article.objects.filter(revision__regulation__current_revision=F("revision"))


def filter_articles(queryset: QuerySet, query: str | ParsedQuery) -> QuerySet:
    """Narrow an Article queryset by a query: every term in the text or regulation title."""
    parsed = parse_query(query) if isinstance(query, str) else query
    if parsed.numbers:
        numbers = Q()
        for number, sub_number in parsed.numbers:
            numbers |= Q(number=number, sub_number=sub_number)
        queryset = queryset.filter(numbers)
    for term in parsed.terms:
        queryset = queryset.filter(_term_q(term, "text", "revision__regulation__title"))
    return queryset


def search_articles(query: str, *, limit: int = 50) -> list[ArticleHit]:
    """Current-revision articles matching every term, best first."""
    parsed = parse_query(query)
    if not parsed:
        return []
    candidates = filter_articles(current_articles(), parsed)
    if parsed.terms:
        # Articles whose text holds more of the terms come first, so the cap drops the
        # articles matched only through their regulation's title.
        in_text = sum(
            (
                Case(When(_term_q(term, "text"), then=Value(1)), default=Value(0))
                for term in parsed.terms
            ),
            Value(0),
        )
        candidates = candidates.annotate(
            terms_in_text=ExpressionWrapper(in_text, output_field=IntegerField())
        ).order_by("-terms_in_text", "revision__regulation__title", "position")
    else:
        candidates = candidates.order_by("revision__regulation__title", "position")
    articles = list(candidates.select_related("revision__regulation")[:CANDIDATE_CAP])
    if not articles:
        return []
    weights = _term_weights(parsed.terms)
    average = sum(len(article.text) for article in articles) / len(articles)
    scored = []
    for order, article in enumerate(articles):
        score, title_match = _score(article, parsed.terms, weights, average)
        scored.append((-score, order, article, title_match))
    scored.sort(key=lambda item: item[:2])
    return [
        ArticleHit(
            article=article,
            regulation=article.revision.regulation,
            score=-negative_score,
            snippet=highlight(article.text, parsed.variants),
            title_match=title_match,
        )
        for negative_score, _order, article, title_match in scored[:limit]
    ]


def _term_weights(terms: list[Term]) -> dict[Term, float]:
    """Inverse document frequency over current articles: rare terms weigh more."""
    if not terms:
        return {}
    total = current_articles().count() or 1
    weights = {}
    for term in terms:
        frequency = current_articles().filter(_term_q(term, "text")).count()
        weights[term] = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
    return weights


def _score(article, terms, weights, average) -> tuple[float, bool]:
    text, title = article.text.lower(), article.revision.regulation.title.lower()
    length = len(text) / (average or 1)
    score, title_match = 0.0, False
    for term in terms:
        count = sum(text.count(variant) for variant in term.variants)
        score += weights[term] * count * (K1 + 1) / (count + K1 * (1 - B + B * length))
        if any(variant in title for variant in term.variants):
            score += TITLE_BOOST
            title_match = True
    return score, title_match


def highlight(text: str, variants: list[str], *, width: int = SNIPPET_CHARS) -> SafeString:
    """A snippet around the first match, HTML-escaped, with every match in <mark>."""
    spans = _match_spans(text, variants)
    start = 0
    if spans and len(text) > width:
        start = max(0, min(spans[0][0] - width // 4, len(text) - width))
    end = min(len(text), start + width) if len(text) > width else len(text)
    pieces, cursor = [], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    # Every piece of the text went through escape() above; only <mark> is added.
    return mark_safe(prefix + "".join(pieces).replace("\n", " ") + suffix)


def highlight_full(text: str, variants: list[str]) -> SafeString:
    return highlight(text, variants, width=max(len(text), 1))


def _match_spans(text: str, variants: list[str]) -> list[tuple[int, int]]:
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character whose lower case is longer
        lowered = text
    spans = []
    for variant in {v for v in variants if v}:
        for match in re.finditer(re.escape(variant), lowered):
            spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def with_earlier_versions(article_ids) -> set[int]:
    """The articles and every earlier version of them: lessons cite the text of their day."""
    ids = frontier = set(article_ids)
    # Each step goes one revision back; regulations have a handful of revisions.
    for _step in range(MAX_REVISION_STEPS):
        frontier = (
            set(
                ArticleChange.objects.filter(new_article_id__in=frontier)
                .exclude(old_article=None)
                .values_list("old_article_id", flat=True)
            )
            - ids
        )
        if not frontier:
            break
        ids = ids | frontier
    return ids


def lessons_citing(article_ids, *, limit: int = 20) -> list[LessonPage]:
    """Live lessons citing any of the articles, in any of their versions."""
    ids = with_earlier_versions(article_ids)
    lessons = LessonPage.objects.live().filter(cited_articles__in=ids).distinct()
    return list(lessons.order_by("path")[:limit])


def search_pages(query: str, *, limit: int = 20) -> dict[str, list]:
    """Live courses and lessons whose title or summary holds every text term."""
    parsed = parse_query(query)
    if not parsed.terms:
        return {"courses": [], "lessons": []}
    courses = CoursePage.objects.live().select_related("regulation")
    lessons = LessonPage.objects.live()
    for term in parsed.terms:
        courses = courses.filter(_term_q(term, "title", "summary", "regulation__title"))
        lessons = lessons.filter(_term_q(term, "title", "summary"))
    return {
        "courses": list(courses.order_by("path")[:limit]),
        "lessons": list(lessons.order_by("path")[:limit]),
    }
