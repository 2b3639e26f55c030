"""Checkers for chapter 3: the four gradients."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid_prime
from ..network import PARAM_NAMES
from .machinery import (
    SIZES,
    _call_xy,
    _checker,
    _compare,
    _pair,
    _params_dict,
    _problem,
    _require_function,
    _rng,
    _scaled,
    _sizes_text,
    _swapped,
    _where,
    _Wrong,
)


def _top_variants(x, y, params, zhf, n):
    """Recognised mistakes for dL/dw2 and dL/db2."""
    z, h, f = zhf
    d = (2.0 / n) * (f - y)  # dL/df, (n,)
    dt, ht = _tanh_net(y, params, z, n)
    w2 = _scaled(
        [
            ("", d @ h),
            (_TANH_NET, dt @ ht),
            ("used f where the residual f − y belongs: ∂L/∂f = (2/n)(f − y)", (2.0 / n) * f @ h),
            ("used z instead of h = σ(z): ∂f/∂w2 is h", d @ z),
            ("used σ′(z) where h = σ(z) belongs: ∂f/∂w2 is h", d @ sigmoid_prime(z)),
            ("multiplied by x: ∂f/∂w2 is h, with no x in it", (d * x) @ h),
            (
                "used the input x where the hidden output h belongs: ∂f/∂w2 = h",
                np.full(h.shape[1], d @ x),
            ),
            ("multiplied by w2 as well: ∂f/∂w2 = h, with no w2 in it", (d @ h) * params["w2"]),
        ],
        n,
    )
    b2 = _scaled(
        [
            ("", d.sum()),
            (_TANH_NET, dt.sum()),
            ("used f where the residual f − y belongs: ∂L/∂f = (2/n)(f − y)", (2.0 / n) * f.sum()),
            ("multiplied by x: ∂f/∂b2 = 1, with no x in it", d @ x),
            ("multiplied by h: that is ∂L/∂w2's factor; ∂f/∂b2 = 1", (d @ h).sum()),
        ],
        n,
    )
    return w2, b2


def _hidden_variants(x, y, params, zhf, n):
    """Recognised mistakes for dL/dw1 and dL/db1."""
    z, h, f = zhf
    d = (2.0 / n) * (f - y)
    w2 = params["w2"]
    up = d[:, None] * w2  # dL/dh, (n, k)
    dz = up * h * (1.0 - h)
    wrong_dz = [
        ("", dz),
        ("forgot the σ′ factor: ∂h/∂z = σ′(z) = h(1 − h) belongs in the product", up),
        ("used σ(z) where σ′(z) = σ(z)(1 − σ(z)) belongs", up * h),
        ("applied σ′ to h = σ(z) instead of to z", up * sigmoid_prime(h)),
        ("forgot the w2 factor: ∂f/∂h = w2", d[:, None] * h * (1.0 - h)),
        (
            "used w1 where w2 belongs: the factor ∂f/∂h is the output layer's weight w2",
            d[:, None] * params["w1"] * h * (1.0 - h),
        ),
        ("used tanh′'s formula 1 − h² where σ′ = h(1 − h) belongs", up * (1.0 - h * h)),
        (
            "used tanh′(z) = 1 − tanh²(z) where σ′(z) = σ(z)(1 − σ(z)) belongs",
            up * (1 - np.tanh(z) ** 2),
        ),
        ("used σ′ of w2 (or of f) where σ′(z) belongs", up * sigmoid_prime(w2)),
    ]
    w1 = _scaled([(m, x @ g) for m, g in wrong_dz], n)
    w1 += _scaled(
        [
            ("forgot the x factor: ∂z/∂w1 = x" + (f" — and {m}" if m else ""), g.sum(axis=0))
            for m, g in wrong_dz
        ],
        n,
    )
    b1 = _scaled([(m, g.sum(axis=0)) for m, g in wrong_dz], n)
    b1 += _scaled([("multiplied by x: ∂z/∂b1 = 1, so there is no x in ∂L/∂b1", x @ dz)], n)
    b1 += [
        (
            "summed over the hidden units (axis 1) instead of the samples (axis 0): ∂L/∂b1 "
            "is the column sums of Δ, one value per hidden unit — Delta.sum(axis=0)",
            dz.sum(axis=1),
        )
    ]
    dt, ht = _tanh_net(y, params, z, n)
    dz_t = dt[:, None] * w2 * (1.0 - ht * ht)
    w1 += [(_TANH_NET, x @ dz_t)]
    b1 += [(_TANH_NET, dz_t.sum(axis=0))]
    w1 += _scaled(
        [
            (
                "multiplied by h (the layer's output) where x (its input) belongs: ∂z/∂w1 = x",
                (dz * h).sum(axis=0),
            )
        ],
        n,
    )
    return w1, b1


_TANH_NET = "this is the gradient of a tanh network; this chapter's network uses h = σ(z)"


def _tanh_net(y, params, z, n):
    """dL/df and h of the same network with tanh hidden units: a mix-up of activations."""
    ht = np.tanh(z)  # (n, k)
    return (2.0 / n) * (ht @ params["w2"] + params["b2"] - y), ht


#: How the gradient checkers speak of an entry and of an extra axis (see _shape_hint).
_UNITS = {"unit": "hidden unit", "samples": True}

_W2_FORMULA = "∂L/∂w2 = Hᵀ δ_f with δ_f = (2/n)(f − y) (chapter 3)"
_B2_FORMULA = "∂L/∂b2 = Σ_j (2/n)(f_j − y_j) (chapter 3)"
_W1_FORMULA = "∂L/∂w1 = Δᵀ x with Δ = (δ_f w2ᵀ) ⊙ σ′(Z) (chapter 3)"
_B1_FORMULA = "∂L/∂b1 = Δᵀ 1, the column sums of Δ (chapter 3)"


@_checker("grad_w2_b2")
def check_grad_w2_b2(grad_w2_b2, seed=None):
    """Check grad_w2_b2(x, y, params) -> (dL_dw2 of shape (k,), dL_db2 a scalar)."""
    sig = "grad_w2_b2(x, y, params) -> (dL_dw2, dL_db2)"
    _require_function(grad_w2_b2, "grad_w2_b2", sig)
    rng = _rng(seed)
    for k, n in SIZES:
        x, y, params, _, _, grads, zhf = _problem(rng, k, n)
        where = _where(k, n)
        out = _call_xy(grad_w2_b2, x, y, params, "grad_w2_b2", sig, where)
        dw2, db2 = _pair(out, ("w2", "b2"), where, "(dL_dw2, dL_db2)")
        if np.ndim(dw2) == 0 and np.shape(db2) == (k,):
            raise _Wrong(
                f"the two values look swapped ({where}): return (dL_dw2, dL_db2), the (k,) "
                "array first and the number second"
            )
        _swapped(
            {"dL_dw2": dw2, "dL_db2": db2},
            {"dL_dw2": grads["w2"], "dL_db2": grads["b2"]},
            where,
            "return (dL_dw2, dL_db2) in that order",
        )
        w2_var, b2_var = _top_variants(x, y, params, zhf, n)
        _compare("dL_dw2", dw2, grads["w2"], where, w2_var, _W2_FORMULA, **_UNITS)
        _compare("dL_db2", db2, grads["b2"], where, b2_var, _B2_FORMULA, **_UNITS)
    return f"grad_w2_b2 is right on {len(SIZES)} random problems ({_sizes_text()})."


@_checker("grad_w1_b1")
def check_grad_w1_b1(grad_w1_b1, seed=None):
    """Check grad_w1_b1(x, y, params) -> (dL_dw1 of shape (k,), dL_db1 of shape (k,))."""
    sig = "grad_w1_b1(x, y, params) -> (dL_dw1, dL_db1)"
    _require_function(grad_w1_b1, "grad_w1_b1", sig)
    rng = _rng(seed)
    for k, n in SIZES:
        x, y, params, _, _, grads, zhf = _problem(rng, k, n)
        where = _where(k, n)
        out = _call_xy(grad_w1_b1, x, y, params, "grad_w1_b1", sig, where)
        dw1, db1 = _pair(out, ("w1", "b1"), where, "(dL_dw1, dL_db1)")
        _swapped(
            {"dL_dw1": dw1, "dL_db1": db1},
            {"dL_dw1": grads["w1"], "dL_db1": grads["b1"]},
            where,
            "return (dL_dw1, dL_db1) in that order",
        )
        w1_var, b1_var = _hidden_variants(x, y, params, zhf, n)
        _compare("dL_dw1", dw1, grads["w1"], where, w1_var, _W1_FORMULA, **_UNITS)
        _compare("dL_db1", db1, grads["b1"], where, b1_var, _B1_FORMULA, **_UNITS)
    return f"grad_w1_b1 is right on {len(SIZES)} random problems ({_sizes_text()})."


@_checker("loss_and_grads")
def check_loss_and_grads(loss_and_grads, seed=None):
    """Check loss_and_grads(x, y, params) -> (loss, {"w1", "b1", "w2", "b2": gradients})."""
    sig = 'loss_and_grads(x, y, params) -> (loss, {"w1": ..., "b1": ..., "w2": ..., "b2": ...})'
    _require_function(loss_and_grads, "loss_and_grads", sig)
    rng = _rng(seed)
    for k, n in SIZES:
        x, y, params, _, loss, grads, zhf = _problem(rng, k, n)
        where = _where(k, n)
        out = _call_xy(loss_and_grads, x, y, params, "loss_and_grads", sig, where)
        got_loss, got_grads = _pair(out, ("loss", "grads"), where, "(loss, grads)")
        if isinstance(got_loss, dict) and not isinstance(got_grads, dict):
            raise _Wrong(
                f"the two values are swapped ({where}): return (loss, grads), the number "
                "first and the dict of gradients second"
            )
        r = zhf[2] - y
        loss_var = [
            ("the sum of squares, not the mean: divide by n", np.sum(r * r)),
            ("half the mean: the course's loss has no ½ in front", 0.5 * loss),
            (
                "half the sum of squares, ½ Σ (f − y)²: the loss is the mean, (1/n) Σ",
                0.5 * np.sum(r * r),
            ),
            ("the root of the mean square: the loss is not square-rooted", np.sqrt(loss)),
            ("the mean of |f − y|: the residuals must be squared", np.mean(np.abs(r))),
            ("the mean of f − y: the residuals must be squared", np.mean(r)),
        ]
        _compare("loss", got_loss, loss, where, loss_var, "L = (1/n) Σ_j (f(x_j) − y_j)²")
        got_grads = _params_dict("the gradient dict (the second value)", got_grads, where)
        _swapped(
            {f'grads["{nm}"]': got_grads[nm] for nm in PARAM_NAMES},
            {f'grads["{nm}"]': grads[nm] for nm in PARAM_NAMES},
            where,
            "each gradient goes under its own parameter's key, as in net.params",
        )
        w2_var, b2_var = _top_variants(x, y, params, zhf, n)
        w1_var, b1_var = _hidden_variants(x, y, params, zhf, n)
        for name, var, formula in (
            ("w1", w1_var, _W1_FORMULA),
            ("b1", b1_var, _B1_FORMULA),
            ("w2", w2_var, _W2_FORMULA),
            ("b2", b2_var, _B2_FORMULA),
        ):
            _compare(
                f'grads["{name}"]', got_grads[name], grads[name], where, var, formula, **_UNITS
            )
    return f"loss_and_grads is right on {len(SIZES)} random problems ({_sizes_text()})."
