"""Rule expressions: what is accepted, what is refused and why, and that nothing ever runs as code."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lnob.engine.monitor.expr import ExpressionError, compile_expression, render, template_names
from lnob.engine.monitor.features import feature_columns

COLUMNS = feature_columns(("illness", "disaster"))
PARAMS = {"threshold": 8700.0, "medical_alert": 20000.0}


def run(expression: str, rows: list[dict[str, object]]) -> list[bool]:
    frame = pl.DataFrame(rows, schema={k: v for k, v in COLUMNS.items() if k in rows[0]}, strict=False)
    frame = frame.with_columns(
        pl.lit(None, dtype=t).alias(c) for c, t in COLUMNS.items() if c not in frame.columns
    )
    compiled = compile_expression(expression, COLUMNS, PARAMS)
    return frame.select(compiled.expr.alias("r"))["r"].to_list()


def test_conditions_over_features_and_policy_values():
    rows = [
        {"out_of_poverty": True, "income_per_capita": 6000.0, "members": 2, "status": "out_of_poverty"},
        {"out_of_poverty": True, "income_per_capita": 9000.0, "members": 2, "status": "out_of_poverty"},
        {"out_of_poverty": False, "income_per_capita": 1000.0, "members": 0, "status": "ordinary"},
    ]
    assert run("out_of_poverty and income_per_capita < threshold", rows) == [True, False, False]
    assert run("income_per_capita < threshold * 1.5 and members >= 2", rows) == [True, True, False]
    assert run("not out_of_poverty or income_per_capita >= 8700", rows) == [False, True, True]
    assert run("status in ('ordinary', 'other')", rows) == [False, False, True]
    assert run("8000 <= income_per_capita < threshold + 500", rows) == [False, True, False]
    assert run("max(income_per_capita, 7000) > 8000", rows) == [False, True, False]
    assert run("abs(income_per_capita - threshold) < 3000", rows) == [True, True, False]


def test_a_missing_figure_counts_as_no():
    rows = [{"income_change": None, "shocks": 1}, {"income_change": -0.5, "shocks": 1}]
    assert run("income_change <= -0.3 and shocks > 0", rows) == [False, True]
    assert run("not (income_change <= -0.3)", rows) == [True, False]
    assert run("coalesce(income_change, 0) > -0.1", rows) == [True, False]


def test_names_read_are_recorded_for_the_evidence():
    compiled = compile_expression(
        "income_per_capita >= threshold and income_after_rigid_per_capita < threshold", COLUMNS, PARAMS
    )
    assert compiled.names == ("income_per_capita", "threshold", "income_after_rigid_per_capita")


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("income < threshold", "未知字段：income"),
        ("income_per_capta < threshold", "是否应为 income_per_capita"),
        ("__import__('os').system('ls')", "不允许的函数"),
        ("open('/etc/passwd')", "不允许的函数"),
        ("members.__class__", "不允许的写法"),
        ("[m for m in members]", "不允许的写法"),
        ("lambda: 1", "不允许的写法"),
        ("members[0] > 1", "不允许的写法"),
        ("members ** 2 > 1", "不允许的运算符"),
        ("members if shocks else 1", "不允许的写法"),
        ("members > 1;", "语法错误"),
        ("members >", "语法错误"),
        ("", "表达式为空"),
        ("income_per_capita + 1", "必须是“是/否”条件"),
        ("status < 3", "类型不匹配"),
        ("min(members)", "需要 2 到 5 个参数"),
        ("abs(x=members) > 1", "不接受命名参数"),
        ("members in (1, None)", "只能写数字或文字"),
        ("m>1 " + "and m>1 " * 70, "过于复杂"),
        ("m" * 1001, "过长"),
        ("household_id > 5", "未知字段"),
        ("members in (1, 'a')", "写法有误"),
    ],
)
def test_refused_with_the_reason(expression, reason):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(expression, COLUMNS, PARAMS)
    assert reason in str(caught.value)


def test_a_policy_value_not_set_for_the_region_is_said_not_guessed():
    with pytest.raises(ExpressionError, match="medical_alert 在本地区没有设定"):
        compile_expression("medical_self_paid_max_person > medical_alert", COLUMNS, {"medical_alert": None})


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("abcdefghijklmnopqrstuvwxyz_()[]{}.,:;'\"<>=!+-*/%&|^~ 0123456789@#$\\")
        ),
        max_size=60,
    )
)
def test_any_text_is_either_a_condition_or_refused_with_a_reason(text):
    """Whatever is typed, the only outcomes are a compiled condition or ExpressionError."""
    try:
        compiled = compile_expression(text, COLUMNS, PARAMS)
    except ExpressionError as exc:
        assert str(exc)
    else:
        assert isinstance(compiled.expr, pl.Expr)


def test_explanation_templates():
    assert template_names("人均 {income_per_capita} 元，低于 {threshold} 元") == [
        "income_per_capita",
        "threshold",
    ]
    with pytest.raises(ExpressionError):
        template_names("{income_per_capita.__class__}")
    with pytest.raises(ExpressionError):
        template_names("{income_per_capita:,.0f}")
    text = render(
        "人均 {income_per_capita} 元，低于 {threshold} 元；"
        "变化 {income_change}，{members} 人，住房 {housing_unsafe}",
        {
            "income_per_capita": 6123.456,
            "threshold": 8700.0,
            "income_change": -0.42,
            "members": 3,
            "housing_unsafe": True,
        },
    )
    assert text == "人均 6,123 元，低于 8,700 元；变化 -42%，3 人，住房 是"
    assert render("{missing}", {}) == "—"
