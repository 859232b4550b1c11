"""Applying a roster: units by code and officers by 工号, created or updated, all or nothing.

`import_roster` accepts any Roster — read from a file or built in code (demo data) — so it
re-checks everything that depends on the database, inside the transaction that applies it.
"""

import re
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from people.models import Domain, Officer, Unit, User
from people.roles import Role, is_administrator
from people.services import audit
from people.services.roster_types import (
    Credential,
    OfficerRow,
    Roster,
    RosterInvalid,
    RosterProblem,
    RosterResult,
    UnitRow,
)
from people.utils import can_manage_unit

INITIAL_HASHER = "pbkdf2_sha256_initial"
# No I/l/1, O/o/0: the password is read off paper and typed on a phone.
PASSWORD_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
PASSWORD_DIGITS = "23456789"
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 司空 夏侯 轩辕 端木 独孤 "  # noqa: SIM905
    "南宫 西门 百里 呼延 万俟 申屠 太史 闻人 澹台 公冶 宗政 濮阳 淳于 单于 赫连 钟离 鲜于 闾丘 "
    "亓官 拓跋 完颜".split()
)
CHUNK = 500  # keeps IN (...) lists under SQLite's variable limit


def _chunks(items):
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def generate_password(length: int = 10) -> str:
    """A random initial password of unambiguous letters and digits, with at least one of each."""
    alphabet = PASSWORD_LETTERS + PASSWORD_DIGITS
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c in PASSWORD_DIGITS for c in password) and any(c.isalpha() for c in password):
            return password


def split_name(name: str) -> tuple[str, str]:
    """(last_name, first_name) of a Chinese name; names without a surname stay whole."""
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,}", name):
        return "", name  # 阿依古丽·买买提, Latin names: no surname to split off
    cut = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:cut], name[cut:]


def db_unit_parents() -> dict[str, str]:
    """The parent code ("" for a root) of every unit in the database, by code."""
    codes = dict(Unit.objects.values_list("path", "code"))
    return {code: codes.get(path[: -Unit.steplen], "") for path, code in codes.items()}


def check_references(roster: Roster) -> list[RosterProblem]:
    """Problems between rows and with the database: duplicates, unknown units, cycles…"""
    problems = []
    us, os_ = roster.unit_sheet, roster.officer_sheet

    def duplicates(rows, key, sheet, column):
        first = {}
        for row in rows:
            value = getattr(row, key)
            if value in first:
                message = _("%(column)s“%(value)s”重复：第 %(first)d 行和第 %(row)d 行。") % {
                    "column": column,
                    "value": value,
                    "first": first[value],
                    "row": row.row,
                }
                problems.append(RosterProblem(message, sheet, row.row, column))
            else:
                first[value] = row.row

    duplicates(roster.units, "code", us, "单位编码")
    duplicates(roster.officers, "employee_number", os_, "工号")

    parent_of = db_unit_parents()
    parent_of.update({u.code: u.parent_code for u in roster.units})
    for unit in roster.units:
        if unit.kind and unit.kind not in Unit.Kind.values:
            problems.append(RosterProblem(_("单位类型无效。"), us, unit.row, "类型"))
        if unit.parent_code and unit.parent_code not in parent_of:
            message = _("上级单位“%(code)s”不存在。") % {"code": unit.parent_code}
            problems.append(RosterProblem(message, us, unit.row, "上级单位编码"))
            continue
        seen, parent = {unit.code}, unit.parent_code
        while parent and parent not in seen:
            seen.add(parent)
            parent = parent_of.get(parent)
        if parent == unit.code:
            message = _("上级单位形成循环：“%(code)s”成了自己的下级。") % {"code": unit.code}
            problems.append(RosterProblem(message, us, unit.row, "上级单位编码"))

    domains = set(Domain.objects.values_list("code", flat=True))
    for officer in roster.officers:
        if officer.unit_code not in parent_of:
            message = _("单位“%(code)s”不存在：文件的单位表和系统中都没有这个单位。")
            problems.append(
                RosterProblem(message % {"code": officer.unit_code}, os_, officer.row, "单位编码")
            )
        for code in officer.domain_codes:
            if code not in domains:
                message = _("执法领域“%(code)s”不存在。") % {"code": code}
                problems.append(RosterProblem(message, os_, officer.row, "执法领域"))
        if officer.status not in Officer.Status.values:
            problems.append(RosterProblem(_("状态无效。"), os_, officer.row, "状态"))
    return problems


