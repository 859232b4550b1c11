"""The pure tallies against hand-counted figures, and the charts and sentences drawn from them.

The service below (paths as treebeard writes them):

    市局 0001 ── E (40 external, 科员: 40 required)
    ├── 一支队 00010001 ── C (nothing, 科长: 24 required)
    │   └── 一中队 000100010001 ── A (10 online + 20 class), B (45 study)
    └── 二支队 00010002 ── D (30 exam + 20 competition)

Domains: A in 1 and 2, B in 1, D in 2 and 3, E in 3, C in none; domain 4 has nobody.
"""

from decimal import Decimal

import pytest

from people.services.credit_rules import required_hours
from people.services.tallies import (
    AnnualSummary,
    OfficerTally,
    UnitInfo,
    domain_tally,
    months,
    overall,
    unit_tree_tally,
)
from people.services.tally_export import (
    chart_units,
    comparison,
    report_sentence,
    summary_items,
    unit_rows,
)
from people.templatetags.tally_charts import hbar_chart, month_chart, nice_ceiling

D = Decimal
CITY, FIRST, SQUAD, SECOND = "0001", "00010001", "000100010001", "00010002"
UNITS = [
    UnitInfo(4, SECOND, "二支队"),  # out of order on purpose: the tally sorts by path
    UnitInfo(1, CITY, "市局"),
    UnitInfo(3, SQUAD, "一中队"),
    UnitInfo(2, FIRST, "一支队"),
]
BY_POSITION = {"科长": D(24)}


def officer(pk, path, domains=(), position="科员", **hours):
    unit_id = {CITY: 1, FIRST: 2, SQUAD: 3, SECOND: 4}[path]
    by_kind = {kind: D(0) for kind in ("online", "class", "study", "exam", "competition")}
    by_kind["external"] = D(0)
    by_kind.update({kind: D(value) for kind, value in hours.items()})
    return OfficerTally(
        officer_id=pk,
        employee_number=f"1000{pk}",
        name=f"人员{pk}",
        unit_id=unit_id,
        unit_path=path,
        unit_name="",
        position=position,
        domain_ids=tuple(domains),
        hours_by_kind=by_kind,
        required=required_hours(position, default=D(40), by_position=BY_POSITION),
    )


@pytest.fixture
def officers():
    return {
        "A": officer(1, SQUAD, (1, 2), online=10, **{"class": 20}),
        "B": officer(2, SQUAD, (1,), study=45),
        "C": officer(3, FIRST, (), position="科长"),
        "D": officer(4, SECOND, (2, 3), exam=30, competition=20),
        "E": officer(5, CITY, (3,), external=40),
    }


def figures(group):
    return (
        group.headcount,
        group.total_hours,
        group.average_hours,
        group.met,
        group.met_percent,
        group.participants,
        group.participation_percent,
    )


def test_officer_requirement_shortfall_and_participation(officers):
    a, c, e = officers["A"], officers["C"], officers["E"]
    assert (a.total, a.required, a.met, a.shortfall) == (D(30), D(40), False, D(10))
    # 科长 has their own requirement; nothing done is short of all of it and not a participant.
    assert (c.required, c.shortfall, c.participated) == (D(24), D(24), False)
    # Exactly the requirement meets it; a surplus is never a negative shortfall.
    assert (e.met, e.shortfall) == (True, D(0))
    assert officers["B"].shortfall == D(0)
    assert required_hours(" 科长 ", default=D(40), by_position=BY_POSITION) == D(24)
    assert required_hours("", default=D(40), by_position=BY_POSITION) == D(40)


def test_units_count_their_whole_subtree_in_tree_order(officers):
    groups = unit_tree_tally(UNITS, officers.values())
    assert [g.name for g in groups] == ["市局", "一支队", "一中队", "二支队"]
    city, first, squad, second = groups
    assert figures(city) == (5, D(165), D("33.0"), 3, D("60.0"), 4, D("80.0"))
    # 一支队 holds C itself and A, B through 一中队.
    assert figures(first) == (3, D(75), D("25.0"), 1, D("33.3"), 2, D("66.7"))
    assert figures(squad) == (2, D(75), D("37.5"), 1, D("50.0"), 2, D("100.0"))
    assert figures(second) == (1, D(50), D("50.0"), 1, D("100.0"), 1, D("100.0"))
    assert city.hours_by_kind["external"] == D(40) and city.hours_by_kind["class"] == D(20)
    assert first.hours_by_kind["study"] == D(45) and first.hours_by_kind["exam"] == D(0)
    assert [g.depth for g in groups] == [1, 2, 3, 2]


def test_a_unit_hr_tally_stops_at_its_scope(officers):
    """Officers above the scope are handed in by nobody, but even if they were, units
    outside `units` are not reported."""
    groups = unit_tree_tally([u for u in UNITS if u.path.startswith(FIRST)], officers.values())
    assert [(g.name, g.headcount) for g in groups] == [("一支队", 3), ("一中队", 2)]
    assert [(depth, g.name) for depth, g in unit_rows(groups)] == [(0, "一支队"), (1, "一中队")]


