"""Checkers for chapter 7: one step of gradient descent, and a learning rate that learns."""

from __future__ import annotations

import numbers

import numpy as np

from ..data import NOISE_FLOOR, bump_data
from ..network import PARAM_NAMES, Network
from ..training import train
from .machinery import (
    _call,
    _checker,
    _compare,
    _copies,
    _NotYet,
    _params_dict,
    _random_params,
    _require_function,
    _rng,
    _short,
    _unchanged,
    _Wrong,
)

#: Epochs that check_learning_rate trains for (tanh, k = 10, full-batch GD, seed 0).
#: Measured on bump_data(seed=0): every lr from about 0.13 to 0.33 reaches LR_TARGET
#: within these epochs (0.3 at epoch ~1,200); below, the loss is still too high; from
#: about 0.34 up, training diverges. The window has no holes at a 0.001 grid.
LR_EPOCHS = 2500
#: The training loss check_learning_rate asks for: 1.5 x the noise floor.
LR_TARGET = 1.5 * NOISE_FLOOR


@_checker("gd_step")
def check_gd_step(gd_step, seed=None):
    """Check gd_step(params, grads, lr) -> new params, θ − lr·g for every parameter."""
    sig = "gd_step(params, grads, lr) -> new params dict"
    _require_function(gd_step, "gd_step", sig)
    rng = _rng(seed)
    for k in (3, 1, 10):
        params, grads = _random_params(rng, k), _random_params(rng, k)
        lr = float(rng.uniform(0.01, 0.5))
        where = f"k = {k}, lr = {lr:.4g}"
        args = (_copies(params), _copies(grads), lr)
        out = _call(gd_step, args, "gd_step", sig, where)
        _unchanged({"grads": grads}, {"grads": args[1]}, where)
        out = _params_dict("the returned params", out, where)
        for name in PARAM_NAMES:
            p, g = params[name], grads[name]
            variants = [
                ("wrong sign: step downhill, θ − lr·g (you added the gradient)", p + lr * g),
                ("forgot the learning rate: θ − lr·g", p - g),
                ("returned the step lr·g, not the new parameters θ − lr·g", -lr * g),
                ("returned the step lr·g, not the new parameters θ − lr·g", lr * g),
                ("the parameters did not move: θ − lr·g", p),
                ("returned the gradient, not the new parameters θ − lr·g", g),
                ("divided by the learning rate: multiply, θ − lr·g", p - g / lr),
            ]
            _compare(
                f'new params["{name}"]', out[name], p - lr * g, where, variants, "θ ← θ − lr·g"
            )
    return "gd_step is right on 3 random steps (k = 1, 3, 10)."


def _lr_value(lr):
    if isinstance(lr, np.ndarray) and lr.ndim == 0:
        lr = lr.item()
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        return None
    return float(lr)


@_checker("learning rate", todo="lr is")
def check_learning_rate(lr):
    """Check that full-batch GD with this lr reaches LR_TARGET within LR_EPOCHS epochs.

    The run: tanh, k = 10, uniform initialisation, seed 0, on bump_data(seed=0).
    """
    if lr is Ellipsis:
        raise _NotYet
    value = _lr_value(lr)
    if value is None:
        raise _Wrong(
            f"lr should be a positive number such as 0.1, got {type(lr).__name__} {_short(lr)}"
        )
    if not np.isfinite(value) or value <= 0:
        why = " (a negative learning rate climbs uphill)" if value < 0 else ""
        raise _Wrong(f"lr should be a positive number, got {value:g}{why}")
    data = bump_data(seed=0)
    net = Network(hidden=10, activation="tanh", seed=0)
    hist = train(net, data.x, data.y, lr=value, epochs=LR_EPOCHS)
    if hist.diverged:
        raise _Wrong(
            f"lr = {value:g} is too large: training diverged at epoch {hist.epochs + 1} "
            "(the loss stopped being finite); try a smaller learning rate"
        )
    reached = hist.epochs_to(LR_TARGET)
    if reached is None:
        last, first = hist.loss[-1], hist.loss[0]
        if last > first:
            raise _Wrong(
                f"lr = {value:g} is too large: the loss grew from {first:.4g} to {last:.4g} "
                f"in {LR_EPOCHS} epochs; try a smaller learning rate"
            )
        raise _Wrong(
            f"lr = {value:g} is too small: the loss is still {last:.4g} after {LR_EPOCHS} "
            f"epochs (need ≤ {LR_TARGET:.4g}, 1.5 × the noise floor); try a larger one"
        )
    return (
        f"lr = {value:g} reaches a loss ≤ {LR_TARGET:.4g} (1.5 × the noise floor) at epoch "
        f"{reached} of {LR_EPOCHS}, without diverging."
    )
