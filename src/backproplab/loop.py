"""The per-sample Python loop: the gradients computed the way the source homework does (chapter 6).

This is the slow baseline that chapter 6 and the benchmarks time against the vectorised
``Network.loss_and_grads``. It is written for comparison, not for use: one function per
parameter, each looping over the samples in Python and re-running the forward pass for
every sample, so a gradient-descent epoch makes five passes over the data (four gradients
and the loss).
"""

from __future__ import annotations

import numpy as np

from . import _validate


def _forward_one(params: dict, act, xj: float):
    """The forward pass for one sample, {eq}`eq-forward`: z, h of shape (k,) and the scalar f."""
    z = params["w1"] * xj + params["b1"]  # (k,)
    h = act.fn(z)  # (k,)
    return z, h, float(h @ params["w2"] + params["b2"])


# One function per quantity, each for ONE sample (xj, yj), each starting from its own forward
# pass: this repetition is exactly what makes the homework's loop slow.
def _loss_one(params, act, xj, yj):
    f = _forward_one(params, act, xj)[2]
    return (f - yj) ** 2


def _grad_w1_one(params, act, xj, yj):
    z, _, f = _forward_one(params, act, xj)
    return 2.0 * (f - yj) * params["w2"] * act.prime(z) * xj  # eq-grad-w1


def _grad_b1_one(params, act, xj, yj):
    z, _, f = _forward_one(params, act, xj)
    return 2.0 * (f - yj) * params["w2"] * act.prime(z)  # eq-grad-b1


def _grad_w2_one(params, act, xj, yj):
    _, h, f = _forward_one(params, act, xj)
    return 2.0 * (f - yj) * h  # eq-grad-w2


def _grad_b2_one(params, act, xj, yj):
    f = _forward_one(params, act, xj)[2]
    return np.array(2.0 * (f - yj))  # eq-grad-b2


def _mean_over_samples(one, params, act, x, y):
    """(1/n) sum_j one(x_j, y_j), one Python iteration per sample, as the homework's mean_func."""
    total = 0.0
    for xj, yj in zip(x, y, strict=True):
        total = total + one(params, act, xj, yj)
    return total / x.size


_GRADS = {"w1": _grad_w1_one, "b1": _grad_b1_one, "w2": _grad_w2_one, "b2": _grad_b2_one}


def loop_loss_and_grads(net, x, y):
    """The same (loss, grads) as ``net.loss_and_grads(x, y)``, by five per-sample Python loops."""
    x, y = _validate.as_xy(x, y)
    params, act = net.params, net.activation
    loss = float(_mean_over_samples(_loss_one, params, act, x, y))
    grads = {name: _mean_over_samples(one, params, act, x, y) for name, one in _GRADS.items()}
    grads["b2"] = np.array(float(grads["b2"]))
    return loss, grads


def loop_epoch(net, x, y, lr: float) -> float:
    """One full-batch gradient-descent epoch by the per-sample loop; returns the loss before the step.

    The homework updates w1 before it computes the gradient of w2, and so on; here all four
    gradients are taken at the same parameters, so one call equals one epoch of
    ``bp.train(net, x, y, lr, epochs=1)`` and records the same loss.
    """
    lr = _validate.positive("lr", lr)
    loss, grads = loop_loss_and_grads(net, x, y)
    for name, g in grads.items():
        net.params[name] -= lr * g  # eq-gd-step
    return loss
