"""Checkers for chapter 9: the backward pass for any depth."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid_prime, tanh_prime
from ..data import NOISE, bump
from ..deep import DeepNetwork, param_names
from ..gradcheck import relative_error
from .machinery import (
    TOL,
    _call,
    _checker,
    _close,
    _compare,
    _holds_ellipsis,
    _NotYet,
    _require_function,
    _rng,
    _scaled,
    _short,
    _Wrong,
)

#: The problems check_backward tries, first to last: (sizes, n). The first has equal hidden
#: widths, so that a derivative taken at a neighbouring layer's Z gives an answer of the right
#: shape (and is recognised), and n = 5 apart from every width, so the factors differ.
PROBLEMS = (
    ((1, 3, 3, 3, 1), 5),
    ((1, 4, 2, 6, 1), 7),
    ((1, 5, 1), 1),
    ((1, 1), 4),
    ((1, 2, 2, 1), 1),
    ((1, 6, 3, 1), 50),
)

_PRIMES = (("tanh", tanh_prime), ("sigmoid", sigmoid_prime))
_UNIT = "unit"  # how the shape diagnoses speak of one entry of a bias gradient
_SIG = "backward(Z, A, y, params, act_prime) -> {'W1': ..., 'b1': ..., ..., 'WL': ..., 'bL': ...}"
_FORMULAS = {
    "W": "∂L/∂W_l = A_{l−1}ᵀ Δ_l (chapter 9)",
    "b": "∂L/∂b_l = Δ_lᵀ 1, the column sums of Δ_l (chapter 9)",
}
_SHAPE_HINT = (
    "hint: in the recursion Δ_{l+1} has shape (n, d_{l+1}) and W_{l+1} has shape "
    "(d_l, d_{l+1}); the product whose inner sizes agree is Δ_{l+1} W_{l+1}ᵀ, with W "
    "transposed and on the right, giving (n, d_l); Δ_L itself is a column (n, 1), like A[L]"
)
_ROW_MEETS_COLUMN = (
    "diagnosis: with one sample your function is right, so an (n,) array met an (n, 1) "
    "column: A[L] is (n, 1) and y is (n,), and A[L] − y broadcasts to an (n, n) table; "
    "write A[L] − y[:, None], so that Δ_L is (n, 1)"
)


def _problem(rng, sizes, n, activation):
    """Random data and a random network; its forward pass and the reference gradients."""
    x = rng.uniform(-1.0, 1.0, n)
    y = bump(x) + NOISE * rng.standard_normal(n)
    net = DeepNetwork(sizes, activation, seed=rng, init="xavier")
    for name, p in net.params.items():
        if name[0] == "b":  # nonzero biases, so no mistake hides behind a zero
            p[...] = rng.normal(0.0, 0.5, p.shape)
    Z, A, _ = net.forward(x)
    _, grads = net.loss_and_grads(x, y)
    return x, y, net, Z, A, grads


def _backward(Z, A, y, params, prime, mistake=""):
    """Chapter 9's four equations, or the same with one named mistake (None if impossible)."""
    L, n = len(Z), y.size
    delta = (2.0 / n) * (Z[-1] - y[:, None])  # Δ_L
    if mistake == "output-prime":
        delta = delta * prime(Z[-1])
    grads = {}
    for l in range(L, 0, -1):
        a = A[l] if mistake == "A-own" else A[l - 1]
        grads[f"W{l}"] = (delta.T @ a) if mistake == "W-flipped" else a.T @ delta
        grads[f"b{l}"] = delta.mean(axis=0) if mistake == "b-mean" else delta.sum(axis=0)
        if l == 1:
            break
        back = delta @ params[f"W{l}"].T
        if mistake == "no-prime":
            delta = back
        elif mistake == "prime-at-A":
            delta = back * prime(A[l - 1])
        elif mistake in ("prime-above", "prime-below"):
            other = l - 1 if mistake == "prime-above" else l - 3  # Z_l or Z_{l-2} for Δ_{l-1}
            # a Python index of -1 silently means the output layer's Z_L, as in student code
            if not -L <= other < L or Z[other].shape[1] not in (1, back.shape[1]):
                return None
            delta = back * prime(Z[other])
        else:
            delta = back * prime(Z[l - 2])
    return grads


