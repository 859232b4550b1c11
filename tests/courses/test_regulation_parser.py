import datetime
import re

import pytest

from courses.services.regulation_parser import (
    RegulationParseError,
    article_display,
    chinese_to_int,
    int_to_chinese,
    normalise_title,
    parse_regulation,
)
from lianbing.errors import DomainError
from tests.courses.conftest import regulation_text

# From SOURCES.md. revision_date is the newest date in the 题注, as the importer defines it; where
# SOURCES.md says the 题注 is cut short, the text's real revision is noted beside it.
TEXTS = [
    ("administrative-penalty-law.md", "中华人民共和国行政处罚法", "2021-01-22", 8, 4, 86),
    ("copyright-law.md", "中华人民共和国著作权法", "2020-11-11", 6, 8, 67),
    ("cultural-relics-protection-law.md", "中华人民共和国文物保护法", "2024-11-08", 8, 0, 101),
    ("publication-administration-regulations.md", "出版管理条例", "2024-12-06", 9, 0, 73),
    ("printing-industry-regulations.md", "印刷业管理条例", "2024-12-06", 7, 0, 49),
    (
        "internet-access-service-premises-regulations.md",
        "互联网上网服务营业场所管理条例",
        "2024-12-06",
        5,
        0,
        38,
    ),
    ("radio-television-regulations.md", "广播电视管理条例", "2024-12-06", 6, 0, 55),
    ("performance-regulations.md", "营业性演出管理条例", "2016-02-06", 6, 0, 57),  # 2020-11-29
    ("entertainment-venues-regulations.md", "娱乐场所管理条例", "2016-02-06", 6, 0, 58),  # 2020
    ("audio-video-products-regulations.md", "音像制品管理条例", "2024-12-06", 7, 0, 50),
    (
        "copyright-law-implementing-regulations.md",
        "中华人民共和国著作权法实施条例",
        "2011-01-08",  # 2013-01-30 line missing
        0,
        0,
        38,
    ),
    (
        "computer-software-protection-regulations.md",
        "计算机软件保护条例",
        "2011-01-08",  # 2013-01-30 line missing
        5,
        0,
        33,
    ),
    (
        "cultural-relics-protection-law-implementing-regulations.md",
        "中华人民共和国文物保护法实施条例",
        "2017-03-01",
        8,
        0,
        64,
    ),
    (
        "previous/cultural-relics-protection-law.2017-11-04.md",
        "中华人民共和国文物保护法",
        "2017-11-04",
        8,
        0,
        80,
    ),
    (
        "previous/publication-administration-regulations.2020-11-29.md",
        "出版管理条例",
        "2016-02-06",
        9,
        0,
        73,
    ),
    (
        "previous/printing-industry-regulations.2020-11-29.md",
        "印刷业管理条例",
        "2017-03-01",
        7,
        0,
        49,
    ),
    (
        "previous/internet-access-service-premises-regulations.2022-03-29.md",
        "互联网上网服务营业场所管理条例",
        "2022-03-29",
        5,
        0,
        38,
    ),
    (
        "previous/radio-television-regulations.2020-11-29.md",
        "广播电视管理条例",
        "2017-03-01",
        6,
        0,
        55,
    ),
    (
        "previous/audio-video-products-regulations.2020-11-29.md",
        "音像制品管理条例",
        "2016-02-06",
        7,
        0,
        50,
    ),
]


@pytest.mark.parametrize(("name", "title", "date", "chapters", "sections", "articles"), TEXTS)
def test_every_shared_text_parses_with_the_documented_counts(
    name, title, date, chapters, sections, articles
):
    parsed = parse_regulation(regulation_text(name), source_name=name)

    assert parsed.title == title
    assert parsed.revision_date == datetime.date.fromisoformat(date)
    assert parsed.counts() == {"chapters": chapters, "sections": sections, "articles": articles}
    numbers = [a.number for a in parsed.articles]
    assert numbers == list(range(1, articles + 1))
    assert all(a.text.strip() for a in parsed.articles)
    # The last article is the commencement clause.
    assert "施行" in parsed.articles[-1].text


def test_all_shared_texts_are_in_the_table():
    from tests.courses.conftest import REGULATIONS_DIR

    on_disk = {
        str(p.relative_to(REGULATIONS_DIR))
        for p in REGULATIONS_DIR.rglob("*.md")
        if p.name != "SOURCES.md"
    }
    assert on_disk == {row[0] for row in TEXTS}


def test_copyright_law_articles_before_the_first_heading_form_chapter_one():
    parsed = parse_regulation(regulation_text("copyright-law.md"))

    first = parsed.chapters[0]
    assert (first.number, first.title, first.implied) == (1, "总则", True)
    assert [a.number for a in first.articles] == list(range(1, 9))
    assert parsed.articles[8].chapter_number == 2
    assert [len(c.sections) for c in parsed.chapters] == [0, 4, 0, 4, 0, 0]
    assert "表演" in [s.title for s in parsed.chapters[3].sections]  # `### 第二节 表 演`
    assert parsed.warnings


