"""Draft questions proposed from real article texts (quizzes.services.drafting)."""

from functools import lru_cache

import pytest

from courses.services.regulation_parser import parse_regulation
from quizzes.services.drafting import FILL_BLANK, propose_questions
from quizzes.services.keys import LETTERS, count_blanks, parse_blanks, parse_key
from quizzes.services.keys import content_problems as problems_of
from tests.courses.conftest import regulation_text

CORE = (
    "administrative-penalty-law.md",
    "copyright-law.md",
    "cultural-relics-protection-law.md",
    "publication-administration-regulations.md",
    "printing-industry-regulations.md",
    "internet-access-service-premises-regulations.md",
    "radio-television-regulations.md",
)
INTERNET = "internet-access-service-premises-regulations.md"
PENALTY = "administrative-penalty-law.md"


@lru_cache
def parsed(name: str):
    return parse_regulation(regulation_text(name), source_name=name)


def article(name: str, number: int):
    return next(a for a in parsed(name).articles if a.number == number and not a.sub_number)


def propose(name: str, number: int) -> tuple[list[dict], str]:
    found = article(name, number)
    proposals = propose_questions(
        regulation_title=parsed(name).title,
        article_display=found.display,
        text=found.text,
        paragraphs=found.paragraphs,
    )
    return proposals, found.text


def of_kind(proposals, kind):
    return [p for p in proposals if p["kind"] == kind]


def first_accepted(question) -> str:
    return parse_blanks(question["answer"])[0][0]


def key_text(question) -> str:
    return question["options"][LETTERS.index(question["answer"])]


def changed_value(question) -> str:
    """The wrong value a 错 statement uses, as its explanation names it."""
    return question["explanation"].split("而非题述的“")[1].split("”")[0]


SYNTHETIC = (
    "违反本规定，擅自从事营业性演出经营活动的，由县级以上人民政府文化和旅游主管部门"
    "责令停止违法行为，处五千元以上三万元以下的罚款。"
)


def synthetic_proposals():
    return propose_questions(
        regulation_title="营业性演出管理办法（示例）",
        article_display="第十条",
        text=SYNTHETIC,
        paragraphs=[{"text": SYNTHETIC, "items": []}],
    )


def test_fine_range_becomes_fill_choice_and_true_false():
    proposals = synthetic_proposals()
    fine_fill = next(p for p in of_kind(proposals, "fill") if "罚款" in p["tags"])
    assert first_accepted(fine_fill) == "五千元以上三万元以下"
    assert "5000元以上3万元以下" in parse_blanks(fine_fill["answer"])[0]
    assert fine_fill["stem"].endswith(f"处{FILL_BLANK}的罚款。")
    assert fine_fill["explanation"].startswith(
        "依据《营业性演出管理办法（示例）》第十条：“违反本规定"
    )

    choice = next(p for p in of_kind(proposals, "single") if "罚款" in p["tags"])
    assert key_text(choice) == "五千元以上三万元以下"
    assert len(choice["options"]) == 4 and len(set(choice["options"])) == 4
    wrong = [o for o in choice["options"] if o != "五千元以上三万元以下"]
    assert all("以上" in o and o.endswith("以下") and o not in SYNTHETIC for o in wrong)

    statements = [p for p in of_kind(proposals, "truefalse") if "罚款" in p["tags"]]
    true = next(p for p in statements if p["answer"] == "对")
    false = next(p for p in statements if p["answer"] == "错")
    assert "处五千元以上三万元以下的罚款" in true["stem"]
    changed = changed_value(false)
    assert changed in false["stem"] and changed not in SYNTHETIC
    assert false["stem"].replace(changed, "五千元以上三万元以下") == true["stem"]


def test_authority_choice_offers_other_authorities_at_the_same_level():
    proposals = synthetic_proposals()
    choice = next(p for p in of_kind(proposals, "single") if "执法主体" in p["tags"])
    assert key_text(choice) == "县级以上人民政府文化和旅游主管部门"
    wrong = [o for o in choice["options"] if o != key_text(choice)]
    assert len(wrong) == 3
    assert all(o.startswith("县级以上人民政府") and "文化" not in o for o in wrong)
    fill = next(p for p in of_kind(proposals, "fill") if "执法主体" in p["tags"])
    assert "县级以上人民政府文化行政部门" in parse_blanks(fill["answer"])[0]


