"""Releasing a competition's rankings to officers (trainers, administrators and HR see them
before that)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.services import audit

from ..errors import CompetitionError
from ..models import Competition
from ..permissions import can_manage


def _locked(competition: Competition) -> Competition:
    return Competition.objects.select_for_update().get(pk=competition.pk)


def release_rankings(*, competition: Competition, actor, now=None) -> Competition:
    if not can_manage(actor):
        raise CompetitionError(_("只有教员和管理员可以发布排名"), code="forbidden")
    with transaction.atomic():
        locked = _locked(competition)
        if locked.rankings_released:
            raise CompetitionError(_("排名已经发布"), code="already_released")
        locked.rankings_released_at = now or timezone.now()
        locked.save(update_fields=["rankings_released_at"])
        audit.record(
            actor=actor,
            action="competition.rankings_released",
            target=locked,
            competition=locked.pk,
        )
    competition.rankings_released_at = locked.rankings_released_at
    return locked


def unrelease_rankings(*, competition: Competition, actor) -> Competition:
    if not can_manage(actor):
        raise CompetitionError(_("只有教员和管理员可以撤回排名"), code="forbidden")
    with transaction.atomic():
        locked = _locked(competition)
        if not locked.rankings_released:
            raise CompetitionError(_("排名尚未发布"), code="not_released")
        locked.rankings_released_at = None
        locked.save(update_fields=["rankings_released_at"])
        audit.record(
            actor=actor,
            action="competition.rankings_withdrawn",
            target=locked,
            competition=locked.pk,
        )
    competition.rankings_released_at = None
    return locked
