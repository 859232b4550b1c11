"""Draft questions proposed from an article's text, for a trainer to review.

Pure functions, no ORM: `propose_questions` reads the article the way an examiner would and
looks for what officers must know by heart — fine ranges ("处一万元以上五万元以下的罚款",
"并处违法经营额五倍以上十倍以下的罚款"), time limits ("十五日内", "二年"), ages, percentages,
the authority that acts ("由县级以上人民政府文物行政部门…") and the duties a rule imposes
(应当, 不得 — turned into 可以 for a false statement). Each finding becomes a fill-in, a
single choice whose wrong options are neighbouring values (or other authorities), and
true/false statements: the article as it reads (对) and with one thing changed (错).
Wrong values are never ones the article itself states, so a statement marked 错 cannot be
right under another clause of the same article.

Output is deterministic (seeded by the article text), so a preview and the save that
follows it agree on which proposal is which, and tests can assert concrete questions.
Proposals are question dicts in the shape of `quizzes.services.payload` and all pass
`keys.content_problems`; they are drafts: nothing here publishes anything.
"""

import hashlib
import random
import re
from dataclasses import dataclass

from quizzes.models.bank import Kind
from quizzes.services.drafting_values import Value, find_values
from quizzes.services.keys import LETTERS, content_problems

FILL_BLANK = "______"
CHOICE_BLANK = "（　）"
# Longer statements are shortened to the clause that sets the condition and the one asked.
MAX_STATEMENT = 160
MAX_PROPOSALS = 16
MAX_EXAMPLE = 36
MAX_QUOTE = 320
DRAFT_TAG = "条文生成"

# Names of the same authority; wrong options come from other groups. Order within a group
# is the preferred wording when an authority of that group is offered as a wrong option.
AUTHORITY_GROUPS = (
    ("文化和旅游主管部门", "文化行政部门", "文化主管部门"),
    ("公安机关", "公安部门"),
    ("出版行政主管部门", "出版行政部门", "新闻出版主管部门", "新闻出版行政部门", "出版主管部门"),
    ("广播电视行政部门", "广播电视主管部门"),
    ("文物行政部门", "文物主管部门"),
    ("著作权主管部门", "主管著作权的部门", "著作权行政管理部门"),
    ("市场监督管理部门", "工商行政管理部门"),
)
_AUTHORITY_BY_AGENT = re.compile(r"由(?P<name>[^，；。：、由]{2,28}?(?:部门|机关))(?![、和])")
_AUTHORITY_AS_SUBJECT = re.compile(
    r"(?:^|[，；。])(?P<name>(?:国务院|县级以上(?:地方)?(?:各级)?人民政府|"
    r"省、自治区、直辖市人民政府)[^，；。、]{1,16}?(?:部门|机关))负责"
)
# Duties flipped into permissions. Not 可以 → 应当: 可以 is as often an adjective
# ("可以单独使用的作品") as a permission, and the flip would be nonsense, not a rule.
_MODALS = {"不得": "可以", "应当": "可以"}
_MODAL = re.compile(r"(?<![不即使])(不得|应当)(?!不|知道)")  # not 应当知道 (should have known)
# Catch-all items ("法律、行政法规规定的其他情形") make poor examples of a list.
_CATCH_ALL = re.compile(r"其他|以外")
_LIST_INTRO = re.compile(r"下列(?P<what>[^，；。：]{0,8}?)(?:之一)?(?=的|，|：|$)")


@dataclass(frozen=True)
class Finding:
    """Something to ask about: `text` at [start, end) of `sentence`, and wrong versions."""

    kind: str  # "value", "authority" or "modal"
    tag: str
    text: str
    start: int
    end: int
    sentence: "Sentence"
    wrong: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()
    difficulty: int = 2


@dataclass(frozen=True)
class Sentence:
    text: str
    prefix: str  # the paragraph introducing an item ("…有下列情形之一…："), else ""
    quote: str  # what the explanation quotes
    example: str  # an item of the paragraph's list, to make "下列行为" concrete


def short_title(title: str) -> str:
    return title.removeprefix("中华人民共和国")


