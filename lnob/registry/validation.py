"""Field rules for a valid person, written once and used by services, the API and imports."""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache
from importlib import resources

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from lnob.core.errors import DomainError, Msg


def normalise_id(raw: str) -> str:
    """Fold full-width digits, strip spaces and upper-case a trailing x (all common in Excel)."""
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "")
    return text.upper()


def parse_resident_id(raw: str, field: str = "id_number") -> tuple[str, str, dt.date]:
    """Validate an 18-digit resident ID; return (normalised, sex 'M'/'F', birth date).

    Checks the checksum, that the birth date is a real date, not in the future, and the
    birthplace code against python-stdnum's table of administrative codes.
    """
    number = normalise_id(raw)
    try:
        number = ric.validate(number)
        if len(number) != 18:
            raise stdnum_errors.InvalidLength()
        birth = ric.get_birth_date(number)
        ric.get_birth_place(number)
    except stdnum_errors.InvalidChecksum:
        raise DomainError(field, raw, Msg.ID_INVALID.format(reason=_("校验码错误"))) from None
    except stdnum_errors.InvalidLength:
        raise DomainError(field, raw, Msg.ID_INVALID.format(reason=_("应为18位"))) from None
    except (stdnum_errors.InvalidComponent, KeyError):
        # KeyError: python-stdnum knows the province but not the county part of the code
        raise DomainError(field, raw, Msg.ID_INVALID.format(reason=_("出生日期或出生地代码不存在"))) from None
    except stdnum_errors.InvalidFormat:
        raise DomainError(field, raw, Msg.ID_INVALID.format(reason=_("格式错误"))) from None
    if birth > dt.date.today():
        raise DomainError(field, raw, Msg.ID_INVALID.format(reason=_("出生日期在未来")))
    sex = "M" if int(number[16]) % 2 else "F"
    return number, sex, birth


@lru_cache(maxsize=1)
def ethnicities() -> frozenset[str]:
    """The 56 recognised ethnic groups, from the table shipped with the cpca package."""
    text = resources.files("cpca.resources").joinpath("56_nations.csv").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def check_ethnicity(value: str, field: str = "ethnicity") -> str:
    name = value.strip()
    if name and not name.endswith("族") and f"{name}族" in ethnicities():
        name = f"{name}族"
    if name not in ethnicities():
        raise DomainError(field, value, Msg.UNKNOWN_ETHNICITY)
    return name


def check_amount(value: object, field: str = "amount") -> None:
    if value is None or float(value) < 0:  # type: ignore[arg-type]
        raise DomainError(field, value, Msg.NEGATIVE_AMOUNT)


def check_period(start: dt.date, end: dt.date, field: str = "period_end") -> None:
    if end < start:
        raise DomainError(field, end, Msg.PERIOD_REVERSED)
