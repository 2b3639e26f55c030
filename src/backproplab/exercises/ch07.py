"""Checkers for chapter 7: one step of gradient descent, and a learning rate that learns."""

from __future__ import annotations

import numbers

import numpy as np

from .. import experiment
from ..data import bump_data
from ..network import PARAM_NAMES, Network
from ..training import train
from .machinery import (
    _call_fresh,
    _checker,
    _compare,
    _NotYet,
    _params_dict,
    _random_params,
    _require_function,
    _rng,
    _short,
    _swapped,
    _Wrong,
)

#: Epochs that check_learning_rate trains for (see its docstring for the window it gives).
LR_EPOCHS = 2500
#: The target, as a multiple of the noise floor: the loss must reach 1.5 x NOISE_FLOOR.
LR_FACTOR = 1.5
#: The training loss check_learning_rate asks for, with the experiment as imported.
LR_TARGET = LR_FACTOR * experiment.NOISE_FLOOR


#: What to do instead of changing params in place, for the step checkers.
_NEW_DICT = (
    "return a new dict: `{name: params[name] - lr * grads[name] for name in params}`; "
    "`params[name] -= ...` (or `new = params` then `new[name] -= ...`) changes the caller's arrays"
)


def _other_keys(params, grads, name, step):
    """Wrong answers that take one parameter's ingredient from another key."""
    out = []
    for other in PARAM_NAMES:
        if other == name or np.shape(params[other]) != np.shape(params[name]):
            continue
        out.append(
            (
                f'used grads["{other}"] to move params["{name}"]: each parameter steps along '
                "its own gradient",
                step(params[name], grads[other]),
            )
        )
        out.append(
            (
                f'started from params["{other}"] instead of params["{name}"]',
                step(params[other], grads[name]),
            )
        )
    return out


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
        inputs = {"params": params, "grads": grads, "lr": lr}
        out = _call_fresh(gd_step, inputs, "gd_step", sig, where, _NEW_DICT)
        out = _params_dict("the returned params", out, where)
        _swapped(
            {f'new params["{nm}"]': out[nm] for nm in PARAM_NAMES},
            {f'new params["{nm}"]': params[nm] - lr * grads[nm] for nm in PARAM_NAMES},
            where,
            "each parameter keeps its own key",
        )
        for name in PARAM_NAMES:
            p, g = params[name], grads[name]
            variants = _other_keys(params, grads, name, lambda p, g, lr=lr: p - lr * g)
            variants += [
                ("wrong sign: step downhill, θ − lr·g (you added the gradient)", p + lr * g),
                ("forgot the learning rate: θ − lr·g", p - g),
                ("returned the step lr·g, not the new parameters θ − lr·g", -lr * g),
                ("returned the step lr·g, not the new parameters θ − lr·g", lr * g),
                ("the parameters did not move: θ − lr·g", p),
                ("returned the gradient, not the new parameters θ − lr·g", g),
                ("divided by the learning rate: multiply, θ − lr·g", p - g / lr),
                ("the learning rate is applied twice: θ − lr·g, not θ − lr²·g", p - lr * lr * g),
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
    """Check that full-batch GD with this lr reaches 1.5 x the noise floor in LR_EPOCHS epochs.

    Everything but the tanh units comes from ``bp.experiment``, read when the check runs: the
    data are ``bump_data(N, NOISE, SEED)`` (the defaults of ``bp.bump_data()``), the network
    is ``Network(HIDDEN, "tanh", SEED, INIT)``, and the target is LR_FACTOR x NOISE_FLOOR.
    Change the experiment and the window moves with it. Measured with LR_EPOCHS = 2500, k = 10,
    uniform init, seed 0: at NOISE = 0.05 every lr from about 0.13 to 0.33 reaches the target
    (0.3 at epoch ~1,200, no holes at a 0.001 grid); at 0.1 from below 0.05; at 0.2 even 0.01
    does. Less noise makes the target harder: at 0.02 only rates near 0.3 reach it (0.25 and
    0.33 do not), so raise LR_EPOCHS with it. From about 0.34 up training diverges at all four
    noise levels: gradient descent's stability bound depends on the inputs x and the network,
    hardly on the noise in y.
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
    ex = experiment
    target = LR_FACTOR * ex.NOISE_FLOOR
    floor = f"{LR_FACTOR:g} × the noise floor {ex.NOISE_FLOOR:.4g}"
    data = bump_data(n=ex.N, noise=ex.NOISE, seed=ex.SEED)
    net = Network(hidden=ex.HIDDEN, activation="tanh", seed=ex.SEED, init=ex.INIT)
    hist = train(net, data.x, data.y, lr=value, epochs=LR_EPOCHS)
    if hist.diverged:
        raise _Wrong(
            f"lr = {value:g} is too large: training diverged at epoch {hist.epochs + 1} "
            "(the loss stopped being finite); try a smaller learning rate"
        )
    reached = hist.epochs_to(target)
    if reached is None:
        last, first = hist.loss[-1], hist.loss[0]
        if last > first:
            raise _Wrong(
                f"lr = {value:g} is too large: the loss grew from {first:.4g} to {last:.4g} "
                f"in {LR_EPOCHS} epochs; try a smaller learning rate"
            )
        raise _Wrong(
            f"lr = {value:g} is too small: the loss is still {last:.4g} after {LR_EPOCHS} "
            f"epochs (need ≤ {target:.4g}, {floor}); try a larger one"
        )
    return (
        f"lr = {value:g} reaches a loss ≤ {target:.4g} ({floor}) at epoch "
        f"{reached} of {LR_EPOCHS}, without diverging."
    )
