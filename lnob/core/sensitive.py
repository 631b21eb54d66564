"""Sensitive personal fields: who may see them, how they are masked, and the record of every view.

The ID number, phone, bank account and health status are shown only to roles holding
Capability.VIEW_SENSITIVE in the person's area. Every such view writes an ACCESS entry to the
audit trail (django-auditlog's LogEntry) naming the fields shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.context import set_actor
from auditlog.models import LogEntry

SENSITIVE_FIELDS = ("id_number", "phone", "bank_account", "health")


def mask(value: str | None, keep_start: int = 3, keep_end: int = 2) -> str:
    """Keep a few leading and trailing characters so a cadre can tell records apart."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id(value: str) -> str:
    return mask(value, 6, 4) if value else ""


def record_access(*, actor: Any, instance: Any, fields: Iterable[str], reason: str = "") -> LogEntry:
    """Write one ACCESS entry: who saw which sensitive fields of which record, and when."""
    shown = sorted(set(fields))
    data = {**instance.get_additional_data(), "fields": shown, "reason": reason}
    return log_access(actor=actor, instance=instance, changes={"viewed": shown}, additional_data=data)


def log_access(
    *, actor: Any, instance: Any, changes: dict[str, Any], additional_data: dict[str, Any], **extra: Any
) -> LogEntry:
    """An ACCESS entry in the audit trail; `additional_data["area"]` scopes who may read it."""
    with set_actor(actor):
        entry = LogEntry.objects.log_create(
            instance,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            actor=actor,
            changes=changes,
            additional_data=additional_data,
            **extra,
        )
    assert entry is not None  # force_log always writes
    return entry
