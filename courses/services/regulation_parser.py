"""Parse a regulation text in the Markdown format of shared/regulations (see its SOURCES.md).

Pure: no ORM, so the importer, its --dry-run and the future admin upload all validate a text
the same way before anything touches the database.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from courses.services.chinese_numerals import (
    NUMERAL,
    article_display,
    chinese_digits_to_int,
    chinese_to_int,
    int_to_chinese,
)
from courses.services.regulation_checks import check_articles, check_divisions
from lianbing.errors import DomainError

__all__ = [
    "ParsedArticle",
    "ParsedChapter",
    "ParsedRegulation",
    "ParsedSection",
    "RegulationParseError",
    "article_display",
    "article_text",
    "chinese_to_int",
    "int_to_chinese",
    "normalise_title",
    "parse_regulation",
]


class RegulationParseError(DomainError):
    """The text is refused; `problems` lists every reason, each naming its article or line."""

    code = "regulation_invalid"

    def __init__(self, problems: list[str], *, source_name: str = ""):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.source_name = source_name


@dataclass
class ParsedArticle:
    number: int
    sub_number: int
    line: int
    chapter_number: int | None = None
    section_number: int | None = None
    paragraphs: list[dict] = field(default_factory=list)

    @property
    def display(self) -> str:
        return article_display(self.number, self.sub_number)

    @property
    def key(self) -> str:
        return f"{self.number}-{self.sub_number}" if self.sub_number else str(self.number)

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.number, self.sub_number)

    @property
    def text(self) -> str:
        return article_text(self.paragraphs)


def article_text(paragraphs: list[dict]) -> str:
    """One line per paragraph and per item: the plain text used for search and diffs."""
    lines = []
    for paragraph in paragraphs:
        if paragraph["text"]:
            lines.append(paragraph["text"])
        lines.extend(item["label"] + item["text"] for item in paragraph["items"])
    return "\n".join(lines)


@dataclass
class ParsedSection:
    number: int
    title: str
    line: int
    articles: list[ParsedArticle] = field(default_factory=list)


@dataclass
class ParsedChapter:
    number: int
    title: str
    line: int
    implied: bool = False
    sections: list[ParsedSection] = field(default_factory=list)
    articles: list[ParsedArticle] = field(default_factory=list)


@dataclass
class ParsedRegulation:
    title: str
    header_lines: list[str]
    revision_date: datetime.date
    effective_date: datetime.date | None
    status: str
    source_note: str
    chapters: list[ParsedChapter]
    articles: list[ParsedArticle]
    source_name: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def section_count(self) -> int:
        return sum(len(chapter.sections) for chapter in self.chapters)

    def counts(self) -> dict[str, int]:
        return {
            "chapters": len(self.chapters),
            "sections": self.section_count,
            "articles": len(self.articles),
        }

    def content_hash(self) -> str:
        """Hash of the parsed content, so line endings, BOM or spacing do not make a new text."""
        canonical = {
            "title": self.title,
            "header": self.header_lines,
            "chapters": [
                [c.number, c.title, [[s.number, s.title] for s in c.sections]]
                for c in self.chapters
            ],
            "articles": [
                [a.key, a.chapter_number, a.section_number, a.paragraphs] for a in self.articles
            ],
        }
        data = json.dumps(canonical, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(data).hexdigest()


_SPACE = r"[ \t\u3000\xa0]"
_TITLE = re.compile(r"^#(?!#)\s*(\S.*)$")
_INFO_END = re.compile(r"^<!--\s*INFO\s+END\s*-->$", re.IGNORECASE)
_COMMENT = re.compile(r"^<!--(.*?)-->$")
_META = re.compile(r"^\s*(SOURCE|STATUS)\s*[:：]\s*(.*?)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s*(.*)$")
_DIVISION = re.compile(rf"^第({NUMERAL})(章|节|编|分编){_SPACE}*(.*)$")
_BARE_DIVISION = re.compile(rf"^第{NUMERAL}[章节](?:{_SPACE}+[^。；，：]{{1,24}})?$")
_ARTICLE = re.compile(rf"^第({NUMERAL})条(?:之({NUMERAL}))?(?:{_SPACE}+(.*)|$)")
_ARTICLE_TIGHT = re.compile(rf"^第({NUMERAL})条(?:之({NUMERAL}))?(.+)$")
_ITEM = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[)）]\s*(.*)$")
# After 第X条 without a space these characters mean a cross-reference, not an article start.
_REFERENCE_FOLLOWERS = tuple("、，,和及与至到或第的中所之（(）)规以项款")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000\xa0]+(?=[\u4e00-\u9fff])")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(\d{4})-(\d{1,2})-(\d{1,2})")
_CN_DATE = re.compile(
    r"([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_IN_FORCE = re.compile(r"\s*起?\s*(施行|生效)")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def normalise_title(title: str) -> str:
    """`总 则` → `总则`: the sources space out short titles for typesetting."""
    return _CJK_GAP.sub("", title.strip())


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line.replace("\ufeff", "").replace("\u200b", "").strip() for line in text.split("\n")]


def _header_dates(lines: list[str], problems: list[str]) -> tuple[list, list]:
    """(revision dates, effective dates) mentioned in the 题注; 自…起施行 is an effective date."""
    revision, effective = [], []
    for line in lines:
        line = line.translate(_FULLWIDTH_DIGITS)
        found = [(m, tuple(int(g) for g in m.groups() if g)) for m in _DATE.finditer(line)]
        for m in _CN_DATE.finditer(line):
            ymd = (chinese_digits_to_int(m[1]), chinese_to_int(m[2]), chinese_to_int(m[3]))
            found.append((m, ymd))
        for match, (year, month, day) in found:
            try:
                date = datetime.date(year, month, day)
            except ValueError:
                problems.append(_("题注中的日期无效：%(date)s") % {"date": match[0]})
                continue
            before, after = line[: match.start()], line[match.end() :]
            is_effective = before.rstrip().endswith("自") or _IN_FORCE.match(after)
            (effective if is_effective else revision).append(date)
    return revision, effective


class _Parser:
    def __init__(self, text: str, source_name: str):
        self.lines = _clean_lines(text)
        self.source_name = source_name
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.chapters: list[ParsedChapter] = []
        self.articles: list[ParsedArticle] = []
        self.loose: list[ParsedArticle] = []  # articles before the first chapter heading
        self.meta = {"source": "", "status": ""}

    def fail(self, problem: str):
        raise RegulationParseError([*self.problems, problem], source_name=self.source_name)

    def problem(self, line_no: int, message: str):
        self.problems.append(_("第%(line)d行：%(message)s") % {"line": line_no, "message": message})

    def parse(self) -> ParsedRegulation:
        numbered = [(i + 1, line) for i, line in enumerate(self.lines) if line]
        if not numbered:
            self.fail(_("文本为空"))
        title_match = _TITLE.match(numbered[0][1])
        if not title_match:
            self.fail(_("第%(line)d行：缺少标题行（应为“# 法规名称”）") % {"line": numbered[0][0]})
        title = normalise_title(title_match[1])
        end = next((n for n, (_no, line) in enumerate(numbered) if _INFO_END.match(line)), None)
        if end is None:
            first_body = next(
                (no for no, line in numbered[1:] if _ARTICLE.match(line) or _HEADING.match(line)),
                None,
            )
            where = _("（第%(line)d行起为正文）") % {"line": first_body} if first_body else ""
            self.fail(_("缺少“<!-- INFO END -->”标记，无法区分题注与正文") + where)
        header = [line for _no, line in numbered[1:end] if not self._comment(line)]
        for line_no, line in numbered[end + 1 :]:
            self._body_line(line_no, line)
        self._attach_loose_articles()
        if not self.articles and not self.problems:
            self.problems.append(_("没有找到任何条文（条文应以“第一条 ”开头）"))
        self.problems += check_divisions(self.chapters) + check_articles(self.articles)
        revision_dates, effective_dates = _header_dates(header, self.problems)
        if not revision_dates and not effective_dates:
            self.problems.append(_("题注中没有找到修订或公布日期"))
        elif header and header[-1].endswith("根据"):
            # SOURCES.md: some 题注 are cut off after 根据; the newest date shown is all there is.
            self.warnings.append(_("题注最后一行以“根据”结尾，可能缺少最近一次修订的记录"))
        if self.problems:
            raise RegulationParseError(self.problems, source_name=self.source_name)
        return ParsedRegulation(
            title=title,
            header_lines=header,
            revision_date=max(revision_dates or effective_dates),
            effective_date=max(effective_dates) if effective_dates else None,
            status=self.meta["status"],
            source_note=self.meta["source"],
            chapters=self.chapters,
            articles=self.articles,
            source_name=self.source_name,
            warnings=self.warnings,
        )

    def _comment(self, line: str) -> bool:
        comment = _COMMENT.match(line)
        if comment and (meta := _META.match(comment[1])):
            self.meta[meta[1].lower()] = meta[2]
        return bool(comment)

    def _body_line(self, line_no: int, line: str):
        if self._comment(line):
            return
        heading = _HEADING.match(line)
        division = _DIVISION.match(heading[1] if heading else line)
        # A bare `第二章 罚则` line is a heading too, but a sentence is not.
        if division and not heading and not _BARE_DIVISION.match(line):
            division = None
        if division:
            return self._division(line_no, division)
        if heading:
            return self.problem(line_no, _("无法识别的标题：%(text)s") % {"text": line})
        if match := self._article_match(line):
            return self._article(line_no, match)
        article = self.articles[-1] if self.articles else None
        if article is None:
            return self.problem(
                line_no, _("第一条之前出现无法归属的内容：%(text)s") % {"text": line[:30]}
            )
        if item := _ITEM.match(line):
            if not article.paragraphs:
                article.paragraphs.append({"text": "", "items": []})
            label = f"（{item[1]}）"
            article.paragraphs[-1]["items"].append({"label": label, "text": item[2]})
        else:
            article.paragraphs.append({"text": line, "items": []})

    def _article_match(self, line: str):
        if match := _ARTICLE.match(line):
            return match
        tight = _ARTICLE_TIGHT.match(line)
        if not tight or tight[3].startswith(_REFERENCE_FOLLOWERS):
            return None
        # 第十条为了…: a missing space is tolerated only where the next article is due.
        try:
            key = (chinese_to_int(tight[1]), chinese_to_int(tight[2]) if tight[2] else 0)
        except ValueError:
            return None
        last = self.articles[-1].sort_key if self.articles else (0, 0)
        if key not in ((last[0] + 1, 0), (last[0], last[1] + 1)):
            return None
        self.warnings.append(
            _("%(article)s：条号后缺少空格，已按新条文处理") % {"article": article_display(*key)}
        )
        return tight

    def _division(self, line_no: int, match):
        kind, title = match[2], normalise_title(match[3])
        try:
            number = chinese_to_int(match[1])
        except ValueError:
            return self.problem(line_no, _("无法识别的编号：%(text)s") % {"text": match[0]})
        if kind == "章":
            self.chapters.append(ParsedChapter(number, title, line_no))
        elif kind == "节":
            if not self.chapters:
                label = f"第{match[1]}节"
                return self.problem(line_no, _("%(label)s不在任何章内") % {"label": label})
            self.chapters[-1].sections.append(ParsedSection(number, title, line_no))
        else:
            self.problem(line_no, _("不支持“编”一级的结构：%(text)s") % {"text": match[0]})

    def _article(self, line_no: int, match):
        try:
            number = chinese_to_int(match[1])
            sub_number = chinese_to_int(match[2]) if match[2] else 0
        except ValueError:
            return self.problem(line_no, _("无法识别的条文编号：%(text)s") % {"text": match[0]})
        article = ParsedArticle(number, sub_number, line_no)
        if first := (match[3] or "").strip():
            article.paragraphs.append({"text": first, "items": []})
        self.articles.append(article)
        if not self.chapters:
            self.loose.append(article)
            return
        chapter = self.chapters[-1]
        article.chapter_number = chapter.number
        chapter.articles.append(article)
        if chapter.sections:
            article.section_number = chapter.sections[-1].number
            chapter.sections[-1].articles.append(article)

    def _attach_loose_articles(self):
        if not self.loose or not self.chapters:
            return
        first = self.chapters[0]
        if first.number == 2:
            # SOURCES.md: copyright-law.md lacks `## 第一章 总则`; what precedes 第二章 is 总则.
            implied = ParsedChapter(1, "总则", self.loose[0].line, implied=True)
            implied.articles = list(self.loose)
            for article in self.loose:
                article.chapter_number = 1
            self.chapters.insert(0, implied)
            self.warnings.append(_("第一章标题缺失，已按“第一章 总则”处理"))
        else:
            for article in self.loose:
                self.problems.append(
                    _("%(article)s：出现在%(chapter)s之前，不属于任何章")
                    % {"article": article.display, "chapter": f"第{int_to_chinese(first.number)}章"}
                )


def parse_regulation(text: str, *, source_name: str = "") -> ParsedRegulation:
    """Parse and validate one regulation text; raise RegulationParseError listing all problems."""
    return _Parser(text, source_name).parse()
