"""The platform's roles, each backed by a Django group created by a data migration."""

from enum import StrEnum


class Role(StrEnum):
    # Values are the group names users and administrators see.
    OFFICER = "学员"
    TRAINER = "教员"
    HR = "人事"
    ADMINISTRATOR = "管理员"


def has_role(user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_lianbing_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._lianbing_roles = cache
    return role.value in cache


def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.ADMINISTRATOR))
