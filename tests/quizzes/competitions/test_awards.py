"""Awards: levels from a final ranking, certificates in bulk, hours in the ledger, once."""

from decimal import Decimal

import pytest
from django.urls import reverse

from certificates.models import Certificate, Kind
from people.models import HourEntry, OfficerYearHours
from quizzes.competitions.models import Award
from quizzes.competitions.services import awards as award_service
from quizzes.competitions.services.awards import AwardProposal, RankedRow, propose_awards
from quizzes.competitions.services.judging import entry_standings, submit_sheet
from quizzes.competitions.services.sources import rows_for
from tests.certificates.conftest import make_template
from tests.factories import PASSWORD, OfficerFactory
from tests.quizzes.competitions.factory import entry, judged, officers, preliminary, sat


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The bulk job runs in the request, after commit, as a worker would run it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_levels_follow_ranks_and_ties_share_a_level():
    rows = [
        RankedRow(rank=1, officer_ids=(1,), unit_id=10),
        RankedRow(rank=2, officer_ids=(2,), unit_id=10),
        RankedRow(rank=2, officer_ids=(3,), unit_id=20),
        RankedRow(rank=4, officer_ids=(4, 5), unit_id=20, label="东区代表队"),
        RankedRow(rank=5, officer_ids=(6,), unit_id=30),
        RankedRow(rank=None, officer_ids=(7,), unit_id=30),
    ]
    units = [RankedRow(rank=1, officer_ids=(), unit_id=20), RankedRow(2, (), 10)]
    proposals = propose_awards(
        rows=rows,
        counts={"first": 1, "second": 1, "third": 2},
        unit_rows=units,
        organisation_units=1,
    )
    assert [(p.level, p.officer_ids, p.unit_id) for p in proposals] == [
        ("first", (1,), 10),
        ("second", (2,), 10),
        ("second", (3,), 20),  # tied at rank 2: both 二等奖, more than the count
        ("third", (4, 5), 20),
        ("organisation", (), 20),
    ]


@pytest.fixture
def knowledge(city):
    competition = preliminary(credit_hours=Decimal("2"), min_participation_percent=0)
    east = officers(city["east_squad"], 3)
    west = officers(city["west"], 4)
    for officer, score in zip(east + west, [98, 90, 85, 70, 60, 95, 50], strict=True):
        sat(competition, officer, score)
    late = OfficerFactory(unit=city["west"])
    sat(competition, late, 0, state="grading")  # took part; its paper is not graded yet
    return competition, east, west, late


def grant(competition, actor, proposals, capture):
    with capture(execute=True):
        return award_service.grant_awards(
            competition=competition,
            awards=proposals,
            template=award_template(),
            unit_template=unit_template(),
            actor=actor,
        )


def award_template():
    return _template(Kind.AWARD)


def unit_template():
    return _template(Kind.UNIT_AWARD)


def _template(kind):
    from certificates.models import CertificateTemplate

    return CertificateTemplate.objects.filter(kind=kind).first() or make_template(kind)


def test_awards_produce_certificates_and_ledger_entries_once(
    knowledge, trainer, django_capture_on_commit_callbacks
):
    competition, east, west, late = knowledge
    rows, unit_rows = rows_for(competition, "preliminary")
    proposals = propose_awards(rows=rows, unit_rows=unit_rows, organisation_units=1)
    result = grant(competition, trainer, proposals, django_capture_on_commit_callbacks)
    assert result.awards == 7 and len(result.jobs) == 2  # 1 + 2 + 3 people, 1 unit

    people = Certificate.objects.filter(kind=Kind.AWARD).select_related("officer")
    expected = {
        east[0].pk: "一等奖",  # 98
        west[2].pk: "二等奖",  # 95
        east[1].pk: "二等奖",  # 90
        east[2].pk: "三等奖",  # 85
        west[0].pk: "三等奖",  # 70
        west[1].pk: "三等奖",  # 60
    }
    assert {c.officer_id: c.data["award"] for c in people} == expected
    assert {c.data["competition"] for c in people} == {competition.title}
    assert all(c.source_id == f"competition:{competition.pk}" and c.pdf for c in people)
    (unit_certificate,) = Certificate.objects.filter(kind=Kind.UNIT_AWARD)
    assert unit_certificate.officer is None and unit_certificate.unit.name == "东区文化执法局"

    # Every participant gets the hours: winners, the others, the one awaiting a grader.
    entries = HourEntry.objects.filter(source_id=f"competition:{competition.pk}")
    participants = {o.pk for o in east + west} | {late.pk}
    assert set(entries.values_list("officer_id", flat=True)) == participants
    assert {(e.kind, e.hours, e.status) for e in entries} == {
        ("competition", Decimal("2.0"), "approved")
    }
    assert OfficerYearHours.objects.get(officer=late).total == Decimal("2.0")

    # The awards point at their certificates once the page looks.
    assert award_service.link_certificates(competition=competition) == 7
    assert not Award.objects.filter(certificate=None).exists()

    # Granting again adds nothing: no award, certificate, job or hour twice.
    again = grant(competition, trainer, proposals, django_capture_on_commit_callbacks)
    assert (again.awards, again.jobs, again.hours_credited) == (0, [], 0)
    assert Certificate.objects.count() == 7 and entries.count() == len(participants)
    assert Award.objects.count() == 7