def test_targets_met_missed_or_absent(officers):
    targets = {2: (D(30), None), 3: (D(30), 60), 4: (None, 80)}
    city, first, squad, second = unit_tree_tally(UNITS, officers.values(), targets=targets)
    assert city.meets_targets is None
    assert first.meets_targets is False  # average 25.0 < 30
    assert squad.meets_targets is False  # average fine, 50.0% < 60%
    assert second.meets_targets is True  # 100% ≥ 80%


def test_empty_unit_and_empty_service_are_zero_not_errors():
    (group,) = unit_tree_tally([UnitInfo(9, "0009", "空单位")], [])
    assert figures(group) == (0, D(0), D(0), 0, D(0), 0, D(0))
    assert overall([]).average_hours == D(0)


def test_domains_count_an_officer_in_each_of_their_domains(officers):
    groups = domain_tally([(1, "网吧"), (2, "演出"), (3, "出版"), (4, "文物")], officers.values())
    by_name = {g.name: g for g in groups}
    assert figures(by_name["网吧"]) == (2, D(75), D("37.5"), 1, D("50.0"), 2, D("100.0"))
    assert figures(by_name["演出"]) == (2, D(80), D("40.0"), 1, D("50.0"), 2, D("100.0"))
    assert figures(by_name["出版"]) == (2, D(90), D("45.0"), 2, D("100.0"), 2, D("100.0"))
    assert by_name["文物"].headcount == 0
    # C works in no domain: reported last, under an empty name.
    assert groups[-1].name == "" and figures(groups[-1])[:2] == (1, D(0))
    assert sum(g.headcount for g in groups) == 7  # more than the 5 officers


def test_overall_and_months(officers):
    everyone = overall(officers.values())
    assert (everyone.headcount, everyone.total_hours, everyone.met) == (5, D(165), 3)
    pairs = months({3: D("12.5"), 11: D(4)})
    assert len(pairs) == 12 and pairs[2] == (3, D("12.5")) and pairs[0] == (1, D(0))


def make_summary(**overrides):
    values = {
        "year": 2026,
        "classes_held": 2,
        "person_times": 4,
        "class_hours": D(17),
        "exams_held": 2,
        "exam_participants": 3,
        "exam_passed": 2,
        "competitions": 1,
        "competition_participants": 3,
        "officers": 6,
        "total_hours": D("165.5"),
        "average_hours": D("27.6"),
        "met": 4,
    }
    return AnnualSummary(**{**values, **overrides})


def test_summary_rates_and_the_work_report_sentence():
    summary = make_summary()
    assert (summary.pass_rate, summary.met_percent) == (D("66.7"), D("66.7"))
    assert make_summary(exam_participants=0, exam_passed=0).pass_rate == D(0)
    sentence = report_sentence(summary, scope="东区文化执法局")
    assert sentence.startswith("全年共举办培训班2期，培训执法人员4人次，计入培训班学时17.0学时；")
    assert "组织考试2场，参考3人次，合格2人次，合格率66.7%" in sentence
    assert "东区文化执法局共有执法人员6人，全年累计培训165.5学时，人均27.6学时" in sentence
    assert sentence.endswith("4人达到年度学时要求，达标率66.7%。")
    items = {item: (value, measure) for item, value, measure in summary_items(summary)}
    assert items["举办培训班"] == (2, "期") and items["学时达标率"] == (D("66.7"), "%")


def test_side_by_side_chart_shows_the_top_units_children(officers):
    groups = unit_tree_tally(UNITS, officers.values(), targets={2: (D(30), None)})
    assert [g.name for g in chart_units(groups)] == ["一支队", "二支队"]
    rows = comparison(groups)
    assert rows["chart_units_average"] == [("一支队", D("25.0"), D(30)), ("二支队", D(50), None)]
    assert rows["chart_units_met"][0] == ("一支队", D("33.3"), None)
    # Two separate scopes (two district HR units): those two side by side.
    two = unit_tree_tally([u for u in UNITS if u.path != CITY], officers.values())
    assert [g.name for g in chart_units(two)] == ["一支队", "二支队"]


def test_svg_charts_escape_names_and_scale_bars():
    svg = hbar_chart([("<b>支队</b>", D(25), D(30)), ("二支队", D(50), None)], title="人均学时")
    assert svg.startswith("<svg") and "&lt;b&gt;支队&lt;/b&gt;" in svg and "<b>" not in svg
    assert "25.0" in svg and "目标 30.0" in svg
    # 50 on an axis ending at 50 fills the whole 260px bar.
    assert 'width="260.0"' in svg
    assert "暂无数据" in hbar_chart([], title="空")
    chart = month_chart(months({2: D(8)}), title="各月")
    assert chart.count("<rect") == 12 and "2月" in chart and "8.0" in chart
    assert [nice_ceiling(v) for v in (0, 7, 33, 100, D("0.4"))] == [1, 10, 50, 100, D("0.5")]
