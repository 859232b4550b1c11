"""Demo data for the organisation: a believable city service, built through the services.

DEMO ONLY. Everyone gets the password `DEMO_PASSWORD`; never load this into production.

The data is deterministic (`random.Random(DEMO_SEED)`), so every machine gets the same names,
工号 and units, and loading it again changes nothing. `manage.py load_demo` runs the steps;
this module provides the organisation step, later steps (courses, questions, records) follow
the same shape: a function taking a `DemoConfig` and returning a `StepReport`.

Unit codes (stable; tests and later demo steps refer to them):
    QS              全市文化市场综合执法 (root, service)
    SJ              市文化市场综合执法局 (the city bureau, 市局)
    SJ01 … SJ06     its divisions (办公室, 法制处) and detachments (执法一/二/三支队, 网络执法支队)
    SN SB LC LS HD CY JM JZ PD LX
                    the ten district bureaus (市南区 … 莱西市文化执法局), children of the root
    SN01, SN02 …    their squads (市南一中队 …)
Officers' 工号 run from 10001 in unit order.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from people.models import Officer, Unit, User
from people.roles import Role
from people.services.accounts import create_staff_user
from people.services.roster_import import import_roster
from people.services.roster_types import OfficerRow, Roster, RosterResult, UnitRow

DEMO_PASSWORD = "lianbing2026"  # DEMO ONLY: the one password of every demo account.
DEMO_SEED = 2026
DEFAULT_OFFICERS = 300
FIRST_EMPLOYEE_NUMBER = 10001

ROOT_CODE = "QS"
CITY_BUREAU_CODE = "SJ"
DOMAIN_CODES = ("press", "copyright", "performance", "relics", "broadcasting", "internet")


@dataclass
class DemoConfig:
    officers: int = DEFAULT_OFFICERS
    actor: User | None = None


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    name: str
    scope: str
    password: str = DEMO_PASSWORD
    note: str = ""


@dataclass
class StepReport:
    title: str
    lines: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


# --- The unit tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    parent: str = ""
    weight: int = 0  # share of the officers
    theme: tuple[str, ...] = ()  # the domains its officers mostly work in
    leaders: tuple[str, ...] = ()  # positions of its first officers
    staff: tuple[str, ...] = ()  # positions of the others, drawn at random


K = Unit.Kind
SQUAD_ORDINALS = "一二三"
SQUAD_THEMES = (("internet", "performance"), ("press", "copyright"), ("relics", "broadcasting"))
DIVISION_STAFF = ("一级主任科员", "四级主办", "三级主办", "一级科员", "科员")
FIELD_STAFF = ("执法队员", "执法队员", "四级主办", "三级主办", "二级主办", "一级行政执法员", "科员")
DISTRICTS = (  # code, place, number of squads
    ("SN", "市南区", 3),
    ("SB", "市北区", 3),
    ("LC", "李沧区", 2),
    ("LS", "崂山区", 2),
    ("HD", "黄岛区", 3),
    ("CY", "城阳区", 2),
    ("JM", "即墨区", 2),
    ("JZ", "胶州市", 2),
    ("PD", "平度市", 2),
    ("LX", "莱西市", 1),
)


def unit_tree() -> tuple[DemoUnit, ...]:
    """Every demo unit, parents before children."""
    detachment = {"kind": K.DETACHMENT, "parent": CITY_BUREAU_CODE, "staff": FIELD_STAFF}
    detachment_leaders = ("支队长", "副支队长", "副支队长")
    units = [
        DemoUnit(ROOT_CODE, "全市文化市场综合执法", K.SERVICE),
        DemoUnit(CITY_BUREAU_CODE, "市文化市场综合执法局", K.CITY_BUREAU, ROOT_CODE, 3,
                 leaders=("局长", "副局长", "副局长"), staff=("二级调研员", "四级调研员")),
        DemoUnit("SJ01", "办公室", K.DIVISION, CITY_BUREAU_CODE, 5,
                 leaders=("主任", "副主任"), staff=DIVISION_STAFF),
        DemoUnit("SJ02", "法制处", K.DIVISION, CITY_BUREAU_CODE, 6, DOMAIN_CODES,
                 leaders=("处长", "副处长"), staff=DIVISION_STAFF),
        DemoUnit("SJ03", "执法一支队", weight=14, theme=("press", "copyright"),
                 leaders=detachment_leaders, **detachment),
        DemoUnit("SJ04", "执法二支队", weight=14, theme=("performance", "broadcasting"),
                 leaders=detachment_leaders, **detachment),
        DemoUnit("SJ05", "执法三支队", weight=12, theme=("relics",),
                 leaders=detachment_leaders, **detachment),
        DemoUnit("SJ06", "网络执法支队", weight=12, theme=("internet",),
                 leaders=detachment_leaders, **detachment),
    ]  # fmt: skip
    for code, place, squads in DISTRICTS:
        units.append(
            DemoUnit(code, f"{place}文化执法局", K.DISTRICT_BUREAU, ROOT_CODE, 3,
                     leaders=("局长", "副局长"), staff=("科长", "科员"))
        )  # fmt: skip
        for number in range(1, squads + 1):
            ordinal = SQUAD_ORDINALS[number - 1]
            units.append(
                DemoUnit(f"{code}{number:02d}", f"{place[:-1]}{ordinal}中队", K.SQUAD, code, 9,
                         SQUAD_THEMES[number - 1], ("中队长", "副中队长"), FIELD_STAFF)
            )  # fmt: skip
    return tuple(units)


# --- Names, phones, certificates -------------------------------------------------------------

# The first surnames are the most common ones and are drawn three times as often.
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢"
    "蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟"
    "龙万段雷钱汤尹黎易常武乔贺龚文宫隋逄栾"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "司徒")
MALE_CHARACTERS = (
    "伟刚勇毅俊峰强军平东文辉力明永健志兴良海波宁福龙国胜学祥才武新利清飞彬顺杰涛成康光天达"
    "安岩中林坚博诚振思豪承乐磊民哲江超浩亮政鸣朋斌栋维启克翔旭鹏泽晨建家德泰雄琛钧航"
)
FEMALE_CHARACTERS = (
    "秀娟英华慧美娜静淑惠玉萍红玲芬芳燕春兰凤洁梅琳云莲雪荣霞艳瑞佳嘉琼珍莉晶妍茜秋婷婉颖露"
    "瑶怡丹蓉君琴蕊薇梦岚馨悦冰琪晴雯萱雨欣晓丽"
)
# Characters outside the most common fonts' usual test strings: certificates must render them.
RARE_CHARACTERS = "喆堃燚昇珺玥翀"
RARE_EVERY = 47  # every 47th officer (from the 12th) has one
PHONE_PREFIXES = tuple(f"13{d}" for d in range(10)) + (
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "185", "186", "187", "188", "189",
)  # fmt: skip
# Year of issue of enforcement certificates and its weight; valid for six years, so the
# few issued in 2019–2020 have expired.
CERTIFICATE_YEARS = {2019: 2, 2020: 3, 2021: 20, 2022: 25, 2023: 26, 2024: 24}
CERTIFICATE_YEARS_VALID = 6


def person_name(rng: random.Random, index: int) -> str:
    if rng.random() < 0.02:
        surname = rng.choice(COMPOUND_SURNAMES)
    else:
        weights = [3 if i < 12 else 1 for i in range(len(SURNAMES))]
        surname = rng.choices(SURNAMES, weights)[0]
    characters = MALE_CHARACTERS if rng.random() < 0.62 else FEMALE_CHARACTERS
    length = 1 if rng.random() < 0.28 else 2
    given = "".join(rng.sample(characters, length))
    if index % RARE_EVERY == 11:
        rare = RARE_CHARACTERS[(index // RARE_EVERY) % len(RARE_CHARACTERS)]
        given = given[:-1] + rare
    return surname + given


def phone_number(rng: random.Random, taken: set[str]) -> str:
    while True:
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in taken:
            taken.add(phone)
            return phone


def certificate(rng: random.Random, serials: dict[int, int]) -> tuple[str, date, date]:
    year = rng.choices(list(CERTIFICATE_YEARS), list(CERTIFICATE_YEARS.values()))[0]
    issued = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    expires = date(year + CERTIFICATE_YEARS_VALID, 1, 1) + (issued - date(year, 1, 1))
    serials[year] = serials.get(year, 100) + rng.randint(1, 9)
    return f"文执字第{year}{serials[year]:04d}号", issued, expires - timedelta(days=1)


def domains_for(rng: random.Random, unit: DemoUnit) -> tuple[str, ...]:
    theme = unit.theme or DOMAIN_CODES
    chosen = {rng.choice(theme) if rng.random() < 0.9 else rng.choice(DOMAIN_CODES)}
    extra = (rng.random() < 0.45) + (rng.random() < 0.2)
    chosen.update(rng.sample([code for code in DOMAIN_CODES if code not in chosen], extra))
    return tuple(code for code in DOMAIN_CODES if code in chosen)


# --- The roster ------------------------------------------------------------------------------


def allocate(total: int, units: tuple[DemoUnit, ...]) -> dict[str, int]:
    """Split `total` officers over the units by weight (largest remainder, exact sum)."""
    weighted = [unit for unit in units if unit.weight]
    weight = sum(unit.weight for unit in weighted)
    shares = {unit.code: total * unit.weight / weight for unit in weighted}
    counts = {code: int(share) for code, share in shares.items()}
    by_remainder = sorted(shares, key=lambda code: counts[code] - shares[code])
    for code in by_remainder[: total - sum(counts.values())]:
        counts[code] += 1
    return counts


def build_roster(officers: int = DEFAULT_OFFICERS) -> Roster:
    """The demo roster, as if read from an HR spreadsheet (header in row 1)."""
    rng = random.Random(DEMO_SEED)
    units = unit_tree()
    unit_rows = tuple(
        UnitRow(row=order + 2, code=unit.code, name=unit.name, parent_code=unit.parent,
                kind=str(unit.kind), order=order)
        for order, unit in enumerate(units)
    )  # fmt: skip
    counts = allocate(officers, units)
    phones: set[str] = set()
    serials: dict[int, int] = {}
    officer_rows = []
    for unit in units:
        names: set[str] = set()
        for position_index in range(counts.get(unit.code, 0)):
            index = len(officer_rows)
            name = person_name(rng, index)
            while name in names:  # no two officers of a unit share a name
                name = person_name(rng, index)
            names.add(name)
            leader = position_index < len(unit.leaders)
            position = unit.leaders[position_index] if leader else rng.choice(unit.staff)
            number, issued, expires = certificate(rng, serials)
            if unit.code == "SJ01" and not leader and rng.random() < 0.5:
                number, issued, expires = "", None, None  # office staff without enforcement duty
            roll = rng.random()
            status = Officer.Status.ACTIVE
            if not leader and roll < 0.03:
                status = Officer.Status.AWAY
            elif not leader and roll < 0.05:
                status = Officer.Status.TRANSFERRED
            officer_rows.append(
                OfficerRow(
                    row=index + 2,
                    employee_number=str(FIRST_EMPLOYEE_NUMBER + index),
                    name=name,
                    unit_code=unit.code,
                    position=position,
                    phone=phone_number(rng, phones),
                    certificate_number=number,
                    certificate_issued=issued,
                    certificate_expires=expires,
                    domain_codes=domains_for(rng, unit),
                    status=str(status),
                )
            )
    return Roster(units=unit_rows, officers=tuple(officer_rows))


# --- Staff accounts --------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    role: Role
    hr_unit_codes: tuple[str, ...] = ()


STAFF = (
    StaffSpec("admin", "于海涛", Role.ADMINISTRATOR),
    StaffSpec("HR001", "王丽娟", Role.HR, (ROOT_CODE,)),
    StaffSpec("HR101", "刘晓燕", Role.HR, ("SN",)),
    StaffSpec("HR102", "陈志强", Role.HR, ("HD",)),
    StaffSpec("T001", "张建国", Role.TRAINER),
    StaffSpec("T002", "李文博", Role.TRAINER),
    StaffSpec("T003", "赵雅琴", Role.TRAINER),
    StaffSpec("T004", "欧阳明辉", Role.TRAINER),
    StaffSpec("T005", "孙堃", Role.TRAINER),
)


def ensure_staff_accounts(*, actor=None) -> list[DemoLogin]:
    """Create the demo staff accounts that do not exist yet; existing ones are left alone."""
    units = {unit.code: unit for unit in Unit.objects.all()}
    password_hash = None
    logins = []
    for spec in STAFF:
        hr_units = [units[code] for code in spec.hr_unit_codes]
        exists = User.objects.filter(username__iexact=spec.username).exists()
        if not exists:
            # Hashed once for all staff: the default hasher takes about half a second.
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            create_staff_user(
                username=spec.username,
                name=spec.name,
                roles=[spec.role],
                password_hash=password_hash,
                hr_units=hr_units,
                must_change_password=False,
                actor=actor,
            )
        scope = "、".join(unit.name for unit in hr_units)
        if spec.role == Role.ADMINISTRATOR:
            scope = "全部"
        elif spec.role == Role.TRAINER:
            scope = "课程与题库"
        logins.append(
            DemoLogin(
                role=spec.role.value,
                username=spec.username,
                name=spec.name,
                scope=scope,
                note="已存在，未改动" if exists else "",
            )
        )
    return logins


SAMPLE_OFFICER_UNITS = ("SJ03", "SN01", "HD02", "LX01")


def sample_officer_logins(limit: int = 3) -> list[DemoLogin]:
    """A few demo officers from different units, to try the learner's side."""
    officers = Officer.objects.select_related("unit", "user").order_by("employee_number")
    preferred = [officers.filter(unit__code=code).first() for code in SAMPLE_OFFICER_UNITS]
    chosen: dict[int, Officer] = {}
    for officer in [*preferred, *officers[:100]]:
        if officer is not None and officer.unit_id not in chosen and len(chosen) < limit:
            chosen[officer.unit_id] = officer
    return [
        DemoLogin(
            role=Role.OFFICER.value,
            username=officer.employee_number,
            name=officer.name,
            scope=" / ".join(
                unit.name for unit in [*officer.unit.get_ancestors()[1:], officer.unit]
            ),
            note="首次登录须修改密码" if officer.user.must_change_password else "已修改过初始密码",
        )
        for officer in chosen.values()
    ]


# --- The step --------------------------------------------------------------------------------


def describe(result: RosterResult) -> list[str]:
    return [
        f"单位：新增 {result.units_created}，更新 {result.units_updated}，"
        f"未变 {result.units_unchanged}",
        f"执法人员：新增 {result.officers_created}，更新 {result.officers_updated}，"
        f"未变 {result.officers_unchanged}",
    ]


def load_organisation(config: DemoConfig) -> StepReport:
    """Units and officers through the roster import, then the staff accounts."""
    result = import_roster(
        roster=build_roster(config.officers), actor=config.actor, initial_password=DEMO_PASSWORD
    )
    staff = ensure_staff_accounts(actor=config.actor)
    return StepReport(
        title="组织机构与账号",
        lines=describe(result),
        logins=staff + sample_officer_logins(),
    )