_MISTAKES = (
    ("no-prime", "the activation's derivative is missing: Δ_l = (Δ_{l+1} W_{l+1}ᵀ) ⊙ act′(Z_l)"),
    (
        "prime-above",
        "act′ was taken at the wrong layer's Z, the layer above: Δ_l needs act′(Z_l), "
        "at the layer the error arrives at",
    ),
    (
        "prime-below",
        "act′ was taken at the wrong layer's Z, the layer below: Δ_l needs act′(Z_l), "
        "at the layer the error arrives at",
    ),
    ("prime-at-A", "act′ was applied to A_l = act(Z_l) instead of to Z_l"),
    (
        "output-prime",
        "the output error was multiplied by act′(Z_L), but the output layer is linear: "
        "Δ_L = (2/n)(f − y)",
    ),
    ("W-flipped", "transposed: ∂L/∂W_l = A_{l−1}ᵀ Δ_l, not Δ_lᵀ A_{l−1}"),
    (
        "A-own",
        "A_l, the layer's own output, was used: ∂L/∂W_l = A_{l−1}ᵀ Δ_l needs the layer's "
        "input A_{l−1}, which is A[l - 1]",
    ),
    (
        "b-mean",
        "the bias gradient averages over the samples instead of summing: Δ_l already holds "
        "the 1/n of the mean",
    ),
)


def _variants(Z, A, y, params, prime, name, n, right):
    """The recognised wrong answers for one gradient, mistakes before factor slips."""
    out = []
    for mistake, text in _MISTAKES:
        wrong = _backward(Z, A, y, params, prime, mistake)
        if wrong is None:
            continue
        if wrong[name].shape != right.shape or relative_error(wrong[name], right) > TOL:
            out.append((text, wrong[name]))
    if name[0] == "b":
        l = int(name[1:])
        delta = _deltas(Z, A, y, params, prime)[l]
        out.append(("summed over the units (axis 1) instead of the samples (axis 0)", delta.sum(1)))
        out.append(
            (
                "summed over the samples and the units as well: ∂L/∂b_l = Δ_lᵀ 1 sums over "
                "the samples only, one value per unit — delta.sum(axis=0)",
                delta.sum(),
            )
        )
    return out + _scaled([("", right)], n)


def _step_in_recursion(name, got, Z, A, y, params, prime, where):
    """Name a recursion that used W_{l+1} − c·∂L/∂W_{l+1}, a W already updated, for any c."""
    l, L = int(name[1:]), len(Z)
    if l >= L:
        return
    delta = _deltas(Z, A, y, params, prime)
    right = _backward(Z, A, y, params, prime)
    shift = (delta[l + 1] @ right[f"W{l + 1}"].T) * prime(Z[l - 1])  # E_l, (n, d_l)
    d = shift.sum(axis=0) if name[0] == "b" else A[l - 1].T @ shift
    got = _as_array(got)
    if got is None or got.shape != d.shape or not np.vdot(d, d) > 0:
        return
    c = -float(np.vdot(got - right[name], d) / np.vdot(d, d))
    if abs(c) > 1e-9 and relative_error(got, right[name] - c * d) <= TOL:
        raise _Wrong(
            f"grads['{name}'] is wrong ({where}): the layers above are right",
            f"diagnosis: the recursion used W{l + 1} already updated, W{l + 1} − {c:.3g}·∂L/∂W"
            f"{l + 1}: backward only computes gradients, and Δ_{l} = (Δ_{l + 1} W_{l + 1}ᵀ) ⊙ "
            f"act′(Z_{l}) needs W{l + 1} as the forward pass used it; the step belongs to "
            "training, after backward",
        )