@dataclass
class _State:
    """What the database holds about the roster's rows, loaded (and locked) once."""

    officers: dict  # 工号 -> Officer (with user and unit), locked for update
    domain_codes: dict  # officer pk -> set of domain codes
    units: dict  # code -> Unit, for every unit the roster mentions
    parents: dict  # code -> parent code, every unit in the database
    taken: set  # 工号 of new rows that a login without this officer profile already uses

    @classmethod
    def load(cls, roster: Roster) -> "_State":
        numbers = [o.employee_number for o in roster.officers]
        officers = {}
        for chunk in _chunks(numbers):
            locked = (
                Officer.objects.select_for_update(of=("self", "user"))
                .select_related("user", "unit")
                .filter(employee_number__in=chunk)
            )
            officers.update((o.employee_number, o) for o in locked)
        domain_codes = defaultdict(set)
        through = Officer.domains.through.objects
        for chunk in _chunks(o.pk for o in officers.values()):
            pairs = through.filter(officer_id__in=chunk).values_list("officer_id", "domain__code")
            for officer_id, code in pairs:
                domain_codes[officer_id].add(code)
        taken = set()
        for chunk in _chunks(n for n in numbers if n not in officers):
            taken.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
        codes = {o.unit_code for o in roster.officers}
        codes.update(c for u in roster.units for c in (u.code, u.parent_code) if c)
        units = {}
        for chunk in _chunks(codes):
            units.update((u.code, u) for u in Unit.objects.filter(code__in=chunk))
        return cls(officers, domain_codes, units, db_unit_parents(), taken)


def _refusals(roster: Roster, actor, state: _State) -> list[RosterProblem]:
    """Rows the actor may not apply: accounts held by non-officers, and units out of scope."""
    us, os_ = roster.unit_sheet, roster.officer_sheet
    problems = [
        RosterProblem(
            _("工号“%(number)s”已被一个非执法人员账号（如教员、人事）使用。")
            % {"number": row.employee_number},
            os_,
            row.row,
            "工号",
        )
        for row in roster.officers
        if row.employee_number in state.taken
    ]
    if actor is None or is_administrator(actor):
        return problems
    created = {u.code for u in roster.units if u.code not in state.units}

    def may_place_under(code: str) -> bool:
        # A unit the file creates was itself checked against its own parent.
        return bool(code) and (code in created or can_manage_unit(actor, state.units[code]))

    def refuse(sheet, row, column, message):
        problems.append(RosterProblem(message, sheet, row, column))

    for row in roster.units:
        existing = state.units.get(row.code)
        placed = existing is None or state.parents.get(row.code) != row.parent_code
        if existing is not None and not can_manage_unit(actor, existing):
            message = _("单位“%(name)s”不在您的管辖范围内。") % {"name": existing.name}
            refuse(us, row.row, "单位编码", message)
        elif placed and not may_place_under(row.parent_code):
            message = _("不能在您管辖范围以外的单位下新建或移入单位。")
            refuse(us, row.row, "上级单位编码", message)
    for row in roster.officers:
        officer = state.officers.get(row.employee_number)
        if officer is not None and not can_manage_unit(actor, officer.unit):
            message = _("工号“%(number)s”的人员不在您的管辖范围内。")
            refuse(os_, row.row, "工号", message % {"number": row.employee_number})
        target = state.units.get(row.unit_code)
        if target is not None and not can_manage_unit(actor, target):
            message = _("单位“%(name)s”不在您的管辖范围内。") % {"name": target.name}
            refuse(os_, row.row, "单位编码", message)
    return problems


