from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "can_view_audit": bool(scope_ranges(user, Capability.VIEW_AUDIT)),
        "can_view_registry": bool(scope_ranges(user, Capability.VIEW_REGISTRY)),
        "can_edit_registry": bool(scope_ranges(user, Capability.EDIT_REGISTRY)),
        "can_submit_alerts": bool(scope_ranges(user, Capability.SUBMIT_ALERTS)),
        "can_manage_own_workshop": bool(scope_ranges(user, Capability.MANAGE_OWN_WORKSHOP)),
        "can_manage_own_workstation": bool(scope_ranges(user, Capability.MANAGE_OWN_WORKSTATION)),
    }
