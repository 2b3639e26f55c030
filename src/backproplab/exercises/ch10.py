"""Checkers for chapter 10: backward rules run inside real Tensor graphs, and the autograd
with a bug at forks."""

from __future__ import annotations

import dis
import inspect
import itertools
import os
import re
import sys
import traceback

import numpy as np

from ..autograd import Tensor, sum_to
from ..gradcheck import relative_error
from .machinery import _checker, _is_stub, _NotYet, _operator_hint, _rng, _short, _Wrong

# -- the graphs every rule is run in: a chain, broadcasting, forks, the course's network --
_MUL_SIG = "mul_backward(a, b, out): add dL/da to a.grad and dL/db to b.grad"
_TANH_SIG = "tanh_backward(a, out): add dL/da to a.grad"


def _graphs(rng):
    """(description, leaf values, fn(*tensors) -> scalar Tensor), each with * and tanh."""
    n, k = 6, 3
    x, y = rng.uniform(-1, 1, n), rng.normal(0, 0.3, n)

    def network(w1, b1, w2, b2):  # the course's network: broadcasting, and r used twice
        h = (Tensor(x[:, None]) * w1 + b1).tanh()  # (n, k)
        r = (h * w2).sum(axis=1) + b2 - y  # (n,)
        return (r * r).mean()

    return [
        ("a chain, (a · b).tanh() summed, shapes (4,)", [rng.normal(0, 1, 4), rng.normal(0, 1, 4)],
         lambda a, b: (a * b).tanh().sum()),
        ("a (4, 3) · (3,) · scalar: broadcasting", [rng.normal(0, 1, (4, 3)), rng.normal(0, 1, 3), rng.normal(0, 1, ())],
         lambda a, w, s: ((a * w).tanh() * s).sum()),
        ("a fork, x · x + tanh(x) · x + tanh(x)", [rng.normal(0, 1, 5)],
         lambda x: (x * x + x.tanh() * x + x.tanh()).sum()),
        (f"the course's network, k = {k}, n = {n}", [rng.normal(0, 1, k), rng.normal(0, 1, k), rng.normal(0, 1, k), rng.normal(0, 0.5, ())],
         network),
    ]  # fmt: skip


def _central(fn, leaves, eps=1e-6):
    values = [np.array(v, dtype=np.float64) for v in leaves]
    grads = []
    for v in values:
        g = np.zeros_like(v)
        for i in np.ndindex(v.shape):
            old = v[i]
            v[i] = old + eps
            up = float(fn(*(Tensor(u) for u in values)).value)
            v[i] = old - eps
            down = float(fn(*(Tensor(u) for u in values)).value)
            v[i] = old
            g[i] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def _run(fn, leaves, op, rule):
    """The leaves' gradients when the nodes made by `op` run `rule` in backward()."""
    ts = [Tensor(v) for v in leaves]
    loss = fn(*ts)
    for node in loss.graph():
        if node.op == op:
            node._backward = lambda node=node: rule(*node.parents, node)
    loss.backward()
    return [t.grad for t in ts]


def _student_rule(fn, op, where):
    """Wrap the student's rule: it must change only the input gradients, and in place."""

    def rule(*args):
        *inputs, out = args
        values = [t.value.copy() for t in args]
        upstream = out.grad.copy()
        before = [np.array(t.grad, copy=True) for t in inputs]
        try:
            returned = fn(*args)
        except ValueError as err:
            err.diagnosis = _shape_diagnosis(str(err), out.shape)
            raise
        if returned is not None and all(
            np.array_equal(t.grad, g) for t, g in zip(inputs, before, strict=True)
        ):
            raise _Wrong(
                f"your rule returned its gradients ({where}), but backward() ignores what a "
                "rule returns: add each one to its input's .grad instead (a.grad += ...)"
            )
        if any(not np.array_equal(t.value, v) for t, v in zip(args, values, strict=True)):
            raise _Wrong(
                f"your rule changed a .value in place ({where}); a backward rule only reads "
                "the values and adds to the input gradients"
            )
        if not isinstance(out.grad, np.ndarray) or not np.array_equal(out.grad, upstream):
            raise _Wrong(
                f"your rule changed out.grad, the upstream gradient, in place ({where}); "
                "compute a new array (out.grad * ...) instead of `out.grad *= ...`"
            )
        for t in inputs:
            g = t.grad
            if np.shape(g) != t.shape:
                shape = getattr(g, "shape", type(g).__name__)
                hint = (
                    "diagnosis: the broadcast was not summed back — sum the gradient back to "
                    "the input's shape with bp.autograd.sum_to(g, a.shape)"
                    if np.shape(g) != () and np.size(g) > t.value.size
                    else "each input's .grad must keep that input's shape"
                )
                raise _Wrong(
                    f"after your rule an input's .grad has shape {shape}, but the input has "
                    f"shape {t.shape} ({where})",
                    hint,
                )

    return rule


