"""The roster as validated data: what the reader produces and the importer applies.

A roster file has a units table (optional) and an officers table. Row numbers are the
1-based row numbers a user sees in the spreadsheet (the header is row 1).
"""

from dataclasses import dataclass, field
from datetime import date

from lianbing.errors import DomainError


@dataclass(frozen=True)
class RosterProblem:
    """One problem found in a roster file, located as precisely as possible."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self):
        where = []
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{'，'.join(where)}：{self.message}" if where else self.message


class RosterInvalid(DomainError):
    """The file was refused; `problems` lists every problem found, nothing was saved."""

    code = "roster_invalid"

    def __init__(self, problems: list[RosterProblem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class UnitRow:
    row: int
    code: str
    name: str
    parent_code: str = ""  # empty: a root unit
    kind: str = ""  # a Unit.Kind value; empty keeps the existing kind or uses "other"
    order: int = 0
    # Fields the file has no column for: an existing unit keeps its values for them.
    keep_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OfficerRow:
    row: int
    employee_number: str
    name: str
    unit_code: str
    position: str = ""
    phone: str = ""
    certificate_number: str = ""
    certificate_issued: date | None = None
    certificate_expires: date | None = None
    domain_codes: tuple[str, ...] = ()  # Domain.code values
    status: str = "active"  # an Officer.Status value
    # Fields the file has no column for (e.g. "phone", "domain_codes"): an existing officer
    # keeps its values for them, so a partial roster never blanks data it does not carry.
    keep_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Roster:
    units: tuple[UnitRow, ...] = ()
    officers: tuple[OfficerRow, ...] = ()
    unit_sheet: str = "单位"
    officer_sheet: str = "人员"


@dataclass
class Credential:
    employee_number: str
    name: str
    unit: str
    password: str


@dataclass
class RosterResult:
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    officers_created: int = 0
    officers_updated: int = 0
    officers_unchanged: int = 0
    dry_run: bool = False
    # Initial passwords of the accounts this import created (empty on a dry run).
    credentials: list[Credential] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "units_created": self.units_created,
            "units_updated": self.units_updated,
            "units_unchanged": self.units_unchanged,
            "officers_created": self.officers_created,
            "officers_updated": self.officers_updated,
            "officers_unchanged": self.officers_unchanged,
            "dry_run": self.dry_run,
        }
