"""Who may do what in a live final."""

from people.roles import is_administrator

from .models import Final, Team


def can_host(user, final: Final) -> bool:
    """Only the final's hosts and administrators drive it."""
    if not user.is_authenticated:
        return False
    return is_administrator(user) or final.hosts.filter(pk=user.pk).exists()


def team_of(user, final: Final) -> Team | None:
    """The team the user plays in, or None."""
    officer = getattr(user, "officer", None) if user.is_authenticated else None
    if officer is None:
        return None
    return Team.objects.filter(final=final, members=officer).first()


def finals_for(user):
    """Finals the user hosts or plays in (administrators: all)."""
    if not user.is_authenticated:
        return Final.objects.none()
    if is_administrator(user):
        return Final.objects.all()
    officer = getattr(user, "officer", None)
    hosted = Final.objects.filter(hosts=user)
    if officer is None:
        return hosted
    return (hosted | Final.objects.filter(teams__members=officer)).distinct()
