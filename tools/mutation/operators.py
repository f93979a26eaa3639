"""The mutation operators: where a module can be changed by one small mistake, and how.

One pass over the module's syntax tree offers every mutation site in a fixed order; the same pass
with a target index applies only that one. So a mutant is just (module, index), and the same
source always yields the same mutants. Left alone: docstrings, type annotations, decorators,
`from __future__` imports and the text inside f-strings (message wording, not behaviour).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

# Each comparison becomes its boundary neighbour and its opposite.
COMPARE_SWAPS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.GtE), ast.LtE: (ast.Lt, ast.Gt), ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt), ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,), ast.NotIn: (ast.In,), ast.Is: (ast.IsNot,), ast.IsNot: (ast.Is,),
}
ARITHMETIC_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult, ast.Div: ast.Mult,
}
# Statements whose deletion is a plausible slip (a lost call, append, return or raise).
DELETABLE = (ast.Expr, ast.Return, ast.Raise, ast.AugAssign, ast.Continue, ast.Break)

Option = tuple[str, ast.AST, str]  # (kind, replacement node, description)
Options = Sequence[Option]
ConstantValue = str | bool | int | float | None


@dataclass(frozen=True)
class Site:
    """One mutation, as offered: where it is and what it changes."""

    index: int
    line: int
    statement_line: int  # first line of the enclosing statement: where a line tracer sees it
    scope: str  # the enclosing class/function, dotted; "<module>" at top level
    kind: str
    description: str


def _text(node: ast.AST, limit: int = 70) -> str:
    text = ast.unparse(node).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _constant_variants(value: object) -> list[ConstantValue]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int | float):
        variants: list[ConstantValue] = [value + 1, value - 1, 0]
        return [v for i, v in enumerate(variants) if v != value and v not in variants[:i]]
    if isinstance(value, str):
        return [""] if value else ["mutant"]
    if value is None:
        return [""]  # falsy but not None: tells an `is None` test from a truthiness test
    return []


class Mutator(ast.NodeTransformer):
    """Offers each site in visiting order; with `target`, replaces that site and nothing else."""

    def __init__(self, target: int | None = None) -> None:
        self.target = target
        self.sites: list[Site] = []
        self.scope: list[str] = []
        self.statement_lines: list[int] = [0]
        self.applied = False

    def visit(self, node: ast.AST) -> ast.AST:
        if not isinstance(node, ast.stmt):
            return super().visit(node)  # type: ignore[no-any-return]
        self.statement_lines.append(getattr(node, "lineno", self.statement_lines[-1]))
        try:
            return super().visit(node)  # type: ignore[no-any-return]
        finally:
            self.statement_lines.pop()

    # ---- the offer: count, record, maybe apply ----------------------------------------------

    def _offer(self, node: ast.AST, kind: str, show: str) -> bool:
        """Records one site; True when it is the one to apply."""
        index = len(self.sites)
        line = getattr(node, "lineno", 0)
        statement_line = line if isinstance(node, ast.stmt) else self.statement_lines[-1] or line
        scope = ".".join(self.scope) or "<module>"
        self.sites.append(Site(index, line, min(line, statement_line), scope, kind, show))
        self.applied = self.applied or index == self.target
        return index == self.target

    def _offers(self, node: ast.AST, options: Options) -> ast.AST | None:
        """Offers every option; returns the replacement when one of them is the target."""
        for kind, mutant, show in options:
            if self._offer(node, kind, show):
                return mutant
        return None

    # ---- what is never mutated ---------------------------------------------------------------

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return node

    def visit_Import(self, node: ast.Import) -> ast.AST:
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return node

    def _expr(self, node: ast.expr) -> ast.expr:
        """Visits an expression; what replaces an expression is always an expression."""
        return cast(ast.expr, self.visit(node))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self._expr(node.value)
        return node

    def visit_arguments(self, node: ast.arguments) -> ast.AST:
        node.defaults = [self._expr(d) for d in node.defaults]
        node.kw_defaults = [None if d is None else self._expr(d) for d in node.kw_defaults]
        return node

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> ast.AST:
        self.scope.append(node.name)
        node.body = _without_docstring_visit(self, node.body)
        if not isinstance(node, ast.ClassDef):
            node.args = cast(ast.arguments, self.visit(node.args))
        self.scope.pop()
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._scoped(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._scoped(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return self._scoped(node)

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = _without_docstring_visit(self, node.body)
        return node

    # ---- the operators -----------------------------------------------------------------------

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        options: list[Option] = []
        for position, op in enumerate(node.ops):
            for swap in COMPARE_SWAPS.get(type(op), ()):
                mutant = copy.deepcopy(node)
                mutant.ops[position] = swap()
                options.append(("compare", mutant, f"{_text(node)} -> {_text(mutant)}"))
        replaced = self._offers(node, options)
        if replaced is not None:
            return replaced
        # `x is None` is mutated by the comparison swap; a '' in place of that None is noise.
        node.left = self._expr(node.left)
        node.comparators = [c if _is_none(c) else self._expr(c) for c in node.comparators]
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        mutant = ast.BoolOp(op=other, values=copy.deepcopy(node.values))
        return self._offers(node, [("boolean", mutant, f"{_text(node)} -> {_text(mutant)}")]) \
            or self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if isinstance(node.op, ast.Not):
            operand = copy.deepcopy(node.operand)
            replaced = self._offers(node, [("boolean", operand, f"{_text(node)} -> {_text(operand)}")])
            if replaced is not None:
                return replaced
        return self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        swap = ARITHMETIC_SWAPS.get(type(node.op))
        if swap is not None:
            mutant = ast.BinOp(left=copy.deepcopy(node.left), op=swap(), right=copy.deepcopy(node.right))
            replaced = self._offers(node, [("arithmetic", mutant, f"{_text(node)} -> {_text(mutant)}")])
            if replaced is not None:
                return replaced
        return self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        options: Options = [("constant", ast.Constant(value=v), f"{node.value!r} -> {v!r}")
                   for v in _constant_variants(node.value)]
        return self._offers(node, options) or node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        # A dict default dropped: `d.get(key, default)` -> `d.get(key)`.
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "get" and len(node.args) == 2:
            mutant = copy.deepcopy(node)
            mutant.args = mutant.args[:1]
            replaced = self._offers(node, [("default", mutant, f"{_text(node)} -> {_text(mutant)}")])
            if replaced is not None:
                return replaced
        return self.generic_visit(node)

    def _collection(self, node: ast.Set | ast.Tuple | ast.List) -> ast.AST:
        # Elements removed from a literal collection of constants or names (states, tags, limits).
        options: list[Option] = []
        loaded = isinstance(node, ast.Set) or isinstance(node.ctx, ast.Load)
        simple = all(isinstance(e, ast.Constant | ast.Name | ast.Attribute) for e in node.elts)
        for position, element in enumerate(node.elts if loaded and simple else []):
            shorter = copy.deepcopy(node)
            del shorter.elts[position]
            empty_set = isinstance(shorter, ast.Set) and not shorter.elts  # `{}` would be a dict
            mutant = ast.Call(ast.Name("set", ast.Load()), [], []) if empty_set else shorter
            options.append(("collection", mutant, f"{_text(element)} removed from {_text(node)}"))
        return self._offers(node, options) or self.generic_visit(node)

    def visit_Set(self, node: ast.Set) -> ast.AST:
        return self._collection(node)

    def visit_Tuple(self, node: ast.Tuple) -> ast.AST:
        return self._collection(node)

    def visit_List(self, node: ast.List) -> ast.AST:
        return self._collection(node)

    def visit_Return(self, node: ast.Return) -> ast.AST:
        value = node.value
        if not _is_none(value):
            none = ast.Return(value=ast.Constant(value=None))
            replaced = self._offers(node, [("return", none, f"{_text(node)} -> return None")])
            if replaced is not None:
                return replaced
        return self.generic_visit(node)

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field in ("body", "orelse", "finalbody"):
            statements = getattr(node, field, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                setattr(node, field, self._statements(statements))
        return super().generic_visit(node)

    def _statements(self, statements: list[ast.stmt]) -> list[ast.stmt]:
        """Offers the deletion of each deletable statement, then visits the statements."""
        for position, statement in enumerate(statements):
            # A `return value` is replaced by `return None` instead (visit_Return).
            returns_value = isinstance(statement, ast.Return) and not _is_none(statement.value)
            if isinstance(statement, DELETABLE) and not _is_docstring(statement) and not returns_value \
                    and self._offer(statement, "delete", f"delete: {_text(statement)}"):
                    kept = statements[:position] + statements[position + 1:]
                    return kept or [ast.Pass()]
        return statements


def _is_none(node: ast.AST | None) -> bool:
    return node is None or (isinstance(node, ast.Constant) and node.value is None)


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def _without_docstring_visit(mutator: Mutator, body: list[ast.stmt]) -> list[ast.stmt]:
    body = mutator._statements(body)
    return [s if _is_docstring(s) else cast(ast.stmt, mutator.visit(s)) for s in body]


def sites(source: str) -> list[Site]:
    """Every mutation site of a module's source, in a fixed order."""
    mutator = Mutator()
    mutator.visit(ast.parse(source))
    return mutator.sites


def mutate(source: str, index: int) -> str:
    """The module's source with mutation `index` applied."""
    mutator = Mutator(index)
    tree = ast.fix_missing_locations(mutator.visit(ast.parse(source)))
    if not mutator.applied:
        raise IndexError(f"no mutation site {index}")
    return ast.unparse(tree)
