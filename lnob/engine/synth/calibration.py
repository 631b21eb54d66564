"""The figures the synthetic county is calibrated to. docs/synthetic-county.md lists each one with
its source, and says which are assumptions."""

from __future__ import annotations

# --- areas -----------------------------------------------------------------------------------
# 镇雄县: about 1.6 million registered residents in 28 townships and about 250 villages.
PERSONS_PER_TOWNSHIP = 57_000
PERSONS_PER_VILLAGE = 6_400
TOWN_SHARE = 0.7  # share of townships that are towns (镇, codes 1xx); the rest are 乡 (2xx)
SEAT_COMMUNITY_SHARE = 0.6  # townships whose first village is a 社区 (codes 0xx)

# --- households ------------------------------------------------------------------------------
# registered household size: mean 3.7 (Zhaotong register 2021: 3.35; 6th census 2010: 4.00)
HOUSEHOLD_SIZE_P = {1: 0.09, 2: 0.17, 3: 0.21, 4: 0.22, 5: 0.16, 6: 0.09, 7: 0.04, 8: 0.015, 9: 0.005}
# head's age by household size: (mean, standard deviation)
HEAD_AGE = {1: (66.0, 12.0), 2: (60.0, 13.0), 3: (47.0, 11.0), 4: (44.0, 9.0), 5: (45.0, 9.0), 6: (48.0, 9.0)}
HEAD_AGE_LARGE = (50.0, 9.0)
MALE_HEAD = 0.86
MALE_HEAD_ALONE = 0.6
HAS_SPOUSE = 0.88
THREE_GENERATIONS = 0.65  # heads aged 50+ with 3+ further members: married child and grandchildren
WITH_PARENTS = 0.4  # heads under 50 with 2+ further members: one or two parents live with them
WITH_SIBLING = 0.02
BOY_SHARE = 0.52  # sex ratio at birth around 108-110 in rural Yunnan

# --- household status (农户属性) -------------------------------------------------------------
OUT_OF_POVERTY_SHARE = 0.33  # assumption: 镇雄 had one of the largest registered-poor populations
OTHER_STATUS_SHARE = 0.015
LEFT_POVERTY_YEAR_P = {2014: 0.04, 2015: 0.08, 2016: 0.12, 2017: 0.16, 2018: 0.22, 2019: 0.26, 2020: 0.12}
HOUSING_UNSAFE = 0.008
WATER_UNSAFE = 0.015
REGISTERED_FROM = "2014-01-01"  # the register's baseline: 建档立卡 began in 2014
REGISTERED_DAYS = 730

# --- persons ---------------------------------------------------------------------------------
DISABILITY_PREVALENCE = 0.0634  # 2nd national sample survey on disability, 2006
DISABILITY_GRADE_P = (0.12, 0.18, 0.30, 0.40)  # grades 1-4; 1+2 = 30% severe (CDPF: 29.6%)
DISABILITY_AGE_WEIGHT = ((15, 0.25), (45, 0.55), (60, 1.1), (70, 2.0), (80, 3.3), (200, 5.0))
CHRONIC_SHARE = 0.12  # registered long-term chronic illness (慢病), assumption
CHRONIC_AGE_WEIGHT = ((15, 0.05), (45, 0.3), (60, 1.2), (70, 2.5), (200, 3.2))
SERIOUS_SHARE = 0.02  # registered serious illness (大病), assumption
SERIOUS_AGE_WEIGHT = ((15, 0.2), (45, 0.5), (60, 1.3), (70, 2.0), (200, 2.3))
MARRIED_IN_ELSEWHERE = 0.15  # spouses and children-in-law born in another county nearby
MARRIED_IN_JOINED_LATER = 0.6  # children-in-law who joined by marriage after registration
MOVED_FROM_OTHER_HOUSEHOLD = 0.5  # of those: a closed membership in their parents' household

