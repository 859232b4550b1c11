from dataclasses import dataclass

from courses.services.regulation_diff import (
    diff_articles,
    normalise,
    paragraph_diff,
    similarity,
    summarise,
)
from courses.services.regulation_parser import parse_regulation
from tests.courses.conftest import regulation_text


@dataclass
class Art:
    number: int
    text: str
    sub_number: int = 0

    @property
    def key(self):
        return f"{self.number}-{self.sub_number}" if self.sub_number else str(self.number)


LONG = {
    1: "为了加强对互联网上网服务营业场所的管理，规范经营者的经营行为，制定本条例。",
    2: "本条例所称互联网上网服务营业场所，是指通过计算机等装置"
    "向公众提供互联网上网服务的网吧、电脑休闲室等营业性场所。",
    3: "互联网上网服务营业场所经营单位应当遵守有关法律、法规的规定，"
    "加强行业自律，自觉接受政府有关部门依法实施的监督管理。",
    4: "县级以上人民政府文化行政部门负责互联网上网服务营业场所经营单位的设立审批，"
    "并负责对依法设立的经营单位经营活动的监督管理。",
}


def kinds(changes):
    return [(c.kind, c.old and c.old.key, c.new and c.new.key, c.text_changed) for c in changes]


def test_parentheses_and_spacing_are_not_changes():
    assert normalise("处(一)项 罚款") == normalise("处（一）项罚款")
    old = [Art(1, "本条例所称(以下简称网吧)。")]
    new = [Art(1, "本条例所称（以下简称网吧）。")]
    assert kinds(diff_articles(old, new)) == [("unchanged", "1", "1", False)]


def test_paragraph_breaks_are_changes():
    assert normalise("甲。乙。") != normalise("甲。\n乙。")


def test_changed_added_removed_and_renumbered():
    old = [Art(1, LONG[1]), Art(2, LONG[2]), Art(3, LONG[3])]
    new = [
        Art(1, LONG[1]),
        Art(2, "新增的条文，与原来各条内容均无关系。"),
        Art(3, LONG[2]),
        Art(4, LONG[3].replace("加强行业自律，", "")),
    ]

    assert kinds(diff_articles(old, new)) == [
        ("unchanged", "1", "1", False),
        ("added", None, "2", True),
        ("renumbered", "2", "3", False),
        ("renumbered", "3", "4", True),
    ]


def test_old_text_reappearing_elsewhere_is_a_renumbering_not_a_change():
    old = [Art(1, LONG[1]), Art(2, LONG[2])]
    new = [Art(1, LONG[1]), Art(2, LONG[2].replace("网吧", "网咖")), Art(3, LONG[2])]

    assert kinds(diff_articles(old, new)) == [
        ("unchanged", "1", "1", False),
        ("added", None, "2", True),
        ("renumbered", "2", "3", False),
    ]


def test_inserted_article_is_added_and_removal_is_reported():
    old = [Art(1, LONG[1]), Art(2, LONG[2]), Art(3, LONG[3]), Art(4, LONG[4])]
    new = [Art(1, LONG[1]), Art(1, LONG[4], sub_number=1), Art(2, LONG[2]), Art(3, LONG[3])]

    changes = diff_articles(old, new)
    assert kinds(changes) == [
        ("unchanged", "1", "1", False),
        ("renumbered", "4", "1-1", False),
        ("unchanged", "2", "2", False),
        ("unchanged", "3", "3", False),
    ]
    assert summarise(diff_articles(old, new[:2]))["removed"] == 2


def test_rewrite_at_the_same_number_is_a_change():
    old = [Art(1, LONG[1]), Art(2, LONG[2])]
    new = [Art(1, LONG[1]), Art(2, LONG[2][:30] + "以及其他向公众提供上网服务的场所。")]

    assert kinds(diff_articles(old, new))[1] == ("changed", "2", "2", True)


def test_similarity():
    assert similarity(LONG[1], LONG[1]) == 1.0
    assert similarity(LONG[1], LONG[4]) < 0.4


def test_paragraph_diff_is_readable():
    segments = paragraph_diff("处20万元以下的罚款（一）", "处25万元以下的罚款(一)，并予公告")

    assert segments == [
        ("equal", "处"),
        ("delete", "20"),
        ("insert", "25"),
        ("equal", "万元以下的罚款(一)"),
        ("insert", "，并予公告"),
    ]
    assert paragraph_diff("相同", "相同") == [("equal", "相同")]
    assert paragraph_diff("", "新增") == [("insert", "新增")]


def test_paragraph_diff_of_a_real_amendment_reassembles_both_texts():
    old = parse_regulation(
        regulation_text("previous/internet-access-service-premises-regulations.2022-03-29.md")
    ).articles[10]
    new = parse_regulation(
        regulation_text("internet-access-service-premises-regulations.md")
    ).articles[10]

    segments = paragraph_diff(old.text, new.text)
    assert "".join(t for op, t in segments if op != "insert") == old.text
    assert "".join(t for op, t in segments if op != "delete") == new.text
    deleted = "".join(t for op, t in segments if op == "delete")
    assert "信息网络安全" in deleted