def _shape_diagnosis(text, out_shape):
    """Name the slip when `input.grad += g` failed because g has the wrong shape."""
    m = re.search(r"output operand with shape (\([^)]*\)) doesn't match the broadcast shape "
                  r"(\([^)]*\))", text)  # fmt: skip
    if not m:
        return None
    have, got = m.groups()
    if got.replace(" ", "") == str(out_shape).replace(" ", ""):
        return (
            f"diagnosis: the broadcast was not summed back — a gradient of the output's shape "
            f"{got} went to an input of shape {have}; sum each input's gradient back to its "
            "own shape: bp.autograd.sum_to(g, a.shape) for a, sum_to(g, b.shape) for b"
        )
    return (
        f"diagnosis: the gradient was summed, but not to the input's shape — it has shape "
        f"{got}, the input {have}; sum over exactly the axes that were broadcast, which "
        "bp.autograd.sum_to(g, a.shape) finds from the input's own shape"
    )


def _run_student(fn, leaves, op, student, where):
    try:
        return _run(fn, leaves, op, _student_rule(student, op, where))
    except (_Wrong, _NotYet, KeyboardInterrupt, SystemExit):
        raise
    except NotImplementedError:
        raise _NotYet from None
    except BaseException as err:
        lines = [f"it raised {type(err).__name__}: {err}  ({where})"]
        library = (sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(__file__)))
        frames = [
            f for f in traceback.extract_tb(err.__traceback__) if not f.filename.startswith(library)
        ]
        if frames and frames[-1].line:
            lines.append(f"at line {frames[-1].lineno}: {frames[-1].line.strip()}")
        if getattr(err, "diagnosis", None):
            lines.append(err.diagnosis)
        elif isinstance(err, TypeError) and "argument" in str(err):
            lines.append(f"check the signature: {_MUL_SIG if op == '*' else _TANH_SIG}")
        else:
            lines += _operator_hint(err)
        raise _Wrong(*lines) from None


def _check_rule(student, op, sig, name, variants, formula, seed):
    if student is Ellipsis or (callable(student) and _is_stub(student)):
        raise _NotYet
    if not callable(student):
        raise _Wrong(
            f"expected your function {sig}, got {type(student).__name__} {_short(student)}"
        )
    graphs = _graphs(_rng(seed))
    for where, leaves, fn in graphs:
        try:
            got = _run_student(fn, leaves, op, student, where)
        except _Wrong as wrong:
            _other_order(student, op, name, graphs, wrong.args[:2])
            raise
        want = _central(fn, leaves)
        if all(relative_error(g, w) <= 1e-5 for g, w in zip(got, want, strict=True)):
            continue
        i = max(range(len(want)), key=lambda j: relative_error(got[j], want[j]))
        lines = [
            f"the gradients disagree with central differences ({where})",
            f"input {i + 1}: expected {_short(np.round(want[i], 6))}, got {_short(np.round(got[i], 6))}",
        ]
        for text, wrong in variants:
            alt = _run(fn, leaves, op, wrong)
            if any(relative_error(a, w) > 1e-5 for a, w in zip(alt, want, strict=True)) and all(
                relative_error(g, a) <= 1e-9 for g, a in zip(got, alt, strict=True)
            ):
                lines.append(
                    f"diagnosis: {_RESET if text == _OVERWRITE and _resets(student) else text}"
                )
                break
        else:
            _other_order(student, op, name, graphs, lines[:2])
            lines.append(f"no common mistake recognised; the rule is {formula}")
        raise _Wrong(*lines)
    return (
        f"{name} gives the gradients of central differences in {len(graphs)} graphs "
        "(a chain, broadcasting, a fork and the course's network)."
    )