def _deltas(Z, A, y, params, prime):
    """Δ_l for l = 1..L, by index."""
    L = len(Z)
    delta = {L: (2.0 / y.size) * (Z[-1] - y[:, None])}
    for l in range(L, 1, -1):
        delta[l - 1] = (delta[l] @ params[f"W{l}"].T) * prime(Z[l - 2])
    return delta


def _grads_dict(out, names, expected, where):
    """The student's gradients as a dict under the right keys, or a verdict on why not."""
    if _holds_ellipsis(out):
        raise _NotYet
    if isinstance(out, (tuple, list)):
        if len(out) == 2 and isinstance(out[1], dict):
            raise _Wrong(f"it returned a pair ({where}); return only the dict of gradients")
        raise _Wrong(
            f"it returned a {type(out).__name__} of length {len(out)} ({where}); return a dict "
            f"with the keys {', '.join(names)}, so each gradient keeps its parameter's name"
        )
    if not isinstance(out, dict):
        raise _Wrong(
            f"it should return a dict with the keys {', '.join(names)}, got "
            f"{type(out).__name__} {_short(out)} ({where})"
        )
    if _holds_ellipsis(out):
        raise _NotYet
    missing = [nm for nm in names if nm not in out]
    if missing:
        got = sorted(map(str, out))
        lines = [
            f"the dict is missing {', '.join(map(repr, missing))} ({where}); it needs the keys "
            f"{', '.join(names)}, got {got}"
        ]
        if any(str(k).lower() in [nm.lower() for nm in names] and k not in names for k in out):
            lines.append("diagnosis: keys are case-sensitive — the weights are 'W1', 'W2', …")
        elif "W0" in out or "b0" in out:
            lines.append(
                "diagnosis: the layers are numbered from 1: W1 is the first layer's weights, "
                "so a Python index l needs the key f'W{l + 1}' (or loop l = L, …, 1)"
            )
        raise _Wrong(*lines)
    for name in names:  # a gradient filed under another layer's name
        got = _as_array(out[name])
        if got is None:
            continue
        if got.shape == expected[name].shape and relative_error(got, expected[name]) <= TOL:
            continue
        for other in names:
            if other != name and got.shape == expected[other].shape:
                if relative_error(got, expected[other]) <= TOL:
                    raise _Wrong(
                        f"grads['{name}'] holds the gradient of {other} ({where})",
                        "diagnosis: the gradients are in the wrong order or under the wrong "
                        "keys — layer l's gradients go under f'W{l}' and f'b{l}', with l "
                        "counted from 1 at the input",
                    )
    return out


def _right_with_one_sample(backward, sizes, activation, prime, rng) -> bool:
    """Whether backward gets every gradient right for these sizes when n = 1 (never raises)."""
    try:
        _, y, net, Z, A, grads = _problem(rng, sizes, 1, activation)
        with np.errstate(all="ignore"):
            out = backward(*_snapshot(Z, A, y, net.params), prime)
            return isinstance(out, dict) and all(
                np.shape(out[name]) == grads[name].shape
                and relative_error(np.asarray(out[name], dtype=np.float64), grads[name]) <= TOL
                for name in grads
            )
    except Exception:
        return False


def _as_array(value):
    try:
        arr = np.asarray(value, dtype=np.float64)
    except Exception:
        return None
    return arr


def _snapshot(Z, A, y, params):
    return (
        [z.copy() for z in Z],
        [a.copy() for a in A],
        y.copy(),
        {k: v.copy() for k, v in params.items()},
    )


