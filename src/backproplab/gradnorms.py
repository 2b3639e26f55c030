"""The size of each layer's gradient, ||dL/dW_l||: how it shrinks or grows with depth (chapter 9)."""

from __future__ import annotations

import numpy as np

from . import _validate
from . import experiment as ex
from .deep import DeepNetwork


def layer_grad_norms(grads: dict) -> np.ndarray:
    """The size of each layer's weight gradient, ||dL/dW_l|| (Frobenius), for l = 1..L."""
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of gradients by name, got {type(grads).__name__}")
    depth = sum(1 for name in grads if name.startswith("W"))
    if depth == 0 or any(f"W{k}" not in grads for k in range(1, depth + 1)):
        raise ValueError(f"grads must hold W1 ... WL, got keys {sorted(grads)}")
    return np.array([np.linalg.norm(grads[f"W{k}"]) for k in range(1, depth + 1)])


def layer_sizes(net: DeepNetwork, x, y) -> dict:
    """Each layer's sizes, l = 1..L (Frobenius norms): "W" ||dL/dW_l||, "delta" ||Δ_l||, "A" ||A_{l-1}||.

    dL/dW_l = A_{l-1}^T Δ_l, {eq}`eq-deep-grad-W`: its size follows both factors, the error
    arriving from above and the input arriving from below.
    """
    if not isinstance(net, DeepNetwork):
        raise TypeError(f"net must be a bp.DeepNetwork, got {type(net).__name__}")
    x, y = net._check_xy(x, y)
    (Z_L,), A = net._hidden(x, keep_z=False)
    _, delta = net._pair.loss_and_delta(Z_L, y)  # Δ_L
    deltas = dict(net._errors(A, delta))
    rows = [
        (
            np.linalg.norm(A[l - 1].T @ deltas[l]),
            np.linalg.norm(deltas[l]),
            np.linalg.norm(A[l - 1]),
        )
        for l in range(1, net.depth + 1)
    ]
    return dict(zip(("W", "delta", "A"), np.array(rows).T, strict=True))


def start_grad_norms(
    x, y, depth: int, activation=ex.ACTIVATION, init=ex.INIT, width=16, seeds=5, of="W"
):
    """||dL/dW_l|| for l = 1..depth at the start of training, for hidden layers of `width` units.

    The geometric mean over networks drawn with seeds 0 .. seeds-1, so that one lucky draw
    does not decide; depth counts the layers with weights (chapter 3's network has depth 2).
    of="delta" gives ||Δ_l|| instead, and of="A" the size of layer l's input ||A_{l-1}||.
    """
    if of not in ("W", "delta", "A"):
        raise ValueError(f"of must be 'W', 'delta' or 'A', got {of!r}")
    x, y = _validate.as_xy(x, y)
    depth = _validate.integer("depth", depth, minimum=1)
    width = _validate.integer("width", width, minimum=1)
    seeds = _validate.integer("seeds", seeds, minimum=1)
    sizes = (1,) + (width,) * (depth - 1) + (1,)
    with np.errstate(divide="ignore"):  # a dead ReLU layer has norm 0: its mean is 0 too
        logs = [
            np.log(layer_sizes(DeepNetwork(sizes, activation, s, init), x, y)[of])
            for s in range(seeds)
        ]
    return np.exp(np.mean(logs, axis=0))