def propose_questions(
    *, regulation_title: str, article_display: str, text: str, paragraphs: list
) -> list[dict]:
    """Draft questions for one article, best first; [] when it states nothing checkable."""
    paragraphs = paragraphs or [{"text": line, "items": []} for line in text.splitlines()]
    rng = random.Random(int(hashlib.sha256(text.encode()).hexdigest()[:16], 16))
    source = f"《{short_title(regulation_title)}》{article_display}"
    findings = [f for s in _sentences(paragraphs) for f in _findings(s, text)]
    proposals, seen, stated = [], set(), set()
    for finding in sorted(findings, key=lambda f: ("value", "authority", "modal").index(f.kind)):
        for proposal in _questions(finding, source, rng, stated):
            if proposal["stem"] in seen or content_problems(
                kind=proposal["kind"],
                stem=proposal["stem"],
                options=proposal["options"],
                answer=proposal["answer"],
                points=proposal["points"],
            ):
                continue
            seen.add(proposal["stem"])
            proposals.append(proposal)
    return proposals[:MAX_PROPOSALS]


# --- Reading the article --------------------------------------------------------------------


def _sentences(paragraphs: list) -> list[Sentence]:
    sentences = []
    for paragraph in paragraphs:
        body = (paragraph.get("text") or "").strip()
        items = paragraph.get("items") or []
        example = _example(items)
        listed = "".join(f"{item['label']}{item['text'].strip()}" for item in items)
        if items and len(body) + len(listed) > MAX_QUOTE:
            listed = f"{items[0]['label']}{items[0]['text'].strip()}……"
        for part in re.split(r"(?<=。)", body):
            part = part.strip().rstrip("。")
            if part:
                sentences.append(Sentence(part, "", body + listed, example))
        for item in items:
            item_text = item["text"].strip().rstrip("；;。")
            if item_text:
                quote = f"{body}{item['label']}{item['text'].strip()}"
                sentences.append(Sentence(item_text, body, quote, ""))
    return sentences


def _example(items: list) -> str:
    texts = [item["text"].strip().rstrip("；;。").removesuffix("的") for item in items]
    texts = [t for t in texts if t]
    if not texts:
        return ""
    shortest = min([t for t in texts if not _CATCH_ALL.search(t)] or texts, key=len)
    return shortest if len(shortest) <= MAX_EXAMPLE else shortest[: MAX_EXAMPLE - 2] + "……"


def _findings(sentence: Sentence, article: str) -> list[Finding]:
    findings = []
    for value in find_values(sentence.text):
        findings.append(_value_finding(value, sentence, article))
    for pattern in (_AUTHORITY_BY_AGENT, _AUTHORITY_AS_SUBJECT):
        for match in pattern.finditer(sentence.text):
            finding = _authority_finding(match, sentence, article)
            if finding and all(f.start != finding.start for f in findings):
                findings.append(finding)
    match = re.search(r"(不得)", sentence.text) or _MODAL.search(sentence.text)
    if sentence.prefix and _CATCH_ALL.search(sentence.text):
        match = None  # "（十七）应当由著作权人享有的其他权利" states nothing on its own
    # "应当具备下列条件：" is only complete with its list; it is no statement on its own.
    if not findings and match and "下列" not in sentence.text[match.start() :]:
        findings.append(
            Finding(
                "modal",
                "法律规范",
                match[1],
                *match.span(1),
                sentence,
                wrong=(_MODALS[match[1]],),
                difficulty=1,
            )
        )
    return findings


def _value_finding(value: Value, sentence: Sentence, article: str) -> Finding:
    hard = value.kind == "times" or (value.kind == "money" and value.lo is not None)
    return Finding(
        "value",
        value.tag,
        value.text,
        value.start,
        value.end,
        sentence,
        wrong=tuple(value.neighbours(article)),
        accepted=tuple(value.accepted()),
        difficulty=3 if hard else 2,
    )


def _authority_finding(match, sentence: Sentence, article: str) -> Finding | None:
    name = match["name"]
    if "或者" in name or "有关" in name or name.startswith("原"):
        return None
    for group in AUTHORITY_GROUPS:
        form = next((form for form in group if name.endswith(form)), None)
        if form is not None:
            break
    else:
        return None
    prefix = name[: -len(form)]
    wrong = []
    for other in AUTHORITY_GROUPS:
        if other is group or any(candidate in article for candidate in other):
            continue
        if prefix and other[0] == "著作权主管部门":
            continue  # 县级人民政府著作权主管部门 is not an authority anyone would guess
        same_suffix = [c for c in other if c[-4:] == form[-4:]]
        choice = (same_suffix or list(other))[0]
        if prefix and choice == "公安机关":
            choice = "公安部门"  # 国务院公安部门, not 国务院公安机关
        wrong.append(prefix + choice)
    return Finding(
        "authority",
        "执法主体",
        name,
        *match.span("name"),
        sentence,
        wrong=tuple(wrong),
        accepted=tuple(prefix + f for f in group if name == prefix + f)
        + tuple(prefix + f for f in group if name != prefix + f),
    )


