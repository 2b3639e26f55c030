"""Checkers for chapter 6: the numerical gradient, and the network with the homework's bug."""

from __future__ import annotations

import re

import numpy as np

from ..activations import sigmoid
from ..data import NOISE, bump
from ..network import Network
from .machinery import (
    SIZES,
    _call,
    _checker,
    _compare,
    _copies,
    _NotYet,
    _problem,
    _require_function,
    _rng,
    _short,
    _unchanged,
    _where,
    _Wrong,
)

#: The noise scale the source homework adds where b2 belongs (the bug of chapter 6).
S = 0.5


class BuggyNetwork(Network):
    """A Network whose forward pass adds the noise scale S where b2 belongs.

    Its gradients still follow the correct formulas (they are inherited), so they no longer
    match the loss it computes: ``bp.grad_check(BuggyNetwork(), x, y)`` flags b2, whose
    numerical gradient is 0 because b2 never reaches the output.
    """

    def _forward(self, x):
        p = self._params
        z = x[:, None] * p["w1"] + p["b1"]  # (n, k)
        h = self.activation.fn(z)  # (n, k)
        f = h @ p["w2"] + S  # the bug: the homework's `+ s` where `+ b2` belongs
        return z, h, f

    def __repr__(self) -> str:
        return "Buggy" + super().__repr__()


def _central(fn, theta, eps):
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (fn(up) - fn(down)) / (2 * eps)
    return grad


def _one_sided(fn, theta, eps, sign):
    grad = np.zeros_like(theta)
    base = fn(theta.copy())
    for i in range(theta.size):
        moved = theta.copy()
        moved[i] += sign * eps
        grad[i] = sign * (fn(moved) - base) / eps
    return grad


def _test_functions(rng):
    """Smooth, coupled test functions fn(theta) -> float, with theta of several sizes."""
    out = []
    for d in (1, 4, 10):
        a, c, u = rng.normal(0, 2, d), rng.normal(0, 1, d), rng.normal(0, 1, d)

        def fn(theta, a=a, c=c, u=u):
            theta = np.asarray(theta, dtype=np.float64)
            return float(
                np.sum(c * np.sin(a * theta))
                + 0.3 * np.dot(u, theta) ** 3
                + np.log1p(np.dot(theta, theta))
            )

        out.append(
            (fn, rng.normal(0, 1, d), f"a smooth test function of {d} parameter" + "s" * (d != 1))
        )
    # The course's own loss, as a function of the flattened parameters w1, b1, w2, b2.
    k = 3
    x = rng.uniform(-1, 1, 20)
    y = bump(x) + NOISE * rng.standard_normal(20)
    net = Network(hidden=k, activation="sigmoid", seed=0)

    def loss(theta, net=net, x=x, y=y, k=k):
        theta = np.asarray(theta, dtype=np.float64)
        net.params = {
            "w1": theta[:k],
            "b1": theta[k : 2 * k],
            "w2": theta[2 * k : 3 * k],
            "b2": theta[3 * k],
        }
        return net.loss(x, y)

    out.append((loss, rng.normal(0, 1, 3 * k + 1), "the network's loss over its 10 parameters"))
    return out


