"""Chapter 10's bug hunt: a tiny autograd that is right on chains and wrong at forks, and
the checker of the line that fixes it."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import numpy as np

from ..gradcheck import relative_error
from .machinery import _checker, _NotYet, _rng, _short, _Wrong

# -- find the bug: a tiny autograd that is right on chains and wrong at forks -------------
BUGGY_AUTOGRAD = '''\
class Value:
    """A tiny autograd: an array, its gradient, its inputs and its backward rule."""

    def __init__(self, value, parents=(), rule=None):
        self.value = np.asarray(value, dtype=np.float64)
        self.grad = np.zeros_like(self.value)
        self.parents, self.rule = parents, rule

    def __add__(self, other):
        return Value(self.value + other.value, (self, other), lambda g: (g, g))

    def __mul__(self, other):
        return Value(
            self.value * other.value, (self, other), lambda g: (g * other.value, g * self.value)
        )

    def tanh(self):
        t = np.tanh(self.value)
        return Value(t, (self,), lambda g: (g * (1 - t * t),))

    def sum(self):
        return Value(self.value.sum(), (self,), lambda g: (g * np.ones_like(self.value),))

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node.parents:
                    visit(parent)
                order.append(node)

        visit(self)
        self.grad = np.ones_like(self.value)
        for node in reversed(order):
            if node.rule is not None:
                for parent, downstream in zip(node.parents, node.rule(node.grad)):
                    parent.grad = downstream
'''
_BUG = "parent.grad = downstream"


def buggy_value_class(source: str = BUGGY_AUTOGRAD):
    """The class Value defined by `source` (by default the one with the bug)."""
    space = {"np": np}
    exec(compile(source, "<buggy autograd>", "exec"), space)
    return space["Value"]


#: The tiny autograd with the bug, for the chapter's gradient check.
Value = buggy_value_class()


def numbered_source() -> str:
    """BUGGY_AUTOGRAD with line numbers, as the chapter prints it."""
    return "\n".join(f"{i:2d}  {line}" for i, line in enumerate(BUGGY_AUTOGRAD.splitlines(), 1))


def _fork_tests(rng):
    a, b = rng.normal(0, 1, 4), rng.normal(0, 1, 4)
    return [
        ("x · x", [a], lambda x: (x * x).sum()),
        ("tanh(x) · x + x", [a], lambda x: (x.tanh() * x + x).sum()),
        ("(a · b + a).tanh() · b", [a, b], lambda p, q: ((p * q + p).tanh() * q).sum()),
        ("a chain, tanh(a · b)", [a, b], lambda p, q: (p * q).tanh().sum()),
    ]


def _grads(cls, fn, leaves):
    vs = [cls(v) for v in leaves]
    fn(*vs).backward()
    return [v.grad for v in vs]


def _central_value(cls, fn, leaves, eps=1e-6):
    def f(*arrays):
        return float(fn(*(cls(u) for u in arrays)).value)

    out = []
    values = [np.array(v, dtype=np.float64) for v in leaves]
    for v in values:
        g = np.zeros_like(v)
        for i in np.ndindex(v.shape):
            old = v[i]
            v[i] = old + eps
            up = f(*values)
            v[i] = old - eps
            down = f(*values)
            v[i] = old
            g[i] = (up - down) / (2 * eps)
        out.append(g)
    return out


@dataclass(frozen=True)
class ValueCheckRow:
    graph: str
    error: float  # the largest relative error over the inputs, {eq}`eq-relative-error`
    ok: bool


class ValueCheck:
    """The gradient check of a Value class on the four graphs, one row per graph."""

    def __init__(self, rows):
        self.rows = tuple(rows)

    def __str__(self) -> str:
        lines = [f"{'graph':<26}{'relative error':>16}  verdict"]
        lines += [f"{r.graph:<26}{r.error:>16.1e}  {'ok' if r.ok else 'WRONG'}" for r in self.rows]
        return "\n".join(lines)

    __repr__ = __str__


def value_grad_check(cls=None, seed=0) -> ValueCheck:
    """Compare a Value class's gradients with central differences on a chain and three forks."""
    cls = Value if cls is None else cls
    rows = []
    for where, leaves, fn in sorted(_fork_tests(_rng(seed)), key=lambda t: "chain" not in t[0]):
        got, want = _grads(cls, fn, leaves), _central_value(cls, fn, leaves)
        error = max(relative_error(g, w) for g, w in zip(got, want, strict=True))
        rows.append(ValueCheckRow(where, error, error <= 1e-5))
    return ValueCheck(rows)


