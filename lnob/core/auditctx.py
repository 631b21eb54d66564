"""The area an audit entry belongs to, when the record cannot tell yet (a person is created a
moment before the membership that places them in a village)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_area: ContextVar[int | None] = ContextVar("lnob_audit_area", default=None)


@contextmanager
def audit_area(code: int) -> Iterator[None]:
    token = _area.set(code)
    try:
        yield
    finally:
        _area.reset(token)


def area_hint() -> int | None:
    return _area.get()
