"""The household features of `features.compute`, written once more as one hand-written DuckDB query.

This module exists for two things only: the benchmark, which compares its speed with the polars
engine, and the tests, which use it as an independent cross-check of the formulas. The app itself
runs the polars engine (`lnob.engine.monitor.features`); that module is the specification, and
this query must give the same columns, types and values (up to the order of float sums).

Every window bound and setting is a query parameter; only the per-risk-type shock columns are
spliced into the text, as quoted identifiers, because their names depend on the settings.
"""

from __future__ import annotations

import duckdb
import polars as pl

from .features import (
    ALERTS,
    COMPULSORY,
    COMPULSORY_AGE_BELOW,
    SPELLS,
    Inputs,
    Settings,
    feature_columns,
    windows,
)

# $w0_start .. $w1_end are the closed windows W0 and W1 of `features.windows`. A money record
# counts in a window in proportion to the days of its closed period inside the window.
QUERY = """
WITH
-- persons: age on the as-of date, then labour capacity (a recorded override wins)
people AS (
    SELECT
        household_id, person_id, enrolment, health, disability_grade, labour_override,
        $as_of_year - year(birth_date)
            - CASE WHEN month(birth_date) > $as_of_month
                     OR (month(birth_date) = $as_of_month AND day(birth_date) > $as_of_day)
                   THEN 1 ELSE 0 END AS age
    FROM persons
),
capacity AS (
    SELECT
        *,
        CASE
            WHEN labour_override <> '' THEN labour_override
            WHEN age < $working_age_low OR age > $working_age_high THEN 'not_working_age'
            WHEN health = 'serious' OR disability_grade <= 2 THEN 'none'
            WHEN health = 'chronic' OR disability_grade IN (3, 4) THEN 'partial'
            ELSE 'full'
        END AS labour
    FROM people
),

-- money records: the period's length and the days of it inside W1 and W0
income_rows AS (
    SELECT
        household_id, person_id, kind, amount,
        period_end - period_start + 1 AS length,
        greatest(least(period_end, $w1_end) - greatest(period_start, $w1_start) + 1, 0) AS days_w1,
        greatest(least(period_end, $w0_end) - greatest(period_start, $w0_start) + 1, 0) AS days_w0
    FROM incomes
),
spending AS (  -- only the expenditure that falls (with a positive amount) inside W1
    SELECT household_id, person_id, kind, a1
    FROM (
        SELECT
            household_id, person_id, kind,
            amount * (greatest(least(period_end, $w1_end) - greatest(period_start, $w1_start) + 1, 0)
                      / (period_end - period_start + 1)) AS a1
        FROM expenditures
    )
    WHERE a1 > 0
),

-- months worked in W1 by a person: days of W1 covered by their own wage records, at most all of W1
wage_months AS (
    SELECT person_id, least(sum(days_w1), $w1_days)::DOUBLE / $w1_days * 12 AS months
    FROM income_rows
    WHERE kind = 'wages' AND person_id IS NOT NULL
    GROUP BY person_id
),
-- or, when more, the days of W1 inside their spells in work in the ledger, overlaps counted once:
-- sorted by start, a spell adds the days after the latest end of the spells before it
spells_w1 AS (
    SELECT person_id, greatest("start", $w1_start) AS s, least(coalesce("end", $w1_end), $w1_end) AS e
    FROM spells
),
ledger_months AS (
    SELECT person_id,
           sum(greatest(e - greatest(s, coalesce(reach + 1, s)) + 1, 0))::DOUBLE / $w1_days * 12 AS months
    FROM (
        SELECT person_id, s, e,
               max(e) OVER (PARTITION BY person_id ORDER BY s, e
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
        FROM spells_w1
        WHERE e >= s
    )
    GROUP BY person_id
),
months_worked AS (
    SELECT person_id, greatest(coalesce(w.months, 0), coalesce(l.months, 0)) AS months_worked
    FROM wage_months AS w FULL OUTER JOIN ledger_months AS l USING (person_id)
),

-- members who lost work within W1: every spell in work of theirs ended before the as-of date
-- (W1's end), the last of them inside W1
lost_workers AS (
    SELECT person_id
    FROM spells
    WHERE "start" <= $w1_end
    GROUP BY person_id
    HAVING max(coalesce("end", $w1_end)) < $w1_end AND max(coalesce("end", $w1_end)) >= $w1_start
),
lost_features AS (
    SELECT c.household_id, count(*) AS workers_lost
    FROM capacity AS c JOIN lost_workers USING (person_id)
    GROUP BY c.household_id
),
lost_wages AS (  -- the wages their own records brought the household over W1
    SELECT household_id, sum(amount * (days_w1::DOUBLE / length)) AS wages_lost
    FROM income_rows JOIN lost_workers USING (person_id)
    WHERE kind = 'wages'
    GROUP BY household_id
),

person_features AS (
    SELECT
        c.household_id,
        count(*) AS members,
        count(*) FILTER (WHERE labour = 'full') AS labour_full,
        count(*) FILTER (WHERE labour = 'partial') AS labour_partial,
        count(*) FILTER (WHERE labour = 'none') AS labour_none,
        count(*) FILTER (WHERE labour = 'not_working_age') AS not_working_age,
        -- available: able to work and not a pupil or student (a dropout is available)
        count(*) FILTER (
            WHERE labour IN ('full', 'partial') AND enrolment IN ('not_in_school', 'dropped_out')
        ) AS available_workers,
        count(*) FILTER (
            WHERE labour IN ('full', 'partial') AND enrolment IN ('not_in_school', 'dropped_out')
              AND coalesce(m.months_worked, 0) > $worked_months_min
        ) AS workers_over_3_months,
        max(coalesce(m.months_worked, 0)) FILTER (
            WHERE labour IN ('full', 'partial') AND enrolment IN ('not_in_school', 'dropped_out')
        ) AS months_worked_max,
        count(*) FILTER (WHERE health = 'serious') AS ill_serious,
        count(*) FILTER (WHERE health = 'chronic') AS ill_chronic,
        count(disability_grade) AS disabled,
        count(*) FILTER (WHERE disability_grade <= 2) AS disabled_severe,
        count(*) FILTER (WHERE list_contains($compulsory::VARCHAR[], enrolment)) AS pupils_compulsory,
        count(*) FILTER (WHERE enrolment = 'dropped_out' AND age < $compulsory_age_below) AS dropouts
    FROM capacity AS c
    LEFT JOIN months_worked AS m USING (person_id)
    GROUP BY c.household_id
),

income_features AS (
    SELECT
        household_id,
        sum(a1) FILTER (WHERE kind = 'wages') AS wages,
        sum(a1) FILTER (WHERE kind = 'business_net') AS business_net,
        sum(a1) FILTER (WHERE kind = 'property_net') AS property_net,
        sum(a1) FILTER (WHERE kind = 'transfer') AS transfers,
        sum(a1) FILTER (WHERE kind = 'production_cost') AS production_costs,
        -- net income: every kind adds, except production costs, which subtract
        sum(CASE WHEN kind = 'production_cost' THEN -a1 ELSE a1 END) AS income_net,
        sum(CASE WHEN kind = 'production_cost' THEN -a0 ELSE a0 END) AS income_net_prev
    FROM (
        SELECT
            household_id, kind,
            amount * (days_w1::DOUBLE / length) AS a1,
            amount * (days_w0::DOUBLE / length) AS a0
        FROM income_rows
    )
    GROUP BY household_id
),

spending_features AS (
    SELECT
        household_id,
        sum(a1) FILTER (WHERE list_contains($rigid_types::VARCHAR[], kind)) AS rigid_spending,
        sum(a1) FILTER (WHERE kind = 'medical_self_paid') AS medical_self_paid
    FROM spending
    GROUP BY household_id
),
medical_features AS (  -- per named person; records naming no one count only in the total
    SELECT household_id, max(a1) AS medical_self_paid_max_person
    FROM (
        SELECT household_id, person_id, sum(a1) AS a1
        FROM spending
        WHERE kind = 'medical_self_paid' AND person_id IS NOT NULL
        GROUP BY household_id, person_id
    )
    GROUP BY household_id
),

shock_features AS (  -- shocks dated inside W1
    SELECT household_id, count(*) AS shocks{shock_counts}
    FROM shocks
    WHERE "date" BETWEEN $w1_start AND $w1_end
    GROUP BY household_id
),

alert_features AS (  -- department alerts dated inside W1
    SELECT
        household_id,
        count(*) AS alerts,
        count(*) FILTER (WHERE kind = 'medical_self_paid') AS alert_medical,
        count(*) FILTER (WHERE kind = 'dibao_granted') AS alert_dibao_granted,
        count(*) FILTER (WHERE kind = 'dibao_stopped') AS alert_dibao_stopped,
        count(*) FILTER (WHERE kind = 'tekun_granted') AS alert_tekun_granted,
        count(*) FILTER (WHERE kind = 'tekun_stopped') AS alert_tekun_stopped,
        count(*) FILTER (WHERE kind = 'dropout') AS alert_dropout,
        count(*) FILTER (WHERE kind = 'disability_registered') AS alert_disability,
        count(*) FILTER (WHERE kind = 'disaster_loss') AS alert_disaster,
        count(*) FILTER (WHERE kind = 'layoff') AS alert_layoff,
        count(*) FILTER (WHERE kind = 'unemployment_registered') AS alert_unemployed,
        count(*) FILTER (WHERE kind = 'disability_registered' AND grade <= 2) AS alert_disability_severe,
        coalesce(sum(amount) FILTER (WHERE kind = 'medical_self_paid'), 0) AS alert_medical_amount,
        coalesce(sum(amount) FILTER (WHERE kind = 'disaster_loss'), 0) AS alert_disaster_loss
    FROM alerts
    WHERE "date" BETWEEN $w1_start AND $w1_end
    GROUP BY household_id
),
alert_medical AS (  -- the largest one person's medical bills reported by medical insurance
    SELECT household_id, max(amount) AS alert_medical_max_person
    FROM (
        SELECT household_id, person_id, coalesce(sum(amount), 0) AS amount
        FROM alerts
        WHERE kind = 'medical_self_paid' AND "date" BETWEEN $w1_start AND $w1_end
        GROUP BY household_id, person_id
    )
    GROUP BY household_id
),

-- one row per household; a household without rows of a kind gets 0 for its sums and counts
joined AS (
    SELECT
        h.household_id, h.village_id, h.status, h.housing_safe, h.water_safe,
        coalesce(p.members, 0) AS members,
        coalesce(i.wages, 0) AS wages,
        coalesce(i.business_net, 0) AS business_net,
        coalesce(i.property_net, 0) AS property_net,
        coalesce(i.transfers, 0) AS transfers,
        coalesce(i.production_costs, 0) AS production_costs,
        -- to the fen, so "no income last year" never hinges on float rounding
        round(coalesce(i.income_net, 0), 2) AS income_net,
        round(coalesce(i.income_net_prev, 0), 2) AS income_net_prev,
        coalesce(s.rigid_spending, 0) AS rigid_spending,
        coalesce(s.medical_self_paid, 0) AS medical_self_paid,
        coalesce(m.medical_self_paid_max_person, 0) AS medical_self_paid_max_person,
        coalesce(p.labour_full, 0) AS labour_full,
        coalesce(p.labour_partial, 0) AS labour_partial,
        coalesce(p.labour_none, 0) AS labour_none,
        coalesce(p.not_working_age, 0) AS not_working_age,
        coalesce(p.available_workers, 0) AS available_workers,
        coalesce(p.workers_over_3_months, 0) AS workers_over_3_months,
        coalesce(p.months_worked_max, 0) AS months_worked_max,
        coalesce(lf.workers_lost, 0) AS workers_lost,
        coalesce(lw.wages_lost, 0) AS wages_lost,
        coalesce(p.ill_serious, 0) AS ill_serious,
        coalesce(p.ill_chronic, 0) AS ill_chronic,
        coalesce(p.disabled, 0) AS disabled,
        coalesce(p.disabled_severe, 0) AS disabled_severe,
        coalesce(p.pupils_compulsory, 0) AS pupils_compulsory,
        coalesce(p.dropouts, 0) AS dropouts,
        coalesce(k.shocks, 0) AS shocks{shock_coalesces},
        coalesce(a.alerts, 0) AS alerts,
        coalesce(a.alert_medical, 0) AS alert_medical,
        coalesce(a.alert_dibao_granted, 0) AS alert_dibao_granted,
        coalesce(a.alert_dibao_stopped, 0) AS alert_dibao_stopped,
        coalesce(a.alert_tekun_granted, 0) AS alert_tekun_granted,
        coalesce(a.alert_tekun_stopped, 0) AS alert_tekun_stopped,
        coalesce(a.alert_dropout, 0) AS alert_dropout,
        coalesce(a.alert_disability, 0) AS alert_disability,
        coalesce(a.alert_disaster, 0) AS alert_disaster,
        coalesce(a.alert_layoff, 0) AS alert_layoff,
        coalesce(a.alert_unemployed, 0) AS alert_unemployed,
        coalesce(a.alert_disability_severe, 0) AS alert_disability_severe,
        coalesce(a.alert_medical_amount, 0) AS alert_medical_amount,
        coalesce(am.alert_medical_max_person, 0) AS alert_medical_max_person,
        coalesce(a.alert_disaster_loss, 0) AS alert_disaster_loss
    FROM households AS h
    LEFT JOIN person_features AS p USING (household_id)
    LEFT JOIN income_features AS i USING (household_id)
    LEFT JOIN spending_features AS s USING (household_id)
    LEFT JOIN medical_features AS m USING (household_id)
    LEFT JOIN shock_features AS k USING (household_id)
    LEFT JOIN alert_features AS a USING (household_id)
    LEFT JOIN alert_medical AS am USING (household_id)
    LEFT JOIN lost_features AS lf USING (household_id)
    LEFT JOIN lost_wages AS lw USING (household_id)
)

SELECT
    household_id::BIGINT AS household_id,
    village_id::BIGINT AS village_id,
    status::VARCHAR AS status,
    status = 'out_of_poverty' AS out_of_poverty,
    status = 'ordinary' AS ordinary,
    members::BIGINT AS members,
    wages::DOUBLE AS wages,
    business_net::DOUBLE AS business_net,
    property_net::DOUBLE AS property_net,
    transfers::DOUBLE AS transfers,
    production_costs::DOUBLE AS production_costs,
    income_net::DOUBLE AS income_net,
    income_net_prev::DOUBLE AS income_net_prev,
    CASE WHEN members > 0 THEN income_net / members END AS income_per_capita,
    CASE WHEN members > 0 THEN income_net_prev / members END AS income_per_capita_prev,
    CASE WHEN income_net_prev > 0 THEN (income_net - income_net_prev) / income_net_prev END AS income_change,
    rigid_spending::DOUBLE AS rigid_spending,
    medical_self_paid::DOUBLE AS medical_self_paid,
    medical_self_paid_max_person::DOUBLE AS medical_self_paid_max_person,
    CASE WHEN members > 0 THEN (income_net - rigid_spending) / members END AS income_after_rigid_per_capita,
    labour_full::BIGINT AS labour_full,
    labour_partial::BIGINT AS labour_partial,
    labour_none::BIGINT AS labour_none,
    not_working_age::BIGINT AS not_working_age,
    (labour_full + labour_partial)::BIGINT AS able_workers,
    available_workers::BIGINT AS available_workers,
    workers_over_3_months::BIGINT AS workers_over_3_months,
    months_worked_max::DOUBLE AS months_worked_max,
    available_workers > 0 AND workers_over_3_months = 0 AS zero_employment,
    workers_lost::BIGINT AS workers_lost,
    wages_lost::DOUBLE AS wages_lost,
    CASE WHEN members > 0 THEN (income_net - wages_lost) / members END AS income_after_job_loss_per_capita,
    labour_full + labour_partial = 0 AS no_labour,
    ill_serious::BIGINT AS ill_serious,
    ill_chronic::BIGINT AS ill_chronic,
    disabled::BIGINT AS disabled,
    disabled_severe::BIGINT AS disabled_severe,
    pupils_compulsory::BIGINT AS pupils_compulsory,
    dropouts::BIGINT AS dropouts,
    NOT housing_safe AS housing_unsafe,
    NOT water_safe AS water_unsafe,
    shocks::BIGINT AS shocks,
    alerts::BIGINT AS alerts,
    alert_medical::BIGINT AS alert_medical,
    alert_dibao_granted::BIGINT AS alert_dibao_granted,
    alert_dibao_stopped::BIGINT AS alert_dibao_stopped,
    alert_tekun_granted::BIGINT AS alert_tekun_granted,
    alert_tekun_stopped::BIGINT AS alert_tekun_stopped,
    alert_dropout::BIGINT AS alert_dropout,
    alert_disability::BIGINT AS alert_disability,
    alert_disaster::BIGINT AS alert_disaster,
    alert_layoff::BIGINT AS alert_layoff,
    alert_unemployed::BIGINT AS alert_unemployed,
    alert_disability_severe::BIGINT AS alert_disability_severe,
    alert_medical_amount::DOUBLE AS alert_medical_amount,
    alert_medical_max_person::DOUBLE AS alert_medical_max_person,
    alert_disaster_loss::DOUBLE AS alert_disaster_loss{shock_columns}
FROM joined
ORDER BY household_id
"""


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duckdb_features(inputs: Inputs, settings: Settings, *, threads: int | None = None) -> pl.DataFrame:
    """`features.compute(inputs, settings)` computed by DuckDB, sorted by household_id."""
    w0, w1 = windows(settings.as_of)
    parameters: dict[str, object] = {
        "as_of_year": settings.as_of.year,
        "as_of_month": settings.as_of.month,
        "as_of_day": settings.as_of.day,
        "w0_start": w0[0],
        "w0_end": w0[1],
        "w1_start": w1[0],
        "w1_end": w1[1],
        "w1_days": (w1[1] - w1[0]).days + 1,
        "working_age_low": settings.working_age[0],
        "working_age_high": settings.working_age[1],
        "worked_months_min": float(settings.worked_months_min),
        "rigid_types": list(settings.rigid_types),
        "compulsory": list(COMPULSORY),
        "compulsory_age_below": COMPULSORY_AGE_BELOW,
    }
    shock_counts, shock_coalesces, shock_columns = [], [], []
    for n, code in enumerate(settings.risk_types):
        column = _identifier(f"shock_{code}")
        parameters[f"risk_{n}"] = code
        shock_counts.append(f",\n        count(*) FILTER (WHERE risk_type = $risk_{n}) AS {column}")
        shock_coalesces.append(f",\n        coalesce(k.{column}, 0) AS {column}")
        shock_columns.append(f",\n    {column}::BIGINT AS {column}")
    # the only text spliced in is quoted identifiers; every value is a parameter
    sql = QUERY.format(
        shock_counts="".join(shock_counts),
        shock_coalesces="".join(shock_coalesces),
        shock_columns="".join(shock_columns),
    )

    config: dict[str, str | bool | int | float | list[str]] = {}
    if threads is not None:
        config["threads"] = threads
    with duckdb.connect(":memory:", config=config) as con:
        for name in ("households", "persons", "incomes", "expenditures", "shocks"):
            con.register(name, getattr(inputs, name).to_arrow())
        alerts = inputs.alerts if inputs.alerts is not None else pl.DataFrame(schema=ALERTS)
        con.register("alerts", alerts.to_arrow())
        spells = inputs.spells if inputs.spells is not None else pl.DataFrame(schema=SPELLS)
        con.register("spells", spells.to_arrow())
        frame = con.sql(sql, params=parameters).pl()

    expected = feature_columns(settings.risk_types)
    if frame.schema != pl.Schema(expected):
        raise RuntimeError(f"the query's columns {frame.schema} are not {expected}")
    return frame
