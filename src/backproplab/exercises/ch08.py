"""Checkers for chapter 8: one step of momentum."""

from __future__ import annotations

from ..network import PARAM_NAMES
from .machinery import (
    _call,
    _checker,
    _compare,
    _copies,
    _pair,
    _params_dict,
    _random_params,
    _require_function,
    _rng,
    _unchanged,
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
        args = (_copies(params), _copies(grads), _copies(velocity), lr, beta)
        out = _call(momentum_step, args, "momentum_step", sig, where)
        _unchanged({"grads": grads}, {"grads": args[1]}, where)
        new_p, new_v = _pair(out, ("params", "velocity"), where, "(new_params, new_velocity)")
        new_v = _params_dict("the new velocity", new_v, where)
        new_p = _params_dict("the new params", new_p, where)
        other = "that is the other common convention (v ← βv − lr·g, θ ← θ + v); this course "
        other += "uses v ← βv + g, then θ ← θ − lr·v"
        for name in PARAM_NAMES:
            p, g, v = params[name], grads[name], velocity[name]
            v_new = beta * v + g
            v_variants = [
                (other, beta * v - lr * g),
                (
                    "this is the moving-average form βv + (1 − β)g; here v ← βv + g",
                    beta * v + (1 - beta) * g,
                ),
                ("β multiplies the gradient instead of the old velocity: v ← βv + g", v + beta * g),
                ("the old velocity is missing: v ← βv + g", g),
                ("the gradient is missing: v ← βv + g", beta * v),
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
