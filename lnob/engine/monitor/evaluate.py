"""Evaluate every rule over every household in one pass; keep the figures behind each hit."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from .expr import Compiled, ExpressionError, compile_expression, template_names


@dataclass(frozen=True)
class RuleSpec:
    code: str
    expression: str
    severity: int = 2  # 1 low, 2 medium, 3 high
    category: str = ""
    risk_types: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    # the explanation template: the figures it names are kept with each hit too
    explanation: str = ""


HITS = {"household_id": pl.Int64, "rule_code": pl.String, "severity": pl.Int64, "evidence": pl.String}


def compile_rules(
    rules: Sequence[RuleSpec], columns: Mapping[str, pl.DataType], params: Mapping[str, Any]
) -> list[tuple[RuleSpec, Compiled]]:
    return [(rule, compile_expression(rule.expression, columns, params)) for rule in rules]


def evaluate(
    features: pl.DataFrame, compiled: Sequence[tuple[RuleSpec, Compiled]], params: Mapping[str, Any]
) -> pl.DataFrame:
    """(household_id, rule_code, severity, evidence) for each rule a household meets.

    All rule conditions are computed in one `select` (polars runs them in parallel over the
    columns); then, for each rule, the households that meet it take the figures it read: the
    feature values and the policy parameters, as JSON, so the household page can show "income
    6,120 yuan per person, threshold 8,700" without recomputing anything.
    """
    if not compiled or features.is_empty():
        return pl.DataFrame(schema=HITS)
    flags = features.select(
        "household_id", *(c.expr.alias(f"_rule_{i}") for i, (_, c) in enumerate(compiled))
    )
    parts = []
    for i, (rule, comp) in enumerate(compiled):
        mask = flags[f"_rule_{i}"]
        if not mask.any():
            continue
        names = list(dict.fromkeys([*comp.names, *_named(rule.explanation)]))
        columns = [n for n in names if n in features.columns]
        constants = {n: _plain(params[n]) for n in names if n not in features.columns and n in params}
        hit = features.filter(mask).select("household_id", *columns)
        evidence = _evidence(hit, columns, constants)
        parts.append(
            pl.DataFrame(
                {
                    "household_id": hit["household_id"],
                    "rule_code": pl.repeat(rule.code, hit.height, eager=True, dtype=pl.String),
                    "severity": pl.repeat(rule.severity, hit.height, eager=True, dtype=pl.Int64),
                    "evidence": evidence,
                }
            )
        )
    if not parts:
        return pl.DataFrame(schema=HITS)
    return pl.concat(parts).sort("household_id", "rule_code")


def _named(template: str) -> list[str]:
    """The names an explanation refers to; none when the template is malformed (rules are
    checked when saved, so only a hand-made spec can get here with one)."""
    try:
        return template_names(template)
    except ExpressionError:
        return []


def _plain(value: Any) -> Any:
    if isinstance(value, bool | int | str) or value is None:
        return value
    return float(value)


def _evidence(hit: pl.DataFrame, columns: list[str], constants: Mapping[str, Any]) -> pl.Series:
    """One JSON object per row: the feature values (money rounded to the fen) and the constants."""
    tail = json.dumps(constants, ensure_ascii=False, sort_keys=True)[1:-1] if constants else ""
    if not columns:
        return pl.repeat("{" + tail + "}", hit.height, eager=True, dtype=pl.String)
    rounded = hit.select(pl.col(c).round(2) if hit.schema[c] == pl.Float64 else pl.col(c) for c in columns)
    body = rounded.select(pl.struct(columns).struct.json_encode().alias("j"))["j"]
    if not tail:
        return body
    return body.str.slice(0, body.str.len_chars() - 1) + ", " + tail + "}"
