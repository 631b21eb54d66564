"""The training channel's registers (lnob.employment.registers): courses, trainees (with
completion and certificate), attendance, allowance payments, 雨露计划 students and their payments.

Each is keyed on natural keys, so the same file again changes nothing: a course on its area, title
and first day; a trainee on the course and resident ID; an attendance on those and the day; a
payment on its voucher number. The rules are the services' rules, checked in bulk (a few queries
per file, whatever its size). Files naming persons hold resident IDs: those registers are
sensitive (export needs VIEW_SENSITIVE and is audited).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from lnob.areas.roles import Capability
from lnob.employment.registers import Register, register_table

from .registers.common import label
from .registers.courses import COURSES, dump_courses, load_courses
from .registers.money import (
    ALLOWANCE_PAYMENTS,
    RAIN_DEW_PAYMENTS,
    RAIN_DEW_STUDENTS,
    dump_allowance_payments,
    dump_rain_dew_payments,
    dump_rain_dew_students,
    load_allowance_payments,
    load_rain_dew_payments,
    load_rain_dew_students,
)
from .registers.trainees import (
    ATTENDANCE,
    ENROLMENTS,
    dump_attendance,
    dump_enrolments,
    load_attendance,
    load_enrolments,
)

MANAGE, PAY = Capability.MANAGE_EMPLOYMENT, Capability.APPROVE_PAYMENTS
register_table(Register(COURSES, load_courses, dump_courses, MANAGE, label=label(gettext_lazy("培训班"))))
register_table(
    Register(
        ENROLMENTS,
        load_enrolments,
        dump_enrolments,
        MANAGE,
        sensitive=True,
        label=label(gettext_lazy("培训学员")),
    )
)
register_table(
    Register(
        ATTENDANCE,
        load_attendance,
        dump_attendance,
        MANAGE,
        sensitive=True,
        label=label(gettext_lazy("培训考勤")),
    )
)
register_table(
    Register(
        ALLOWANCE_PAYMENTS,
        load_allowance_payments,
        dump_allowance_payments,
        PAY,
        sensitive=True,
        label=label(gettext_lazy("培训生活费补贴发放")),
    )
)
register_table(
    Register(
        RAIN_DEW_STUDENTS,
        load_rain_dew_students,
        dump_rain_dew_students,
        MANAGE,
        sensitive=True,
        label=label(gettext_lazy("雨露计划学生")),
    )
)
register_table(
    Register(
        RAIN_DEW_PAYMENTS,
        load_rain_dew_payments,
        dump_rain_dew_payments,
        PAY,
        sensitive=True,
        label=label(gettext_lazy("雨露计划补助发放")),
    )
)