def test_internet_cafe_article_30_multiples_amounts_and_authorities():
    proposals, text = propose(INTERNET, 30)
    fills = of_kind(proposals, "fill")
    assert [first_accepted(q) for q in fills] == [
        "2倍以上5倍以下",
        "1万元以上2万元以下",
        "公安机关",
        "文化行政部门",
        "公安机关",
    ]
    assert fills[0]["stem"].endswith(f"违法经营额1万元以上的，并处违法经营额{FILL_BLANK}的罚款。")
    assert "二倍以上五倍以下" in parse_blanks(fills[0]["answer"])[0]
    assert fills[0]["difficulty"] == 3
    # The long opening clause is kept (it says what the violation is), the rest elided.
    assert "……违法经营额不足1万元的，并处______的罚款。" in fills[1]["stem"]
    choices = of_kind(proposals, "single")
    assert key_text(choices[0]) == "2倍以上5倍以下"
    for question in of_kind(proposals, "truefalse"):
        if question["answer"] == "错":
            assert changed_value(question) not in text


def test_internet_cafe_article_31_names_an_example_of_the_listed_acts():
    proposals, _text = propose(INTERNET, 31)
    fill = of_kind(proposals, "fill")[0]
    assert fill["answer"] == "15000元以下|一万五千元以下"
    assert fill["stem"] == (
        "根据《互联网上网服务营业场所管理条例》第三十一条，互联网上网服务营业场所经营单位"
        "违反本条例的规定，有“经营非网络游戏”等行为的，由文化行政部门给予警告，"
        f"可以并处{FILL_BLANK}的罚款。"
    )
    assert "（二）接纳未成年人进入营业场所的；" in fill["explanation"]


def test_time_limits_in_the_penalty_law():
    proposals, text = propose(PENALTY, 36)
    assert [q["answer"] for q in of_kind(proposals, "fill")] == ["二年|2年|两年", "五年|5年"]
    choice = of_kind(proposals, "single")[0]
    assert key_text(choice) == "二年"
    assert all(o.endswith("年") and (o == "二年" or o not in text) for o in choice["options"])
    assert choice["difficulty"] == 2 and choice["points"] == "1.0"


def test_blank_is_not_proposed_when_the_stem_gives_the_answer_away():
    proposals, _text = propose(PENALTY, 71)  # 二日内 three times
    fills = of_kind(proposals, "fill")
    assert len(fills) == 1 and fills[0]["stem"].endswith(
        f"自收缴罚款之日起{FILL_BLANK}内，交至行政机关。"
    )
    assert all(key_text(q) not in q["stem"] for q in of_kind(proposals, "single"))


def test_items_percentages_and_authorities_as_subjects():
    item, _ = propose(PENALTY, 68)
    assert "执法人员可以当场收缴罚款：依法给予______罚款的。" in of_kind(item, "fill")[0]["stem"]
    percent, _ = propose(PENALTY, 72)
    assert of_kind(percent, "fill")[0]["answer"] == "百分之三|3%"
    subject, _ = propose("publication-administration-regulations.md", 6)
    assert first_accepted(of_kind(subject, "fill")[0]) == "国务院出版行政主管部门"
    assert key_text(of_kind(subject, "single")[0]) == "国务院出版行政主管部门"


def test_rules_without_numbers_become_true_false_on_the_modal_verb():
    proposals, _text = propose(INTERNET, 21)
    assert {p["kind"] for p in proposals} == {"truefalse"}
    stems = {p["stem"]: p["answer"] for p in proposals}
    prefix = "根据《互联网上网服务营业场所管理条例》第二十一条，互联网上网服务营业场所经营单位"
    assert stems[prefix + "不得接纳未成年人进入营业场所。"] == "对"
    assert stems[prefix + "可以接纳未成年人进入营业场所。"] == "错"


def test_nothing_to_ask_and_dates_are_not_time_limits():
    assert propose(PENALTY, 1)[0] == []
    assert propose(PENALTY, 86)[0] == []  # 本法自2021年7月15日起施行。


def test_proposals_are_deterministic():
    assert propose(INTERNET, 30) == propose(INTERNET, 30)
    assert synthetic_proposals() == synthetic_proposals()


@pytest.mark.parametrize("name", CORE)
def test_every_proposal_is_well_formed(name):
    total = 0
    for found in parsed(name).articles:
        proposals = propose_questions(
            regulation_title=parsed(name).title,
            article_display=found.display,
            text=found.text,
            paragraphs=found.paragraphs,
        )
        total += len(proposals)
        for question in proposals:
            assert not problems_of(
                kind=question["kind"],
                stem=question["stem"],
                options=question["options"],
                answer=question["answer"],
                points=question["points"],
            ), question
            assert set(question) >= {"kind", "stem", "options", "answer", "explanation"}
            short = parsed(name).title.removeprefix("中华人民共和国")
            assert question["explanation"].startswith(f"依据《{short}》{found.display}：“")
            assert question["difficulty"] in (1, 2, 3)
            if question["kind"] == "fill":
                assert count_blanks(question["stem"]) == 1
            if question["kind"] == "single":
                parse_key("single", question["answer"], len(question["options"]))
                assert len(question["options"]) >= 3
            if question["answer"] == "错" and "法律规范" not in question["tags"]:
                assert changed_value(question) not in found.text
    assert total > 40