def _other_order(student, op, name, graphs, lines):
    """Name a rule that is right once its parameters are taken in another order."""
    params = ("a", "b", "out") if op == "*" else ("a", "out")
    for order in itertools.permutations(range(len(params))):
        if order == tuple(range(len(params))):
            continue

        def rule(*args, order=order):
            return student(*(args[i] for i in order))

        try:
            right = all(
                all(
                    relative_error(g, w) <= 1e-5
                    for g, w in zip(_run(fn, leaves, op, rule), _central(fn, leaves), strict=True)
                )
                for _, leaves, fn in graphs
            )
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # that order fails too
            continue
        if right:
            raise _Wrong(
                *lines,
                f"diagnosis: your function takes its arguments in another order, "
                f"({', '.join(params[i] for i in order)}); backward() calls "
                f"{name}({', '.join(params)}): the node's inputs first, the node itself, out, "
                "last — with that order your rule is right",
            )


_OVERWRITE = "`=` where `+=` belongs: a value used twice gets only its last gradient — add to .grad"
_RESET = (
    "your rule resets .grad before adding (to 0, or np.zeros): a value used twice then keeps "
    "only its last gradient — a rule never resets .grad, it only adds to it"
)
_OUT_VALUE = (
    "out.value where out.grad belongs: the upstream gradient is out.grad; out.value is the "
    "node's output, the number the forward pass computed"
)


def _resets(student) -> bool:
    """Whether the student's rule sets a .grad to zero (read from its source; never raises)."""
    try:  # `x.grad = 0` compiles to a constant 0 and then the store into .grad
        code = list(dis.get_instructions(student))
        zero = [i.opname == "LOAD_CONST" and i.argval is not None and i.argval == 0 for i in code]
        if any(
            ins.opname == "STORE_ATTR" and ins.argval == "grad" and any(zero[max(0, k - 2) : k])
            for k, ins in enumerate(code)
        ):
            return True
    except Exception:
        pass
    try:
        source = inspect.getsource(student)
    except Exception:  # a lambda typed at the prompt, a builtin: no source to read
        return False
    reset = r"\.grad(\[[^]]*\])?\s*(\*=\s*0\b|=\s*0(\.0*)?\s*($|;|#)|=\s*(np\.)?zeros)"
    return bool(re.search(reset, source, re.M))


def _mul_variants():
    def forgot_upstream(a, b, out):
        a.grad += sum_to(np.broadcast_to(b.value, out.shape), a.shape)
        b.grad += sum_to(np.broadcast_to(a.value, out.shape), b.shape)

    def swapped(a, b, out):
        a.grad += sum_to(out.grad * a.value, a.shape)
        b.grad += sum_to(out.grad * b.value, b.shape)

    def overwrites(a, b, out):
        a.grad = sum_to(out.grad * b.value, a.shape)
        b.grad = sum_to(out.grad * a.value, b.shape)

    def only_a(a, b, out):
        a.grad += sum_to(out.grad * b.value, a.shape)

    def summed_all(a, b, out):
        a.grad += np.sum(out.grad * b.value)
        b.grad += np.sum(out.grad * a.value)

    def minus(a, b, out):
        a.grad -= sum_to(out.grad * b.value, a.shape)
        b.grad -= sum_to(out.grad * a.value, b.shape)

    def resets_first(a, b, out):
        a.grad = np.zeros_like(a.value)
        b.grad = np.zeros_like(b.value)
        a.grad += sum_to(out.grad * b.value, a.shape)
        b.grad += sum_to(out.grad * a.value, b.shape)

    def out_value(a, b, out):
        a.grad += sum_to(out.value * b.value, a.shape)
        b.grad += sum_to(out.value * a.value, b.shape)

    def no_local(a, b, out):
        a.grad += sum_to(out.grad, a.shape)
        b.grad += sum_to(out.grad, b.shape)

    return [
        (_OUT_VALUE, out_value),
        (_RESET, resets_first),
        ("the local gradient is missing: dL/da = out.grad · b.value, the OTHER input's value", no_local),
        ("the upstream gradient is missing: multiply by out.grad (downstream = upstream × local)", forgot_upstream),
        ("operands swapped: dL/da = out.grad · b (the OTHER input), not out.grad · a", swapped),
        (_OVERWRITE, overwrites),
        ("b.grad is never updated: both inputs of * get a gradient", only_a),
        ("every entry was summed into one number: sum only over the broadcast axes, with sum_to(g, a.shape)", summed_all),
        ("the sign is flipped: `-=` subtracts the gradient; add it, `+=`", minus),
    ]  # fmt: skip


