"""Validation of a parsed regulation's numbering — pure; each problem names its article.

The parser builds the structure as the text has it; these checks say what is wrong with it,
all at once, so a trainer fixes a file in one pass.
"""

from bisect import bisect_left

from django.utils.translation import gettext as _

from courses.services.chinese_numerals import article_display, int_to_chinese


def _at(line: int, message: str) -> str:
    return _("第%(line)d行：%(message)s") % {"line": line, "message": message}


def check_divisions(chapters) -> list[str]:
    """Chapters numbered 1…n, sections 1…m within each chapter, none of them empty."""
    problems = []

    def check_sequence(items, label, scope=""):
        previous = 0
        for item in items:
            name = scope + label(item.number)
            if item.number == previous:
                problems.append(_at(item.line, _("%(name)s 重复") % {"name": name}))
            elif item.number < previous:
                before = scope + label(previous)
                message = _("%(name)s出现在%(before)s之后") % {"name": name, "before": before}
                problems.append(_at(item.line, message))
            elif item.number != previous + 1:
                expected = scope + label(previous + 1)
                message = _("%(name)s：编号不连续，缺少%(expected)s") % {
                    "name": name,
                    "expected": expected,
                }
                problems.append(_at(item.line, message))
            previous = max(previous, item.number)
            if not item.articles:
                problems.append(_at(item.line, _("%(name)s没有条文") % {"name": name}))

    def chapter_label(number):
        return f"第{int_to_chinese(number)}章"

    check_sequence(chapters, chapter_label)
    for chapter in chapters:
        scope = chapter_label(chapter.number)
        check_sequence(chapter.sections, lambda n: f"第{int_to_chinese(n)}节", scope)
    return problems


def check_articles(articles) -> list[str]:
    """Empty articles, duplicates, gaps, 之N without its predecessor, and misplaced articles."""
    problems = []
    seen, ordered = {}, []
    for article in articles:
        name = {"article": article.display}
        if not article.text.strip():
            problems.append(_("%(article)s：条文内容为空") % name)
        elif any(not i["text"].strip() for p in article.paragraphs for i in p["items"]):
            problems.append(_("%(article)s：有内容为空的项") % name)
        if article.sort_key in seen:
            lines = {"first": seen[article.sort_key].line, "line": article.line}
            problems.append(
                _("%(article)s 重复（第%(first)d行和第%(line)d行）") % {**name, **lines}
            )
            continue
        seen[article.sort_key] = article
        ordered.append(article)
    for number, sub_number in seen:
        if sub_number and (number, sub_number - 1) not in seen:
            problems.append(
                _("%(article)s：缺少%(base)s")
                % {
                    "article": article_display(number, sub_number),
                    "base": article_display(number, sub_number - 1),
                }
            )
    problems += _gaps(sorted(seen))
    problems += _misplaced([a.sort_key for a in ordered])
    return problems


def _gaps(keys: list[tuple[int, int]]) -> list[str]:
    """One problem per run of missing numbers, naming the article that follows the run."""
    problems = []
    bases = {number for number, sub_number in keys if sub_number == 0}
    missing = {n for n in range(1, max(bases | {0}) + 1) if n not in bases}
    for start in sorted(n for n in missing if n - 1 not in missing):
        end = start
        while end + 1 in missing:
            end += 1
        name = article_display(*next(k for k in keys if k > (end, 0)))
        previous = [k for k in keys if k < (start, 0)]
        if previous:
            problems.append(
                _("%(article)s：条文编号不连续，前一条为%(previous)s")
                % {"article": name, "previous": article_display(*previous[-1])}
            )
        else:
            problems.append(_("%(article)s：条文编号应从第一条开始") % {"article": name})
    return problems


def _misplaced(keys: list[tuple[int, int]]) -> list[str]:
    """Articles outside the longest increasing run are the misplaced ones."""
    tails, tail_index, parent = [], [], [-1] * len(keys)
    for i, key in enumerate(keys):
        slot = bisect_left(tails, key)
        parent[i] = tail_index[slot - 1] if slot else -1
        if slot == len(tails):
            tails.append(key)
            tail_index.append(i)
        else:
            tails[slot], tail_index[slot] = key, i
    in_run, i = set(), (tail_index[-1] if tail_index else -1)
    while i >= 0:
        in_run.add(i)
        i = parent[i]
    problems = []
    for i, key in enumerate(keys):
        if i in in_run:
            continue
        # Name the neighbour it should follow or precede: "第五十条出现在第四十九条之前".
        later = [keys[j] for j in in_run if j > i and keys[j] < key]
        earlier = [keys[j] for j in in_run if j < i and keys[j] > key]
        if later:
            relation, other = _("%(article)s出现在%(other)s之前"), max(later)
        else:
            relation, other = _("%(article)s出现在%(other)s之后"), min(earlier)
        problems.append(
            relation % {"article": article_display(*key), "other": article_display(*other)}
        )
    return problems
