"""Rule expressions: a small, safe language over the feature columns, compiled to polars.

An expression reads like a formula on a form:

    out_of_poverty and income_per_capita < threshold
    income_per_capita >= threshold and income_after_rigid_per_capita < threshold
    shock_disaster > 0 or (housing_unsafe and members >= 1)

It is parsed with Python's own parser (`ast.parse(mode="eval")`) and then walked node by node:
only the nodes below are accepted, every name must be a feature column or a policy parameter, and
only the listed functions may be called. Nothing is ever passed to eval or exec, so an expression
cannot reach a Python object, an attribute, an import or a file. Each accepted node becomes a
polars expression; all households are evaluated together in one vectorised pass.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

MAX_LENGTH = 1000
IDENTITY = ("household_id", "village_id")  # which household it is, not a figure about it
MAX_NODES = 200

_COMPARE: dict[type[ast.cmpop], Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_ARITHMETIC: dict[type[ast.operator], Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
FUNCTIONS: dict[str, tuple[int, int]] = {
    # name -> (fewest, most) arguments
    "abs": (1, 1),
    "min": (2, 5),
    "max": (2, 5),
    "coalesce": (2, 5),
}


class ExpressionError(ValueError):
    """Why an expression is refused, in words for the person who wrote it."""


@dataclass(frozen=True)
class Compiled:
    source: str
    expr: pl.Expr
    names: tuple[str, ...]  # the feature columns and parameters it reads, in order of appearance


def compile_expression(
    source: str, columns: Mapping[str, pl.DataType], params: Mapping[str, Any]
) -> Compiled:
    """Check an expression against the feature columns and the policy parameters, and compile it.

    Raises ExpressionError with the reason when the text is not a valid expression, names an
    unknown column, calls a function that is not allowed, or is not a yes/no condition.
    """
    text = (source or "").strip()
    if not text:
        raise ExpressionError("表达式为空")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"表达式过长（最多 {MAX_LENGTH} 个字符）")
    try:
        with warnings.catch_warnings():
            # Python warns of oddities such as "1and x" it still accepts: refuse them instead
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(text, mode="eval")
    except SyntaxWarning as exc:
        raise ExpressionError(f"语法错误：{exc}") from None
    except SyntaxError as exc:
        raise ExpressionError(f"语法错误，第 {exc.offset or 0} 个字符附近：{exc.msg}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"表达式过于复杂（最多 {MAX_NODES} 个语法节点）")
    usable = {name: dtype for name, dtype in columns.items() if name not in IDENTITY}
    walker = _Walker(usable, params)
    try:
        expr = walker.visit(tree.body)
    except (TypeError, ValueError, pl.exceptions.PolarsError) as exc:
        if isinstance(exc, ExpressionError):
            raise
        raise ExpressionError(f"写法有误：{exc}") from None
    _check_boolean(expr, usable, text)
    return Compiled(text, expr.fill_null(False), tuple(dict.fromkeys(walker.names)))


def _check_boolean(expr: pl.Expr, columns: Mapping[str, pl.DataType], text: str) -> None:
    empty = pl.DataFrame(schema=dict(columns))
    try:
        dtype = empty.select(expr.alias("_r")).schema["_r"]
    except (pl.exceptions.PolarsError, TypeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExpressionError(f"类型不匹配：{first}") from None
    if dtype != pl.Boolean:
        raise ExpressionError("表达式的结果必须是“是/否”条件（例如 income_per_capita < threshold）")


class _Walker:
    def __init__(self, columns: Mapping[str, pl.DataType], params: Mapping[str, Any]) -> None:
        self.columns = columns
        self.params = params
        self.names: list[str] = []

    def visit(self, node: ast.AST) -> pl.Expr:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ExpressionError(f"不允许的写法：{_describe(node)}")
        result: pl.Expr = method(node)
        return result

    def _BoolOp(self, node: ast.BoolOp) -> pl.Expr:
        parts = [self._condition(v) for v in node.values]
        out = parts[0]
        for part in parts[1:]:
            out = (out & part) if isinstance(node.op, ast.And) else (out | part)
        return out

    def _condition(self, node: ast.AST) -> pl.Expr:
        # in "a and b", a missing value counts as "no", not "unknown"
        return self.visit(node).fill_null(False)

    def _UnaryOp(self, node: ast.UnaryOp) -> pl.Expr:
        if isinstance(node.op, ast.Not):
            return ~self._condition(node.operand)
        if isinstance(node.op, ast.USub):
            return -self.visit(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.visit(node.operand)
        raise ExpressionError(f"不允许的运算符：{_describe(node)}")

    def _BinOp(self, node: ast.BinOp) -> pl.Expr:
        op = _ARITHMETIC.get(type(node.op))
        if op is None:
            raise ExpressionError(f"不允许的运算符：{_describe(node)}（只能用 + - * /）")
        return op(self.visit(node.left), self.visit(node.right))

    def _Compare(self, node: ast.Compare) -> pl.Expr:
        left = node.left
        out: pl.Expr | None = None
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                part = self._membership(left, right, negate=isinstance(op, ast.NotIn))
            else:
                compare = _COMPARE.get(type(op))
                if compare is None:
                    raise ExpressionError(f"不允许的比较：{_describe(node)}")
                part = compare(self.visit(left), self.visit(right))
            out = part if out is None else (out & part)
            left = right
        assert out is not None
        return out

    def _membership(self, left: ast.AST, right: ast.AST, *, negate: bool) -> pl.Expr:
        if not isinstance(right, ast.Tuple | ast.List) or not right.elts:
            raise ExpressionError("in 后面应是用括号括起的取值列表，例如 status in ('ordinary', 'other')")
        values = []
        for element in right.elts:
            if not isinstance(element, ast.Constant) or isinstance(element.value, bool | type(None)):
                raise ExpressionError("in 的取值列表只能写数字或文字")
            values.append(element.value)
        test = self.visit(left).is_in(values)
        return ~test if negate else test

    def _Call(self, node: ast.Call) -> pl.Expr:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            allowed = ", ".join(FUNCTIONS)
            raise ExpressionError(f"不允许的函数：{_describe(node.func)}（可用：{allowed}）")
        if node.keywords:
            raise ExpressionError(f"函数 {name} 不接受命名参数")
        fewest, most = FUNCTIONS[name]
        if not fewest <= len(node.args) <= most:
            raise ExpressionError(f"函数 {name} 需要 {fewest} 到 {most} 个参数")
        args = [self.visit(a) for a in node.args]
        if name == "abs":
            return args[0].abs()
        if name == "min":
            return pl.min_horizontal(args)
        if name == "max":
            return pl.max_horizontal(args)
        return pl.coalesce(args)

    def _Name(self, node: ast.Name) -> pl.Expr:
        name = node.id
        if name in self.columns:
            self.names.append(name)
            return pl.col(name)
        if name in self.params:
            self.names.append(name)
            value = self.params[name]
            if value is None:
                raise ExpressionError(f"政策参数 {name} 在本地区没有设定，规则无法计算")
            return pl.lit(float(value) if not isinstance(value, bool | str) else value)
        known = sorted([*self.columns, *self.params])
        hint = _closest(name, known)
        raise ExpressionError(f"未知字段：{name}" + (f"（是否应为 {hint}？）" if hint else ""))

    def _Constant(self, node: ast.Constant) -> pl.Expr:
        value = node.value
        if isinstance(value, bool | int | float | str):
            return pl.lit(value)
        raise ExpressionError(f"不允许的常量：{value!r}")


def _describe(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:
        return type(node).__name__


def _closest(name: str, known: list[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return match[0] if match else None


PLACEHOLDER = r"\{([a-z_][a-z0-9_]*)\}"


def template_names(template: str) -> list[str]:
    """The names an explanation template refers to: {name} only, no attributes or formats."""
    import re

    stray = re.sub(PLACEHOLDER, "", template)
    if "{" in stray or "}" in stray:
        raise ExpressionError("说明模板中的占位符只能写成 {字段名}")
    return re.findall(PLACEHOLDER, template)


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill {name} placeholders with figures a person can check: money to the yuan, ratios as %."""
    import re

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, float):
            if name.endswith("change"):
                return f"{value:+.0%}"
            return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}".rstrip("0").rstrip(".")
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    return re.sub(PLACEHOLDER, one, template)