@_checker("numerical_grad")
def check_numerical_grad(numerical_grad, seed=None):
    """Check numerical_grad(fn, theta, eps=1e-6) -> array like theta, by central differences."""
    sig = "numerical_grad(fn, theta, eps=1e-6) -> array shaped like theta"
    _require_function(numerical_grad, "numerical_grad", sig)
    rng = _rng(seed)
    cases = [(fn, th, what, None) for fn, th, what in _test_functions(rng)]
    fn, th, what = cases[1][:3]
    # First a large eps: it tells central from one-sided differences, and the slips with a
    # factor of 2 from each other, far beyond TOL (at eps = 1e-6 they differ by about 1e-6).
    cases.insert(0, (fn, th, what, 1e-2))
    for fn, theta, what, eps in cases:
        used = 1e-6 if eps is None else eps
        where = f"{what}" + ("" if eps is None else f", eps = {eps:g}")
        arg = theta.copy()
        args = (fn, arg) if eps is None else (fn, arg, eps)
        out = _call(numerical_grad, args, "numerical_grad", sig, where)
        # Raising θ_i by eps and lowering it again may leave a rounding error of one ulp.
        if np.shape(arg) != theta.shape or not np.allclose(arg, theta, rtol=1e-12, atol=1e-14):
            raise _Wrong(
                f"your function changed its input theta in place ({where}); the exercise asks "
                "you to leave the caller's theta unchanged",
                "diagnosis: after moving θ_i by ±eps, put it back (or work on a copy of θ); "
                "otherwise every later entry is measured at the wrong point",
            )
        variants = [
            (
                "a one-sided (forward) difference (fn(θ + ε) − fn(θ)) / ε: use the central "
                "difference (fn(θ + ε) − fn(θ − ε)) / (2ε), which is far more accurate",
                _one_sided(fn, theta, used, +1),
            ),
            (
                "a one-sided (backward) difference (fn(θ) − fn(θ − ε)) / ε: use the central "
                "difference (fn(θ + ε) − fn(θ − ε)) / (2ε)",
                _one_sided(fn, theta, used, -1),
            ),
            (
                "you divided by ε instead of 2ε: the two points are 2ε apart",
                2 * _central(fn, theta, used),
            ),
            (
                "half the right value: divide by 2ε, not 4ε (or by ε²)",
                0.5 * _central(fn, theta, used),
            ),
            (
                "wrong sign: fn(θ + ε) comes first, (fn(θ + ε) − fn(θ − ε)) / (2ε)",
                -_central(fn, theta, used),
            ),
            (
                "every entry moved all of θ at once: perturb one entry at a time",
                np.full_like(theta, (fn(theta + used) - fn(theta - used)) / (2 * used)),
            ),
            (
                "every entry is 0: fn was evaluated at the same point twice. `up = theta` "
                "does not copy — both names are one array — so use `theta.copy()`",
                np.zeros_like(theta),
            ),
            (
                "the lower point was θ itself, not θ − ε e_i, so you have "
                "(fn(θ + ε e_i) − fn(θ)) / (2ε): was `down` made from the raised copy, or is it "
                "the same array as `up` (`down = theta` does not copy)?",
                0.5 * _one_sided(fn, theta, used, +1),
            ),
            (
                "every entry holds the derivative for entry 0: perturb entry i, not entry 0",
                np.full_like(theta, _central(fn, theta, used)[0]),
            ),
            (
                "divided by ε² instead of 2ε",
                2 * used * _central(fn, theta, used) / used**2,
            ),
        ]
        if eps is not None:
            variants.insert(
                0,
                (
                    "the eps argument was ignored: use the eps you are given",
                    _central(fn, theta, 1e-6),
                ),
            )
        expected = _central(fn, theta, used)
        _skipped_entries(out, expected, where)
        _compare(
            "numerical_grad(fn, theta)",
            out,
            expected,
            where,
            variants,
            "(fn(θ + ε e_i) − fn(θ − ε e_i)) / (2ε) for each entry i",
        )
    return (
        f"numerical_grad is right on {len(cases)} random problems (1, 4 and 10 parameters, "
        "the network's loss, and a large eps)."
    )


def _skipped_entries(out, expected, where):
    """Name the entries a loop never reached: still 0, while every other entry is right."""
    try:
        a = np.asarray(out, dtype=np.float64)
    except Exception:
        return
    if a.shape != expected.shape or a.size < 2 or not np.all(np.isfinite(a)):
        return
    missed = (a == 0) & (expected != 0)
    rest = ~missed
    if not missed.any() or missed.all():
        return
    if np.allclose(a[rest], expected[rest], rtol=1e-6, atol=1e-12):
        idx = [int(i) for i in np.flatnonzero(missed)]
        raise _Wrong(
            f"entr{'y' if len(idx) == 1 else 'ies'} {', '.join(map(str, idx))} of the "
            f"result {'is' if len(idx) == 1 else 'are'} still 0 ({where}), every other entry "
            "is right",
            f"diagnosis: the loop never reached {'it' if len(idx) == 1 else 'them'}; loop "
            f"over every index, `for i in range(theta.size)` (θ has {a.size} entries)",
        )