def test_text_without_chapters_keeps_articles_outside_chapters():
    parsed = parse_regulation(regulation_text("copyright-law-implementing-regulations.md"))

    assert parsed.chapters == []
    assert {a.chapter_number for a in parsed.articles} == {None}


def test_sections_and_spaced_titles_are_normalised():
    parsed = parse_regulation(regulation_text("administrative-penalty-law.md"))
    chapter_five = parsed.chapters[4]
    assert [s.number for s in chapter_five.sections] == [1, 2, 3, 4]
    article = next(a for a in parsed.articles if a.section_number == 2)
    assert article.chapter_number == 5

    spaced = parse_regulation(regulation_text("radio-television-regulations.md"))
    assert [c.title for c in spaced.chapters][0] == "总则"
    assert spaced.chapters[-1].title == "附则"
    assert normalise_title("总 则") == normalise_title("总\u3000则") == "总则"


def test_header_comments_and_status():
    parsed = parse_regulation(regulation_text("audio-video-products-regulations.md"))

    assert parsed.status == "有效"
    assert parsed.source_note.startswith("国家法律法规数据库")
    assert parsed.header_lines[0] == "2001年12月25日 中华人民共和国国务院令第341号公布"
    assert len(parsed.header_lines) == 6
    assert not any(line.startswith("<!--") for line in parsed.header_lines)


@pytest.mark.parametrize(
    ("name", "number", "labels"),
    [
        ("computer-software-protection-regulations.md", 3, ["（一）", "（二）"]),  # ASCII (一)
        ("internet-access-service-premises-regulations.md", 14, ["（一）", "（二）", "（三）"]),
    ],
)
def test_items_in_both_parenthesis_styles(name, number, labels):
    parsed = parse_regulation(regulation_text(name))
    article = parsed.articles[number - 1]

    items = article.paragraphs[0]["items"]
    assert [i["label"] for i in items][: len(labels)] == labels
    assert all(i["text"] and not i["text"].startswith(("(", "（")) for i in items)
    assert article.paragraphs[0]["text"]


def test_mid_line_cross_references_do_not_start_articles():
    parsed = parse_regulation(regulation_text("copyright-law-implementing-regulations.md"))

    assert any("著作权法第四十八条" in a.text for a in parsed.articles)
    assert len(parsed.articles) == 38


def test_line_endings_bom_and_spacing_do_not_change_the_content():
    text = regulation_text("performance-regulations.md")
    variant = "\ufeff" + "\r\n".join(line + " \u3000" for line in text.split("\n")) + "\r\n"

    assert parse_regulation(variant).content_hash() == parse_regulation(text).content_hash()


SYNTHETIC = """# 测试条例

2020年1月1日 测试机关令第1号公布
2023年5月6日 第一次修订　自2023年7月1日起施行

<!-- INFO END -->

## 第一章　总 则

第十条 占位。
"""


def synthetic(body: str, header: str | None = None) -> str:
    text = SYNTHETIC.replace("第十条 占位。\n", body)
    return text if header is None else text.replace("2020年1月1日 测试机关令第1号公布\n", header)


def numbered(*displays: str) -> str:
    return "".join(f"{d} {d}的内容。\n\n" for d in displays)


def test_inserted_articles_and_effective_date():
    parsed = parse_regulation(
        synthetic(numbered("第一条", "第二条", "第二条之一", "第二条之二", "第三条"))
    )

    assert [(a.number, a.sub_number) for a in parsed.articles] == [
        (1, 0), (2, 0), (2, 1), (2, 2), (3, 0)
    ]  # fmt: skip
    inserted = parsed.articles[2]
    assert (inserted.display, inserted.key) == ("第二条之一", "2-1")
    assert inserted.text == "第二条之一的内容。"
    assert parsed.revision_date == datetime.date(2023, 5, 6)
    assert parsed.effective_date == datetime.date(2023, 7, 1)
    assert parsed.chapters[0].title == "总则"


def test_article_head_with_items_only_and_full_width_space():
    parsed = parse_regulation(
        synthetic("第一条　下列行为禁止：\n(一)甲；\n（二）乙。\n\n第二条\n（一）丙。\n")
    )

    assert parsed.articles[0].paragraphs == [
        {
            "text": "下列行为禁止：",
            "items": [{"label": "（一）", "text": "甲；"}, {"label": "（二）", "text": "乙。"}],
        }
    ]
    assert parsed.articles[1].text == "（一）丙。"


def test_a_paragraph_starting_with_a_reference_is_not_an_article():
    parsed = parse_regulation(synthetic("第一条 甲。\n\n第一条规定的情形除外。\n\n第二条 乙。\n"))

    assert len(parsed.articles) == 2
    assert parsed.articles[0].text == "甲。\n第一条规定的情形除外。"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("一百", 100),
        ("一百零一", 101), ("一百一十", 110), ("一百一十九", 119), ("二百", 200),
        ("一千零一", 1001), ("一千零一十", 1010), ("两百", 200),
    ],
)  # fmt: skip
def test_chinese_numerals(text, number):
    assert chinese_to_int(text) == number
    if "两" not in text:
        assert int_to_chinese(number) == text


