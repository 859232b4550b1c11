"""The tally pages: who may see them, what a unit HR's scope lets through, and the figures
against the hand-counted service in `tally_service`."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from people.roles import Role
from people.services.tallies import AnnualSummary
from tests.factories import OfficerFactory, UserFactory
from tests.people.tally_service import YEAR, build_service

D = Decimal
PAGES = ["tallies:units", "tallies:officers", "tallies:domains", "tallies:summary"]
OUTPUTS = ["", "xlsx", "pdf"]


@pytest.fixture
def service(city):
    return build_service(city)


def get(client, name, **params):
    return client.get(reverse(name), {"year": YEAR, **params})


def groups_by_name(response):
    return {group.name: group for _depth, group in response.context["rows"]}


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_is_sent_to_login(client, city, name):
    response = client.get(reverse(name), {"format": "xlsx"})
    assert response.status_code == 302 and response.url.startswith(reverse("people:login"))


@pytest.mark.parametrize("name", PAGES)
def test_officers_and_trainers_are_refused(client, service, name):
    client.force_login(service["people"]["e1"].user)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(UserFactory(roles=[Role.TRAINER]))
    assert client.get(reverse(name), {"format": "pdf"}).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_unit_hr_gets_404_for_a_unit_outside_its_subtree(client, service, city, name):
    client.force_login(service["east_hr"])
    for unit in ("west", "root", "detachment"):
        for output in OUTPUTS:
            params = {"unit": city[unit].pk, **({"format": output} if output else {})}
            assert get(client, name, **params).status_code == 404, (unit, output)


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_malformed_or_unknown_unit_is_404(client, service, value):
    client.force_login(service["city_hr"])
    assert get(client, "tallies:units", unit=value).status_code == 404


def test_unit_hr_sees_only_its_subtree_on_every_page(client, service, city):
    client.force_login(service["east_hr"])
    units = get(client, "tallies:units")
    assert list(groups_by_name(units)) == ["东区文化执法局", "东区一中队"]
    assert "西区" not in units.text and "支队" not in units.text
    officers = get(client, "tallies:officers")
    assert [o.name for o in officers.context["page"]] == ["东区丙", "东区甲", "东区乙"]
    assert "西区丁" not in officers.text and "东区调离" not in officers.text
    domains = {g.name: g.headcount for g in get(client, "tallies:domains").context["groups"]}
    assert domains["网吧与网络"] == 2 and domains["演艺娱乐"] == 1
    assert domains["新闻出版"] == 0 and domains["文物"] == 0 and domains[""] == 1
    summary = get(client, "tallies:summary").context["summary"]
    assert (summary.officers, summary.total_hours) == (3, D(65))
    # The unit filter offers the subtree only.
    choices = list(units.context["form"].fields["unit"].queryset.values_list("code", flat=True))
    assert choices == ["D01", "D0101"]


def test_unit_tally_figures_targets_and_chart(client, service, city):
    client.force_login(service["city_hr"])
    response = get(client, "tallies:units")
    groups = groups_by_name(response)
    assert list(groups) == [
        "全市文化市场综合执法",
        "市文化市场综合执法局",
        "执法一支队",
        "东区文化执法局",
        "东区一中队",
        "西区文化执法局",
    ]
    city_group = groups["全市文化市场综合执法"]
    east, squad = groups["东区文化执法局"], groups["东区一中队"]
    assert (city_group.headcount, city_group.total_hours, city_group.average_hours) == (
        5,
        D(164),
        D("32.8"),
    )
    assert (city_group.met_percent, city_group.participation_percent) == (D("60.0"), D("80.0"))
    assert (east.headcount, east.total_hours, east.average_hours) == (3, D(65), D("21.7"))
    assert (east.met_percent, east.participation_percent) == (D("33.3"), D("66.7"))
    assert east.meets_targets is False and city_group.meets_targets is None
    assert squad.hours_by_kind == {
        "online": D(12),
        "class": D(9),
        "study": D(40),
        "exam": D(0),
        "competition": D(4),
        "external": D(0),
    }
    # The root's children side by side, with 东区's target tick.
    assert [g.name for g in response.context["chart_units"]] == [
        "市文化市场综合执法局",
        "东区文化执法局",
        "西区文化执法局",
    ]
    chart = response.text.split('data-testid="unit-chart"')[1].split("</svg>")[0]
    assert "21.7" in chart and "目标 30.0" in chart
    assert [depth for depth, _group in response.context["rows"]] == [0, 1, 2, 1, 2, 1]

    narrowed = get(client, "tallies:units", unit=city["east"].pk)
    assert list(groups_by_name(narrowed)) == ["东区文化执法局", "东区一中队"]
    assert [g.name for g in narrowed.context["chart_units"]] == ["东区一中队"]


def test_officer_tally_rows_requirement_and_exams(client, service):
    client.force_login(service["city_hr"])
    response = get(client, "tallies:officers")
    rows = {o.employee_number: o for o in response.context["page"]}
    assert "31004" not in rows  # 调离
    e1, e2, e3 = rows["31001"], rows["31002"], rows["31003"]
    assert (e1.total, e1.required, e1.met, e1.shortfall) == (D(22), D(30), False, D(8))
    assert (e2.total, e2.required, e2.met) == (D(43), D(40), True)
    assert (e3.total, e3.shortfall) == (D(0), D(40))
    # Practice papers are not exams; Q2 counts as passed at the second attempt.
    assert (e1.exams_taken, e1.exams_passed) == (1, 1)
    assert (e2.exams_taken, e2.exams_passed) == (2, 1)
    officer_id = service["people"]["e1"].pk
    assert f'href="/hours/officers/{officer_id}/?year={YEAR}"' in response.text
    assert response.context["short_count"] == 2  # e1, e3

    short = get(client, "tallies:officers", short="on")
    assert [o.employee_number for o in short.context["page"]] == ["31003", "31001"]


def test_officer_tally_is_paginated_by_fifty(client, city):
    from tests.factories import make_hr

    for n in range(55):
        OfficerFactory(unit=city["west"], employee_number=f"5{n:04d}")
    client.force_login(make_hr(city["west"]))
    first = get(client, "tallies:officers")
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == 55
    assert len(get(client, "tallies:officers", page=2).context["page"].object_list) == 5


def test_domain_tally_counts_officers_in_each_of_their_domains(client, service):
    client.force_login(service["city_hr"])
    groups = {g.name: g for g in get(client, "tallies:domains").context["groups"]}
    internet = groups["网吧与网络"]
    assert (internet.headcount, internet.total_hours, internet.met) == (2, D(65), 1)
    assert (groups["演艺娱乐"].headcount, groups["演艺娱乐"].total_hours) == (1, D(22))
    assert (groups["新闻出版"].headcount, groups["新闻出版"].met_percent) == (1, D(100))
    assert groups["文物"].total_hours == D(49)
    # e3 works in no domain: counted on a row of its own, not dropped.
    assert (groups[""].headcount, groups[""].total_hours) == (1, D(0))


def test_annual_summary_against_the_hand_count(client, service):
    client.force_login(service["city_hr"])
    response = get(client, "tallies:summary")
    assert response.context["summary"] == AnnualSummary(
        year=YEAR,
        classes_held=2,
        person_times=3,
        class_hours=D(13),
        exams_held=2,
        exam_participants=5,
        exam_passed=3,
        competitions=2,
        competition_participants=3,
        officers=5,
        total_hours=D(164),
        average_hours=D("32.8"),
        met=3,
    )
    months = dict(response.context["months"])
    assert months == {
        1: 0,
        2: 0,
        3: D(12),
        4: D(40),
        5: D(13),
        6: D(8),
        7: D(2),
        8: D(40),
        9: D(45),
        10: D(4),
        11: 0,
        12: 0,
    }
    sentence = response.context["sentence"]
    assert sentence.startswith("全年共举办培训班2期，培训执法人员3人次，计入培训班学时13.0学时；")
    assert "组织考试2场，参考5人次，合格3人次，合格率60.0%" in sentence
    assert "举办知识竞赛2场，参赛3人次" in sentence
    assert "全市文化市场综合执法共有执法人员5人" in sentence and "达标率60.0%。" in sentence
    assert sentence in response.text


def test_annual_summary_of_a_unit_hr(client, service):
    client.force_login(service["east_hr"])
    response = get(client, "tallies:summary")
    summary = response.context["summary"]
    assert (summary.classes_held, summary.person_times, summary.class_hours) == (1, 2, D(9))
    assert (summary.exams_held, summary.exam_participants, summary.exam_passed) == (2, 3, 2)
    assert summary.pass_rate == D("66.7")
    assert (summary.competitions, summary.competition_participants) == (1, 1)
    assert (summary.officers, summary.total_hours, summary.met) == (3, D(65), 1)
    assert dict(response.context["months"])[5] == D(9)
    assert "东区文化执法局共有执法人员3人" in response.context["sentence"]


def test_year_defaults_to_this_year_and_other_years_are_empty(client, service):
    client.force_login(service["city_hr"])
    response = client.get(reverse("tallies:units"))
    assert response.context["filters"].year == timezone.localdate().year
    last_year = get(client, "tallies:units", year=YEAR - 1)
    assert all(g.total_hours == 0 for _d, g in last_year.context["rows"])
    assert last_year.context["filters"].year == YEAR - 1
    bad = get(client, "tallies:units", year="abc")
    assert bad.status_code == 200 and bad.context["form"].errors


def test_administrator_sees_the_whole_service(client, service):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    response = get(client, "tallies:units")
    assert groups_by_name(response)["全市文化市场综合执法"].headcount == 5


@pytest.mark.parametrize("hr", ["city_hr", "east_hr"])
def test_unit_tally_aggregated_in_sql_equals_the_per_officer_tally(service, hr):
    """The 单位统计 page sums in SQL; the pure per-officer path must give the same figures."""
    from people.services import tally_queries as queries
    from people.services.tallies import roll_up, unit_tree_tally

    user = service[hr]
    units = queries.tally_units(user=user)
    targets = queries.unit_targets(YEAR)
    in_sql = roll_up(units, queries.own_unit_groups(user=user, year=YEAR), targets=targets)
    per_officer = unit_tree_tally(
        units, queries.officer_tallies(user=user, year=YEAR), targets=targets
    )

    def figures(groups):
        return [
            (g.name, g.headcount, g.total_hours, g.met, g.participants, g.hours_by_kind)
            for g in groups
        ]

    assert figures(in_sql) == figures(per_officer)
    assert any(g.met for g in in_sql) and any(g.met < g.headcount for g in in_sql)