def _tanh_variants():
    def one_minus_tanh(a, out):
        a.grad += out.grad * (1 - out.value)

    def forgot_upstream(a, out):
        a.grad += 1 - out.value**2

    def overwrites(a, out):
        a.grad = out.grad * (1 - out.value**2)

    def on_input(a, out):
        a.grad += out.grad * (1 - a.value**2)

    def plus(a, out):
        a.grad += out.grad * (1 + out.value**2)

    def tanh_itself(a, out):
        a.grad += out.grad * out.value

    def tanh_of_tanh(a, out):
        a.grad += out.grad * (1 - np.tanh(out.value) ** 2)

    def sigmoid_prime(a, out):
        a.grad += out.grad * out.value * (1 - out.value)

    def square_of_difference(a, out):
        a.grad += out.grad * (1 - out.value) ** 2

    def minus(a, out):
        a.grad -= out.grad * (1 - out.value**2)

    def out_value(a, out):
        a.grad += out.value * (1 - out.value**2)

    return [
        (_OUT_VALUE, out_value),
        ("tanh′ written as 1 − tanh: the tanh must be squared, 1 − tanh²(a) = 1 − out.value²", one_minus_tanh),
        ("the upstream gradient is missing: multiply by out.grad (downstream = upstream × local)", forgot_upstream),
        (_OVERWRITE, overwrites),
        ("1 − a² uses the input; tanh′(a) = 1 − tanh²(a) = 1 − out.value²", on_input),
        ("1 + tanh²: the square is subtracted, 1 − tanh²(a)", plus),
        ("this multiplies by tanh(a) itself, not by its derivative 1 − tanh²(a)", tanh_itself),
        ("tanh applied twice: out.value already is tanh(a), so tanh′ = 1 − out.value²", tanh_of_tanh),
        ("u(1 − u) is the sigmoid's derivative; tanh's is 1 − u², u = out.value", sigmoid_prime),
        ("(1 − tanh)² squares the difference; square only the tanh: 1 − out.value**2", square_of_difference),
        ("the sign is flipped: `-=` subtracts the gradient; add it, `+=`", minus),
    ]  # fmt: skip


@_checker("mul_backward")
def check_mul_backward(mul_backward, seed=None):
    """Run the student's rule for * inside real graphs and compare with central differences."""
    return _check_rule(
        mul_backward, "*", _MUL_SIG, "mul_backward", _mul_variants(),
        "a.grad += sum_to(out.grad * b.value, a.shape), and the same for b with a", seed,
    )  # fmt: skip


@_checker("tanh_backward")
def check_tanh_backward(tanh_backward, seed=None):
    """Run the student's rule for tanh inside real graphs and compare with central differences."""
    return _check_rule(
        tanh_backward, "tanh", _TANH_SIG, "tanh_backward", _tanh_variants(),
        "a.grad += out.grad * (1 - out.value**2)", seed,
    )  # fmt: skip


# -- find the bug lives in its own module; its names are kept here for old imports --------
from .ch10_forks import (  # noqa: E402, F401
    BUGGY_AUTOGRAD,
    Value,
    ValueCheck,
    ValueCheckRow,
    buggy_value_class,
    check_fork_fix,
    numbered_source,
    value_grad_check,
)
