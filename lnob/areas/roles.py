"""Roles a user can hold in an area, and what each may do there.

A role grants capabilities; an assignment pins the role to an area. A user may act on an object
only when one assignment both holds the capability and covers the object's area.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇干部")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    DEPARTMENT_OFFICER = "department_officer", _("部门数据专员")
    WORKSHOP_MANAGER = "workshop_manager", _("帮扶车间负责人")
    WORKSTATION_OFFICER = "workstation_officer", _("劳务工作站专员")
    AUDITOR = "auditor", _("审计员")


class Capability(StrEnum):
    VIEW_REGISTRY = "view_registry"
    EDIT_REGISTRY = "edit_registry"
    VIEW_SENSITIVE = "view_sensitive"  # ID number, phone, bank account, health
    VIEW_AUDIT = "view_audit"
    MANAGE_AREAS = "manage_areas"
    RUN_SWEEP = "run_sweep"  # start a county-wide monitoring sweep or a what-if run
    # the steps of a monitoring case (docs/monitoring.md, "Cases"): each level does its own
    CASE_VILLAGE = "case_village"  # take a lead, home visit, data comparison, village review, notice
    CASE_TOWNSHIP = "case_township"  # township review
    CASE_COUNTY = "case_county"  # county approval, assignment, escalations
    # upload a line department's alerts (the `alerts` exchange table) for the area, and nothing
    # else: a department officer neither reads nor edits the registry
    SUBMIT_ALERTS = "submit_alerts"
    # employment channels (docs/employment.md): set up and run workshops, workstations, job fairs,
    # public-welfare posts, courses and loans of the area
    MANAGE_EMPLOYMENT = "manage_employment"
    # approve subsidy claims and record payments (the county signs money off)
    APPROVE_PAYMENTS = "approve_payments"
    # a workshop manager acts on the workshops they are named manager of, and sees only those
    # workshops' own workers; a workstation officer likewise for their stations' rosters
    MANAGE_OWN_WORKSHOP = "manage_own_workshop"
    MANAGE_OWN_WORKSTATION = "manage_own_workstation"


CAPABILITIES: dict[str, frozenset[Capability]] = {
    # a county administrator may do anything in the county but a village's or a township's own
    # steps of a case: the procedure wants each level to sign its own step
    Role.COUNTY_ADMIN: frozenset(Capability) - {Capability.CASE_VILLAGE, Capability.CASE_TOWNSHIP},
    Role.TOWNSHIP_OFFICER: frozenset(
        {
            Capability.VIEW_REGISTRY,
            Capability.EDIT_REGISTRY,
            Capability.VIEW_SENSITIVE,
            Capability.CASE_TOWNSHIP,
            Capability.MANAGE_EMPLOYMENT,
        }
    ),
    Role.VILLAGE_CADRE: frozenset(
        {
            Capability.VIEW_REGISTRY,
            Capability.EDIT_REGISTRY,
            Capability.VIEW_SENSITIVE,
            Capability.CASE_VILLAGE,
        }
    ),
    # Auditors read everything in their area and change nothing. They check procedure, not
    # identities, so personal fields stay masked for them too.
    Role.AUDITOR: frozenset({Capability.VIEW_REGISTRY, Capability.VIEW_AUDIT}),
    # These three see only what they supplied or manage. A department officer uploads the
    # department's alerts and sees only their own import batches; a workshop manager or a
    # workstation officer sees only the workshops or stations they are named on, and their workers.
    Role.DEPARTMENT_OFFICER: frozenset({Capability.SUBMIT_ALERTS}),
    Role.WORKSHOP_MANAGER: frozenset({Capability.MANAGE_OWN_WORKSHOP}),
    Role.WORKSTATION_OFFICER: frozenset({Capability.MANAGE_OWN_WORKSTATION}),
}


def roles_with(capability: Capability) -> list[str]:
    return [role for role, caps in CAPABILITIES.items() if capability in caps]