def import_roster(
    *, roster: Roster, actor, initial_password: str | None = None, dry_run: bool = False
) -> RosterResult:
    """Validate the roster against the database, then apply all of it or none of it.

    New accounts must change their password at first login; their random initial passwords
    come back in `result.credentials` (unless `initial_password` fixes one for all, or on a
    dry run, which checks and counts exactly as a real run but saves nothing).
    """
    try:
        with transaction.atomic():
            problems = check_references(roster)
            state = None if problems else _State.load(roster)
            if state is not None:
                problems = _refusals(roster, actor, state)
            if problems:
                raise RosterInvalid(problems)
            result = RosterResult(dry_run=dry_run)
            _apply_units(roster.units, state, result)
            _apply_officers(roster.officers, state, result, initial_password, dry_run)
            if dry_run:
                transaction.set_rollback(True)
                result.credentials = []
            else:
                summary = result.as_dict()
                del summary["dry_run"]
                audit.record(actor=actor, action="roster.imported", target="人员名册", **summary)
    except IntegrityError as exc:
        # Another import created the same 工号 or unit code meanwhile (PostgreSQL runs them
        # side by side; SQLite queues them).
        message = _("名册同时被另一次导入修改，本次没有做任何修改，请重新导入。")
        raise RosterInvalid([RosterProblem(message)]) from exc
    return result


def _parents_first(rows):
    by_code, done, ordered = {r.code: r for r in rows}, set(), []

    def visit(row):
        if row.code not in done:
            done.add(row.code)
            if row.parent_code in by_code:
                visit(by_code[row.parent_code])
            ordered.append(row)

    for row in rows:
        visit(row)
    return ordered


def _place(unit: Unit, parent_code: str):
    """Move the unit under its parent, at its place in the (order, code) sorting."""
    if parent_code:
        unit.move(Unit.objects.get(code=parent_code), pos="sorted-child")
    else:
        unit.move(Unit.get_first_root_node(), pos="sorted-sibling")


def _differences(instance, wanted: dict, keep) -> list[str]:
    return [f for f, v in wanted.items() if f not in keep and getattr(instance, f) != v]


def _apply_units(rows: tuple[UnitRow, ...], state: _State, result: RosterResult):
    for row in _parents_first(rows):
        # Fetched afresh: every insert or move may rewrite the paths of other units.
        unit = Unit.objects.filter(code=row.code).first()
        if unit is None:
            fields = {"code": row.code, "name": row.name, "order": row.order}
            fields["kind"] = row.kind or Unit.Kind.OTHER
            if row.parent_code:
                Unit.objects.get(code=row.parent_code).add_child(**fields)
            else:
                Unit.add_root(**fields)
            result.units_created += 1
            continue
        wanted = {"name": row.name, "kind": row.kind or unit.kind, "order": row.order}
        changed = [
            f for f, v in wanted.items() if f not in row.keep_fields and getattr(unit, f) != v
        ]
        for field in changed:
            setattr(unit, field, wanted[field])
        if changed:
            unit.save(update_fields=changed)
        moved = state.parents.get(row.code) != row.parent_code
        if moved or "order" in changed:
            _place(unit, row.parent_code)
        if changed or moved:
            result.units_updated += 1
        else:
            result.units_unchanged += 1


def _apply_officers(rows, state: _State, result: RosterResult, initial_password, dry_run):
    units = {}
    for chunk in _chunks({row.unit_code for row in rows}):
        units.update((u.code, u) for u in Unit.objects.filter(code__in=chunk))
    domain_ids = dict(Domain.objects.values_list("code", "pk"))
    new_rows = []
    for row in rows:
        officer = state.officers.get(row.employee_number)
        if officer is None:
            new_rows.append(row)
        elif _update_officer(officer, row, units[row.unit_code], state, domain_ids):
            result.officers_updated += 1
        else:
            result.officers_unchanged += 1
    result.officers_created = len(new_rows)
    if new_rows:
        result.credentials = _create_officers(
            new_rows, units, domain_ids, initial_password=initial_password, dry_run=dry_run
        )


