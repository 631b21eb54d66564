"""Amounts of money as officials write them: 50,000.00 (the project's Chinese locale formats
numbers without grouping)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def yuan(value: Any, places: int = 2) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number:,.{int(places)}f}"


@register.filter
def yuan0(value: Any) -> str:
    return yuan(value, 0)
