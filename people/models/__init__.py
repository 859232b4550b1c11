"""People: the organisation (units, officers, roles, HR scopes), the training-hour ledger
and the annual capacity-building programme."""

from people.models.ledger import HourEntry, OfficerYearHours
from people.models.org import AuditEntry, Domain, HRScope, Officer, Unit, User
from people.models.programme import (
    AnnualProgramme,
    CreditRule,
    HourRequirement,
    ProgrammePhase,
    UnitTarget,
)

__all__ = [
    "AnnualProgramme",
    "AuditEntry",
    "CreditRule",
    "Domain",
    "HRScope",
    "HourEntry",
    "HourRequirement",
    "Officer",
    "OfficerYearHours",
    "ProgrammePhase",
    "Unit",
    "UnitTarget",
    "User",
]
