"""Awards from a live final's ranking: every member of a placed team gets a certificate, and
every team member — placed or not — gets the competition's hours, once."""

from decimal import Decimal

import pytest

from certificates.models import Certificate
from people.models import HourEntry
from people.roles import Role
from quizzes.competitions.services.awards import grant_awards, propose_awards
from quizzes.competitions.services.sources import ranking_sources, rows_for
from quizzes.finals.services.live import perform
from tests.certificates.conftest import make_template
from tests.factories import UserFactory
from tests.quizzes.finals.factory import build_final


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_final_standings_become_awards_certificates_and_hours(
    db, django_capture_on_commit_callbacks
):
    live = build_final(teams=3, members=2)
    competition = live.final.competition
    competition.credit_hours = Decimal(3)
    competition.save()
    third, first, second = live.teams
    for team, delta in ((first, "30"), (second, "20"), (third, "10")):
        perform(
            final_id=live.final.pk,
            kind="adjust",
            actor=live.host,
            team_id=team.pk,
            data={"delta": delta},
            reason="决赛得分",
        )
    source = f"final:{live.final.pk}"
    assert source in dict(ranking_sources(competition))
    rows, unit_rows = rows_for(competition, source)
    proposals = propose_awards(rows=rows, counts={"first": 1, "second": 1, "third": 0})
    trainer = UserFactory(roles=[Role.TRAINER])
    template = make_template("award")
    with django_capture_on_commit_callbacks(execute=True):  # the bulk job runs after commit
        grant_awards(competition=competition, awards=proposals, template=template, actor=trainer)

    members = {
        team.pk: {o.pk for o in officers}
        for team, officers in zip(live.teams, live.members, strict=True)
    }
    certified = set(Certificate.objects.values_list("officer_id", flat=True))
    assert certified == members[first.pk] | members[second.pk]
    first_prize = Certificate.objects.filter(officer_id__in=members[first.pk])
    assert first_prize.count() == 2
    assert all("一等奖" in f"{c.title}{c.data}" for c in first_prize)
    credited = set(HourEntry.objects.values_list("officer_id", flat=True))
    assert credited == set().union(*members.values())  # the unplaced team too
    assert all(e.hours == 3 for e in HourEntry.objects.all())

    with django_capture_on_commit_callbacks(execute=True):
        grant_awards(competition=competition, awards=proposals, template=template, actor=trainer)
    assert Certificate.objects.count() == 4 and HourEntry.objects.count() == 6