def test_chinese_numerals_round_trip_and_refuse_nonsense():
    assert all(chinese_to_int(int_to_chinese(n)) == n for n in range(1, 1200))
    for bad in ["", "十十", "一二", "百十", "零一", "甲"]:
        with pytest.raises(ValueError):
            chinese_to_int(bad)
    assert article_display(12, 1) == "第十二条之一"


def problems_for(text: str) -> list[str]:
    with pytest.raises(RegulationParseError) as caught:
        parse_regulation(text)
    assert isinstance(caught.value, DomainError)
    assert caught.value.problems
    return caught.value.problems


INTERNET = "internet-access-service-premises-regulations.md"


def relabel(text: str, old: str, new: str) -> str:
    """Change one article's label at the start of its line."""
    changed, count = re.subn(rf"(?m)^{old} ", f"{new} ", text)
    assert count == 1
    return changed


def test_gap_is_refused_naming_the_article():
    text = regulation_text(INTERNET).replace("\n第十二条 ", "\n")

    assert problems_for(text) == ["第十三条：条文编号不连续，前一条为第十一条"]


def test_duplicate_is_refused():
    text = relabel(regulation_text(INTERNET), "第十三条", "第十二条")

    problems = problems_for(text)
    assert any(p.startswith("第十二条 重复") for p in problems)
    assert "第十四条：条文编号不连续，前一条为第十二条" in problems


def test_misplaced_article_is_refused():
    text = regulation_text("administrative-penalty-law.md")
    text = relabel(relabel(text, "第四十九条", "TMP"), "第五十条", "第四十九条")
    text = relabel(text, "TMP", "第五十条")

    assert problems_for(text) == ["第五十条出现在第四十九条之前"]


def test_inserted_article_needs_its_base_article():
    text = relabel(regulation_text(INTERNET), "第十二条", "第十二条之一")

    problems = problems_for(text)
    assert "第十二条之一：缺少第十二条" in problems
    assert synthetic(numbered("第一条", "第一条之二")) and "第一条之二：缺少第一条之一" in (
        problems_for(synthetic(numbered("第一条", "第一条之二")))
    )
    assert problems_for(synthetic(numbered("第一条之一", "第一条", "第二条"))) == [
        "第一条之一出现在第一条之前"
    ]


def test_missing_title_is_refused():
    text = regulation_text(INTERNET).split("\n", 1)[1]

    [problem] = problems_for(text)
    assert "标题" in problem and "第2行" in problem  # line 1 is now blank


def test_missing_info_end_is_refused_naming_the_line():
    text = regulation_text("copyright-law.md").replace("<!-- INFO END -->", "")
    lines = text.split("\n")
    first_article = next(n for n, line in enumerate(lines, 1) if line.startswith("第一条 "))

    [problem] = problems_for(text)
    assert "INFO END" in problem and f"第{first_article}行" in problem


def test_chapter_gap_and_duplicate_are_refused():
    text = regulation_text(INTERNET)
    without_three = re.sub(r"(?m)^## 第三章.*\n", "", text)
    line = without_three.split("\n").index("## 第四章 罚 则") + 1
    assert problems_for(without_three) == [f"第{line}行：第四章：编号不连续，缺少第三章"]

    doubled = re.sub(r"(?m)^## 第三章", "## 第二章", text)
    assert any("第二章 重复" in p for p in problems_for(doubled))


def test_section_numbering_is_checked_within_its_chapter():
    text = regulation_text("administrative-penalty-law.md").replace("### 第二节", "### 第三节", 1)

    assert any("第五章第三节 重复" in p for p in problems_for(text))


def test_empty_article_no_date_and_stray_text_are_refused():
    assert "第二条：条文内容为空" in problems_for(
        synthetic("第一条 甲。\n\n第二条\n\n第三条 丙。\n")
    )
    assert "题注中没有找到修订或公布日期" in problems_for(
        synthetic(numbered("第一条"), header="国务院令公布\n").replace(
            "2023年5月6日 第一次修订　自2023年7月1日起施行", "第一次修订"
        )
    )
    assert any("无法归属" in p for p in problems_for(synthetic("前言。\n\n" + numbered("第一条"))))
    assert any("不在任何章内" in p for p in problems_for(
        SYNTHETIC.replace("## 第一章　总 则", "### 第一节 总则")
    ))  # fmt: skip


def test_every_problem_is_reported_at_once():
    text = relabel(regulation_text(INTERNET), "第五条", "第四条")
    text = text.replace("\n第二十条 ", "\n")

    problems = problems_for(text)
    assert any(p.startswith("第四条 重复") for p in problems)
    assert "第二十一条：条文编号不连续，前一条为第十九条" in problems


def test_empty_text_is_refused():
    assert problems_for("  \n\n") == ["文本为空"]