def _norm(line: str) -> str:
    return "".join(str(line).split())


def _as_line(bug_line, lines):
    """The listing line a student named: a number (39, 39.0, "39", "line 39") or its text,
    pasted with or without its number and a trailing comment."""
    if isinstance(bug_line, (float, np.floating)) and float(bug_line).is_integer():
        bug_line = int(bug_line)
    if isinstance(bug_line, str):
        number = re.fullmatch(r"\s*(?:line\s*)?(\d+)\s*[.:]?\s*", bug_line, flags=re.IGNORECASE)
        if number:
            bug_line = int(number.group(1))
    if isinstance(bug_line, (int, np.integer)) and not isinstance(bug_line, bool):
        if not 1 <= bug_line <= len(lines):
            raise _Wrong(f"there is no line {bug_line}: the listing has lines 1 to {len(lines)}")
        return lines[bug_line - 1]
    if isinstance(bug_line, str):
        return re.sub(r"^\s*\d+\s+|#.*$", "", bug_line)  # a pasted number, a comment
    raise _Wrong(
        "bug_line should be the line's number or its text in quotes, got "
        f"{type(bug_line).__name__} {_short(bug_line)}"
    )


def _line_or_none(value, lines):
    try:
        return _as_line(value, lines)
    except _Wrong:
        return None


def _clean_fix(fixed_line: str) -> str:
    """The fix as code: dedented, without surrounding backticks or a pasted line number."""
    fixed = textwrap.dedent(fixed_line.strip("\n")).strip().strip("`").strip()
    return re.sub(r"^\d+\s+(?=[A-Za-z_])", "", fixed)


#: Wrong fixes recognised by their gradients, each with its diagnosis.
_OVERWRITES = "parent.grad = downstream"
_WRONG_FIXES = (
    (
        _OVERWRITES,
        "your line still overwrites: the gradients are exactly those of the buggy line, so a "
        "value used twice keeps only its last gradient; add to what parent.grad already "
        "holds, `parent.grad += downstream`",
    ),
    (
        "parent.grad -= downstream",
        "`-=` subtracts each use's gradient; at a fork they add: `parent.grad += downstream`",
    ),
    (
        "parent.grad += downstream * node.grad",
        "downstream already holds the upstream gradient (the rule multiplied by node.grad), so "
        "multiplying by node.grad again counts it twice; add downstream as it is",
    ),
    (
        "parent.grad += node.grad",
        "node.grad is the upstream gradient; the rule's downstream gradient (upstream × local) "
        "is the one to add: `parent.grad += downstream`",
    ),
    ("parent.grad += 2 * downstream", "every gradient is doubled; add downstream once"),
)
_EQUALS_PLUS = (
    "diagnosis: `=+` is not `+=`: Python reads `parent.grad =+ downstream` as `parent.grad = "
    "+downstream`, which still overwrites; write `parent.grad += downstream`"
)
_RESET = (
    "diagnosis: your line sets parent.grad to 0 and then adds, which throws away what the "
    "first use delivered, the same as overwriting; only add: `parent.grad += downstream`"
)


def _fix_diagnosis(fixed, got, fn, leaves) -> str:
    """Name a wrong fix from its gradients on one graph, and from its text where they agree."""
    for line, text in _WRONG_FIXES:
        try:
            alt = _grads(buggy_value_class(_patched(line)), fn, leaves)
        except Exception:
            continue
        if all(np.allclose(g, a, rtol=1e-9, atol=1e-12) for g, a in zip(got, alt, strict=True)):
            if line == _OVERWRITES and re.search(r"(?<![-+*/%@&|^<>=!:])=\s*\+(?!=)", fixed):
                return _EQUALS_PLUS
            if line == _OVERWRITES and re.search(
                r"zeros|\*=\s*0\b|=\s*0(\.0*)?\s*(;|$)", fixed, re.M
            ):
                return _RESET
            return "diagnosis: " + text
    if not _norm(fixed).startswith(("parent.grad+=", "parent.grad=parent.grad+")):
        return "diagnosis: the gradients must ADD at a fork, parent.grad += downstream"
    return "diagnosis: the sum is right in form; check the rest of the line"