def test_judged_contest_awards_each_author_of_an_entry(
    city, trainer, django_capture_on_commit_callbacks
):
    competition, judges = judged(judges=4, credit_hours=Decimal("1.5"))
    pair = officers(city["east"], 2)
    solo = officers(city["west"], 1)
    best = entry(competition, "文书甲", unit=city["east"], authors=pair)
    second = entry(competition, "文书乙", unit=city["west"], authors=solo)
    entry(competition, "文书丙", unit=city["west"])  # no sheets: unranked, no award
    criteria = list(competition.criteria.all())
    for judge in judges:
        submit_sheet(entry=best, judge=judge, marks={c.pk: Decimal(9) for c in criteria})
        submit_sheet(entry=second, judge=judge, marks={c.pk: Decimal(7) for c in criteria})
    assert [(r.title, r.rank, r.score) for r in entry_standings(competition)][:2] == [
        ("文书甲", 1, Decimal("90.00")),
        ("文书乙", 2, Decimal("70.00")),
    ]
    rows, _units = rows_for(competition, "entries")
    proposals = propose_awards(rows=rows, counts={"first": 1, "second": 1, "third": 0})
    assert proposals == [
        AwardProposal("first", 1, tuple(o.pk for o in pair), city["east"].pk, "文书甲"),
        AwardProposal("second", 2, (solo[0].pk,), city["west"].pk, "文书乙"),
    ]
    grant(competition, trainer, proposals, django_capture_on_commit_callbacks)
    certificates = Certificate.objects.filter(kind=Kind.AWARD)
    assert sorted(certificates.values_list("officer_id", "data__award")) == sorted(
        [(pair[0].pk, "一等奖"), (pair[1].pk, "一等奖"), (solo[0].pk, "二等奖")]
    )
    assert HourEntry.objects.filter(kind="competition").count() == 3


def test_the_awards_page_previews_then_grants(
    client, knowledge, trainer, django_capture_on_commit_callbacks
):
    competition, east, _west, _late = knowledge
    template, units = award_template(), unit_template()
    client.login(username=trainer.username, password=PASSWORD)
    url = reverse("competitions:awards", args=[competition.pk])
    data = {
        "source": "preliminary",
        "first": 1,
        "second": 0,
        "third": 0,
        "organisation_units": 0,
        "template": template.pk,
        "unit_template": units.pk,
    }
    page = client.post(url, {**data, "action": "preview"}).content.decode()
    assert 'data-testid="award-preview"' in page and east[0].name in page
    assert not Award.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "action": "grant"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert Certificate.objects.get().serial in page and "已生成 1 / 1 份" in page
    # An officer does not reach the page.
    client.login(username=east[1].user.username, password=PASSWORD)
    assert client.get(url).status_code == 404


def test_only_trainers_and_administrators_grant(knowledge, city_hr):
    competition, *_ = knowledge
    from quizzes.competitions.errors import CompetitionError

    with pytest.raises(CompetitionError) as refused:
        award_service.grant_awards(
            competition=competition, awards=[], template=award_template(), actor=city_hr
        )
    assert refused.value.code == "forbidden"
