"""Article-by-article difference between two revisions of a regulation — pure, no ORM.

Kinds: unchanged, changed (same number, new wording), added, removed, renumbered (the article
moved to another number). A renumbered article whose wording also changed keeps the kind
`renumbered` and has `text_changed=True`: callers that only care "does a citation by number
still hold" treat every renumbered article alike, and the readable diff shows the wording.
"""

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

UNCHANGED, CHANGED, ADDED, REMOVED, RENUMBERED = (
    "unchanged",
    "changed",
    "added",
    "removed",
    "renumbered",
)
KINDS = (UNCHANGED, CHANGED, ADDED, REMOVED, RENUMBERED)

# A moved-and-edited article must share most of its wording to count as the same article.
MATCH_THRESHOLD = 0.6
# Between the same matched neighbours, less likeness suffices (a heavily edited article that
# stayed in place), and less still at an unchanged number.
NEARBY_THRESHOLD = 0.4
SAME_NUMBER_THRESHOLD = 0.3


class ArticleLike(Protocol):
    number: int
    sub_number: int

    @property
    def key(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass
class Change:
    kind: str
    old: ArticleLike | None
    new: ArticleLike | None
    similarity: float
    text_changed: bool = False


_BRACKETS = str.maketrans({"<": "〈", ">": "〉", "“": '"', "”": '"', "‘": "'", "’": "'"})
_SPACES = re.compile(r"[^\S\n]+")


def normalise(text: str) -> str:
    """Compare wording, not typography: NFKC folds （）/() and full-width digits and spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return "\n".join(_SPACES.sub("", line) for line in text.split("\n") if line.strip())


def _grams(text: str) -> Counter:
    text = text.replace("\n", "")
    return Counter(text[i : i + 2] for i in range(max(len(text) - 1, 1)))


def similarity(a: str, b: str) -> float:
    """Dice coefficient over character bigrams: robust to moved clauses, cheap for 100×100."""
    return _dice(_grams(a), _grams(b))


def _dice(grams_a: Counter, grams_b: Counter) -> float:
    total = grams_a.total() + grams_b.total()
    return 2 * (grams_a & grams_b).total() / total if total else 1.0


def _order(article: ArticleLike) -> tuple[int, int]:
    return (article.number, article.sub_number)


def _between_anchors(pairs: dict[int, int], i: int, j: int) -> bool:
    """Would matching old i to new j keep the order of the articles matched so far?"""
    before = [new for old, new in pairs.items() if old < i]
    after = [new for old, new in pairs.items() if old > i]
    return max(before, default=-1) < j < min(after, default=1 << 30)


def diff_articles(old: Sequence[ArticleLike], new: Sequence[ArticleLike]) -> list[Change]:
    """Match every old article to at most one new one; unmatched ones are removed/added."""
    old_texts = [normalise(a.text) for a in old]
    new_texts = [normalise(a.text) for a in new]
    old_grams, new_grams = [_grams(t) for t in old_texts], [_grams(t) for t in new_texts]
    new_by_key = {_order(a): j for j, a in enumerate(new)}
    pairs: dict[int, int] = {}
    changes: dict[int, Change] = {}

    def match(i, j, kind, score):
        pairs[i] = j
        text_changed = old_texts[i] != new_texts[j]
        changes[i] = Change(kind, old[i], new[j], round(score, 4), text_changed)

    # 1. Same number, same wording.
    for i, article in enumerate(old):
        j = new_by_key.get(_order(article))
        if j is not None and old_texts[i] == new_texts[j]:
            match(i, j, UNCHANGED, 1.0)
    # 2. Same wording at another number: renumbered, preferring the nearest position.
    free_new = {j for j in range(len(new))} - set(pairs.values())
    by_text: dict[str, list[int]] = {}
    for j in sorted(free_new):
        by_text.setdefault(new_texts[j], []).append(j)
    for i in range(len(old)):
        candidates = [j for j in by_text.get(old_texts[i], []) if j in free_new]
        if i not in pairs and candidates:
            j = min(candidates, key=lambda j: abs(j - i))
            free_new.discard(j)
            match(i, j, RENUMBERED, 1.0)
    # 3. Similar wording anywhere: greedy best-first, a same-number pair winning ties.
    scored = []
    for i in range(len(old)):
        for j in free_new if i not in pairs else ():
            score = _dice(old_grams[i], new_grams[j])
            if score >= NEARBY_THRESHOLD:
                same = _order(old[i]) == _order(new[j])
                scored.append((score + (0.05 if same else 0), -abs(i - j), i, j, score))
    scored.sort(reverse=True)
    for rank, _distance, i, j, score in scored:
        if i not in pairs and j in free_new and rank >= MATCH_THRESHOLD:
            free_new.discard(j)
            match(i, j, CHANGED if _order(old[i]) == _order(new[j]) else RENUMBERED, score)
    # 4. Weaker likeness is accepted only where the article sits between the same neighbours.
    for _rank, _distance, i, j, score in scored:
        if i in pairs or j not in free_new or not _between_anchors(pairs, i, j):
            continue
        same = _order(old[i]) == _order(new[j])
        if score >= (SAME_NUMBER_THRESHOLD if same else NEARBY_THRESHOLD):
            free_new.discard(j)
            match(i, j, CHANGED if same else RENUMBERED, score)
    result = []
    for i, article in enumerate(old):
        result.append(changes.get(i) or Change(REMOVED, article, None, 0.0, True))
    result.extend(Change(ADDED, None, new[j], 0.0, True) for j in sorted(free_new))
    result.sort(key=lambda c: (_order(c.new) if c.new else _order(c.old), c.new is None))
    return result


def summarise(changes: Sequence[Change]) -> dict[str, int]:
    counts = Counter(change.kind for change in changes)
    return {kind: counts.get(kind, 0) for kind in KINDS}


_TOKEN = re.compile(r"[A-Za-z0-9.%]+|\s+|.", re.DOTALL)


def paragraph_diff(old_text: str, new_text: str) -> list[tuple[str, str]]:
    """Inline diff as ("equal" | "delete" | "insert", text) segments.

    Tokens are single CJK characters and whole Latin words or numbers, so 20万元 → 25万元
    reads as one replaced number. Short equal islands between edits are folded into the edits,
    which keeps a rewritten sentence readable instead of confetti. As in diff_articles, (）
    versus () is not a change: equal stretches are shown in the new text's typography.
    """
    old_tokens, new_tokens = _TOKEN.findall(old_text), _TOKEN.findall(new_text)
    matcher = difflib.SequenceMatcher(
        None, _token_keys(old_tokens), _token_keys(new_tokens), autojunk=False
    )
    segments: list[list] = []
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        old_part, new_part = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        inner = 0 < index < len(opcodes) - 1
        if tag == "equal" and inner and len(old_part) <= 2:
            tag = "replace"
        if tag == "equal":
            segments.append(["equal", new_part])
            continue
        if old_part:
            segments.append(["delete", old_part])
        if new_part:
            segments.append(["insert", new_part])
    return _merge(segments)


def _token_keys(tokens: list[str]) -> list[str]:
    return [unicodedata.normalize("NFKC", token).translate(_BRACKETS) for token in tokens]


def _merge(segments: list[list]) -> list[tuple[str, str]]:
    """Join neighbouring segments of the same kind; deletions come before insertions."""
    merged: list[list] = []
    for op, text in segments:
        if op == "equal" or not merged or merged[-1][0] == "equal":
            if merged and merged[-1][0] == op:
                merged[-1][1] += text
            else:
                merged.append([op, text])
            continue
        # Inside a run of edits: collect into one delete and one insert.
        run_start = len(merged)
        while run_start > 0 and merged[run_start - 1][0] != "equal":
            run_start -= 1
        run = {"delete": "", "insert": ""}
        for previous_op, previous_text in merged[run_start:]:
            run[previous_op] += previous_text
        run[op] += text
        del merged[run_start:]
        merged.extend([kind, run[kind]] for kind in ("delete", "insert") if run[kind])
    return [(op, text) for op, text in merged if text]