def _patched(fixed: str) -> str:
    """The listing with the buggy line replaced by `fixed` (one line or several)."""
    lines = BUGGY_AUTOGRAD.splitlines()
    number = next(i for i, line in enumerate(lines) if _norm(line) == _norm(_BUG))
    indent = lines[number][: len(lines[number]) - len(lines[number].lstrip())]
    body = [indent + part for part in textwrap.dedent(fixed).splitlines()]
    return "\n".join(lines[:number] + body + lines[number + 1 :]) + "\n"


def _wrong_order(bug_line, fixed_line, lines):
    """Name the two answers given in each other's places."""
    first, second = _line_or_none(bug_line, lines), _line_or_none(fixed_line, lines)
    if (
        second is not None
        and _norm(second) == _norm(_BUG)
        and (first is None or _norm(first) != _norm(_BUG))
    ):
        raise _Wrong(
            "the arguments are in the wrong order: check_fork_fix(bug_line, fixed_line) takes "
            f"the line with the bug first and your corrected line second, got {_short(bug_line)} "
            f"first and {_short(fixed_line)} second"
        )


@_checker("find the bug", todo="bug_line and fixed_line are")
def check_fork_fix(bug_line, fixed_line, seed=None):
    """Check the line named as the bug (its number or its text) and the line that fixes it."""
    if bug_line is Ellipsis or fixed_line is Ellipsis:
        raise _NotYet
    lines = BUGGY_AUTOGRAD.splitlines()
    _wrong_order(bug_line, fixed_line, lines)
    named = _as_line(bug_line, lines)
    if _norm(named) != _norm(_BUG):
        raise _Wrong(
            f"{named.strip()!r} is not the line with the bug",
            "the gradient check passes on every chain and fails only when a value is used "
            "twice: look for the line that runs once per use of a value, and ask what "
            "happens to the gradient the first use delivered",
        )
    if not isinstance(fixed_line, str):
        raise _Wrong(
            f"fixed_line should be the corrected line as text, got "
            f"{type(fixed_line).__name__} {_short(fixed_line)}"
        )
    number = next(i for i, line in enumerate(lines) if _norm(line) == _norm(_BUG))
    fixed = _clean_fix(fixed_line)
    if _norm(re.sub(r"#.*$", "", fixed)) == _norm(_BUG):
        raise _Wrong(
            "fixed_line is the buggy line itself, unchanged; change it so that forks add up "
            "(the gradients of a value used twice)"
        )
    try:
        cls = buggy_value_class(_patched(fixed))
    except SyntaxError as err:
        raise _Wrong(
            f"fixed_line is not valid Python — a syntax error ({err.msg}), so Python cannot "
            f"run it: {fixed!r}",
            "write one Python statement, as it would stand in the listing: "
            "`parent.grad ... downstream`",
        ) from None
    elsewhere = (
        []
        if "parent.grad" in _norm(fixed)
        else [
            "diagnosis: the line must update parent.grad: each downstream gradient belongs to "
            "the input it is sent to"
        ]
    )
    for where, leaves, fn in _fork_tests(_rng(seed)):
        try:
            got = _grads(cls, fn, leaves)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as err:
            raise _Wrong(
                f"with your line the autograd raised {type(err).__name__}: {err} (graph {where})",
                *elsewhere,
            ) from None
        want = _central_value(cls, fn, leaves)
        bad = [
            i for i, (g, w) in enumerate(zip(got, want, strict=True)) if relative_error(g, w) > 1e-5
        ]
        if bad:
            i = bad[0]
            raise _Wrong(
                f"with your line the gradient is still wrong (graph {where})",
                f"input {i + 1}: expected {_short(np.round(want[i], 6))}, got {_short(np.round(got[i], 6))}",
                elsewhere[0] if elsewhere else _fix_diagnosis(fixed, got, fn, leaves),
            )
    return (
        f"the bug is line {number + 1}, `{_BUG}`: a value used twice kept only its last "
        f"gradient. With `{'; '.join(fixed.splitlines())}` the gradients match central "
        "differences on forks and chains."
    )
