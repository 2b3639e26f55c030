"""Checkers for chapter 8: one step of momentum."""

from __future__ import annotations

import numpy as np

from ..network import PARAM_NAMES
from .machinery import (
    _call_fresh,
    _checker,
    _close,
    _compare,
    _pair,
    _params_dict,
    _random_params,
    _require_function,
    _rng,
    _swapped,
    _Wrong,
)

#: What to do instead of changing the dictionaries in place.
_NEW_DICTS = (
    "return new dicts: `new_velocity = {name: beta * velocity[name] + grads[name] for name in "
    "params}`, then `new_params` from it; `velocity[name] = ...` or `params[name] -= ...` "
    "changes the caller's arrays"
)
_OTHER = (
    "that is the other common convention (v ← βv − lr·g, θ ← θ + v); this course "
    "uses v ← βv + g, then θ ← θ − lr·v"
)


def _pair_order(new_p, new_v, p_right, v_right, where):
    """Name (new_velocity, new_params) returned in the wrong order, before blaming a formula."""
    if not (isinstance(new_p, dict) and isinstance(new_v, dict)):
        return
    if all(nm in new_p and nm in new_v for nm in PARAM_NAMES) and all(
        _close(new_p[nm], v_right[nm]) and _close(new_v[nm], p_right[nm]) for nm in PARAM_NAMES
    ):
        raise _Wrong(
            f"the two dicts are swapped ({where}): both are right, but the first is the new "
            "velocity and the second the new params",
            "return (new_params, new_velocity) in that order",
        )


@_checker("momentum_step")
def check_momentum_step(momentum_step, seed=None):
    """Check momentum_step(params, grads, velocity, lr, beta) -> (new_params, new_velocity)."""
    sig = "momentum_step(params, grads, velocity, lr, beta) -> (new_params, new_velocity)"
    _require_function(momentum_step, "momentum_step", sig)
    rng = _rng(seed)
    for k in (3, 1, 10):
        params, grads = _random_params(rng, k), _random_params(rng, k)
        velocity = _random_params(rng, k, 0.5)
        lr, beta = float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.5, 0.95))
        where = f"k = {k}, lr = {lr:.4g}, beta = {beta:.4g}"
        inputs = {"params": params, "grads": grads, "velocity": velocity, "lr": lr, "beta": beta}
        out = _call_fresh(momentum_step, inputs, "momentum_step", sig, where, _NEW_DICTS)
        new_p, new_v = _pair(out, ("params", "velocity"), where, "(new_params, new_velocity)")
        v_right = {nm: beta * velocity[nm] + grads[nm] for nm in PARAM_NAMES}
        p_right = {nm: params[nm] - lr * v_right[nm] for nm in PARAM_NAMES}
        _pair_order(new_p, new_v, p_right, v_right, where)
        new_v = _params_dict("the new velocity", new_v, where)
        new_p = _params_dict("the new params", new_p, where)
        for label, got, right in (
            ("new velocity", new_v, v_right),
            ("new params", new_p, p_right),
        ):
            _swapped(
                {f'{label}["{nm}"]': got[nm] for nm in PARAM_NAMES},
                {f'{label}["{nm}"]': right[nm] for nm in PARAM_NAMES},
                where,
                "each parameter keeps its own key",
            )
        for name in PARAM_NAMES:
            p, g, v = params[name], grads[name], velocity[name]
            v_new = v_right[name]
            v_variants = [
                (_OTHER, beta * v - lr * g),
                (
                    "this is the moving-average form βv + (1 − β)g; here v ← βv + g",
                    beta * v + (1 - beta) * g,
                ),
                ("β multiplies the gradient instead of the old velocity: v ← βv + g", v + beta * g),
                ("β is missing: the old velocity decays by β each step, v ← βv + g", v + g),
                (
                    "lr belongs in the step, not in the velocity: v ← βv + g, then θ ← θ − lr·v",
                    beta * v + lr * g,
                ),
                ("the old velocity is missing: v ← βv + g", g),
                ("the gradient is missing: v ← βv + g", beta * v),
                ("the velocity did not change: v ← βv + g", v),
                ("wrong sign on the gradient: v ← βv + g", beta * v - g),
            ]
            _compare(f'new velocity["{name}"]', new_v[name], v_new, where, v_variants, "v ← βv + g")
            p_variants = [
                ("the step used the old velocity: update v first, then θ ← θ − lr·v", p - lr * v),
                (
                    "the step ignored the velocity (plain gradient descent): θ ← θ − lr·v",
                    p - lr * g,
                ),
                ("wrong sign: θ ← θ − lr·v", p + lr * v_new),
                ("forgot the learning rate: θ ← θ − lr·v", p - v_new),
                ("β was applied again in the step: θ ← θ − lr·v", p - lr * beta * v_new),
                ("the parameters did not move: θ ← θ − lr·v", p + 0.0 * v),
                (
                    "returned the step lr·v, not the new parameters θ − lr·v",
                    np.asarray(-lr * v_new),
                ),
            ]
            _compare(
                f'new params["{name}"]',
                new_p[name],
                p - lr * v_new,
                where,
                p_variants,
                "θ ← θ − lr·v with the new v",
            )
    return "momentum_step is right on 3 random steps (k = 1, 3, 10)."
