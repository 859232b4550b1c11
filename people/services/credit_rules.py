"""The year's credit rules as pure functions: how many claimed hours count."""

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Credited:
    hours: Decimal
    # "daily_cap" or "annual_cap" when a cap cut the claim, else "".
    limited_by: str = ""


def capped_hours(
    claimed: Decimal,
    *,
    daily_cap: Decimal | None,
    annual_cap: Decimal | None,
    used_today: Decimal,
    used_this_year: Decimal,
) -> Credited:
    """The part of `claimed` that fits under the caps, given what already counted.

    Nothing negative is ever credited: a day already over its cap (say, after the cap was
    lowered mid-year) credits 0, it does not take back hours credited earlier.
    """
    hours = max(claimed, ZERO)
    limited_by = ""
    if daily_cap is not None:
        room = max(daily_cap - used_today, ZERO)
        if hours > room:
            hours, limited_by = room, "daily_cap"
    if annual_cap is not None:
        room = max(annual_cap - used_this_year, ZERO)
        if hours > room:
            hours, limited_by = room, "annual_cap"
    return Credited(hours=hours, limited_by=limited_by)


def required_hours(position: str, *, default: Decimal, by_position: dict[str, Decimal]) -> Decimal:
    """The hours an officer must earn in the year: by their 职务 if the year says so."""
    return by_position.get((position or "").strip(), default)
