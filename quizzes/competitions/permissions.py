"""Who may do what with a competition, built on the project's role and scope helpers."""

from people.roles import Role, has_role, is_administrator
from people.utils import is_hr

from .models import Competition, Entry


def can_manage(user) -> bool:
    """Trainers and administrators run competitions: release, judging, awards."""
    return user.is_authenticated and (has_role(user, Role.TRAINER) or is_administrator(user))


def sees_unreleased(user) -> bool:
    """Trainers, administrators and HR read rankings before they are released."""
    return can_manage(user) or (user.is_authenticated and is_hr(user))


def can_see_rankings(user, competition: Competition) -> bool:
    if not user.is_authenticated:
        return False
    return competition.rankings_released or sees_unreleased(user)


def is_judge(user, competition: Competition) -> bool:
    if not user.is_authenticated:
        return False
    return competition.judges.filter(pk=user.pk).exists()


def can_read_entry(user, entry: Entry) -> bool:
    """An entry's document: its authors, the panel, and those who run or oversee contests."""
    if sees_unreleased(user) or is_judge(user, entry.competition):
        return True
    officer = getattr(user, "officer", None) if user.is_authenticated else None
    return officer is not None and entry.officers.filter(pk=officer.pk).exists()