# education of adults not in school, by age band: none, primary, junior, senior, vocational, college, bachelor
EDUCATION_BY_AGE = (
    (30, (0.01, 0.08, 0.48, 0.14, 0.16, 0.08, 0.05)),
    (45, (0.04, 0.30, 0.50, 0.07, 0.05, 0.03, 0.01)),
    (60, (0.12, 0.45, 0.35, 0.05, 0.02, 0.01, 0.00)),
    (200, (0.35, 0.45, 0.17, 0.03, 0.00, 0.00, 0.00)),
)
SKILLED = 0.22  # labour-force members with a declared skill
TWO_SKILLS = 0.1
CERTIFIED = 0.3
PHONE_BY_AGE = ((16, 0.0), (60, 0.92), (75, 0.6), (200, 0.3))
BANK_ACCOUNT_ADULT = 0.7

# --- work and money (yuan per year, for the latest of the two income years) ------------------
TRANSFERRED_LABOUR_SHARE = 0.86  # project seeds: 86% of 镇雄's labour force in transferred employment
OUTSIDE_COUNTY_SHARE = 0.78  # of transferred workers, those working outside the county (assumption)
WAGE_OUTSIDE = (21_000.0, 0.35)  # lognormal (mean, sigma): wage income counted for the household
WAGE_INSIDE = (12_500.0, 0.35)
BUSINESS_SHARE = 0.85  # households with farming or business income
BUSINESS_GROSS = (31_000.0, 0.5)
BUSINESS_OUT_OF_POVERTY = 0.55  # out-of-poverty households have fewer productive assets
PRODUCTION_COST = (0.25, 0.45)  # uniform share of gross business income
PROPERTY_SHARE = 0.15
PROPERTY = (1_500.0, 0.7)
PENSION_MONTHLY = (150.0, 220.0)  # uniform; urban-rural resident basic pension, persons 60+
DIBAO_SHARE = 0.08  # households receiving 低保
DIBAO_MONTHLY = (250.0, 450.0)  # per covered member
TEKUN_ALONE_OLD = 0.12  # elderly living alone who get 特困 support
TEKUN = (7_000.0, 9_000.0)
SUBSIDY_SHARE = 0.85
SUBSIDY_BASE = 800.0
SUBSIDY_PER_MEMBER = 500.0
SUBSIDY_SEVERE_DISABILITY = 1_200.0  # 残疾人两项补贴
OTHER_TRANSFER_SHARE = 0.3
OTHER_TRANSFER = (5_000.0, 0.6)
GROWTH = (0.06, 0.12)  # year-on-year growth: log mean and sigma (first year = second / growth)

# --- spending and shocks ---------------------------------------------------------------------
MEDICAL_SERIOUS = (0.6, 12_000.0, 0.8)  # share of households with a serious illness, lognormal mean, sigma
MEDICAL_CHRONIC = (0.25, 3_000.0, 0.7)
EDUCATION_SPENDING = (0.5, {"senior": 3_000.0, "vocational": 4_000.0, "higher": 10_000.0}, 0.4)
DISASTER_LOSS = (0.015, 8_000.0, 0.8)
OTHER_RIGID = (0.01, 5_000.0, 0.7)
SHOCK_SHARE = 0.045  # households with a shock in the last 12 months
SHOCK_TYPES = {
    "illness": 0.30,
    "unstable_employment": 0.18,
    "disaster": 0.10,
    "accident": 0.08,
    "schooling": 0.08,
    "disability": 0.06,
    "business_failure": 0.06,
    "lack_of_labour": 0.05,
    "housing": 0.03,
    "drinking_water": 0.03,
    "other": 0.03,
}
SHOCK_WAGE_CUT = 0.45  # unstable employment: wages in the latest year are this share of normal
SHOCK_BUSINESS_CUT = 0.3

# --- planted risks (lnob.engine.synth.truth) -------------------------------------------------
# The accuracy harness needs households that meet each exact monitoring rule: so many are
# planted per rule (on top of those the figures above produce), and the county records them all.
MONITORING_THRESHOLD = 8_700.0  # Yunnan's 2025 monitoring range, yuan per person (云农办通〔2025〕1号)
PLANTED_SHARE = 0.002  # households planted per rule
PLANTED_MIN = 3
PLANTED_INCOME = (0.5, 0.9)  # per-capita income of a planted low-income household, share of the range
PLANTED_INCOME_FROM = (1.1, 2.0)  # per-capita income of a household given a large medical bill, share
PLANTED_AFTER_RIGID = (0.4, 0.85)  # ... and what is left per person after all its rigid spending
