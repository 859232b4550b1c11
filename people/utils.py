"""The one permission helper: which officers and units a user may see records of.

Every app asks these functions instead of writing its own rules:
- administrators see everything;
- HR sees the subtrees of the units in its scopes (city HR holds the root);
- anyone else — officers, trainers — sees only their own records;
- anonymous users see nothing.
"""

from django.db.models import Q, QuerySet

from people.models import Officer, Unit
from people.roles import Role, has_role, is_administrator


def hr_scope_paths(user) -> list[str]:
    """The tree paths of the units the user administers as HR (empty if not HR)."""
    if not user.is_authenticated or not has_role(user, Role.HR):
        return []
    cached = getattr(user, "_lianbing_hr_paths", None)
    if cached is None:
        cached = list(user.hr_scopes.values_list("unit__path", flat=True))
        user._lianbing_hr_paths = cached
    return cached


def _under_any(paths: list[str], field: str) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def sees_everything(user) -> bool:
    return is_administrator(user)


def is_hr(user) -> bool:
    """True for HR users with at least one scope, and for administrators."""
    return sees_everything(user) or bool(hr_scope_paths(user))


def visible_units(user) -> QuerySet[Unit]:
    """Units whose records (officers, tallies, certificates) the user may see."""
    if sees_everything(user):
        return Unit.objects.all()
    return Unit.objects.filter(_under_any(hr_scope_paths(user), "path"))


def visible_officers(user) -> QuerySet[Officer]:
    """Officers whose records the user may see: their scope's, or only their own."""
    if not user.is_authenticated:
        return Officer.objects.none()
    if sees_everything(user):
        return Officer.objects.all()
    return Officer.objects.filter(
        _under_any(hr_scope_paths(user), "unit__path") | Q(user_id=user.pk)
    )


def can_view_unit(user, unit: Unit) -> bool:
    if sees_everything(user):
        return True
    return any(unit.path.startswith(path) for path in hr_scope_paths(user))


def can_view_officer(user, officer: Officer) -> bool:
    if not user.is_authenticated:
        return False
    return officer.user_id == user.pk or can_view_unit(user, officer.unit)


def can_manage_unit(user, unit: Unit) -> bool:
    """May the user change this unit and its officers (roster import, edits)?"""
    return can_view_unit(user, unit)