def _update_officer(officer: Officer, row: OfficerRow, unit: Unit, state, domain_ids) -> bool:
    """Bring one officer in line with its row; True if anything had to change."""
    wanted = {
        "name": row.name,
        "unit_id": unit.pk,
        "position": row.position,
        "phone": row.phone,
        "certificate_number": row.certificate_number,
        "certificate_issued": row.certificate_issued,
        "certificate_expires": row.certificate_expires,
        "status": row.status,
    }
    old_status = officer.status
    changed = [
        f for f, v in wanted.items() if f not in row.keep_fields and getattr(officer, f) != v
    ]
    for field in changed:
        setattr(officer, field, wanted[field])
    if changed:
        officer.save(update_fields=[*changed, "updated_at"])

    current = state.domain_codes[officer.pk]
    domains_changed = "domain_codes" not in row.keep_fields and set(row.domain_codes) != current
    if domains_changed:
        officer.domains.set([domain_ids[code] for code in row.domain_codes])

    user, user_fields = officer.user, []
    # Follows renames only: a login named otherwise on purpose is not "changed" by every import.
    if "name" in changed and user.get_full_name() != officer.name:
        user.last_name, user.first_name = split_name(officer.name)
        user_fields += ["last_name", "first_name"]
    transferred = Officer.Status.TRANSFERRED
    # Transferred officers cannot log in; coming back re-opens the account. Otherwise an
    # account an administrator disabled for another reason stays disabled.
    if officer.status == transferred and user.is_active:
        user.is_active = False
        user_fields.append("is_active")
    elif old_status == transferred != officer.status and not user.is_active:
        user.is_active = True
        user_fields.append("is_active")
    if user_fields:
        user.save(update_fields=user_fields)
    return bool(changed or domains_changed or user_fields)


def _create_officers(rows, units, domain_ids, *, initial_password, dry_run) -> list[Credential]:
    # A fixed password (demo data) is hashed once: hashing per account would take minutes.
    fixed = make_password(initial_password) if initial_password and not dry_run else None
    credentials, users = [], []
    for row in rows:
        if dry_run:
            hashed = make_password(None)
        elif fixed:
            hashed = fixed
        else:
            password = generate_password()
            hashed = make_password(password, hasher=INITIAL_HASHER)
            unit_name = units[row.unit_code].name
            credentials.append(Credential(row.employee_number, row.name, unit_name, password))
        last_name, first_name = split_name(row.name)
        users.append(
            User(
                username=row.employee_number,
                last_name=last_name,
                first_name=first_name,
                password=hashed,
                must_change_password=True,
                is_active=row.status != Officer.Status.TRANSFERRED,
            )
        )
    User.objects.bulk_create(users)
    group, _created = Group.objects.get_or_create(name=Role.OFFICER.value)
    memberships = User.groups.through
    memberships.objects.bulk_create(memberships(user_id=u.pk, group_id=group.pk) for u in users)
    officers = Officer.objects.bulk_create(
        Officer(
            user=user,
            employee_number=row.employee_number,
            name=row.name,
            unit=units[row.unit_code],
            position=row.position,
            phone=row.phone,
            certificate_number=row.certificate_number,
            certificate_issued=row.certificate_issued,
            certificate_expires=row.certificate_expires,
            status=row.status,
        )
        for user, row in zip(users, rows, strict=True)
    )
    through = Officer.domains.through
    through.objects.bulk_create(
        through(officer_id=officer.pk, domain_id=domain_ids[code])
        for officer, row in zip(officers, rows, strict=True)
        for code in row.domain_codes
    )
    return credentials
