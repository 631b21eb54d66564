"""The one rule of the figures that is data: the zero-employment household (零就业家庭).

Shaanxi's definition (policy reference §6): no member of working age, able and willing to work,
is employed, or the members worked at most 3 months in a year. The months are a parameter of an
`employment.EmploymentPolicy` row (kind below), seeded nationally with Shaanxi's 3 months in this
app's data migration; a province or county that counts otherwise adds its own row.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

ZERO_EMPLOYMENT = "measures.zero_employment"
SOURCE = "http://foping.gov.cn/fpxzf/liuwen/202401/99c5b5c1ea2741d68996b9d1806b4a9b.shtml"


class ZeroEmployment(BaseModel):
    # a household is zero-employment when nobody available for work worked MORE than this many
    # months in the last 12
    max_months: float = Field(default=3.0, ge=0, le=12)
