"""Staff accounts: trainers, HR and administrators, who log in without an officer profile.

Officers get their accounts from the roster import (`people.services.roster_import`); the
accounts here are created one by one — by an administrator, or by the demo loader.
"""

from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lianbing.errors import DomainError
from people.models import HRScope, Officer, Unit, User
from people.roles import Role
from people.services import audit
from people.services.roster_import import generate_password, split_name
from people.services.roster_types import Credential


def create_staff_user(
    *,
    username: str,
    name: str,
    roles: list[Role],
    password: str | None = None,
    hr_units: Iterable[Unit] = (),
    must_change_password: bool,
    actor,
    password_hash: str | None = None,
) -> User:
    """Create a staff login with its role groups and HR scopes, and audit it.

    Give either `password` (validated and hashed here) or `password_hash`, a value from
    `make_password` — callers creating many accounts with one password hash it once.
    Users with the administrator role are also Django superusers and staff.
    Raises DomainError (with a stable `code`) when the account cannot be created.
    """
    username = (username or "").strip()
    name = (name or "").strip()
    roles = [Role(role) for role in roles]
    hr_units = list(hr_units)
    if not username:
        raise DomainError("请填写工号（登录名）。", code="username_required")
    if not name:
        raise DomainError("请填写姓名。", code="name_required")
    if not roles:
        raise DomainError("请至少选择一个角色。", code="roles_required")
    if Role.HR in roles and not hr_units:
        raise DomainError("人事账号须至少指定一个管辖单位。", code="hr_scope_required")
    if hr_units and Role.HR not in roles:
        raise DomainError("只有人事账号可以指定管辖单位。", code="hr_scope_without_role")
    if (password is None) == (password_hash is None):
        raise ValueError("Give exactly one of password and password_hash.")

    last_name, first_name = split_name(name)
    is_admin = Role.ADMINISTRATOR in roles
    user = User(
        username=username,
        last_name=last_name,
        first_name=first_name,
        is_staff=is_admin,
        is_superuser=is_admin,
        must_change_password=must_change_password,
    )
    if password is not None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), code="password_invalid") from error
        user.set_password(password)
    else:
        user.password = password_hash

    with transaction.atomic():
        # Case-insensitive: 工号 "hr001" and "HR001" would be indistinguishable to the
        # people typing them. The unique constraint catches a concurrent creation.
        taken = DomainError(f"工号“{username}”已被使用。", code="username_taken")
        if User.objects.filter(username__iexact=username).exists():
            raise taken
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:
            raise taken from error
        groups = [Group.objects.get_or_create(name=role.value)[0] for role in roles]
        user.groups.add(*groups)
        for unit in hr_units:
            HRScope.objects.create(user=user, unit=unit)
        audit.record(
            actor=actor,
            action="account.created",
            target=user,
            username=username,
            roles=[role.value for role in roles],
            hr_units=[unit.code for unit in hr_units],
        )
    return user


def reset_officer_password(*, officer_id: int, actor) -> Credential:
    """Give an officer a new random initial password that must be changed at next login.

    The caller has checked that `actor` may manage the officer; the row is locked so two HR
    users resetting at once leave one password, the one audited last.
    """
    with transaction.atomic():
        officer = (
            Officer.objects.select_related("user", "unit").select_for_update().get(pk=officer_id)
        )
        if not officer.user.is_active:
            raise DomainError("该账号已停用（如已调离），不能重置密码。", code="account_inactive")
        password = generate_password()
        user = officer.user
        user.password = make_password(password, hasher="pbkdf2_sha256_initial")
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        audit.record(actor=actor, action="account.password_reset", target=officer)
    return Credential(
        employee_number=officer.employee_number,
        name=officer.name,
        unit=officer.unit.name,
        password=password,
    )
