"""The fairs' registers (lnob.employment.registers): the fairs, their recruiters' vacancies, the
attendees, and the outcomes of their applications. Each file is checked whole and applied in one
transaction, keyed on natural keys so the same file again changes nothing, and exported in the
same format so an export goes back in unchanged.

- `fairs`: a fair by its code (unique in the county).
- `fair_vacancies`: one row per vacancy offered at a fair; its employer joins the fair as a
  recruiter (and the county's list, by its credit code and name, if it came from elsewhere). The
  vacancy itself is the ledger's, checked and written by the ledger's own `vacancies` load.
- `fair_attendees` (resident IDs): who came to find work.
- `fair_outcomes` (resident IDs): each application and how far it went; a new hire writes the
  person's spell with the same rules as a hire on screen, in bulk.
"""

from django.utils.translation import gettext_lazy

from lnob.areas.roles import Capability
from lnob.employment.registers import Register, register_table

from .fairs import FAIR_VACANCIES, FAIRS, dump_fair_vacancies, dump_fairs, load_fair_vacancies, load_fairs
from .people import (
    FAIR_ATTENDEES,
    FAIR_OUTCOMES,
    dump_fair_attendees,
    dump_fair_outcomes,
    load_fair_attendees,
    load_fair_outcomes,
)

register_table(
    Register(FAIRS, load_fairs, dump_fairs, Capability.MANAGE_EMPLOYMENT, label=gettext_lazy("招聘会"))
)
register_table(
    Register(
        FAIR_VACANCIES,
        load_fair_vacancies,
        dump_fair_vacancies,
        Capability.MANAGE_EMPLOYMENT,
        label=gettext_lazy("招聘会参会单位及岗位"),
    )
)
register_table(
    Register(
        FAIR_ATTENDEES,
        load_fair_attendees,
        dump_fair_attendees,
        Capability.EDIT_REGISTRY,
        sensitive=True,
        label=gettext_lazy("招聘会求职登记"),
    )
)
register_table(
    Register(
        FAIR_OUTCOMES,
        load_fair_outcomes,
        dump_fair_outcomes,
        Capability.EDIT_REGISTRY,
        sensitive=True,
        label=gettext_lazy("招聘会面试及录用结果"),
    )
)

__all__ = ["FAIRS", "FAIR_ATTENDEES", "FAIR_OUTCOMES", "FAIR_VACANCIES"]