def _unchanged(before, after, where, grads=None):
    """Complain when backward changed Z, A, y or params in place (lists included)."""
    if grads is not None:
        _no_step_taken(before[3], after[3], grads, where)
    labels = ("Z", "A", "y", "params")
    for label, old, new in zip(labels, before, after, strict=True):
        if isinstance(old, list):
            same = isinstance(new, list) and len(new) == len(old)
            bad = "" if same else f"{label} (the list itself: an item was added or removed)"
            for i, arr in enumerate(old):
                if not bad and not _equal(new[i], arr):
                    bad = f"{label}[{i}]"
        elif isinstance(old, dict):
            if not isinstance(new, dict) or set(new) != set(old):
                bad = "params (a key was added or removed)"
            else:
                bad = next((f"params[{k!r}]" for k in old if not _equal(new[k], old[k])), "")
        else:
            bad = "" if _equal(new, old) else label
        if bad:
            raise _Wrong(
                f"your function changed its input {bad} in place ({where}); compute new "
                "arrays instead (e.g. `delta = delta * g`, not `delta *= g` on an input), and "
                "leave the lists Z and A as they are"
            )


def _no_step_taken(old, new, grads, where):
    """Name a backward that moved a parameter by a multiple of its gradient (a training step)."""
    if not isinstance(new, dict):
        return
    for key, before in old.items():
        now, g = _as_array(new.get(key)), grads.get(key)
        if now is None or g is None or now.shape != before.shape or _equal(now, before):
            continue
        change = now - before
        c = -float(np.vdot(change, g) / np.vdot(g, g)) if np.vdot(g, g) > 0 else 0.0
        if c != 0.0 and relative_error(change, -c * g) <= TOL:
            raise _Wrong(
                f"your function changed params['{key}'] ({where}): it took a gradient step, "
                f"{key} ← {key} − {c:.3g}·∂L/∂{key}",
                "diagnosis: backward only computes the gradients; the recursion below needs "
                f"{key} as the forward pass used it, and the step belongs to training, after "
                "backward — leave params unchanged",
            )


def _equal(now, original) -> bool:
    try:
        return bool(np.array_equal(np.asarray(now), original))
    except Exception:
        return False


@_checker("backward")
def check_backward(backward, seed=None):
    """Check backward(Z, A, y, params, act_prime) -> dict of every W_l and b_l gradient."""
    _require_function(backward, "backward", _SIG)
    rng = _rng(seed)
    for i, (sizes, n) in enumerate(PROBLEMS):
        activation, prime = _PRIMES[i % 2]
        x, y, net, Z, A, grads = _problem(rng, sizes, n, activation)
        where = f"sizes {sizes}, n = {n}, {activation}"
        names = param_names(len(sizes) - 1)
        before = _snapshot(Z, A, y, net.params)
        args = _snapshot(Z, A, y, net.params) + (prime,)
        try:
            out = _call(backward, args, "backward", _SIG, where)
        except _Wrong as wrong:
            text = " ".join(map(str, wrong.args))
            if any(w in text for w in ("matmul", "broadcast", "aligned", "shapes")):
                if n > 1 and _right_with_one_sample(backward, sizes, activation, prime, rng):
                    raise _Wrong(*wrong.args[:2], _ROW_MEETS_COLUMN) from None
                raise _Wrong(*wrong.args, _SHAPE_HINT) from None
            raise
        _unchanged(before, args[:4], where, grads)
        out = _grads_dict(out, names, grads, where)
        for name in reversed(names):  # from the output down, as the error travels
            variants = _variants(Z, A, y, net.params, prime, name, n, grads[name])
            formula = _FORMULAS[name[0]].replace("_l", f"_{name[1:]}")
            if not _close(out[name], grads[name]):
                _step_in_recursion(name, out[name], Z, A, y, net.params, prime, where)
            _compare(
                f"grads['{name}']",
                out[name],
                grads[name],
                where,
                variants,
                formula,
                unit=_UNIT,
                samples=True,
            )
    shown = ", ".join(str(s) for s, _ in PROBLEMS[:3])
    return f"backward is right on {len(PROBLEMS)} random networks (sizes {shown}, …)."