def _statement(finding: Finding) -> tuple[str, str]:
    """The text around the finding, as (before, after), shortened to what the question needs."""
    text = finding.sentence.text
    bounds, start = [], 0
    for part in text.split("；"):
        bounds.append((start, start + len(part)))
        start += len(part) + 1
    index = next(i for i, (s, e) in enumerate(bounds) if s <= finding.start <= e)
    chosen = list(range(index + 1))
    if bounds[index][1] - bounds[0][0] > MAX_STATEMENT and index > 0:
        agents = [i for i in range(1, index) if "由" in text[bounds[i][0] : bounds[i][1]]]
        chosen = [0, *agents[:1], index]
    before = ""
    for position, i in enumerate(chosen[:-1]):
        before += text[bounds[i][0] : bounds[i][1]]
        before += "；" if chosen[position + 1] == i + 1 else "……"
    clause_start, clause_end = bounds[index]
    before += text[clause_start : finding.start]
    after = text[finding.end : clause_end]
    prefix = finding.sentence.prefix
    if prefix:
        before = prefix.rstrip("：:") + "：" + before
    elif finding.sentence.example:
        before = _LIST_INTRO.sub(lambda m: f"“{finding.sentence.example}”等{m['what']}", before)
    return before, after.rstrip("，：:；")


# --- Writing the questions ------------------------------------------------------------------


def _questions(finding: Finding, source: str, rng: random.Random, stated: set) -> list[dict]:
    """The questions one finding yields; `stated` keeps one 对 statement per sentence."""
    before, after = _statement(finding)
    opens_list = (
        finding.sentence.text.endswith("：") and "；" not in finding.sentence.text[finding.end :]
    )
    if not finding.sentence.prefix and (
        "下列" in before + after or (opens_list and "”等" not in before)
    ):
        return []  # "有下列情形之一的…：", "依照以下程序：" without the list state nothing
    basis = f"依据{source}：“{finding.sentence.quote}”"
    lead = f"根据{source}，"
    questions = []
    # A blank whose answer the stem gives away elsewhere ("二日内…二日内") asks nothing.
    shown = any(form in before + after for form in (finding.text, *finding.accepted))
    if finding.kind != "modal" and not shown:
        questions.append(
            _question(
                Kind.FILL,
                f"{lead}{before}{FILL_BLANK}{after}。",
                finding,
                answer="|".join(finding.accepted or (finding.text,)),
                explanation=f"{basis}故应填“{finding.text}”。",
                points="2.0",
            )
        )
        choice = _choice(finding, rng)
        if choice is not None:
            options, answer = choice
            questions.append(
                _question(
                    Kind.SINGLE,
                    f"{lead}{before}{CHOICE_BLANK}{after}。",
                    finding,
                    options=options,
                    answer=answer,
                    explanation=f"{basis}正确答案为“{finding.text}”。",
                )
            )
    if finding.sentence not in stated:
        stated.add(finding.sentence)
        questions.append(
            _question(
                Kind.TRUE_FALSE,
                f"{lead}{before}{finding.text}{after}。",
                finding,
                answer="对",
                explanation=f"{basis}题述与条文一致，故正确。",
                difficulty=1,
            )
        )
    # Changing one of several equal values ("第五十年" beside "五十年") contradicts itself.
    if finding.wrong and not shown:
        wrong = rng.choice(finding.wrong[:3])
        questions.append(
            _question(
                Kind.TRUE_FALSE,
                f"{lead}{before}{wrong}{after}。",
                finding,
                answer="错",
                explanation=(f"{basis}条文规定的是“{finding.text}”，而非题述的“{wrong}”，故错误。"),
                difficulty=max(1, finding.difficulty - 1),
            )
        )
    return questions


def _choice(finding: Finding, rng: random.Random) -> tuple[list[str], str] | None:
    """Options (the right one among up to three neighbours) and the key; None if too few."""
    candidates = list(finding.wrong[:5])
    if len(candidates) < 2:
        return None
    options = rng.sample(candidates, k=min(3, len(candidates)))
    position = rng.randrange(len(options) + 1)
    options.insert(position, finding.text)
    return options, LETTERS[position]


def _question(
    kind, stem, finding, *, answer, explanation, options=(), points="1.0", difficulty=None
):
    return {
        "kind": str(kind),
        "stem": stem,
        "options": list(options),
        "answer": answer,
        "explanation": explanation,
        "rubric": "",
        "points": points,
        "difficulty": difficulty or finding.difficulty,
        "tags": [DRAFT_TAG, finding.tag],
    }
