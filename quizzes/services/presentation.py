"""What the officer's page may show of a frozen question: never its key before review.

`question_for_page` builds the data templates render from a payload, the item's option
order and the saved response, and copies only the fields an officer may see while
answering; keys, explanations and rubrics are added by `review_for_page` once released.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.services.keys import BLANK_MARK, LETTERS, parse_key

KIND_LABELS = {
    "single": gettext_lazy("单选题"),
    "multiple": gettext_lazy("多选题"),
    "truefalse": gettext_lazy("判断题"),
    "fill": gettext_lazy("填空题"),
    "short": gettext_lazy("简答题"),
    "case": gettext_lazy("案例分析题"),
}


def _choices(payload: dict, order: list, response) -> list[dict]:
    chosen = set(response if isinstance(response, list) else [response])
    return [
        {
            "letter": LETTERS[shown],
            "value": original,
            "text": payload["options"][original],
            "checked": original in chosen,
        }
        for shown, original in enumerate(order)
    ]


def _stem_parts(stem: str) -> list[str]:
    """The stem split at its blanks, so a page can put an input where each blank is."""
    return BLANK_MARK.split(stem)


def question_for_page(payload: dict, order: list, response, *, name: str = "") -> dict:
    """`name` prefixes the input names: "3" for question 3, "3-2" for its second part."""
    kind = payload["kind"]
    view = {
        "kind": kind,
        "kind_label": str(KIND_LABELS.get(kind, kind)),
        "stem": payload["stem"],
        "name": name,
        "response": response,
    }
    if kind in ("single", "multiple"):
        order = order or list(range(len(payload["options"])))
        view["choices"] = _choices(payload, order, response)
    elif kind == "truefalse":
        view["choices"] = [
            {"letter": "", "value": "true", "text": _("对"), "checked": response is True},
            {"letter": "", "value": "false", "text": _("错"), "checked": response is False},
        ]
    elif kind == "fill":
        count = len(parse_key("fill", payload["answer"]))
        given = response if isinstance(response, list) else [""] * count
        view["blanks"] = [{"number": n + 1, "value": given[n]} for n in range(count)]
        view["stem_parts"] = _stem_parts(payload["stem"])
    elif kind == "short":
        view["text"] = response or ""
    elif kind == "case":
        responses = response if isinstance(response, list) else [None] * len(payload["parts"])
        view["parts"] = [
            question_for_page(part, part_order, part_response, name=f"{name}-{number}")
            for number, (part, part_order, part_response) in enumerate(
                zip(
                    payload["parts"],
                    order or [[]] * len(payload["parts"]),
                    responses,
                    strict=False,
                ),
                start=1,
            )
        ]
    view["points"] = payload["points"]
    return view


def key_text(payload: dict, order: list | None = None) -> str:
    """The correct answer as the officer's paper labels it (shuffled letters), for review."""
    kind = payload["kind"]
    if kind in ("single", "multiple"):
        key = parse_key(kind, payload["answer"], len(payload["options"]))
        order = order or list(range(len(payload["options"])))
        shown = sorted(order.index(i) for i in key)
        return "".join(LETTERS[i] for i in shown)
    if kind == "truefalse":
        return _("对") if parse_key(kind, payload["answer"]) else _("错")
    if kind == "fill":
        return "；".join(" / ".join(accepted) for accepted in parse_key(kind, payload["answer"]))
    if kind == "short":
        return payload["answer"]
    return ""


def response_text(payload: dict, order: list | None, response) -> str:
    """The officer's own answer in the paper's labels."""
    if response is None or response == "" or response == []:
        return ""
    kind = payload["kind"]
    if kind in ("single", "multiple"):
        order = order or list(range(len(payload["options"])))
        chosen = response if isinstance(response, list) else [response]
        return "".join(sorted(LETTERS[order.index(i)] for i in chosen if i in order))
    if kind == "truefalse":
        return _("对") if response else _("错")
    if kind == "fill":
        return "；".join(response)
    if kind == "short":
        return response
    return ""


def review_for_page(
    payload: dict, order, response, *, answers: bool, explanations: bool, score=None
) -> dict:
    """An answered question for the result page, with what the review options release."""
    view = question_for_page(payload, order, response)
    view["your_answer"] = response_text(payload, order, response)
    view["score"] = score
    if answers:
        view["key"] = key_text(payload, order)
        if payload["kind"] in ("short", "case"):
            view["rubric"] = payload.get("rubric", "")
    if explanations:
        view["explanation"] = payload.get("explanation", "")
        view["articles"] = [a["label"] for a in payload.get("articles") or ()]
    if payload["kind"] == "case":
        orders = order or [None] * len(payload["parts"])
        responses = response if isinstance(response, list) else [None] * len(payload["parts"])
        view["parts"] = [
            review_for_page(p, o, r, answers=answers, explanations=explanations)
            for p, o, r in zip(payload["parts"], orders, responses, strict=False)
        ]
    return view