def _suspect_ok(suspect):
    if not isinstance(suspect, str):
        return False
    # "b2", "B_2", "dL/db2", "params['b2']", "grads[\"b2\"]": keep letters and digits only.
    s = "".join(ch for ch in suspect.lower() if ch.isalnum())
    if s in ("b2", "db2", "dldb2", "bias2", "paramsb2", "gradsb2", "netparamsb2"):
        return True
    # A sentence that names b2 and no other parameter: "the bias b2", "b₂ (output bias)".
    named = {m.replace("_", "") for m in re.findall(r"[wb]_?[12₁₂]", suspect.lower())}
    return {n.replace("₁", "1").replace("₂", "2") for n in named} == {"b2"}


@_checker("find the bug", todo="suspect and fixed_predict are")
def check_bug_fix(suspect, fixed_predict, seed=None):
    """Check the "find the bug" answer: the parameter flagged, and a fixed forward pass."""
    sig = "fixed_predict(params, x) -> f, one value per sample"
    if suspect is Ellipsis:  # the stub: nothing named yet
        raise _NotYet
    if suspect is None:
        raise _Wrong("name the parameter the gradient check flags, as a string such as 'w1'")
    if callable(suspect) and isinstance(fixed_predict, str):
        raise _Wrong(
            "the arguments are in the wrong order: check_bug_fix(suspect, fixed_predict) takes "
            f"the parameter's name first and your function second, got a function first and "
            f"{fixed_predict!r} second"
        )
    if not isinstance(suspect, str):
        raise _Wrong(
            f"suspect should be a parameter name in quotes, like 'w1'; got "
            f"{type(suspect).__name__} {_short(suspect)}"
        )
    if not _suspect_ok(suspect):
        raise _Wrong(
            f"{suspect!r} is not the parameter the gradient check flags",
            "look at bp.grad_check(bp.exercises.BuggyNetwork(), x, y): one row is marked "
            "'wrong' (a relative error near 1); that parameter's numerical gradient is 0, "
            "because it never reaches the output",
        )
    _require_function(fixed_predict, "fixed_predict", sig)
    rng = _rng(seed)
    for k, n in SIZES:
        x, _, params, net, _, _, (z, h, f) = _problem(rng, k, n)
        where = _where(k, n)
        args = (_copies(params), x.copy())
        out = _call(fixed_predict, args, "fixed_predict", sig, where)
        _unchanged({"params": params, "x": x}, {"params": args[0], "x": args[1]}, where)
        w2, b2 = params["w2"], params["b2"]
        variants = [
            ("it still adds S = 0.5 where b2 belongs: f = w2·h + b2", h @ w2 + S),
            ("it adds b2 and still adds S: remove the `+ S`", h @ w2 + b2 + S),
            ("b2 is missing: f = w2·h + b2", h @ w2),
            ("wrong sign on b2: f = w2·h + b2", h @ w2 - b2),
            ("it uses z, not h = σ(z): apply the sigmoid before w2", z @ w2 + b2),
            (
                "used w1 where w2 belongs: the output layer's weights are w2, f = w2·h + b2",
                h @ params["w1"] + b2,
            ),
            (
                "used w2 in the hidden layer where w1 belongs: z = w1 x + b1",
                sigmoid(x[:, None] * w2 + params["b1"]) @ w2 + b2,
            ),
            ("returned h = σ(z), the hidden layer: f = w2·h + b2, one value per sample", h),
            (
                "used tanh where the sigmoid belongs: h = σ(z)",
                np.tanh(z) @ w2 + b2,
            ),
        ]
        _compare("fixed_predict(params, x)", out, f, where, variants, "f = w2·σ(w1 x + b1) + b2")
    return (
        f"the bug is b2: the forward pass added S = {S} in its place, and fixed_predict "
        f"is right on {len(SIZES)} random problems."
    )
